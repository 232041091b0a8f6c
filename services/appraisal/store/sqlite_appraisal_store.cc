#include "services/appraisal/store/sqlite_appraisal_store.h"

#include "absl/strings/str_cat.h"
#include "common/api/etag.h"
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
      // Reporting relationships (days as "YYYY-MM-DD", an open end as '9999-12-31' so that
      // overlap is two comparisons) and addenda to finalized appraisals, append-only.
      {3, "supervisor assignments and appraisal addenda", R"sql(
        CREATE TABLE supervisor_assignments (
          id TEXT PRIMARY KEY,
          employee_id TEXT NOT NULL,
          supervisor_id TEXT NOT NULL,
          from_day TEXT NOT NULL,
          to_day TEXT NOT NULL,
          version INTEGER NOT NULL,
          data BLOB NOT NULL);
        CREATE INDEX assignments_pair ON supervisor_assignments(employee_id, supervisor_id);
        CREATE INDEX assignments_supervisor ON supervisor_assignments(supervisor_id, id);
        CREATE TABLE appraisal_addenda (
          appraisal_id TEXT NOT NULL REFERENCES appraisals(id),
          seq INTEGER NOT NULL,
          data BLOB NOT NULL,
          PRIMARY KEY (appraisal_id, seq));
      )sql"},
  };
  return *m;
}

std::string Blob(const v1::Appraisal& a) {
  v1::Appraisal copy = a;
  copy.clear_etag();
  copy.clear_addenda();  // kept in their own table
  std::string out;
  copy.SerializeToString(&out);
  return out;
}

std::string Blob(const v1::SupervisorAssignment& a) {
  v1::SupervisorAssignment copy = a;
  copy.clear_etag();
  std::string out;
  copy.SerializeToString(&out);
  return out;
}

constexpr char kOpenEnd[] = "9999-12-31";

std::string FromDay(const v1::SupervisorAssignment& a) { return dates::Format(a.from_date()); }
std::string ToDay(const v1::SupervisorAssignment& a) {
  return a.has_to_date() ? dates::Format(a.to_date()) : kOpenEnd;
}

// Fills `a`'s addenda, oldest first.
absl::Status ReadAddenda(sqlite::Database& db, v1::Appraisal* a) {
  auto st = db.Prepare("SELECT data FROM appraisal_addenda WHERE appraisal_id = ? ORDER BY seq");
  if (!st.ok()) return st.status();
  st->Bind(1, a->id());
  auto addenda = sqlite::CollectBlobs<v1::Addendum>(*st);
  if (!addenda.ok()) return addenda.status();
  a->clear_addenda();
  for (auto& x : *addenda) *a->add_addenda() = std::move(x);
  return absl::OkStatus();
}

// The stored version and state of an appraisal, inside a transaction.
absl::Status ReadVersionAndState(sqlite::Database& db, const std::string& id, int64_t* version,
                                 int64_t* state) {
  auto sel = db.Prepare("SELECT version, state FROM appraisals WHERE id = ?");
  if (!sel.ok()) return sel.status();
  sel->Bind(1, id);
  auto row = sel->Step();
  if (!row.ok()) return row.status();
  if (!*row) return absl::NotFoundError("no such appraisal");
  *version = sel->ColumnInt(0);
  *state = sel->ColumnInt(1);
  return absl::OkStatus();
}

// Writes `a` at expected_version + 1 (the caller checked the stored version).
absl::Status WriteAppraisal(sqlite::Database& db, const v1::Appraisal& a,
                            int64_t expected_version) {
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
  return absl::OkStatus();
}

absl::Status StaleAppraisal() {
  return absl::AbortedError("the appraisal changed since it was read (stale etag)");
}

// Reads the version and the message of every row of `st` (selecting version, data) into a
// Stored (StoredAppraisal, StoredAssignment) whose message member is `field`.
template <typename Stored, typename Msg>
absl::StatusOr<std::vector<Stored>> CollectVersioned(sqlite::Statement& st, Msg Stored::*field) {
  std::vector<Stored> out;
  absl::Status s = sqlite::ForEachRow(st, [&] {
    Stored& row = out.emplace_back();
    row.version = st.ColumnInt(0);
    return sqlite::ParseBlob(st.ColumnBlob(1), &(row.*field));
  });
  if (!s.ok()) return s;
  return out;
}

// The one row of `sql` (selecting version, data WHERE id = ?) for `id`; NOT_FOUND `missing`.
template <typename Stored, typename Msg>
absl::StatusOr<Stored> ReadVersioned(sqlite::Database& db, const char* sql, const std::string& id,
                                     Msg Stored::*field, const char* missing) {
  auto st = db.Prepare(sql);
  if (!st.ok()) return st.status();
  st->Bind(1, id);
  auto rows = CollectVersioned(*st, field);
  if (!rows.ok()) return rows.status();
  if (rows->empty()) return absl::NotFoundError(missing);
  return std::move(rows->front());
}

// The stored version of an appraisal inside a write's transaction: ABORTED when it is not
// `expected_version`; its state otherwise.
absl::StatusOr<int64_t> CheckedState(sqlite::Database& db, const std::string& id,
                                     int64_t expected_version) {
  int64_t version = 0;
  int64_t state = 0;
  if (auto s = ReadVersionAndState(db, id, &version, &state); !s.ok()) return s;
  if (version != expected_version) return StaleAppraisal();
  return state;
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

absl::Status SqliteAppraisalStore::AuditedWrite(
    const audit::Event& event,
    absl::FunctionRef<absl::Status(sqlite::Database&, audit::Event&)> write) {
  auto lease = Acquire();
  if (!lease.ok()) return lease.status();
  sqlite::Database& db = **lease;
  return db.Transaction([&]() -> absl::Status {
    audit::Event e = event;
    if (absl::Status s = write(db, e); !s.ok()) return s;
    return audit::Append(db, e).status();
  });
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
  return AuditedWrite(event, [&](sqlite::Database& db, audit::Event&) -> absl::Status {
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
    return st->Step().status();
  });
}

absl::StatusOr<StoredAppraisal> SqliteAppraisalStore::GetAppraisal(const std::string& id) {
  auto lease = Acquire();
  if (!lease.ok()) return lease.status();
  auto out = ReadVersioned(**lease, "SELECT version, data FROM appraisals WHERE id = ?", id,
                           &StoredAppraisal::appraisal, "no such appraisal");
  if (!out.ok()) return out.status();
  if (auto s = ReadAddenda(**lease, &out->appraisal); !s.ok()) return s;
  return out;
}

absl::Status SqliteAppraisalStore::UpdateAppraisal(const v1::Appraisal& a, int64_t expected_version,
                                                   const audit::Event& event) {
  return AuditedWrite(event, [&](sqlite::Database& db, audit::Event&) -> absl::Status {
    auto state = CheckedState(db, a.id(), expected_version);
    if (!state.ok()) return state.status();
    if (*state == v1::APPRAISAL_STATE_FINALIZED) {
      return absl::FailedPreconditionError("a finalized appraisal never changes");
    }
    if (*state == v1::APPRAISAL_STATE_VOIDED) {
      return absl::FailedPreconditionError("a voided appraisal never changes");
    }
    return WriteAppraisal(db, a, expected_version);
  });
}

absl::Status SqliteAppraisalStore::VoidAppraisal(const v1::Appraisal& a, int64_t expected_version,
                                                 const audit::Event& event) {
  if (a.state() != v1::APPRAISAL_STATE_VOIDED) {
    return absl::InvalidArgumentError("VoidAppraisal stores only a VOIDED appraisal");
  }
  return AuditedWrite(event, [&](sqlite::Database& db, audit::Event&) -> absl::Status {
    auto state = CheckedState(db, a.id(), expected_version);
    if (!state.ok()) return state.status();
    if (*state == v1::APPRAISAL_STATE_VOIDED) {
      return absl::FailedPreconditionError("the appraisal is already voided");
    }
    return WriteAppraisal(db, a, expected_version);
  });
}

absl::Status SqliteAppraisalStore::AddAddendum(const std::string& appraisal_id,
                                               const v1::Addendum& addendum,
                                               const audit::Event& event) {
  std::string blob;
  addendum.SerializeToString(&blob);
  return AuditedWrite(event, [&](sqlite::Database& db, audit::Event& e) -> absl::Status {
    int64_t version = 0;
    int64_t state = 0;
    if (auto s = ReadVersionAndState(db, appraisal_id, &version, &state); !s.ok()) return s;
    if (state != v1::APPRAISAL_STATE_FINALIZED) {
      return absl::FailedPreconditionError("addenda are added to finalized appraisals only");
    }
    auto ins = db.Prepare(
        "INSERT INTO appraisal_addenda(appraisal_id, seq, data) VALUES(?1,"
        " (SELECT COALESCE(MAX(seq), 0) + 1 FROM appraisal_addenda WHERE appraisal_id = ?1), ?2)");
    if (!ins.ok()) return ins.status();
    ins->Bind(1, appraisal_id).BindBlob(2, blob);
    if (auto s = ins->Step().status(); !s.ok()) return s;
    auto up = db.Prepare("UPDATE appraisals SET version = version + 1 WHERE id = ?");
    if (!up.ok()) return up.status();
    up->Bind(1, appraisal_id);
    if (auto s = up->Step().status(); !s.ok()) return s;
    // The versions this transaction read and wrote (the request names none).
    e.etag_before = api::EtagOf(version);
    e.etag_after = api::EtagOf(version + 1);
    return absl::OkStatus();
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
  auto out = CollectVersioned(*st, &StoredAppraisal::appraisal);
  if (!out.ok()) return out.status();
  st->Reset();
  for (auto& a : *out) {
    // Only finalized appraisals take addenda (and keep them when voided).
    const auto state = a.appraisal.state();
    if (state != v1::APPRAISAL_STATE_FINALIZED && state != v1::APPRAISAL_STATE_VOIDED) continue;
    if (auto r = ReadAddenda(**lease, &a.appraisal); !r.ok()) return r;
  }
  return out;
}

absl::Status SqliteAppraisalStore::CreateAssignment(const v1::SupervisorAssignment& a,
                                                    const audit::Event& event) {
  const std::string from = FromDay(a);
  const std::string to = ToDay(a);
  return AuditedWrite(event, [&](sqlite::Database& db, audit::Event&) -> absl::Status {
    auto sel = db.Prepare(
        "SELECT 1 FROM supervisor_assignments WHERE employee_id = ? AND supervisor_id = ?"
        " AND from_day <= ? AND ? <= to_day LIMIT 1");
    if (!sel.ok()) return sel.status();
    sel->Bind(1, a.employee_id()).Bind(2, a.supervisor_id()).Bind(3, to).Bind(4, from);
    auto row = sel->Step();
    if (!row.ok()) return row.status();
    if (*row) {
      return absl::AlreadyExistsError(
          "an assignment of this employee to this supervisor overlaps these dates");
    }
    sel->Reset();
    auto ins = db.Prepare(
        "INSERT INTO supervisor_assignments(id, employee_id, supervisor_id, from_day, to_day,"
        " version, data) VALUES(?, ?, ?, ?, ?, 1, ?)");
    if (!ins.ok()) return ins.status();
    ins->Bind(1, a.id())
        .Bind(2, a.employee_id())
        .Bind(3, a.supervisor_id())
        .Bind(4, from)
        .Bind(5, to)
        .BindBlob(6, Blob(a));
    return ins->Step().status();
  });
}

absl::StatusOr<StoredAssignment> SqliteAppraisalStore::GetAssignment(const std::string& id) {
  auto lease = Acquire();
  if (!lease.ok()) return lease.status();
  return ReadVersioned(**lease, "SELECT version, data FROM supervisor_assignments WHERE id = ?", id,
                       &StoredAssignment::assignment, "no such assignment");
}

absl::Status SqliteAppraisalStore::UpdateAssignment(const v1::SupervisorAssignment& a,
                                                    int64_t expected_version,
                                                    const audit::Event& event) {
  return AuditedWrite(event, [&](sqlite::Database& db, audit::Event&) -> absl::Status {
    auto up = db.Prepare(
        "UPDATE supervisor_assignments SET employee_id = ?, supervisor_id = ?, from_day = ?,"
        " to_day = ?, version = ?, data = ? WHERE id = ? AND version = ?");
    if (!up.ok()) return up.status();
    up->Bind(1, a.employee_id())
        .Bind(2, a.supervisor_id())
        .Bind(3, FromDay(a))
        .Bind(4, ToDay(a))
        .Bind(5, expected_version + 1)
        .BindBlob(6, Blob(a))
        .Bind(7, a.id())
        .Bind(8, expected_version);
    if (auto s = up->Step().status(); !s.ok()) return s;
    if (db.Changes() == 1) return absl::OkStatus();
    auto sel = db.Prepare("SELECT 1 FROM supervisor_assignments WHERE id = ?");
    if (!sel.ok()) return sel.status();
    sel->Bind(1, a.id());
    auto row = sel->Step();
    if (!row.ok()) return row.status();
    if (!*row) return absl::NotFoundError("no such assignment");
    return absl::AbortedError("the assignment changed since it was read (stale etag)");
  });
}

absl::StatusOr<std::vector<StoredAssignment>> SqliteAppraisalStore::ListAssignments(
    const AssignmentQuery& q) {
  auto lease = Acquire();
  if (!lease.ok()) return lease.status();
  std::string sql =
      "SELECT version, data FROM supervisor_assignments WHERE (?1 = '' OR employee_id = ?1)"
      " AND (?2 = '' OR supervisor_id = ?2) AND (?3 = '' OR (from_day <= ?3 AND ?3 <= to_day))"
      " AND id > ?4 ORDER BY id";
  if (q.limit > 0) absl::StrAppend(&sql, " LIMIT ", q.limit);
  auto st = (*lease)->Prepare(sql);
  if (!st.ok()) return st.status();
  st->Bind(1, q.employee_id).Bind(2, q.supervisor_id).Bind(3, q.day).Bind(4, q.after_id);
  return CollectVersioned(*st, &StoredAssignment::assignment);
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
