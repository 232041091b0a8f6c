#include "common/postgres/migrations.h"

#include <set>

#include "absl/strings/str_cat.h"
#include "common/log/log.h"
#include "common/storage/rows.h"

namespace classplan::postgres {
namespace {

constexpr char kWho[] = "postgres migrate";

constexpr char kCreateTable[] =
    "CREATE TABLE IF NOT EXISTS schema_migrations ("
    "version INTEGER PRIMARY KEY, name TEXT NOT NULL, "
    "applied_at TIMESTAMPTZ NOT NULL DEFAULT now())";

absl::StatusOr<std::set<int64_t>> AppliedVersions(Database& db) {
  auto st = db.Prepare("SELECT version FROM schema_migrations");
  if (!st.ok()) return st.status();
  std::set<int64_t> versions;
  absl::Status s = storage::ForEachRow(*st, [&] {
    versions.insert(st->ColumnInt(0));
    return absl::OkStatus();
  });
  if (!s.ok()) return s;
  return versions;
}

// Holds the migration lock for its scope. Session-level, so it spans the migrations'
// transactions; released explicitly (a connection going back to a pool keeps its session).
class MigrationLock {
 public:
  explicit MigrationLock(Database& db) : db_(db) {}
  ~MigrationLock() {
    if (held_)
      db_.Exec(absl::StrCat("SELECT pg_advisory_unlock(", kMigrationLockKey, ")")).IgnoreError();
  }
  absl::Status Take() {
    // Waiting for another replica's migrations may take longer than one statement may.
    absl::Status s = db_.Exec(absl::StrCat("SET statement_timeout = 0; SELECT pg_advisory_lock(",
                                           kMigrationLockKey, "); RESET statement_timeout"));
    held_ = s.ok();
    return s;
  }

 private:
  Database& db_;
  bool held_ = false;
};

absl::Status Apply(Database& db, const Migration& m) {
  absl::Status status = db.Transaction([&]() -> absl::Status {
    if (absl::Status s = db.Exec(m.sql); !s.ok()) return s;
    auto insert = db.Prepare("INSERT INTO schema_migrations(version, name) VALUES($1, $2)");
    if (!insert.ok()) return insert.status();
    insert->Bind(1, int64_t{m.version}).Bind(2, m.name);
    return insert->Step().status();
  });
  if (!status.ok()) {
    return absl::Status(status.code(), absl::StrCat(kWho, ": migration ", m.version, " (", m.name,
                                                    ") failed: ", status.message()));
  }
  log::Info("postgres migration applied",
            {{"version", int64_t{m.version}}, {"name", std::string_view(m.name)}});
  return absl::OkStatus();
}

}  // namespace

absl::StatusOr<int> SchemaVersion(Database& db) {
  if (absl::Status s = db.Exec(kCreateTable); !s.ok()) return s;
  auto applied = AppliedVersions(db);
  if (!applied.ok()) return applied.status();
  return applied->empty() ? 0 : static_cast<int>(*applied->rbegin());
}

absl::Status Migrate(Database& db, const std::vector<Migration>& migrations) {
  if (absl::Status s = storage::ValidateMigrations(kWho, migrations); !s.ok()) return s;
  if (db.InTransaction()) {
    return absl::FailedPreconditionError("postgres migrate: called inside a transaction");
  }
  MigrationLock lock(db);
  if (absl::Status s = lock.Take(); !s.ok()) return s;
  // Under the lock: nobody else creates the table or applies a step until we are done.
  if (absl::Status s = db.Exec(kCreateTable); !s.ok()) return s;
  auto applied = AppliedVersions(db);
  if (!applied.ok()) return applied.status();
  if (absl::Status s = storage::CheckApplied(kWho, *applied, migrations); !s.ok()) return s;
  for (const Migration& m : migrations) {
    if (applied->count(m.version) != 0) continue;
    if (absl::Status s = Apply(db, m); !s.ok()) return s;
  }
  return absl::OkStatus();
}

absl::StatusOr<std::unique_ptr<ConnectionPool>> OpenMigrated(
    const std::string& conninfo, int size, const std::vector<Migration>& migrations,
    const ConnectOptions& options) {
  auto pool = ConnectionPool::Create(conninfo, size, options);
  if (!pool.ok()) return pool.status();
  {
    auto lease = (*pool)->Acquire();
    if (!lease.ok()) return lease.status();
    if (absl::Status s = Migrate(lease->db(), migrations); !s.ok()) return s;
  }
  return pool;
}

}  // namespace classplan::postgres
