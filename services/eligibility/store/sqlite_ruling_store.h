#ifndef CLASSPLAN_SERVICES_ELIGIBILITY_STORE_SQLITE_RULING_STORE_H_
#define CLASSPLAN_SERVICES_ELIGIBILITY_STORE_SQLITE_RULING_STORE_H_
// RulingStore on an embedded SQLite file (the default, one machine). Every write is one
// transaction with synchronous=FULL: a recorded ruling is on disk before the call returns.
#include <memory>
#include <string>

#include "absl/functional/function_ref.h"
#include "common/sqlite/database.h"
#include "common/sqlite/pool.h"
#include "services/eligibility/store/sql_ruling_store.h"

namespace classplan::eligibility {

// SQLite's part of SqlRulingStore (sql_ruling_store.h).
struct SqliteRulingBackend {
  using Database = sqlite::Database;
  using Pool = sqlite::ConnectionPool;
  static const RulingSql& Sql();
  static absl::Status Read(Pool& pool, absl::FunctionRef<absl::Status(Database&)> read);
  // BEGIN IMMEDIATE: one writer at a time, so every check inside holds until the commit.
  static absl::Status Write(Pool& pool, absl::FunctionRef<absl::Status(Database&)> write);
  static absl::StatusOr<audit::Event> Append(Database& db, audit::Event event);
  static absl::StatusOr<audit::Page> List(Database& db, const audit::Filter& filter, int page_size,
                                          const std::string& page_token);
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
