#ifndef CLASSPLAN_SERVICES_APPRAISAL_STORE_SQLITE_APPRAISAL_STORE_H_
#define CLASSPLAN_SERVICES_APPRAISAL_STORE_SQLITE_APPRAISAL_STORE_H_
// AppraisalStore on an embedded SQLite file. Every write is one transaction, and every
// connection runs with synchronous=FULL: an acknowledged appraisal write is on disk before
// the call returns, so it survives a process kill or power loss (WAL with NORMAL would only
// survive a process crash). Appraisal writes are rare, so the extra fsync is cheap.
#include <memory>
#include <string>

#include "absl/functional/function_ref.h"
#include "common/sqlite/pool.h"
#include "services/appraisal/store/appraisal_store.h"

namespace classplan::appraisal {

class SqliteAppraisalStore : public AppraisalStore {
 public:
  // Opens (creating) `path` and brings its schema up to date. ":memory:" needs pool_size 1.
  static absl::StatusOr<std::unique_ptr<SqliteAppraisalStore>> Open(const std::string& path,
                                                                    int pool_size = 4);

  absl::Status PutFramework(const v1::Framework& framework) override;
  absl::StatusOr<v1::Framework> GetFramework(const std::string& id, int version) override;
  absl::StatusOr<std::vector<v1::Framework>> ListFrameworks() override;
  absl::Status CreateAppraisal(const v1::Appraisal& appraisal, const audit::Event& event) override;
  absl::StatusOr<StoredAppraisal> GetAppraisal(const std::string& id) override;
  absl::Status UpdateAppraisal(const v1::Appraisal& appraisal, int64_t expected_version,
                               const audit::Event& event) override;
  absl::Status VoidAppraisal(const v1::Appraisal& appraisal, int64_t expected_version,
                             const audit::Event& event) override;
  absl::Status AddAddendum(const std::string& appraisal_id, const v1::Addendum& addendum,
                           const audit::Event& event) override;
  absl::StatusOr<std::vector<StoredAppraisal>> ListAppraisals(const AppraisalQuery& query) override;
  absl::Status RecordReads(const std::vector<audit::Event>& events) override;
  absl::StatusOr<audit::Page> ListAuditEvents(const audit::Filter& filter, int page_size,
                                              const std::string& page_token) override;
  absl::Status CreateAssignment(const v1::SupervisorAssignment& assignment,
                                const audit::Event& event) override;
  absl::StatusOr<StoredAssignment> GetAssignment(const std::string& id) override;
  absl::Status UpdateAssignment(const v1::SupervisorAssignment& assignment,
                                int64_t expected_version, const audit::Event& event) override;
  absl::StatusOr<std::vector<StoredAssignment>> ListAssignments(
      const AssignmentQuery& query) override;

 private:
  explicit SqliteAppraisalStore(std::unique_ptr<sqlite::ConnectionPool> pool)
      : pool_(std::move(pool)) {}
  absl::StatusOr<sqlite::ConnectionPool::Lease> Acquire();
  // Runs `write` and appends its audit event in one transaction: no write without its event,
  // and a failed write leaves none. `write` may fill in the event (etags it read).
  absl::Status AuditedWrite(
      const audit::Event& event,
      absl::FunctionRef<absl::Status(sqlite::Database&, audit::Event&)> write);
  std::unique_ptr<sqlite::ConnectionPool> pool_;
};

}  // namespace classplan::appraisal

#endif  // CLASSPLAN_SERVICES_APPRAISAL_STORE_SQLITE_APPRAISAL_STORE_H_
