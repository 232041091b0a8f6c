#include "services/appraisal/store/sqlite_appraisal_store.h"

#include "absl/strings/str_cat.h"
#include "common/audit/sqlite_audit.h"
#include "common/dates/dates.h"
#include "common/sqlite/blob.h"
#include "common/sqlite/migrations.h"
#include "common/sqlite/rows.h"

namespace classplan::appraisal {
namespace {

const std::vector<sqlite::Migration>& Migrations() {
  static const auto* m = new std::vector<sqlite::Migration>{
      {1, "appraisal schema", R"sql(
        CREATE TABLE frameworks (
          id TEXT NOT NULL, version INTEGER NOT NULL, data BLOB NOT NULL,
          PRIMARY KEY (id, version));
        CREATE TABLE appraisals (
          id TEXT PRIMARY KEY,
          employee_id TEXT NOT NULL,
          supervisor_id TEXT NOT NULL,
          unit_id TEXT NOT NULL,
          state INTEGER NOT NULL,
          framework_id TEXT NOT NULL,
          version INTEGER NOT NULL,
          data BLOB NOT NULL);
        CREATE INDEX appraisals_employee ON appraisals(employee_id, id);
        CREATE INDEX appraisals_supervisor ON appraisals(supervisor_id, id);
        CREATE INDEX appraisals_unit ON appraisals(unit_id, id);
      )sql"},
      {2, "audit trail", audit::kSchemaSql},
  };
  return *m;
}

std::string Blob(const v1::Appraisal& a) {
  v1::Appraisal copy = a;
  copy.clear_etag();
  std::string out;
  copy.SerializeToString(&out);
  return out;
}

}  // namespace

absl::StatusOr<std::unique_ptr<SqliteAppraisalStore>> SqliteAppraisalStore::Open(
    const std::string& path, int pool_size) {
  auto pool = sqlite::ConnectionPool::Create(path, pool_size);
  if (!pool.ok()) return pool.status();
  std::unique_ptr<SqliteAppraisalStore> store(new SqliteAppraisalStore(*std::move(pool)));
  auto lease = store->Acquire();
  if (!lease.ok()) return lease.status();
  if (auto s = sqlite::Migrate(**lease, Migrations()); !s.ok()) return s;
  return store;
}

absl::StatusOr<sqlite::ConnectionPool::Lease> SqliteAppraisalStore::Acquire() {
  auto lease = pool_->Acquire();
  if (!lease.ok()) return lease.status();
  // Connections are opened with synchronous=NORMAL; personnel records want FULL (see header).
  if (auto s = (*lease)->Exec("PRAGMA synchronous=FULL"); !s.ok()) return s;
  return lease;
}

absl::Status SqliteAppraisalStore::PutFramework(const v1::Framework& f) {
  auto lease = Acquire();
  if (!lease.ok()) return lease.status();
  std::string blob;
  f.SerializeToString(&blob);
  sqlite::Database& db = **lease;
  return db.Transaction([&]() -> absl::Status {
    auto sel = db.Prepare("SELECT data FROM frameworks WHERE id = ? AND version = ?");
    if (!sel.ok()) return sel.status();
    sel->Bind(1, f.id()).Bind(2, static_cast<int64_t>(f.version()));
    auto row = sel->Step();
    if (!row.ok()) return row.status();
    if (*row) {
      v1::Framework stored;
      if (auto s = sqlite::ParseBlob(sel->ColumnBlob(0), &stored); !s.ok()) return s;
      if (stored.SerializeAsString() == blob) return absl::OkStatus();
      return absl::AlreadyExistsError(absl::StrCat("framework ", f.id(), " version ", f.version(),
                                                   " exists with other content"));
    }
    auto ins = db.Prepare("INSERT INTO frameworks(id, version, data) VALUES(?, ?, ?)");
    if (!ins.ok()) return ins.status();
    ins->Bind(1, f.id()).Bind(2, static_cast<int64_t>(f.version())).BindBlob(3, blob);
    return ins->Step().status();
  });
}

absl::StatusOr<v1::Framework> SqliteAppraisalStore::GetFramework(const std::string& id,
                                                                 int version) {
  auto lease = Acquire();
  if (!lease.ok()) return lease.status();
  auto st = (*lease)->Prepare(
      version > 0 ? "SELECT data FROM frameworks WHERE id = ? AND version = ?"
                  : "SELECT data FROM frameworks WHERE id = ? ORDER BY version DESC LIMIT 1");
  if (!st.ok()) return st.status();
  st->Bind(1, id);
  if (version > 0) st->Bind(2, static_cast<int64_t>(version));
  auto row = st->Step();
  if (!row.ok()) return row.status();
  if (!*row) return absl::NotFoundError(absl::StrCat("no framework ", id));
  v1::Framework f;
  if (auto s = sqlite::ParseBlob(st->ColumnBlob(0), &f); !s.ok()) return s;
  return f;
}

absl::StatusOr<std::vector<v1::Framework>> SqliteAppraisalStore::ListFrameworks() {
  auto lease = Acquire();
  if (!lease.ok()) return lease.status();
  auto st = (*lease)->Prepare(
      "SELECT f.data FROM frameworks f WHERE f.version = "
      "(SELECT MAX(version) FROM frameworks g WHERE g.id = f.id) ORDER BY f.id");
  if (!st.ok()) return st.status();
  return sqlite::CollectBlobs<v1::Framework>(*st);
}

absl::Status SqliteAppraisalStore::CreateAppraisal(const v1::Appraisal& a,
                                                   const audit::Event& event) {
  auto lease = Acquire();
  if (!lease.ok()) return lease.status();
  sqlite::Database& db = **lease;
  return db.Transaction([&]() -> absl::Status {
    auto st = db.Prepare(
        "INSERT INTO appraisals(id, employee_id, supervisor_id, unit_id, state, framework_id,"
        " version, data) VALUES(?, ?, ?, ?, ?, ?, 1, ?)");
    if (!st.ok()) return st.status();
    st->Bind(1, a.id())
        .Bind(2, a.employee_id())
        .Bind(3, a.supervisor_id())
        .Bind(4, a.unit_id())
        .Bind(5, static_cast<int64_t>(a.state()))
        .Bind(6, a.framework_id())
        .BindBlob(7, Blob(a));
    if (auto s = st->Step(); !s.ok()) return s.status();
    return audit::Append(db, event).status();
  });
}

absl::StatusOr<StoredAppraisal> SqliteAppraisalStore::GetAppraisal(const std::string& id) {
  auto lease = Acquire();
  if (!lease.ok()) return lease.status();
  auto st = (*lease)->Prepare("SELECT version, data FROM appraisals WHERE id = ?");
  if (!st.ok()) return st.status();
  st->Bind(1, id);
  auto row = st->Step();
  if (!row.ok()) return row.status();
  if (!*row) return absl::NotFoundError("no such appraisal");
  StoredAppraisal out;
  out.version = st->ColumnInt(0);
  if (auto s = sqlite::ParseBlob(st->ColumnBlob(1), &out.appraisal); !s.ok()) return s;
  return out;
}

absl::Status SqliteAppraisalStore::UpdateAppraisal(const v1::Appraisal& a, int64_t expected_version,
                                                   const audit::Event& event) {
  auto lease = Acquire();
  if (!lease.ok()) return lease.status();
  sqlite::Database& db = **lease;
  return db.Transaction([&]() -> absl::Status {
    auto sel = db.Prepare("SELECT version, state FROM appraisals WHERE id = ?");
    if (!sel.ok()) return sel.status();
    sel->Bind(1, a.id());
    auto row = sel->Step();
    if (!row.ok()) return row.status();
    if (!*row) return absl::NotFoundError("no such appraisal");
    const int64_t version = sel->ColumnInt(0);
    const int64_t state = sel->ColumnInt(1);
    sel->Reset();
    if (version != expected_version) {
      return absl::AbortedError("the appraisal changed since it was read (stale etag)");
    }
    if (state == v1::APPRAISAL_STATE_FINALIZED) {
      return absl::FailedPreconditionError("a finalized appraisal never changes");
    }
    auto up = db.Prepare(
        "UPDATE appraisals SET employee_id = ?, supervisor_id = ?, unit_id = ?, state = ?,"
        " framework_id = ?, version = ?, data = ? WHERE id = ? AND version = ?");
    if (!up.ok()) return up.status();
    up->Bind(1, a.employee_id())
        .Bind(2, a.supervisor_id())
        .Bind(3, a.unit_id())
        .Bind(4, static_cast<int64_t>(a.state()))
        .Bind(5, a.framework_id())
        .Bind(6, expected_version + 1)
        .BindBlob(7, Blob(a))
        .Bind(8, a.id())
        .Bind(9, expected_version);
    if (auto s = up->Step().status(); !s.ok()) return s;
    if (db.Changes() != 1) return absl::AbortedError("the appraisal changed since it was read");
    return audit::Append(db, event).status();
  });
}

absl::StatusOr<std::vector<StoredAppraisal>> SqliteAppraisalStore::ListAppraisals(
    const AppraisalQuery& q) {
  auto lease = Acquire();
  if (!lease.ok()) return lease.status();
  std::string sql =
      "SELECT version, data FROM appraisals WHERE (?1 = '' OR employee_id = ?1)"
      " AND (?2 = '' OR supervisor_id = ?2) AND (?3 = '' OR unit_id = ?3)"
      " AND (?4 = 0 OR state = ?4) AND id > ?5 ORDER BY id";
  if (q.limit > 0) absl::StrAppend(&sql, " LIMIT ", q.limit);
  auto st = (*lease)->Prepare(sql);
  if (!st.ok()) return st.status();
  st->Bind(1, q.employee_id)
      .Bind(2, q.supervisor_id)
      .Bind(3, q.unit_id)
      .Bind(4, static_cast<int64_t>(q.state))
      .Bind(5, q.after_id);
  std::vector<StoredAppraisal> out;
  absl::Status s = sqlite::ForEachRow(*st, [&] {
    StoredAppraisal& a = out.emplace_back();
    a.version = st->ColumnInt(0);
    return sqlite::ParseBlob(st->ColumnBlob(1), &a.appraisal);
  });
  if (!s.ok()) return s;
  return out;
}

absl::Status SqliteAppraisalStore::RecordReads(const std::vector<audit::Event>& events) {
  if (events.empty()) return absl::OkStatus();
  auto lease = Acquire();
  if (!lease.ok()) return lease.status();
  sqlite::Database& db = **lease;
  return db.Transaction([&]() -> absl::Status {
    for (const audit::Event& e : events) {
      if (auto s = audit::Append(db, e); !s.ok()) return s.status();
    }
    return absl::OkStatus();
  });
}

absl::StatusOr<audit::Page> SqliteAppraisalStore::ListAuditEvents(const audit::Filter& filter,
                                                                  int page_size,
                                                                  const std::string& page_token) {
  auto lease = Acquire();
  if (!lease.ok()) return lease.status();
  return audit::List(**lease, filter, page_size, page_token);
}

}  // namespace classplan::appraisal
