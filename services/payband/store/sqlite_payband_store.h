#ifndef CLASSPLAN_SERVICES_PAYBAND_STORE_SQLITE_PAYBAND_STORE_H_
#define CLASSPLAN_SERVICES_PAYBAND_STORE_SQLITE_PAYBAND_STORE_H_

#include <memory>
#include <string>

#include "common/sqlite/pool.h"
#include "services/payband/domain/payband_store.h"

namespace classplan::payband {

// The embedded store: one SQLite file (WAL), resources as serialized protobuf beside the
// columns that are queried.
class SqlitePaybandStore : public PaybandStore {
 public:
  // Opens (creating if needed) and migrates the database at `path`.
  static absl::StatusOr<std::unique_ptr<SqlitePaybandStore>> Open(const std::string& path,
                                                                  int connections = 4);

  absl::StatusOr<std::vector<pb::PaySchedule>> ListSchedules(
      const std::string& jurisdiction_id) override;
  absl::StatusOr<std::optional<pb::PaySchedule>> GetSchedule(const std::string& id) override;
  absl::StatusOr<int64_t> ScheduleVersion(const std::string& jurisdiction_id) override;
  absl::StatusOr<std::vector<pb::PayBand>> ListBands(const std::string& schedule_id,
                                                     const std::string& after_code,
                                                     int limit) override;
  absl::StatusOr<std::optional<pb::PayBand>> GetBand(const std::string& schedule_id,
                                                     const std::string& code) override;
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

 private:
  explicit SqlitePaybandStore(std::unique_ptr<sqlite::ConnectionPool> pool)
      : pool_(std::move(pool)) {}
  std::unique_ptr<sqlite::ConnectionPool> pool_;
};

}  // namespace classplan::payband

#endif  // CLASSPLAN_SERVICES_PAYBAND_STORE_SQLITE_PAYBAND_STORE_H_
