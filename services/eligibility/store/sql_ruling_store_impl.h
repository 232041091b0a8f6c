#ifndef CLASSPLAN_SERVICES_ELIGIBILITY_STORE_SQL_RULING_STORE_IMPL_H_
#define CLASSPLAN_SERVICES_ELIGIBILITY_STORE_SQL_RULING_STORE_IMPL_H_
// The definitions of SqlRulingStore, included only by the backends' .cc files, each of which
// instantiates it once (template class SqlRulingStore<TheirBackend>).
#include <string>
#include <utility>
#include <vector>

#include "absl/strings/str_cat.h"
#include "common/storage/rows.h"
#include "services/eligibility/store/sql_ruling_store.h"

namespace classplan::eligibility {
namespace sql_store {

inline std::string Blob(const v1::Ruling& r) {
  v1::Ruling copy = r;
  copy.clear_etag();
  std::string out;
  copy.SerializeToString(&out);
  return out;
}

template <typename Statement>
absl::StatusOr<std::vector<StoredRuling>> CollectRulings(Statement& st) {
  std::vector<StoredRuling> out;
  absl::Status s = storage::ForEachRow(st, [&] {
    StoredRuling& row = out.emplace_back();
    row.version = st.ColumnInt(0);
    return storage::ParseBlob(st.ColumnBlob(1), &row.ruling);
  });
  if (!s.ok()) return s;
  return out;
}

template <typename Database>
absl::StatusOr<StoredRuling> ReadRuling(Database& db, const char* sql, const std::string& id) {
  auto st = db.Prepare(sql);
  if (!st.ok()) return st.status();
  st->Bind(1, id);
  auto rows = CollectRulings(*st);
  if (!rows.ok()) return rows.status();
  if (rows->empty()) return absl::NotFoundError(absl::StrCat("no ruling ", id));
  return std::move(rows->front());
}

}  // namespace sql_store

template <typename B>
absl::Status SqlRulingStore<B>::AuditedWrite(const audit::Event& event,
                                             const std::string& class_code,
                                             absl::FunctionRef<absl::Status(Database&)> write) {
  return B::Write(*pool_, [&](Database& db) -> absl::Status {
    if (absl::Status s = write(db); !s.ok()) return s;
    auto bump = db.Prepare(B::Sql().bump_class);
    if (!bump.ok()) return bump.status();
    bump->Bind(1, class_code);
    if (auto s = bump->Step().status(); !s.ok()) return s;
    return B::Append(db, event).status();
  });
}

template <typename B>
absl::Status SqlRulingStore<B>::CreateRuling(const v1::Ruling& r, const audit::Event& event) {
  return AuditedWrite(event, r.class_code(), [&](Database& db) -> absl::Status {
    auto ins = db.Prepare(B::Sql().insert_ruling);
    if (!ins.ok()) return ins.status();
    ins->Bind(1, r.id())
        .Bind(2, r.class_code())
        .Bind(3, r.applicant_ref())
        .Bind(4, static_cast<int64_t>(r.standing() ? 1 : 0))
        .BindBlob(5, sql_store::Blob(r));
    if (auto s = ins->Step().status(); !s.ok()) return s;
    if (db.Changes() != 1) return absl::AlreadyExistsError(absl::StrCat("ruling ", r.id()));
    return absl::OkStatus();
  });
}

template <typename B>
absl::StatusOr<StoredRuling> SqlRulingStore<B>::GetRuling(const std::string& id) {
  absl::StatusOr<StoredRuling> out;
  absl::Status s = B::Read(*pool_, [&](Database& db) -> absl::Status {
    out = sql_store::ReadRuling(db, B::Sql().select_ruling, id);
    return out.status();
  });
  if (!s.ok()) return s;
  return out;
}

template <typename B>
absl::Status SqlRulingStore<B>::WithdrawRuling(const v1::Ruling& r, int64_t expected_version,
                                               const audit::Event& event) {
  if (!r.withdrawn()) return absl::InternalError("WithdrawRuling needs a withdrawn ruling");
  return AuditedWrite(event, r.class_code(), [&](Database& db) -> absl::Status {
    auto up = db.Prepare(B::Sql().update_ruling);
    if (!up.ok()) return up.status();
    up->Bind(1, expected_version + 1)
        .BindBlob(2, sql_store::Blob(r))
        .Bind(3, r.id())
        .Bind(4, expected_version);
    if (auto s = up->Step().status(); !s.ok()) return s;
    if (db.Changes() == 1) return absl::OkStatus();
    // Nothing written: say why, from the row as this transaction sees it.
    auto stored = sql_store::ReadRuling(db, B::Sql().select_ruling, r.id());
    if (!stored.ok()) return stored.status();
    if (stored->ruling.withdrawn()) {
      return absl::FailedPreconditionError(
          absl::StrCat("ruling ", r.id(), " is withdrawn already"));
    }
    return absl::AbortedError("the ruling changed since it was read (stale etag)");
  });
}

template <typename B>
absl::StatusOr<std::vector<StoredRuling>> SqlRulingStore<B>::ListRulings(const RulingQuery& q) {
  absl::StatusOr<std::vector<StoredRuling>> out;
  const std::string sql = q.limit > 0 ? absl::StrCat(B::Sql().list_rulings, " LIMIT ", q.limit)
                                      : std::string(B::Sql().list_rulings);
  absl::Status s = B::Read(*pool_, [&](Database& db) -> absl::Status {
    auto st = db.Prepare(sql.c_str());
    if (!st.ok()) return st.status();
    st->Bind(1, q.class_code)
        .Bind(2, q.applicant_ref)
        .Bind(3, static_cast<int64_t>(q.kind))
        .Bind(4, static_cast<int64_t>(q.include_withdrawn ? 1 : 0))
        .Bind(5, q.after_id);
    out = sql_store::CollectRulings(*st);
    return out.status();
  });
  if (!s.ok()) return s;
  return out;
}

template <typename B>
absl::StatusOr<int64_t> SqlRulingStore<B>::ClassVersion(const std::string& class_code) {
  int64_t version = 0;
  absl::Status s = B::Read(*pool_, [&](Database& db) -> absl::Status {
    auto st = db.Prepare(B::Sql().class_version);
    if (!st.ok()) return st.status();
    st->Bind(1, class_code);
    return storage::ForEachRow(*st, [&] {
      version = st->ColumnInt(0);
      return absl::OkStatus();
    });
  });
  if (!s.ok()) return s;
  return version;
}

template <typename B>
absl::StatusOr<std::vector<std::pair<std::string, int64_t>>> SqlRulingStore<B>::ClassVersions() {
  std::vector<std::pair<std::string, int64_t>> out;
  absl::Status s = B::Read(*pool_, [&](Database& db) -> absl::Status {
    auto st = db.Prepare(B::Sql().class_versions);
    if (!st.ok()) return st.status();
    return storage::ForEachRow(*st, [&] {
      out.emplace_back(st->ColumnText(0), st->ColumnInt(1));
      return absl::OkStatus();
    });
  });
  if (!s.ok()) return s;
  return out;
}

template <typename B>
absl::StatusOr<audit::Page> SqlRulingStore<B>::ListAuditEvents(const audit::Filter& filter,
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

}  // namespace classplan::eligibility

#endif  // CLASSPLAN_SERVICES_ELIGIBILITY_STORE_SQL_RULING_STORE_IMPL_H_
