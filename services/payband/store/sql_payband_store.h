#ifndef CLASSPLAN_SERVICES_PAYBAND_STORE_SQL_PAYBAND_STORE_H_
#define CLASSPLAN_SERVICES_PAYBAND_STORE_SQL_PAYBAND_STORE_H_
// PaybandStore written once over SQL, as SqlAppraisalStore is: the checks, transactions and
// audit events of every call, for a backend (SQLite, PostgreSQL) that supplies its connection
// pool, its SQL and how it reads and writes. The guarantees are the same on both.
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "absl/functional/function_ref.h"
#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "services/payband/domain/payband_store.h"

namespace classplan::payband {

// A backend's statements, numbered parameters in the order of the comments.
struct PaybandSql {
  const char* parameter;        // how parameters are numbered: "$" or "?"
  const char* list_schedules;   // jurisdiction ("" = all) -> data, version, by id
  const char* select_schedule;  // id -> data, version
  const char* select_version;   // jurisdiction -> version
  const char* list_bands;       // schedule, after code, limit (-1 = all) -> data, by code
  const char* select_band;      // schedule, code -> data
  // jurisdiction, unless version -> schedule id, schedule data, version, band data: a row per
  // band (band data NULL for a schedule without bands), by schedule id and code; when the
  // version is the given one, or there is no schedule, one row of the version alone (id NULL)
  const char* read_jurisdiction;
  // jurisdiction -> data, version before this transaction's bump_version, by id
  const char* list_schedules_bumped;
  const char* insert_schedule;  // id, jurisdiction, data
  // "... VALUES" of (schedule, code, data) rows; with_schedule (nullptr when the backend has
  // none) also inserts the schedule, as insert_schedule does with parameters 1-3
  const char* insert_bands;
  const char* insert_bands_with_schedule;
  const char* bump_version;       // jurisdiction (inserts 1 or increments)
  const char* insert_assignment;  // jurisdiction, class, data
  const char* list_assignments;   // jurisdiction ("" = all) -> data, by jurisdiction and class
  const char* select_assignment;  // jurisdiction, class -> data
};

// Backend requirements (see SqlitePaybandBackend, PostgresPaybandBackend):
//   using Database, Pool;
//   static const PaybandSql& Sql();
//   static absl::Status Read(Pool&, absl::FunctionRef<absl::Status(Database&)>);
//   static absl::Status Write(Pool&, absl::FunctionRef<absl::Status(Database&)>);  // one tx
//   static absl::StatusOr<audit::Event> Append(Database&, audit::Event);
//   static absl::StatusOr<audit::Page> List(Database&, const audit::Filter&, int,
//                                           const std::string&);
template <typename Backend>
class SqlPaybandStore : public PaybandStore {
 public:
  using Database = typename Backend::Database;
  using Pool = typename Backend::Pool;

  absl::StatusOr<std::vector<pb::PaySchedule>> ListSchedules(
      const std::string& jurisdiction_id) override;
  absl::StatusOr<std::optional<pb::PaySchedule>> GetSchedule(const std::string& id) override;
  absl::StatusOr<int64_t> ScheduleVersion(const std::string& jurisdiction_id) override;
  absl::StatusOr<std::vector<pb::PayBand>> ListBands(const std::string& schedule_id,
                                                     const std::string& after_code,
                                                     int limit) override;
  absl::StatusOr<std::optional<pb::PayBand>> GetBand(const std::string& schedule_id,
                                                     const std::string& code) override;
  absl::StatusOr<std::optional<pb::PaybandData>> ReadJurisdiction(
      const std::string& jurisdiction_id, int64_t unless_version) override;
  absl::Status AddSchedule(const pb::PaySchedule& schedule, const std::vector<pb::PayBand>& bands,
                           const ScheduleCheck& check,
                           const std::optional<audit::Event>& event) override;
  absl::Status AddAlternativeAssignment(const pb::AlternativeBandAssignment& a) override;
  absl::StatusOr<std::vector<pb::AlternativeBandAssignment>> ListAlternativeAssignments(
      const std::string& jurisdiction_id) override;
  absl::StatusOr<std::optional<pb::AlternativeBandAssignment>> GetAlternativeAssignment(
      const std::string& jurisdiction_id, const std::string& class_code) override;
  absl::StatusOr<audit::Page> ListAuditEvents(const audit::Filter& filter, int page_size,
                                              const std::string& page_token) override;

 protected:
  explicit SqlPaybandStore(std::unique_ptr<Pool> pool) : pool_(std::move(pool)) {}
  Pool& pool() { return *pool_; }

 private:
  std::unique_ptr<Pool> pool_;
};

}  // namespace classplan::payband

#endif  // CLASSPLAN_SERVICES_PAYBAND_STORE_SQL_PAYBAND_STORE_H_
