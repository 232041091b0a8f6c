#ifndef CLASSPLAN_SERVICES_APPRAISAL_STORE_SQL_APPRAISAL_STORE_IMPL_H_
#define CLASSPLAN_SERVICES_APPRAISAL_STORE_SQL_APPRAISAL_STORE_IMPL_H_
// The definitions of SqlAppraisalStore, included only by the backends' .cc files, each of
// which instantiates it once (template class SqlAppraisalStore<TheirBackend>).
#include <string>
#include <utility>
#include <vector>

#include "absl/strings/str_cat.h"
#include "common/api/etag.h"
#include "common/dates/dates.h"
#include "common/storage/rows.h"
#include "services/appraisal/store/sql_appraisal_store.h"

namespace classplan::appraisal {
namespace sql_store {

inline std::string Blob(const v1::Appraisal& a) {
  v1::Appraisal copy = a;
  copy.clear_etag();
  copy.clear_addenda();  // kept in their own table
  std::string out;
  copy.SerializeToString(&out);
  return out;
}

inline std::string Blob(const v1::SupervisorAssignment& a) {
  v1::SupervisorAssignment copy = a;
  copy.clear_etag();
  std::string out;
  copy.SerializeToString(&out);
  return out;
}

// Days as "YYYY-MM-DD", an open end as '9999-12-31', so that overlap is two comparisons.
inline constexpr char kOpenEnd[] = "9999-12-31";

inline std::string FromDay(const v1::SupervisorAssignment& a) {
  return dates::Format(a.from_date());
}
inline std::string ToDay(const v1::SupervisorAssignment& a) {
  return a.has_to_date() ? dates::Format(a.to_date()) : kOpenEnd;
}

inline absl::Status StaleAppraisal() {
  return absl::AbortedError("the appraisal changed since it was read (stale etag)");
}

// Fills `a`'s addenda, oldest first.
template <typename Database>
absl::Status ReadAddenda(Database& db, const char* sql, v1::Appraisal* a) {
  auto st = db.Prepare(sql);
  if (!st.ok()) return st.status();
  st->Bind(1, a->id());
  auto addenda = storage::CollectBlobs<v1::Addendum>(*st);
  if (!addenda.ok()) return addenda.status();
  a->clear_addenda();
  for (auto& x : *addenda) *a->add_addenda() = std::move(x);
  return absl::OkStatus();
}

// The stored version and state of an appraisal, inside a transaction.
template <typename Database>
absl::Status ReadVersionAndState(Database& db, const char* sql, const std::string& id,
                                 int64_t* version, int64_t* state) {
  auto sel = db.Prepare(sql);
  if (!sel.ok()) return sel.status();
  sel->Bind(1, id);
  auto row = sel->Step();
  if (!row.ok()) return row.status();
  if (!*row) return absl::NotFoundError("no such appraisal");
  *version = sel->ColumnInt(0);
  *state = sel->ColumnInt(1);
  return absl::OkStatus();
}

// Writes `a` at expected_version + 1 in one statement, only if the stored version is still
// the expected one and its state neither `refused1` nor `refused2`. When nothing was written
// the row is read (in the same transaction) to say why: NOT_FOUND, ABORTED (stale), or
// `refusal(state)`.
template <typename Database>
absl::Status WriteAppraisal(Database& db, const AppraisalSql& sql, const v1::Appraisal& a,
                            int64_t expected_version, v1::AppraisalState refused1,
                            v1::AppraisalState refused2,
                            absl::FunctionRef<absl::Status(int64_t state)> refusal) {
  auto up = db.Prepare(sql.update_appraisal);
  if (!up.ok()) return up.status();
  up->Bind(1, a.employee_id())
      .Bind(2, a.supervisor_id())
      .Bind(3, a.unit_id())
      .Bind(4, static_cast<int64_t>(a.state()))
      .Bind(5, a.framework_id())
      .Bind(6, expected_version + 1)
      .BindBlob(7, Blob(a))
      .Bind(8, a.id())
      .Bind(9, expected_version)
      .Bind(10, static_cast<int64_t>(refused1))
      .Bind(11, static_cast<int64_t>(refused2));
  if (auto s = up->Step().status(); !s.ok()) return s;
  if (db.Changes() == 1) return absl::OkStatus();
  int64_t version = 0;
  int64_t state = 0;
  if (auto s = ReadVersionAndState(db, sql.select_version_state, a.id(), &version, &state);
      !s.ok()) {
    return s;
  }
  if (version != expected_version) return StaleAppraisal();
  if (state == refused1 || state == refused2) return refusal(state);
  return absl::AbortedError("the appraisal changed since it was read");
}

// Reads the version and the message of every row of `st` (selecting version, data) into a
// Stored (StoredAppraisal, StoredAssignment) whose message member is `field`.
template <typename Stored, typename Msg, typename Statement>
absl::StatusOr<std::vector<Stored>> CollectVersioned(Statement& st, Msg Stored::*field) {
  std::vector<Stored> out;
  absl::Status s = storage::ForEachRow(st, [&] {
    Stored& row = out.emplace_back();
    row.version = st.ColumnInt(0);
    return storage::ParseBlob(st.ColumnBlob(1), &(row.*field));
  });
  if (!s.ok()) return s;
  return out;
}

// The one row of `sql` (selecting version, data WHERE id = the first parameter) for `id`;
// NOT_FOUND `missing`.
template <typename Stored, typename Msg, typename Database>
absl::StatusOr<Stored> ReadVersioned(Database& db, const char* sql, const std::string& id,
                                     Msg Stored::*field, const char* missing) {
  auto st = db.Prepare(sql);
  if (!st.ok()) return st.status();
  st->Bind(1, id);
  auto rows = CollectVersioned(*st, field);
  if (!rows.ok()) return rows.status();
  if (rows->empty()) return absl::NotFoundError(missing);
  return std::move(rows->front());
}

// `sql` with " LIMIT n" when `limit` > 0.
inline std::string Limited(const char* sql, int limit) {
  return limit > 0 ? absl::StrCat(sql, " LIMIT ", limit) : std::string(sql);
}

}  // namespace sql_store

template <typename B>
absl::Status SqlAppraisalStore<B>::AuditedWrite(
    const audit::Event& event, absl::FunctionRef<absl::Status(Database&, audit::Event&)> write) {
  return B::Write(*pool_, [&](Database& db) -> absl::Status {
    audit::Event e = event;
    if (absl::Status s = write(db, e); !s.ok()) return s;
    return B::Append(db, e).status();
  });
}

template <typename B>
absl::Status SqlAppraisalStore<B>::PutFramework(const v1::Framework& f) {
  std::string blob;
  f.SerializeToString(&blob);
  // Insert-if-absent, then compare: replicas storing the shipped frameworks at once all succeed.
  return B::Write(*pool_, [&](Database& db) -> absl::Status {
    auto ins = db.Prepare(B::Sql().insert_framework);
    if (!ins.ok()) return ins.status();
    ins->Bind(1, f.id()).Bind(2, static_cast<int64_t>(f.version())).BindBlob(3, blob);
    if (auto s = ins->Step().status(); !s.ok()) return s;
    if (db.Changes() == 1) return absl::OkStatus();
    auto sel = db.Prepare(B::Sql().select_framework);
    if (!sel.ok()) return sel.status();
    sel->Bind(1, f.id()).Bind(2, static_cast<int64_t>(f.version()));
    auto stored = storage::CollectBlobs<v1::Framework>(*sel);
    if (!stored.ok()) return stored.status();
    if (!stored->empty() && stored->front().SerializeAsString() == blob) return absl::OkStatus();
    return absl::AlreadyExistsError(
        absl::StrCat("framework ", f.id(), " version ", f.version(), " exists with other content"));
  });
}

template <typename B>
absl::StatusOr<v1::Framework> SqlAppraisalStore<B>::GetFramework(const std::string& id,
                                                                 int version) {
  absl::StatusOr<v1::Framework> out;
  absl::Status s = B::Read(*pool_, [&](Database& db) -> absl::Status {
    auto st = db.Prepare(version > 0 ? B::Sql().select_framework : B::Sql().latest_framework);
    if (!st.ok()) return st.status();
    st->Bind(1, id);
    if (version > 0) st->Bind(2, static_cast<int64_t>(version));
    auto first = storage::First(storage::CollectBlobs<v1::Framework>(*st));
    if (!first.ok()) return first.status();
    if (!first->has_value()) return absl::NotFoundError(absl::StrCat("no framework ", id));
    out = std::move(**first);
    return absl::OkStatus();
  });
  if (!s.ok()) return s;
  return out;
}

template <typename B>
absl::StatusOr<std::vector<v1::Framework>> SqlAppraisalStore<B>::ListFrameworks() {
  absl::StatusOr<std::vector<v1::Framework>> out;
  absl::Status s = B::Read(*pool_, [&](Database& db) -> absl::Status {
    auto st = db.Prepare(B::Sql().list_frameworks);
    if (!st.ok()) return st.status();
    out = storage::CollectBlobs<v1::Framework>(*st);
    return out.status();
  });
  if (!s.ok()) return s;
  return out;
}

template <typename B>
absl::Status SqlAppraisalStore<B>::CreateAppraisal(const v1::Appraisal& a,
                                                   const audit::Event& event) {
  return AuditedWrite(event, [&](Database& db, audit::Event&) -> absl::Status {
    auto st = db.Prepare(B::Sql().insert_appraisal);
    if (!st.ok()) return st.status();
    st->Bind(1, a.id())
        .Bind(2, a.employee_id())
        .Bind(3, a.supervisor_id())
        .Bind(4, a.unit_id())
        .Bind(5, static_cast<int64_t>(a.state()))
        .Bind(6, a.framework_id())
        .BindBlob(7, sql_store::Blob(a));
    return st->Step().status();
  });
}

template <typename B>
absl::StatusOr<StoredAppraisal> SqlAppraisalStore<B>::GetAppraisal(const std::string& id) {
  // One statement (one snapshot, one round trip): the appraisal joined with its addenda.
  StoredAppraisal out;
  bool found = false;
  absl::Status s = B::Read(*pool_, [&](Database& db) -> absl::Status {
    auto st = db.Prepare(B::Sql().select_appraisal);
    if (!st.ok()) return st.status();
    st->Bind(1, id);
    out = StoredAppraisal();
    found = false;
    return storage::ForEachRow(*st, [&]() -> absl::Status {
      if (!found) {
        found = true;
        out.version = st->ColumnInt(0);
        if (auto p = storage::ParseBlob(st->ColumnBlob(1), &out.appraisal); !p.ok()) return p;
        out.appraisal.clear_addenda();
      }
      if (st->ColumnIsNull(2)) return absl::OkStatus();
      return storage::ParseBlob(st->ColumnBlob(2), out.appraisal.add_addenda());
    });
  });
  if (!s.ok()) return s;
  if (!found) return absl::NotFoundError("no such appraisal");
  return out;
}

template <typename B>
absl::Status SqlAppraisalStore<B>::UpdateAppraisal(const v1::Appraisal& a, int64_t expected_version,
                                                   const audit::Event& event) {
  return AuditedWrite(event, [&](Database& db, audit::Event&) -> absl::Status {
    return sql_store::WriteAppraisal(
        db, B::Sql(), a, expected_version, v1::APPRAISAL_STATE_FINALIZED,
        v1::APPRAISAL_STATE_VOIDED, [](int64_t state) {
          return absl::FailedPreconditionError(state == v1::APPRAISAL_STATE_FINALIZED
                                                   ? "a finalized appraisal never changes"
                                                   : "a voided appraisal never changes");
        });
  });
}

template <typename B>
absl::Status SqlAppraisalStore<B>::VoidAppraisal(const v1::Appraisal& a, int64_t expected_version,
                                                 const audit::Event& event) {
  if (a.state() != v1::APPRAISAL_STATE_VOIDED) {
    return absl::InvalidArgumentError("VoidAppraisal stores only a VOIDED appraisal");
  }
  return AuditedWrite(event, [&](Database& db, audit::Event&) -> absl::Status {
    return sql_store::WriteAppraisal(
        db, B::Sql(), a, expected_version, v1::APPRAISAL_STATE_VOIDED, v1::APPRAISAL_STATE_VOIDED,
        [](int64_t) { return absl::FailedPreconditionError("the appraisal is already voided"); });
  });
}

template <typename B>
absl::Status SqlAppraisalStore<B>::AddAddendum(const std::string& appraisal_id,
                                               const v1::Addendum& addendum,
                                               const audit::Event& event) {
  std::string blob;
  addendum.SerializeToString(&blob);
  return AuditedWrite(event, [&](Database& db, audit::Event& e) -> absl::Status {
    int64_t version = 0;
    int64_t state = 0;
    if (auto s = sql_store::ReadVersionAndState(db, B::Sql().select_version_state, appraisal_id,
                                                &version, &state);
        !s.ok()) {
      return s;
    }
    if (state != v1::APPRAISAL_STATE_FINALIZED) {
      return absl::FailedPreconditionError("addenda are added to finalized appraisals only");
    }
    auto ins = db.Prepare(B::Sql().insert_addendum);
    if (!ins.ok()) return ins.status();
    ins->Bind(1, appraisal_id).BindBlob(2, blob);
    if (auto s = ins->Step().status(); !s.ok()) return s;
    auto up = db.Prepare(B::Sql().bump_version);
    if (!up.ok()) return up.status();
    up->Bind(1, appraisal_id);
    if (auto s = up->Step().status(); !s.ok()) return s;
    // The versions this transaction read and wrote (the request names none).
    e.etag_before = api::EtagOf(version);
    e.etag_after = api::EtagOf(version + 1);
    return absl::OkStatus();
  });
}

template <typename B>
absl::StatusOr<std::vector<StoredAppraisal>> SqlAppraisalStore<B>::ListAppraisals(
    const AppraisalQuery& q) {
  absl::StatusOr<std::vector<StoredAppraisal>> out;
  absl::Status s = B::Read(*pool_, [&](Database& db) -> absl::Status {
    auto st = db.Prepare(sql_store::Limited(B::Sql().list_appraisals, q.limit));
    if (!st.ok()) return st.status();
    st->Bind(1, q.employee_id)
        .Bind(2, q.supervisor_id)
        .Bind(3, q.unit_id)
        .Bind(4, static_cast<int64_t>(q.state))
        .Bind(5, q.after_id);
    out = sql_store::CollectVersioned(*st, &StoredAppraisal::appraisal);
    if (!out.ok()) return out.status();
    st->Reset();
    for (auto& a : *out) {
      // Only finalized appraisals take addenda (and keep them when voided).
      const auto state = a.appraisal.state();
      if (state != v1::APPRAISAL_STATE_FINALIZED && state != v1::APPRAISAL_STATE_VOIDED) continue;
      if (auto r = sql_store::ReadAddenda(db, B::Sql().select_addenda, &a.appraisal); !r.ok()) {
        return r;
      }
    }
    return absl::OkStatus();
  });
  if (!s.ok()) return s;
  return out;
}

template <typename B>
absl::Status SqlAppraisalStore<B>::CreateAssignment(const v1::SupervisorAssignment& a,
                                                    const audit::Event& event) {
  const std::string from = sql_store::FromDay(a);
  const std::string to = sql_store::ToDay(a);
  return AuditedWrite(event, [&](Database& db, audit::Event&) -> absl::Status {
    // Two writers checking the same pair at once must not both find it free.
    if (const char* lock = B::Sql().lock_assignment_pair; lock != nullptr) {
      auto st = db.Prepare(lock);
      if (!st.ok()) return st.status();
      st->Bind(1, a.employee_id()).Bind(2, a.supervisor_id());
      if (auto s = st->Step().status(); !s.ok()) return s;
    }
    auto sel = db.Prepare(B::Sql().select_overlap);
    if (!sel.ok()) return sel.status();
    sel->Bind(1, a.employee_id()).Bind(2, a.supervisor_id()).Bind(3, to).Bind(4, from);
    auto row = sel->Step();
    if (!row.ok()) return row.status();
    if (*row) {
      return absl::AlreadyExistsError(
          "an assignment of this employee to this supervisor overlaps these dates");
    }
    sel->Reset();
    auto ins = db.Prepare(B::Sql().insert_assignment);
    if (!ins.ok()) return ins.status();
    ins->Bind(1, a.id())
        .Bind(2, a.employee_id())
        .Bind(3, a.supervisor_id())
        .Bind(4, from)
        .Bind(5, to)
        .BindBlob(6, sql_store::Blob(a));
    return ins->Step().status();
  });
}

template <typename B>
absl::StatusOr<StoredAssignment> SqlAppraisalStore<B>::GetAssignment(const std::string& id) {
  absl::StatusOr<StoredAssignment> out;
  absl::Status s = B::Read(*pool_, [&](Database& db) -> absl::Status {
    out = sql_store::ReadVersioned(db, B::Sql().select_assignment, id,
                                   &StoredAssignment::assignment, "no such assignment");
    return out.status();
  });
  if (!s.ok()) return s;
  return out;
}

template <typename B>
absl::Status SqlAppraisalStore<B>::UpdateAssignment(const v1::SupervisorAssignment& a,
                                                    int64_t expected_version,
                                                    const audit::Event& event) {
  return AuditedWrite(event, [&](Database& db, audit::Event&) -> absl::Status {
    auto up = db.Prepare(B::Sql().update_assignment);
    if (!up.ok()) return up.status();
    up->Bind(1, a.employee_id())
        .Bind(2, a.supervisor_id())
        .Bind(3, sql_store::FromDay(a))
        .Bind(4, sql_store::ToDay(a))
        .Bind(5, expected_version + 1)
        .BindBlob(6, sql_store::Blob(a))
        .Bind(7, a.id())
        .Bind(8, expected_version);
    if (auto s = up->Step().status(); !s.ok()) return s;
    if (db.Changes() == 1) return absl::OkStatus();
    auto sel = db.Prepare(B::Sql().assignment_exists);
    if (!sel.ok()) return sel.status();
    sel->Bind(1, a.id());
    auto row = sel->Step();
    if (!row.ok()) return row.status();
    if (!*row) return absl::NotFoundError("no such assignment");
    return absl::AbortedError("the assignment changed since it was read (stale etag)");
  });
}

template <typename B>
absl::StatusOr<std::vector<StoredAssignment>> SqlAppraisalStore<B>::ListAssignments(
    const AssignmentQuery& q) {
  absl::StatusOr<std::vector<StoredAssignment>> out;
  absl::Status s = B::Read(*pool_, [&](Database& db) -> absl::Status {
    auto st = db.Prepare(sql_store::Limited(B::Sql().list_assignments, q.limit));
    if (!st.ok()) return st.status();
    st->Bind(1, q.employee_id).Bind(2, q.supervisor_id).Bind(3, q.day).Bind(4, q.after_id);
    out = sql_store::CollectVersioned(*st, &StoredAssignment::assignment);
    return out.status();
  });
  if (!s.ok()) return s;
  return out;
}

template <typename B>
absl::Status SqlAppraisalStore<B>::RecordReads(const std::vector<audit::Event>& events) {
  if (events.empty()) return absl::OkStatus();
  return B::Write(*pool_, [&](Database& db) -> absl::Status {
    for (const audit::Event& e : events) {
      if (auto s = B::Append(db, e); !s.ok()) return s.status();
    }
    return absl::OkStatus();
  });
}

template <typename B>
absl::StatusOr<audit::Page> SqlAppraisalStore<B>::ListAuditEvents(const audit::Filter& filter,
                                                                  int page_size,
                                                                  const std::string& page_token) {
  absl::StatusOr<audit::Page> out;
  absl::Status s = B::Read(*pool_, [&](Database& db) -> absl::Status {
    out = B::List(db, filter, page_size, page_token);
    return out.status();
  });
  if (!s.ok()) return s;
  return out;
}

}  // namespace classplan::appraisal

#endif  // CLASSPLAN_SERVICES_APPRAISAL_STORE_SQL_APPRAISAL_STORE_IMPL_H_
