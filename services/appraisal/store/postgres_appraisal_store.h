#ifndef CLASSPLAN_SERVICES_APPRAISAL_STORE_POSTGRES_APPRAISAL_STORE_H_
#define CLASSPLAN_SERVICES_APPRAISAL_STORE_POSTGRES_APPRAISAL_STORE_H_
// AppraisalStore on PostgreSQL, shared by any number of replicas: the same SqlAppraisalStore
// as the SQLite one, with PostgreSQL's SQL. What SQLite's single writer gave for free is made
// explicit: an update checks the version in its UPDATE's WHERE (racing writers queue on the
// row lock, and the losers find the version changed), creating an assignment takes a
// transaction-scoped advisory lock on the (employee, supervisor) pair before the overlap check,
// and audit appends take the chain's lock at the commit (audit::AppendAtCommit). Statements
// are prepared once per connection (postgres::Database::Prepare).
// Commits are durable when they return (synchronous_commit on, the server default). Reads are
// retried once on a new connection when theirs was lost (a server restart); a write only when
// its BEGIN found the connection dead (nothing of it ran).
#include <memory>
#include <string>

#include "absl/functional/function_ref.h"
#include "common/postgres/database.h"
#include "common/postgres/pool.h"
#include "services/appraisal/store/sql_appraisal_store.h"

namespace classplan::appraisal {

// PostgreSQL's part of SqlAppraisalStore (sql_appraisal_store.h).
struct PostgresAppraisalBackend {
  using Database = postgres::Database;
  using Pool = postgres::ConnectionPool;
  static const AppraisalSql& Sql();
  static absl::Status Read(Pool& pool, absl::FunctionRef<absl::Status(Database&)> read);
  static absl::Status Write(Pool& pool, absl::FunctionRef<absl::Status(Database&)> write);
  static absl::StatusOr<audit::Event> Append(Database& db, audit::Event event);
  static absl::StatusOr<audit::Page> List(Database& db, const audit::Filter& filter, int page_size,
                                          const std::string& page_token);
};

class PostgresAppraisalStore : public SqlAppraisalStore<PostgresAppraisalBackend> {
 public:
  // Connects to `conninfo` (postgresql://...) and brings the schema up to date under the
  // migration lock; FailedPrecondition when the database's schema is newer than this binary.
  static absl::StatusOr<std::unique_ptr<PostgresAppraisalStore>> Open(
      const std::string& conninfo, int pool_size = 4, const postgres::ConnectOptions& options = {});

 private:
  using SqlAppraisalStore::SqlAppraisalStore;
};

}  // namespace classplan::appraisal

#endif  // CLASSPLAN_SERVICES_APPRAISAL_STORE_POSTGRES_APPRAISAL_STORE_H_
