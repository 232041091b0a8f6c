#ifndef CLASSPLAN_SERVICES_PAYBAND_STORE_SQL_PAYBAND_STORE_IMPL_H_
#define CLASSPLAN_SERVICES_PAYBAND_STORE_SQL_PAYBAND_STORE_IMPL_H_
// The definitions of SqlPaybandStore, included only by the backends' .cc files, each of which
// instantiates it once (template class SqlPaybandStore<TheirBackend>).
#include <algorithm>
#include <string>
#include <utility>
#include <vector>

#include "absl/strings/str_cat.h"
#include "common/storage/rows.h"
#include "services/payband/store/sql_payband_store.h"

namespace classplan::payband {
namespace sql_store {

// Bands per INSERT statement: 2 parameters each, well under SQLite's 32766.
inline constexpr size_t kBandsPerInsert = 500;

// The Msg in column 0 of every row of `sql`; `bind` binds its parameters.
template <typename Msg, typename Database, typename Bind>
absl::StatusOr<std::vector<Msg>> Blobs(Database& db, const char* sql, const Bind& bind) {
  auto st = db.Prepare(sql);
  if (!st.ok()) return st.status();
  bind(*st);
  return storage::CollectBlobs<Msg>(*st);
}

template <typename Database>
absl::StatusOr<int64_t> VersionOf(Database& db, const char* sql, const std::string& jurisdiction) {
  auto st = db.Prepare(sql);
  if (!st.ok()) return st.status();
  st->Bind(1, jurisdiction);
  auto row = st->Step();
  if (!row.ok()) return row.status();
  return *row ? st->ColumnInt(0) : 0;
}

// Schedules from a query selecting (data, version): each is given its jurisdiction's version,
// joined in the same statement (one snapshot, one round trip on PostgreSQL).
template <typename Database, typename Bind>
absl::StatusOr<std::vector<pb::PaySchedule>> Schedules(Database& db, const char* query,
                                                       const Bind& bind) {
  auto st = db.Prepare(query);
  if (!st.ok()) return st.status();
  bind(*st);
  std::vector<pb::PaySchedule> out;
  absl::Status s = storage::ForEachRow(*st, [&] {
    pb::PaySchedule& schedule = out.emplace_back();
    if (auto parsed = storage::ParseBlob(st->ColumnBlob(0), &schedule); !parsed.ok()) {
      return parsed;
    }
    schedule.set_version(st->ColumnInt(1));
    return absl::OkStatus();
  });
  if (!s.ok()) return s;
  return out;
}

// The multi-row INSERT of `rows` bands: "<insert_bands> ($1, $F, $F+1), ($1, $F+2, $F+3), ..."
// (`numbered` "$" or "?", F = `first`): the schedule id once, then each band's code and data.
inline std::string InsertBandsSql(const char* insert_bands, const char* numbered, int first,
                                  size_t rows) {
  std::string sql = insert_bands;
  for (size_t i = 0; i < rows; ++i) {
    const int column = first + 2 * static_cast<int>(i);
    absl::StrAppend(&sql, i == 0 ? " " : ", ", "(", numbered, "1, ", numbered, column, ", ",
                    numbered, column + 1, ")");
  }
  return sql;
}

// Runs `read` through the backend's Read and returns what it produced.
template <typename B, typename T, typename Fn>
absl::StatusOr<T> ReadValue(typename B::Pool& pool, const Fn& read) {
  absl::StatusOr<T> out;
  absl::Status s = B::Read(pool, [&](typename B::Database& db) -> absl::Status {
    out = read(db);
    return out.status();
  });
  if (!s.ok()) return s;
  return out;
}

}  // namespace sql_store

template <typename B>
absl::StatusOr<std::vector<pb::PaySchedule>> SqlPaybandStore<B>::ListSchedules(
    const std::string& jurisdiction_id) {
  return sql_store::ReadValue<B, std::vector<pb::PaySchedule>>(*pool_, [&](Database& db) {
    return sql_store::Schedules(db, B::Sql().list_schedules,
                                [&](auto& st) { st.Bind(1, jurisdiction_id); });
  });
}

template <typename B>
absl::StatusOr<std::optional<pb::PaySchedule>> SqlPaybandStore<B>::GetSchedule(
    const std::string& id) {
  return sql_store::ReadValue<B, std::optional<pb::PaySchedule>>(*pool_, [&](Database& db) {
    return storage::First(
        sql_store::Schedules(db, B::Sql().select_schedule, [&](auto& st) { st.Bind(1, id); }));
  });
}

template <typename B>
absl::StatusOr<int64_t> SqlPaybandStore<B>::ScheduleVersion(const std::string& jurisdiction_id) {
  return sql_store::ReadValue<B, int64_t>(*pool_, [&](Database& db) {
    return sql_store::VersionOf(db, B::Sql().select_version, jurisdiction_id);
  });
}

template <typename B>
absl::StatusOr<std::vector<pb::PayBand>> SqlPaybandStore<B>::ListBands(
    const std::string& schedule_id, const std::string& after_code, int limit) {
  return sql_store::ReadValue<B, std::vector<pb::PayBand>>(*pool_, [&](Database& db) {
    return sql_store::Blobs<pb::PayBand>(db, B::Sql().list_bands, [&](auto& st) {
      st.Bind(1, schedule_id).Bind(2, after_code).Bind(3, int64_t{limit > 0 ? limit : -1});
    });
  });
}

template <typename B>
absl::StatusOr<std::optional<pb::PayBand>> SqlPaybandStore<B>::GetBand(
    const std::string& schedule_id, const std::string& code) {
  return sql_store::ReadValue<B, std::optional<pb::PayBand>>(*pool_, [&](Database& db) {
    return storage::First(sql_store::Blobs<pb::PayBand>(
        db, B::Sql().select_band, [&](auto& st) { st.Bind(1, schedule_id).Bind(2, code); }));
  });
}

template <typename B>
absl::StatusOr<std::optional<pb::PaybandData>> SqlPaybandStore<B>::ReadJurisdiction(
    const std::string& jurisdiction_id, int64_t unless_version) {
  // One statement: the version check and the read are one snapshot on both backends, one
  // round trip on PostgreSQL.
  return sql_store::ReadValue<B, std::optional<pb::PaybandData>>(
      *pool_, [&](Database& db) -> absl::StatusOr<std::optional<pb::PaybandData>> {
        auto st = db.Prepare(B::Sql().read_jurisdiction);
        if (!st.ok()) return st.status();
        st->Bind(1, jurisdiction_id).Bind(2, unless_version);
        pb::PaybandData out;
        int64_t version = 0;
        std::string last_id;
        absl::Status s = storage::ForEachRow(*st, [&]() -> absl::Status {
          version = st->ColumnInt(2);
          if (st->ColumnIsNull(0)) return absl::OkStatus();  // the version alone
          std::string id = st->ColumnText(0);
          if (out.schedules_size() == 0 || id != last_id) {
            pb::PaySchedule* schedule = out.add_schedules()->mutable_schedule();
            if (auto p = storage::ParseBlob(st->ColumnBlob(1), schedule); !p.ok()) return p;
            schedule->set_version(version);
            last_id = std::move(id);
          }
          if (st->ColumnIsNull(3)) return absl::OkStatus();  // a schedule without bands
          pb::ScheduleData& sd = *out.mutable_schedules()->rbegin();
          return storage::ParseBlob(st->ColumnBlob(3), sd.add_bands());
        });
        if (!s.ok()) return s;
        if (out.schedules_size() == 0 && version == unless_version) {
          return std::optional<pb::PaybandData>();
        }
        return std::optional<pb::PaybandData>(std::move(out));
      });
}

template <typename B>
absl::Status SqlPaybandStore<B>::AddSchedule(const pb::PaySchedule& schedule,
                                             const std::vector<pb::PayBand>& bands,
                                             const ScheduleCheck& check,
                                             const std::optional<audit::Event>& event) {
  const PaybandSql& sql = B::Sql();
  pb::PaySchedule copy = schedule;
  copy.clear_version();
  return B::Write(*pool_, [&](Database& db) -> absl::Status {
    // The version first: its row stays locked to the commit, so two imports into one
    // jurisdiction (on any replicas) run their overlap checks one after the other (SQLite's
    // BEGIN IMMEDIATE excludes other writers already). The schedules are read by a later
    // statement, whose snapshot (READ COMMITTED) is taken after the lock was granted, so it
    // sees every import that held it before; read in the same statement they would not be.
    auto ver = db.Prepare(sql.bump_version);
    if (!ver.ok()) return ver.status();
    ver->Bind(1, copy.jurisdiction_id());
    if (auto s = ver->Step(); !s.ok()) return s.status();
    auto existing = sql_store::Schedules(db, sql.list_schedules_bumped,
                                         [&](auto& st) { st.Bind(1, copy.jurisdiction_id()); });
    if (!existing.ok()) return existing.status();
    for (const auto& s : *existing) {
      if (s.id() == copy.id()) {
        return absl::AlreadyExistsError(
            absl::StrCat("pay schedule ", copy.id(), " already exists"));
      }
    }
    if (check) {
      if (auto s = check(*existing); !s.ok()) return s;
    }
    // Bands in multi-row INSERTs, the first with the schedule where the backend can (one
    // round trip on PostgreSQL for up to kBandsPerInsert bands).
    const bool together = sql.insert_bands_with_schedule != nullptr && !bands.empty();
    if (!together) {
      auto ins = db.Prepare(sql.insert_schedule);
      if (!ins.ok()) return ins.status();
      ins->Bind(1, copy.id()).Bind(2, copy.jurisdiction_id());
      ins->BindBlob(3, copy.SerializeAsString());
      if (auto s = ins->Step(); !s.ok()) return s.status();
    }
    for (size_t first = 0; first < bands.size(); first += sql_store::kBandsPerInsert) {
      const size_t rows = std::min(sql_store::kBandsPerInsert, bands.size() - first);
      const bool with_schedule = together && first == 0;
      const int column0 = with_schedule ? 4 : 2;
      auto ins_bands = db.Prepare(sql_store::InsertBandsSql(
          with_schedule ? sql.insert_bands_with_schedule : sql.insert_bands, sql.parameter, column0,
          rows));
      if (!ins_bands.ok()) return ins_bands.status();
      ins_bands->Bind(1, copy.id());
      if (with_schedule) {
        ins_bands->Bind(2, copy.jurisdiction_id()).BindBlob(3, copy.SerializeAsString());
      }
      for (size_t i = 0; i < rows; ++i) {
        pb::PayBand stored = bands[first + i];
        stored.set_schedule_id(copy.id());
        stored.clear_annual();
        stored.clear_hourly();
        const int column = column0 + 2 * static_cast<int>(i);
        ins_bands->Bind(column, stored.code()).BindBlob(column + 1, stored.SerializeAsString());
      }
      if (auto s = ins_bands->Step(); !s.ok()) return s.status();
    }
    // Last, so it commits with the schedule or not at all.
    if (event.has_value()) {
      if (auto e = B::Append(db, *event); !e.ok()) return e.status();
    }
    return absl::OkStatus();
  });
}

template <typename B>
absl::Status SqlPaybandStore<B>::AddAlternativeAssignment(const pb::AlternativeBandAssignment& a) {
  pb::AlternativeBandAssignment copy = a;
  copy.clear_review_due_on();
  absl::Status s = B::Write(*pool_, [&](Database& db) -> absl::Status {
    auto st = db.Prepare(B::Sql().insert_assignment);
    if (!st.ok()) return st.status();
    st->Bind(1, copy.jurisdiction_id()).Bind(2, copy.class_code());
    st->BindBlob(3, copy.SerializeAsString());
    return st->Step().status();
  });
  if (absl::IsAlreadyExists(s)) {
    return absl::AlreadyExistsError(
        absl::StrCat("class ", a.class_code(), " already has an alternative band assignment"));
  }
  return s;
}

template <typename B>
absl::StatusOr<std::vector<pb::AlternativeBandAssignment>>
SqlPaybandStore<B>::ListAlternativeAssignments(const std::string& jurisdiction_id) {
  return sql_store::ReadValue<B, std::vector<pb::AlternativeBandAssignment>>(
      *pool_, [&](Database& db) {
        return sql_store::Blobs<pb::AlternativeBandAssignment>(
            db, B::Sql().list_assignments, [&](auto& st) { st.Bind(1, jurisdiction_id); });
      });
}

template <typename B>
absl::StatusOr<std::optional<pb::AlternativeBandAssignment>>
SqlPaybandStore<B>::GetAlternativeAssignment(const std::string& jurisdiction_id,
                                             const std::string& class_code) {
  return sql_store::ReadValue<B, std::optional<pb::AlternativeBandAssignment>>(
      *pool_, [&](Database& db) {
        return storage::First(sql_store::Blobs<pb::AlternativeBandAssignment>(
            db, B::Sql().select_assignment,
            [&](auto& st) { st.Bind(1, jurisdiction_id).Bind(2, class_code); }));
      });
}

template <typename B>
absl::StatusOr<audit::Page> SqlPaybandStore<B>::ListAuditEvents(const audit::Filter& filter,
                                                                int page_size,
                                                                const std::string& page_token) {
  return sql_store::ReadValue<B, audit::Page>(
      *pool_, [&](Database& db) { return B::List(db, filter, page_size, page_token); });
}

}  // namespace classplan::payband

#endif  // CLASSPLAN_SERVICES_PAYBAND_STORE_SQL_PAYBAND_STORE_IMPL_H_
