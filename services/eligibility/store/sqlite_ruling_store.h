#ifndef CLASSPLAN_SERVICES_ELIGIBILITY_STORE_SQLITE_RULING_STORE_H_
#define CLASSPLAN_SERVICES_ELIGIBILITY_STORE_SQLITE_RULING_STORE_H_
// RulingStore on an embedded SQLite file (the default, one machine). Every write is one
// transaction with synchronous=FULL: a recorded ruling is on disk before the call returns.
#include <memory>
#include <string>

#include "common/audit/sqlite_audit.h"
#include "services/eligibility/store/sql_ruling_store.h"

namespace classplan::eligibility {

// SQLite's part of SqlRulingStore (sql_ruling_store.h).
struct SqliteRulingBackend : audit::SqliteAuditedBackend {
  static const RulingSql& Sql();
};

class SqliteRulingStore : public SqlRulingStore<SqliteRulingBackend> {
 public:
  // Opens (creating) `path` and brings its schema up to date. ":memory:" needs pool_size 1.
  static absl::StatusOr<std::unique_ptr<SqliteRulingStore>> Open(const std::string& path,
                                                                 int pool_size = 4);

 private:
  using SqlRulingStore::SqlRulingStore;
};

}  // namespace classplan::eligibility

#endif  // CLASSPLAN_SERVICES_ELIGIBILITY_STORE_SQLITE_RULING_STORE_H_
