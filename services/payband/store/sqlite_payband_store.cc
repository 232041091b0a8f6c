#include "services/payband/store/sqlite_payband_store.h"

#include "absl/strings/str_cat.h"
#include "common/audit/sqlite_audit.h"
#include "common/sqlite/blob.h"
#include "common/sqlite/migrations.h"
#include "common/sqlite/rows.h"

namespace classplan::payband {
namespace {

const std::vector<sqlite::Migration>& Migrations() {
  static const auto* m = new std::vector<sqlite::Migration>{
      {1, "payband schema", R"sql(
        CREATE TABLE pay_schedules (
          id TEXT PRIMARY KEY, jurisdiction_id TEXT NOT NULL, data BLOB NOT NULL);
        CREATE INDEX pay_schedules_by_jurisdiction ON pay_schedules(jurisdiction_id);
        CREATE TABLE pay_bands (
          schedule_id TEXT NOT NULL REFERENCES pay_schedules(id),
          code TEXT NOT NULL,
          data BLOB NOT NULL,
          PRIMARY KEY (schedule_id, code));
        CREATE TABLE schedule_versions (
          jurisdiction_id TEXT PRIMARY KEY, version INTEGER NOT NULL);
        CREATE TABLE alternative_assignments (
          jurisdiction_id TEXT NOT NULL, class_code TEXT NOT NULL, data BLOB NOT NULL,
          PRIMARY KEY (jurisdiction_id, class_code));
      )sql"},
      {2, "audit trail", audit::kSchemaSql},
  };
  return *m;
}

absl::StatusOr<int64_t> VersionOf(sqlite::Database& db, const std::string& jurisdiction) {
  auto st = db.Prepare("SELECT version FROM schedule_versions WHERE jurisdiction_id = ?1");
  if (!st.ok()) return st.status();
  st->Bind(1, jurisdiction);
  auto row = st->Step();
  if (!row.ok()) return row.status();
  return *row ? st->ColumnInt(0) : 0;
}

// Messages from a query whose column 0 is the blob; `bind` binds its parameters.
template <typename Msg>
absl::StatusOr<std::vector<Msg>> QueryBlobs(sqlite::Database& db, const char* sql,
                                            const std::function<void(sqlite::Statement&)>& bind) {
  auto st = db.Prepare(sql);
  if (!st.ok()) return st.status();
  bind(*st);
  return sqlite::CollectBlobs<Msg>(*st);
}

// QueryBlobs of schedules, each given its jurisdiction's current version.
absl::StatusOr<std::vector<pb::PaySchedule>> QuerySchedules(
    sqlite::Database& db, const char* sql, const std::function<void(sqlite::Statement&)>& bind) {
  auto out = QueryBlobs<pb::PaySchedule>(db, sql, bind);
  if (!out.ok()) return out.status();
  for (auto& s : *out) {
    auto v = VersionOf(db, s.jurisdiction_id());
    if (!v.ok()) return v.status();
    s.set_version(*v);
  }
  return out;
}

}  // namespace

absl::StatusOr<std::unique_ptr<SqlitePaybandStore>> SqlitePaybandStore::Open(
    const std::string& path, int connections) {
  auto pool = sqlite::OpenMigrated(path, path == ":memory:" ? 1 : connections, Migrations());
  if (!pool.ok()) return pool.status();
  return std::unique_ptr<SqlitePaybandStore>(new SqlitePaybandStore(std::move(*pool)));
}

absl::StatusOr<std::vector<pb::PaySchedule>> SqlitePaybandStore::ListSchedules(
    const std::string& jurisdiction_id) {
  auto lease = pool_->Acquire();
  if (!lease.ok()) return lease.status();
  return QuerySchedules(lease->db(),
                        "SELECT data FROM pay_schedules WHERE ?1 = '' OR jurisdiction_id = ?1 "
                        "ORDER BY id",
                        [&](sqlite::Statement& st) { st.Bind(1, jurisdiction_id); });
}

absl::StatusOr<std::optional<pb::PaySchedule>> SqlitePaybandStore::GetSchedule(
    const std::string& id) {
  auto lease = pool_->Acquire();
  if (!lease.ok()) return lease.status();
  return sqlite::First(QuerySchedules(lease->db(), "SELECT data FROM pay_schedules WHERE id = ?1",
                                      [&](sqlite::Statement& st) { st.Bind(1, id); }));
}

absl::StatusOr<int64_t> SqlitePaybandStore::ScheduleVersion(const std::string& jurisdiction_id) {
  auto lease = pool_->Acquire();
  if (!lease.ok()) return lease.status();
  return VersionOf(lease->db(), jurisdiction_id);
}

absl::StatusOr<std::vector<pb::PayBand>> SqlitePaybandStore::ListBands(
    const std::string& schedule_id, const std::string& after_code, int limit) {
  auto lease = pool_->Acquire();
  if (!lease.ok()) return lease.status();
  return QueryBlobs<pb::PayBand>(
      lease->db(),
      "SELECT data FROM pay_bands WHERE schedule_id = ?1 AND code > ?2 ORDER BY code LIMIT ?3",
      [&](sqlite::Statement& st) {
        st.Bind(1, schedule_id).Bind(2, after_code).Bind(3, int64_t{limit > 0 ? limit : -1});
      });
}

absl::StatusOr<std::optional<pb::PayBand>> SqlitePaybandStore::GetBand(
    const std::string& schedule_id, const std::string& code) {
  auto lease = pool_->Acquire();
  if (!lease.ok()) return lease.status();
  return sqlite::First(QueryBlobs<pb::PayBand>(
      lease->db(), "SELECT data FROM pay_bands WHERE schedule_id = ?1 AND code = ?2",
      [&](sqlite::Statement& st) { st.Bind(1, schedule_id).Bind(2, code); }));
}

absl::Status SqlitePaybandStore::AddSchedule(const pb::PaySchedule& schedule,
                                             const std::vector<pb::PayBand>& bands,
                                             const ScheduleCheck& check,
                                             const std::optional<audit::Event>& event) {
  auto lease = pool_->Acquire();
  if (!lease.ok()) return lease.status();
  sqlite::Database& db = lease->db();
  return db.Transaction([&]() -> absl::Status {
    auto existing =
        QuerySchedules(db, "SELECT data FROM pay_schedules WHERE jurisdiction_id = ?1 ORDER BY id",
                       [&](sqlite::Statement& st) { st.Bind(1, schedule.jurisdiction_id()); });
    if (!existing.ok()) return existing.status();
    for (const auto& s : *existing) {
      if (s.id() == schedule.id()) {
        return absl::AlreadyExistsError(
            absl::StrCat("pay schedule ", schedule.id(), " already exists"));
      }
    }
    if (check) {
      if (auto s = check(*existing); !s.ok()) return s;
    }
    pb::PaySchedule copy = schedule;
    copy.clear_version();
    auto ins =
        db.Prepare("INSERT INTO pay_schedules(id, jurisdiction_id, data) VALUES(?1, ?2, ?3)");
    if (!ins.ok()) return ins.status();
    ins->Bind(1, copy.id()).Bind(2, copy.jurisdiction_id()).BindBlob(3, copy.SerializeAsString());
    if (auto s = ins->Step(); !s.ok()) return s.status();
    auto band = db.Prepare("INSERT INTO pay_bands(schedule_id, code, data) VALUES(?1, ?2, ?3)");
    if (!band.ok()) return band.status();
    for (const auto& b : bands) {
      pb::PayBand stored = b;
      stored.set_schedule_id(copy.id());
      stored.clear_annual();
      stored.clear_hourly();
      band->Reset();
      band->Bind(1, copy.id()).Bind(2, stored.code()).BindBlob(3, stored.SerializeAsString());
      if (auto s = band->Step(); !s.ok()) return s.status();
    }
    auto ver = db.Prepare(
        "INSERT INTO schedule_versions(jurisdiction_id, version) VALUES(?1, 1) "
        "ON CONFLICT(jurisdiction_id) DO UPDATE SET version = version + 1");
    if (!ver.ok()) return ver.status();
    ver->Bind(1, copy.jurisdiction_id());
    if (auto s = ver->Step(); !s.ok()) return s.status();
    // Last, so it commits with the schedule or not at all.
    if (event.has_value()) {
      if (auto e = audit::Append(db, *event); !e.ok()) return e.status();
    }
    return absl::OkStatus();
  });
}

absl::Status SqlitePaybandStore::AddAlternativeAssignment(const pb::AlternativeBandAssignment& a) {
  auto lease = pool_->Acquire();
  if (!lease.ok()) return lease.status();
  pb::AlternativeBandAssignment copy = a;
  copy.clear_review_due_on();
  auto st = lease->db().Prepare(
      "INSERT INTO alternative_assignments(jurisdiction_id, class_code, data) VALUES(?1, ?2, ?3)");
  if (!st.ok()) return st.status();
  st->Bind(1, copy.jurisdiction_id()).Bind(2, copy.class_code());
  st->BindBlob(3, copy.SerializeAsString());
  auto s = st->Step();
  if (absl::IsAlreadyExists(s.status())) {
    return absl::AlreadyExistsError(
        absl::StrCat("class ", a.class_code(), " already has an alternative band assignment"));
  }
  return s.status();
}

absl::StatusOr<std::vector<pb::AlternativeBandAssignment>>
SqlitePaybandStore::ListAlternativeAssignments(const std::string& jurisdiction_id) {
  auto lease = pool_->Acquire();
  if (!lease.ok()) return lease.status();
  return QueryBlobs<pb::AlternativeBandAssignment>(
      lease->db(),
      "SELECT data FROM alternative_assignments WHERE ?1 = '' OR jurisdiction_id = ?1 "
      "ORDER BY jurisdiction_id, class_code",
      [&](sqlite::Statement& st) { st.Bind(1, jurisdiction_id); });
}

absl::StatusOr<std::optional<pb::AlternativeBandAssignment>>
SqlitePaybandStore::GetAlternativeAssignment(const std::string& jurisdiction_id,
                                             const std::string& class_code) {
  auto lease = pool_->Acquire();
  if (!lease.ok()) return lease.status();
  return sqlite::First(QueryBlobs<pb::AlternativeBandAssignment>(
      lease->db(),
      "SELECT data FROM alternative_assignments WHERE jurisdiction_id = ?1 AND class_code = ?2",
      [&](sqlite::Statement& st) { st.Bind(1, jurisdiction_id).Bind(2, class_code); }));
}

absl::StatusOr<audit::Page> SqlitePaybandStore::ListAuditEvents(const audit::Filter& filter,
                                                                int page_size,
                                                                const std::string& page_token) {
  auto lease = pool_->Acquire();
  if (!lease.ok()) return lease.status();
  return audit::List(lease->db(), filter, page_size, page_token);
}

}  // namespace classplan::payband
