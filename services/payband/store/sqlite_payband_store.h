#ifndef CLASSPLAN_SERVICES_PAYBAND_STORE_SQLITE_PAYBAND_STORE_H_
#define CLASSPLAN_SERVICES_PAYBAND_STORE_SQLITE_PAYBAND_STORE_H_

#include <memory>
#include <string>

#include "absl/functional/function_ref.h"
#include "common/sqlite/database.h"
#include "common/sqlite/pool.h"
#include "services/payband/store/sql_payband_store.h"

namespace classplan::payband {

// SQLite's part of SqlPaybandStore (sql_payband_store.h).
struct SqlitePaybandBackend {
  using Database = sqlite::Database;
  using Pool = sqlite::ConnectionPool;
  static const PaybandSql& Sql();
  static absl::Status Read(Pool& pool, absl::FunctionRef<absl::Status(Database&)> read);
  // BEGIN IMMEDIATE: one writer at a time, so the overlap check holds until the commit.
  static absl::Status Write(Pool& pool, absl::FunctionRef<absl::Status(Database&)> write);
  static absl::StatusOr<audit::Event> Append(Database& db, audit::Event event);
  static absl::StatusOr<audit::Page> List(Database& db, const audit::Filter& filter, int page_size,
                                          const std::string& page_token);
};

// The embedded store: one SQLite file (WAL), resources as serialized protobuf beside the
// columns that are queried.
class SqlitePaybandStore : public SqlPaybandStore<SqlitePaybandBackend> {
 public:
  // Opens (creating if needed) and migrates the database at `path`.
  static absl::StatusOr<std::unique_ptr<SqlitePaybandStore>> Open(const std::string& path,
                                                                  int connections = 4);

 private:
  using SqlPaybandStore::SqlPaybandStore;
};

}  // namespace classplan::payband

#endif  // CLASSPLAN_SERVICES_PAYBAND_STORE_SQLITE_PAYBAND_STORE_H_
