#include "services/appraisal/store/postgres_appraisal_store.h"

#include "absl/strings/str_cat.h"
#include "common/audit/postgres_audit.h"
#include "common/postgres/migrations.h"
#include "services/appraisal/store/sql_appraisal_store_impl.h"

namespace classplan::appraisal {
namespace {

// The SQLite store's versions, in PostgreSQL's types. Ids sort bytewise (COLLATE "C") as in
// SQLite, so paging by id gives the same pages on both.
const std::vector<postgres::Migration>& Migrations() {
  static const auto* m = new std::vector<postgres::Migration>{
      {1, "appraisal schema", R"sql(
        CREATE TABLE frameworks (
          id TEXT COLLATE "C" NOT NULL, version BIGINT NOT NULL, data BYTEA NOT NULL,
          PRIMARY KEY (id, version));
        CREATE TABLE appraisals (
          id TEXT COLLATE "C" PRIMARY KEY,
          employee_id TEXT NOT NULL,
          supervisor_id TEXT NOT NULL,
          unit_id TEXT NOT NULL,
          state BIGINT NOT NULL,
          framework_id TEXT NOT NULL,
          version BIGINT NOT NULL,
          data BYTEA NOT NULL);
        CREATE INDEX appraisals_employee ON appraisals(employee_id, id);
        CREATE INDEX appraisals_supervisor ON appraisals(supervisor_id, id);
        CREATE INDEX appraisals_unit ON appraisals(unit_id, id);
      )sql"},
      {2, "audit trail", audit::kPostgresSchemaSql},
      {3, "supervisor assignments and appraisal addenda", R"sql(
        CREATE TABLE supervisor_assignments (
          id TEXT COLLATE "C" PRIMARY KEY,
          employee_id TEXT NOT NULL,
          supervisor_id TEXT NOT NULL,
          from_day TEXT COLLATE "C" NOT NULL,
          to_day TEXT COLLATE "C" NOT NULL,
          version BIGINT NOT NULL,
          data BYTEA NOT NULL);
        CREATE INDEX assignments_pair ON supervisor_assignments(employee_id, supervisor_id);
        CREATE INDEX assignments_supervisor ON supervisor_assignments(supervisor_id, id);
        CREATE TABLE appraisal_addenda (
          appraisal_id TEXT COLLATE "C" NOT NULL REFERENCES appraisals(id),
          seq BIGINT NOT NULL,
          data BYTEA NOT NULL,
          PRIMARY KEY (appraisal_id, seq));
      )sql"},
  };
  return *m;
}

}  // namespace

const AppraisalSql& PostgresAppraisalBackend::Sql() {
  static const AppraisalSql sql = {
      "INSERT INTO frameworks(id, version, data) VALUES($1, $2, $3) ON CONFLICT DO NOTHING",
      "SELECT data FROM frameworks WHERE id = $1 AND version = $2",
      "SELECT data FROM frameworks WHERE id = $1 ORDER BY version DESC LIMIT 1",
      "SELECT f.data FROM frameworks f WHERE f.version = "
      "(SELECT MAX(version) FROM frameworks g WHERE g.id = f.id) ORDER BY f.id",
      "INSERT INTO appraisals(id, employee_id, supervisor_id, unit_id, state, framework_id,"
      " version, data) VALUES($1, $2, $3, $4, $5, $6, 1, $7)",
      "SELECT a.version, a.data, d.data FROM appraisals a LEFT JOIN appraisal_addenda d"
      " ON d.appraisal_id = a.id WHERE a.id = $1 ORDER BY d.seq",
      // Racing addenda queue here; each then sees the version its predecessor committed. (An
      // update's guarded UPDATE queues on the row lock itself and rechecks its WHERE.)
      "SELECT version, state FROM appraisals WHERE id = $1 FOR UPDATE",
      "UPDATE appraisals SET employee_id = $1, supervisor_id = $2, unit_id = $3, state = $4,"
      " framework_id = $5, version = $6, data = $7 WHERE id = $8 AND version = $9"
      " AND state <> $10 AND state <> $11",
      "INSERT INTO appraisal_addenda(appraisal_id, seq, data) VALUES($1,"
      " (SELECT COALESCE(MAX(seq), 0) + 1 FROM appraisal_addenda WHERE appraisal_id = $1), $2)",
      "UPDATE appraisals SET version = version + 1 WHERE id = $1",
      "SELECT data FROM appraisal_addenda WHERE appraisal_id = $1 ORDER BY seq",
      "SELECT version, data FROM appraisals WHERE ($1 = '' OR employee_id = $1)"
      " AND ($2 = '' OR supervisor_id = $2) AND ($3 = '' OR unit_id = $3)"
      " AND ($4 = 0 OR state = $4) AND id > $5 ORDER BY id",
      "SELECT pg_advisory_xact_lock(hashtextextended($1 || chr(31) || $2, 0))",
      "SELECT 1 FROM supervisor_assignments WHERE employee_id = $1 AND supervisor_id = $2"
      " AND from_day <= $3 AND $4 <= to_day LIMIT 1",
      "INSERT INTO supervisor_assignments(id, employee_id, supervisor_id, from_day, to_day,"
      " version, data) VALUES($1, $2, $3, $4, $5, 1, $6)",
      "SELECT version, data FROM supervisor_assignments WHERE id = $1",
      "UPDATE supervisor_assignments SET employee_id = $1, supervisor_id = $2, from_day = $3,"
      " to_day = $4, version = $5, data = $6 WHERE id = $7 AND version = $8",
      "SELECT 1 FROM supervisor_assignments WHERE id = $1",
      "SELECT version, data FROM supervisor_assignments WHERE ($1 = '' OR employee_id = $1)"
      " AND ($2 = '' OR supervisor_id = $2) AND ($3 = '' OR (from_day <= $3 AND $3 <= to_day))"
      " AND id > $4 ORDER BY id",
  };
  return sql;
}

absl::Status PostgresAppraisalBackend::Read(Pool& pool,
                                            absl::FunctionRef<absl::Status(Database&)> read) {
  return pool.Read(read);
}

absl::Status PostgresAppraisalBackend::Write(Pool& pool,
                                             absl::FunctionRef<absl::Status(Database&)> write) {
  // Group commit: concurrent writes share one commit and one pass through the audit chain's
  // lock, which the group takes last, for its appends and COMMIT only (Append).
  return pool.WriteGrouped(write);
}

absl::StatusOr<audit::Event> PostgresAppraisalBackend::Append(Database& db, audit::Event event) {
  // Linked and stored at the commit (sequence and hash set then), together with the other
  // events of the transaction: audit::AppendAtCommit.
  if (auto s = audit::AppendAtCommit(db, event); !s.ok()) return s;
  return event;
}

absl::StatusOr<audit::Page> PostgresAppraisalBackend::List(Database& db,
                                                           const audit::Filter& filter,
                                                           int page_size,
                                                           const std::string& page_token) {
  return audit::List(db, filter, page_size, page_token);
}

template class SqlAppraisalStore<PostgresAppraisalBackend>;

absl::StatusOr<std::unique_ptr<PostgresAppraisalStore>> PostgresAppraisalStore::Open(
    const std::string& conninfo, int pool_size, const postgres::ConnectOptions& options) {
  auto pool = postgres::OpenMigrated(conninfo, pool_size, Migrations(), options);
  if (!pool.ok()) return pool.status();
  return std::unique_ptr<PostgresAppraisalStore>(new PostgresAppraisalStore(*std::move(pool)));
}

}  // namespace classplan::appraisal
