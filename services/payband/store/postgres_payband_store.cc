#include "services/payband/store/postgres_payband_store.h"

#include "absl/strings/str_cat.h"
#include "common/audit/postgres_audit.h"
#include "common/postgres/migrations.h"
#include "services/payband/store/sql_payband_store_impl.h"

namespace classplan::payband {
namespace {

// The SQLite store's versions, in PostgreSQL's types. Ids and codes sort bytewise
// (COLLATE "C") as in SQLite, so lists and pages are the same on both.
const std::vector<postgres::Migration>& Migrations() {
  static const auto* m = new std::vector<postgres::Migration>{
      {1, "payband schema", R"sql(
        CREATE TABLE pay_schedules (
          id TEXT COLLATE "C" PRIMARY KEY,
          jurisdiction_id TEXT COLLATE "C" NOT NULL,
          data BYTEA NOT NULL);
        CREATE INDEX pay_schedules_by_jurisdiction ON pay_schedules(jurisdiction_id);
        CREATE TABLE pay_bands (
          schedule_id TEXT COLLATE "C" NOT NULL REFERENCES pay_schedules(id),
          code TEXT COLLATE "C" NOT NULL,
          data BYTEA NOT NULL,
          PRIMARY KEY (schedule_id, code));
        CREATE TABLE schedule_versions (
          jurisdiction_id TEXT COLLATE "C" PRIMARY KEY, version BIGINT NOT NULL);
        CREATE TABLE alternative_assignments (
          jurisdiction_id TEXT COLLATE "C" NOT NULL,
          class_code TEXT COLLATE "C" NOT NULL,
          data BYTEA NOT NULL,
          PRIMARY KEY (jurisdiction_id, class_code));
      )sql"},
      {2, "audit trail", audit::kPostgresSchemaSql},
  };
  return *m;
}

}  // namespace

const PaybandSql& PostgresPaybandBackend::Sql() {
  static const PaybandSql sql = {
      "$",
      "SELECT s.data, COALESCE(v.version, 0) FROM pay_schedules s LEFT JOIN schedule_versions v"
      " ON v.jurisdiction_id = s.jurisdiction_id WHERE $1 = '' OR s.jurisdiction_id = $1"
      " ORDER BY s.id",
      "SELECT s.data, COALESCE(v.version, 0) FROM pay_schedules s LEFT JOIN schedule_versions v"
      " ON v.jurisdiction_id = s.jurisdiction_id WHERE s.id = $1",
      "SELECT version FROM schedule_versions WHERE jurisdiction_id = $1",
      // LIMIT NULL is no limit.
      "SELECT data FROM pay_bands WHERE schedule_id = $1 AND code > $2 ORDER BY code"
      " LIMIT NULLIF($3, -1)",
      "SELECT data FROM pay_bands WHERE schedule_id = $1 AND code = $2",
      // The schedule's data on every row of its bands, parsed once: a window function to
      // send it once costs more to plan and run than the bytes do.
      // The version's row joined to the schedules only when it is not $2: one row of it
      // alone when the caller's copy is current (or there is no schedule). LATERAL makes the
      // version test a one-time filter: a current copy costs no scan of the bands.
      "WITH v AS (SELECT COALESCE((SELECT version FROM schedule_versions"
      " WHERE jurisdiction_id = $1), 0) AS version)"
      " SELECT x.id, x.data, v.version, x.band FROM v LEFT JOIN LATERAL"
      " (SELECT s.id, s.data, b.code, b.data AS band FROM pay_schedules s"
      " LEFT JOIN pay_bands b ON b.schedule_id = s.id"
      " WHERE s.jurisdiction_id = $1 AND v.version <> $2) x ON true ORDER BY x.id, x.code",
      "SELECT s.data, v.version - 1 FROM pay_schedules s JOIN schedule_versions v"
      " ON v.jurisdiction_id = s.jurisdiction_id WHERE s.jurisdiction_id = $1 ORDER BY s.id",
      "INSERT INTO pay_schedules(id, jurisdiction_id, data) VALUES($1, $2, $3)",
      "INSERT INTO pay_bands(schedule_id, code, data) VALUES",
      // The bands' foreign key is checked at the end of the statement, schedule inserted.
      "WITH schedule AS (INSERT INTO pay_schedules(id, jurisdiction_id, data)"
      " VALUES($1, $2, $3)) INSERT INTO pay_bands(schedule_id, code, data) VALUES",
      "INSERT INTO schedule_versions(jurisdiction_id, version) VALUES($1, 1) "
      "ON CONFLICT(jurisdiction_id) DO UPDATE SET version = schedule_versions.version + 1",
      "INSERT INTO alternative_assignments(jurisdiction_id, class_code, data) VALUES($1, $2, $3)",
      "SELECT data FROM alternative_assignments WHERE $1 = '' OR jurisdiction_id = $1 "
      "ORDER BY jurisdiction_id, class_code",
      "SELECT data FROM alternative_assignments WHERE jurisdiction_id = $1 AND class_code = $2",
  };
  return sql;
}

absl::Status PostgresPaybandBackend::Read(Pool& pool,
                                          absl::FunctionRef<absl::Status(Database&)> read) {
  return pool.Read(read);
}

absl::Status PostgresPaybandBackend::Write(Pool& pool,
                                           absl::FunctionRef<absl::Status(Database&)> write) {
  // Group commit: concurrent writes share one commit and one pass through the audit lock,
  // which each group takes first (pool.h says why).
  static const std::string kAuditLock =
      absl::StrCat("SELECT pg_advisory_xact_lock(", audit::kAppendLockKey, ")");
  return pool.WriteGrouped(write, kAuditLock.c_str());
}

absl::StatusOr<audit::Event> PostgresPaybandBackend::Append(Database& db, audit::Event event) {
  return audit::Append(db, std::move(event));
}

absl::StatusOr<audit::Page> PostgresPaybandBackend::List(Database& db, const audit::Filter& filter,
                                                         int page_size,
                                                         const std::string& page_token) {
  return audit::List(db, filter, page_size, page_token);
}

template class SqlPaybandStore<PostgresPaybandBackend>;

absl::StatusOr<std::unique_ptr<PostgresPaybandStore>> PostgresPaybandStore::Open(
    const std::string& conninfo, int pool_size, const postgres::ConnectOptions& options) {
  auto pool = postgres::OpenMigrated(conninfo, pool_size, Migrations(), options);
  if (!pool.ok()) return pool.status();
  return std::unique_ptr<PostgresPaybandStore>(new PostgresPaybandStore(*std::move(pool)));
}

}  // namespace classplan::payband
