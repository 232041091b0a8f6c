#include "common/sqlite/migrations.h"

#include <cstdint>
#include <set>

#include "absl/status/statusor.h"
#include "absl/strings/str_cat.h"
#include "common/log/log.h"

namespace classplan::sqlite {
namespace {

constexpr char kWho[] = "sqlite migrate";

constexpr char kCreateTable[] =
    "CREATE TABLE IF NOT EXISTS schema_migrations ("
    "version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at TEXT NOT NULL)";

absl::StatusOr<std::set<int64_t>> AppliedVersions(Database& db) {
  absl::StatusOr<Statement> stmt = db.Prepare("SELECT version FROM schema_migrations");
  if (!stmt.ok()) return stmt.status();
  std::set<int64_t> versions;
  while (true) {
    absl::StatusOr<bool> row = stmt->Step();
    if (!row.ok()) return row.status();
    if (!*row) break;
    versions.insert(stmt->ColumnInt(0));
  }
  return versions;
}

absl::StatusOr<bool> IsApplied(Database& db, int version) {
  absl::StatusOr<Statement> stmt = db.Prepare("SELECT 1 FROM schema_migrations WHERE version = ?");
  if (!stmt.ok()) return stmt.status();
  stmt->Bind(1, int64_t{version});
  return stmt->Step();
}

// Fails if the migration left rows pointing at missing parents (enforcement is off while it
// runs). Only table names are reported, never row contents.
absl::Status CheckForeignKeys(Database& db) {
  absl::StatusOr<Statement> stmt = db.Prepare("PRAGMA foreign_key_check");
  if (!stmt.ok()) return stmt.status();
  absl::StatusOr<bool> row = stmt->Step();
  if (!row.ok()) return row.status();
  if (!*row) return absl::OkStatus();
  return absl::FailedPreconditionError(absl::StrCat("foreign key violation in table ",
                                                    stmt->ColumnText(0), " (references ",
                                                    stmt->ColumnText(2), ")"));
}

absl::Status Apply(Database& db, const Migration& m) {
  bool applied_now = false;
  absl::Status status = db.Transaction([&]() -> absl::Status {
    // Another process may have applied it since we looked; we now hold the write lock.
    absl::StatusOr<bool> done = IsApplied(db, m.version);
    if (!done.ok()) return done.status();
    if (*done) return absl::OkStatus();
    if (absl::Status s = db.Exec(m.sql); !s.ok()) return s;
    if (absl::Status s = CheckForeignKeys(db); !s.ok()) return s;
    absl::StatusOr<Statement> insert = db.Prepare(
        "INSERT INTO schema_migrations(version, name, applied_at) "
        "VALUES(?, ?, strftime('%Y-%m-%dT%H:%M:%fZ', 'now'))");
    if (!insert.ok()) return insert.status();
    insert->Bind(1, int64_t{m.version}).Bind(2, m.name);
    if (absl::StatusOr<bool> r = insert->Step(); !r.ok()) return r.status();
    applied_now = true;
    return absl::OkStatus();
  });
  if (!status.ok()) {
    return absl::Status(status.code(), absl::StrCat("sqlite migrate: migration ", m.version, " (",
                                                    m.name, ") failed: ", status.message()));
  }
  if (applied_now) {
    log::Info("sqlite migration applied",
              {{"version", int64_t{m.version}}, {"name", std::string_view(m.name)}});
  }
  return absl::OkStatus();
}

// Turns foreign-key enforcement off for the scope (it cannot change inside a transaction) and
// restores the previous setting. With enforcement on, dropping a rebuilt parent table would
// run its ON DELETE actions and wipe child rows.
class ForeignKeysOff {
 public:
  explicit ForeignKeysOff(Database& db) : db_(db) {}
  ~ForeignKeysOff() {
    if (restore_) db_.Exec("PRAGMA foreign_keys=ON").IgnoreError();
  }
  absl::Status Disable() {
    absl::StatusOr<Statement> stmt = db_.Prepare("PRAGMA foreign_keys");
    if (!stmt.ok()) return stmt.status();
    absl::StatusOr<bool> row = stmt->Step();
    if (!row.ok()) return row.status();
    bool was_on = *row && stmt->ColumnInt(0) != 0;
    if (!was_on) return absl::OkStatus();
    if (absl::Status s = db_.Exec("PRAGMA foreign_keys=OFF"); !s.ok()) return s;
    restore_ = true;
    return absl::OkStatus();
  }

 private:
  Database& db_;
  bool restore_ = false;
};

}  // namespace

absl::StatusOr<int> SchemaVersion(Database& db) {
  if (absl::Status s = db.Exec(kCreateTable); !s.ok()) return s;
  absl::StatusOr<std::set<int64_t>> applied = AppliedVersions(db);
  if (!applied.ok()) return applied.status();
  return applied->empty() ? 0 : static_cast<int>(*applied->rbegin());
}

absl::Status Migrate(Database& db, const std::vector<Migration>& migrations) {
  if (absl::Status s = storage::ValidateMigrations(kWho, migrations); !s.ok()) return s;
  if (db.InTransaction()) {
    return absl::FailedPreconditionError("sqlite migrate: called inside a transaction");
  }
  if (absl::Status s = db.Exec(kCreateTable); !s.ok()) return s;

  absl::StatusOr<std::set<int64_t>> applied = AppliedVersions(db);
  if (!applied.ok()) return applied.status();
  if (absl::Status s = storage::CheckApplied(kWho, *applied, migrations); !s.ok()) return s;

  ForeignKeysOff fk_off(db);
  if (absl::Status s = fk_off.Disable(); !s.ok()) return s;
  for (const Migration& m : migrations) {
    if (applied->count(m.version) != 0) continue;
    if (absl::Status s = Apply(db, m); !s.ok()) return s;
  }
  return absl::OkStatus();
}

absl::StatusOr<std::unique_ptr<ConnectionPool>> OpenMigrated(
    const std::string& path, int size, const std::vector<Migration>& migrations) {
  auto pool = ConnectionPool::Create(path, size);
  if (!pool.ok()) return pool.status();
  {
    auto lease = (*pool)->Acquire();
    if (!lease.ok()) return lease.status();
    if (absl::Status s = Migrate(lease->db(), migrations); !s.ok()) return s;
  }
  return pool;
}

}  // namespace classplan::sqlite
