#ifndef CLASSPLAN_SERVICES_ELIGIBILITY_STORE_POSTGRES_RULING_STORE_H_
#define CLASSPLAN_SERVICES_ELIGIBILITY_STORE_POSTGRES_RULING_STORE_H_
// RulingStore on PostgreSQL, shared by any number of replicas: the same SqlRulingStore as the
// SQLite one, with PostgreSQL's SQL. A withdrawal checks the version in its UPDATE's WHERE
// (racing writers queue on the row lock; the loser finds it changed); audit appends take the
// chain's lock at the commit (audit::AppendAtCommit).
#include <memory>
#include <string>

#include "absl/functional/function_ref.h"
#include "common/postgres/database.h"
#include "common/postgres/pool.h"
#include "services/eligibility/store/sql_ruling_store.h"

namespace classplan::eligibility {

// PostgreSQL's part of SqlRulingStore (sql_ruling_store.h).
struct PostgresRulingBackend {
  using Database = postgres::Database;
  using Pool = postgres::ConnectionPool;
  static const RulingSql& Sql();
  static absl::Status Read(Pool& pool, absl::FunctionRef<absl::Status(Database&)> read);
  static absl::Status Write(Pool& pool, absl::FunctionRef<absl::Status(Database&)> write);
  static absl::StatusOr<audit::Event> Append(Database& db, audit::Event event);
  static absl::StatusOr<audit::Page> List(Database& db, const audit::Filter& filter, int page_size,
                                          const std::string& page_token);
};

class PostgresRulingStore : public SqlRulingStore<PostgresRulingBackend> {
 public:
  // Connects to `conninfo` (postgresql://...) and brings the schema up to date under the
  // migration lock; FailedPrecondition when the database's schema is newer than this binary.
  static absl::StatusOr<std::unique_ptr<PostgresRulingStore>> Open(
      const std::string& conninfo, int pool_size = 4, const postgres::ConnectOptions& options = {});

 private:
  using SqlRulingStore::SqlRulingStore;
};

}  // namespace classplan::eligibility

#endif  // CLASSPLAN_SERVICES_ELIGIBILITY_STORE_POSTGRES_RULING_STORE_H_
