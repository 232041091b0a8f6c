#ifndef CLASSPLAN_SERVICES_ELIGIBILITY_STORE_SQL_RULING_STORE_H_
#define CLASSPLAN_SERVICES_ELIGIBILITY_STORE_SQL_RULING_STORE_H_
// RulingStore written once over SQL, for a backend (SQLite, PostgreSQL) that supplies its
// connection pool, its SQL and how it reads and writes (as services/appraisal/store).
#include <cstdint>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "absl/functional/function_ref.h"
#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "services/eligibility/store/ruling_store.h"

namespace classplan::eligibility {

// A backend's statements, numbered parameters in the order of the comments.
struct RulingSql {
  const char* insert_ruling;   // id, class, applicant ref, standing; ignores an existing id
  const char* select_ruling;   // id -> version, data
  const char* update_ruling;   // new version, data, id, expected version (not yet withdrawn)
  const char* bump_class;      // class
  const char* list_rulings;    // class, applicant ref, kind, include withdrawn, after id
  const char* class_version;   // class -> version
  const char* class_versions;  // -> class, version
};

// Backend requirements: using Database, Pool; static const RulingSql& Sql(); Read, Write (one
// transaction), Append, List (as SqlAppraisalStore's).
template <typename Backend>
class SqlRulingStore : public RulingStore {
 public:
  using Database = typename Backend::Database;
  using Pool = typename Backend::Pool;

  absl::Status CreateRuling(const v1::Ruling& ruling, const audit::Event& event) override;
  absl::StatusOr<StoredRuling> GetRuling(const std::string& id) override;
  absl::Status WithdrawRuling(const v1::Ruling& ruling, int64_t expected_version,
                              const audit::Event& event) override;
  absl::StatusOr<std::vector<StoredRuling>> ListRulings(const RulingQuery& query) override;
  absl::StatusOr<int64_t> ClassVersion(const std::string& class_code) override;
  absl::StatusOr<std::vector<std::pair<std::string, int64_t>>> ClassVersions() override;
  absl::StatusOr<audit::Page> ListAuditEvents(const audit::Filter& filter, int page_size,
                                              const std::string& page_token) override;

 protected:
  explicit SqlRulingStore(std::unique_ptr<Pool> pool) : pool_(std::move(pool)) {}
  Pool& pool() { return *pool_; }

 private:
  // Runs `write`, bumps `class_code`'s version and appends the event in one transaction.
  absl::Status AuditedWrite(const audit::Event& event, const std::string& class_code,
                            absl::FunctionRef<absl::Status(Database&)> write);

  std::unique_ptr<Pool> pool_;
};

}  // namespace classplan::eligibility

#endif  // CLASSPLAN_SERVICES_ELIGIBILITY_STORE_SQL_RULING_STORE_H_
