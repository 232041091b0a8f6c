#ifndef CLASSPLAN_SERVICES_PAYBAND_STORE_POSTGRES_PAYBAND_STORE_H_
#define CLASSPLAN_SERVICES_PAYBAND_STORE_POSTGRES_PAYBAND_STORE_H_
// PaybandStore on PostgreSQL, shared by any number of replicas: the same SqlPaybandStore as
// the SQLite one, with PostgreSQL's SQL. What SQLite's single writer gave for free is made
// explicit: a schedule import first bumps its jurisdiction's version, whose row stays locked
// to the commit, so two imports into one jurisdiction (on any replicas) run their overlap
// checks one after the other; audit appends take the chain's lock. Reads are retried once on a
// new connection when theirs was lost (a server restart); a write only when its BEGIN found
// the connection dead (nothing of it ran).
#include <memory>
#include <string>

#include "absl/functional/function_ref.h"
#include "common/postgres/database.h"
#include "common/postgres/pool.h"
#include "services/payband/store/sql_payband_store.h"

namespace classplan::payband {

// PostgreSQL's part of SqlPaybandStore (sql_payband_store.h).
struct PostgresPaybandBackend {
  using Database = postgres::Database;
  using Pool = postgres::ConnectionPool;
  static const PaybandSql& Sql();
  static absl::Status Read(Pool& pool, absl::FunctionRef<absl::Status(Database&)> read);
  static absl::Status Write(Pool& pool, absl::FunctionRef<absl::Status(Database&)> write);
  static absl::StatusOr<audit::Event> Append(Database& db, audit::Event event);
  static absl::StatusOr<audit::Page> List(Database& db, const audit::Filter& filter, int page_size,
                                          const std::string& page_token);
};

class PostgresPaybandStore : public SqlPaybandStore<PostgresPaybandBackend> {
 public:
  // Connects to `conninfo` (postgresql://...) and brings the schema up to date under the
  // migration lock; FailedPrecondition when the database's schema is newer than this binary.
  static absl::StatusOr<std::unique_ptr<PostgresPaybandStore>> Open(
      const std::string& conninfo, int pool_size = 4, const postgres::ConnectOptions& options = {});

 private:
  using SqlPaybandStore::SqlPaybandStore;
};

}  // namespace classplan::payband

#endif  // CLASSPLAN_SERVICES_PAYBAND_STORE_POSTGRES_PAYBAND_STORE_H_
