#ifndef CLASSPLAN_SERVICES_APPRAISAL_STORE_SQLITE_APPRAISAL_STORE_H_
#define CLASSPLAN_SERVICES_APPRAISAL_STORE_SQLITE_APPRAISAL_STORE_H_
// AppraisalStore on an embedded SQLite file. Every write is one transaction, and every
// connection runs with synchronous=FULL: an acknowledged appraisal write is on disk before
// the call returns, so it survives a process kill or power loss (WAL with NORMAL would only
// survive a process crash). Appraisal writes are rare, so the extra fsync is cheap.
#include <memory>
#include <string>

#include "common/audit/sqlite_audit.h"
#include "services/appraisal/store/sql_appraisal_store.h"

namespace classplan::appraisal {

// SQLite's part of SqlAppraisalStore (sql_appraisal_store.h).
struct SqliteAppraisalBackend : audit::SqliteAuditedBackend {
  static const AppraisalSql& Sql();
};

class SqliteAppraisalStore : public SqlAppraisalStore<SqliteAppraisalBackend> {
 public:
  // Opens (creating) `path` and brings its schema up to date. ":memory:" needs pool_size 1.
  static absl::StatusOr<std::unique_ptr<SqliteAppraisalStore>> Open(const std::string& path,
                                                                    int pool_size = 4);

 private:
  using SqlAppraisalStore::SqlAppraisalStore;
};

}  // namespace classplan::appraisal

#endif  // CLASSPLAN_SERVICES_APPRAISAL_STORE_SQLITE_APPRAISAL_STORE_H_
