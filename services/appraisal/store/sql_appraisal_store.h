#ifndef CLASSPLAN_SERVICES_APPRAISAL_STORE_SQL_APPRAISAL_STORE_H_
#define CLASSPLAN_SERVICES_APPRAISAL_STORE_SQL_APPRAISAL_STORE_H_
// AppraisalStore written once over SQL: the checks, transactions and audit events of every
// call, for a backend (SQLite, PostgreSQL) that supplies its connection pool, its SQL and how
// it reads and writes. The two backends differ only in those; the guarantees are the same.
#include <cstdint>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "absl/functional/function_ref.h"
#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "services/appraisal/store/appraisal_store.h"

namespace classplan::appraisal {

// A backend's statements, numbered parameters in the order of the comments.
struct AppraisalSql {
  const char* insert_framework;      // id, version, data; ignores an existing version
  const char* select_framework;      // id, version -> data
  const char* latest_framework;      // id -> data
  const char* list_frameworks;       // -> data
  const char* insert_appraisal;      // id, employee, supervisor, unit, state, framework, data
  const char* select_appraisal;      // id -> version, data, addendum data (NULL: none);
                                     // a row per addendum, oldest first: one statement
  const char* select_version_state;  // id -> version, state; locks the row where it can
  const char* update_appraisal;      // employee, supervisor, unit, state, framework,
                                     // new version, data, id, expected version, and two
                                     // states the stored one must not be
  const char* insert_addendum;       // appraisal id, data
  const char* bump_version;          // id
  const char* select_addenda;        // appraisal id -> data
  const char* list_appraisals;       // employee, supervisor, unit, state, after id
  const char* lock_assignment_pair;  // employee, supervisor; nullptr: the transaction
                                     // already excludes other writers
  const char* select_overlap;        // employee, supervisor, to, from
  const char* insert_assignment;     // id, employee, supervisor, from, to, data
  const char* select_assignment;     // id -> version, data
  const char* update_assignment;     // employee, supervisor, from, to, new version, data,
                                     // id, expected version
  const char* assignment_exists;     // id
  const char* list_assignments;      // employee, supervisor, day, after id
};

// Backend requirements (see SqliteAppraisalBackend, PostgresAppraisalBackend):
//   using Database, Pool;
//   static const AppraisalSql& Sql();
//   static absl::Status Read(Pool&, absl::FunctionRef<absl::Status(Database&)>);
//   static absl::Status Write(Pool&, absl::FunctionRef<absl::Status(Database&)>);  // one tx
//   static absl::StatusOr<audit::Event> Append(Database&, audit::Event);
//   static absl::StatusOr<audit::Page> List(Database&, const audit::Filter&, int,
//                                           const std::string&);
template <typename Backend>
class SqlAppraisalStore : public AppraisalStore {
 public:
  using Database = typename Backend::Database;
  using Pool = typename Backend::Pool;

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

 protected:
  explicit SqlAppraisalStore(std::unique_ptr<Pool> pool) : pool_(std::move(pool)) {}
  Pool& pool() { return *pool_; }

 private:
  // Runs `write` and appends its audit event in one transaction: no write without its event,
  // and a failed write leaves none. `write` may fill in the event (etags it read).
  absl::Status AuditedWrite(const audit::Event& event,
                            absl::FunctionRef<absl::Status(Database&, audit::Event&)> write);

  std::unique_ptr<Pool> pool_;
};

}  // namespace classplan::appraisal

#endif  // CLASSPLAN_SERVICES_APPRAISAL_STORE_SQL_APPRAISAL_STORE_H_
