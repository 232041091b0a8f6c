#include "services/payband/store/sqlite_payband_store.h"

#include "common/audit/sqlite_audit.h"
#include "common/sqlite/migrations.h"
#include "services/payband/store/sql_payband_store_impl.h"

namespace classplan::payband {
namespace {

const std::vector<sqlite::Migration>& Migrations() {
  static const auto* m = new std::vector<sqlite::Migration>{
      {1, "payband schema", R"sql(
        CREATE TABLE pay_schedules (
          id TEXT PRIMARY KEY, jurisdiction_id TEXT NOT NULL, data BLOB NOT NULL);
        CREATE INDEX pay_schedules_by_jurisdiction ON pay_schedules(jurisdiction_id);
        CREATE TABLE pay_bands (
          schedule_id TEXT NOT NULL REFERENCES pay_schedules(id),
          code TEXT NOT NULL,
          data BLOB NOT NULL,
          PRIMARY KEY (schedule_id, code));
        CREATE TABLE schedule_versions (
          jurisdiction_id TEXT PRIMARY KEY, version INTEGER NOT NULL);
        CREATE TABLE alternative_assignments (
          jurisdiction_id TEXT NOT NULL, class_code TEXT NOT NULL, data BLOB NOT NULL,
          PRIMARY KEY (jurisdiction_id, class_code));
      )sql"},
      {2, "audit trail", audit::kSchemaSql},
  };
  return *m;
}

}  // namespace

const PaybandSql& SqlitePaybandBackend::Sql() {
  static const PaybandSql sql = {
      "?",
      "SELECT s.data, COALESCE(v.version, 0) FROM pay_schedules s LEFT JOIN schedule_versions v"
      " ON v.jurisdiction_id = s.jurisdiction_id WHERE ?1 = '' OR s.jurisdiction_id = ?1"
      " ORDER BY s.id",
      "SELECT s.data, COALESCE(v.version, 0) FROM pay_schedules s LEFT JOIN schedule_versions v"
      " ON v.jurisdiction_id = s.jurisdiction_id WHERE s.id = ?1",
      "SELECT version FROM schedule_versions WHERE jurisdiction_id = ?1",
      "SELECT data FROM pay_bands WHERE schedule_id = ?1 AND code > ?2 ORDER BY code LIMIT ?3",
      "SELECT data FROM pay_bands WHERE schedule_id = ?1 AND code = ?2",
      // The version's row joined to the schedules only when it is not ?2: one row of it
      // alone when the caller's copy is current (or there is no schedule).
      "WITH v AS (SELECT COALESCE((SELECT version FROM schedule_versions"
      " WHERE jurisdiction_id = ?1), 0) AS version)"
      " SELECT s.id, s.data, v.version, b.data FROM v"
      " LEFT JOIN pay_schedules s ON v.version <> ?2 AND s.jurisdiction_id = ?1"
      " LEFT JOIN pay_bands b ON b.schedule_id = s.id ORDER BY s.id, b.code",
      "SELECT s.data, v.version - 1 FROM pay_schedules s JOIN schedule_versions v"
      " ON v.jurisdiction_id = s.jurisdiction_id WHERE s.jurisdiction_id = ?1 ORDER BY s.id",
      "INSERT INTO pay_schedules(id, jurisdiction_id, data) VALUES(?1, ?2, ?3)",
      "INSERT INTO pay_bands(schedule_id, code, data) VALUES",
      nullptr,  // no INSERT in a WITH: one statement per insert (no round trips in process)
      "INSERT INTO schedule_versions(jurisdiction_id, version) VALUES(?1, 1) "
      "ON CONFLICT(jurisdiction_id) DO UPDATE SET version = version + 1",
      "INSERT INTO alternative_assignments(jurisdiction_id, class_code, data) VALUES(?1, ?2, ?3)",
      "SELECT data FROM alternative_assignments WHERE ?1 = '' OR jurisdiction_id = ?1 "
      "ORDER BY jurisdiction_id, class_code",
      "SELECT data FROM alternative_assignments WHERE jurisdiction_id = ?1 AND class_code = ?2",
  };
  return sql;
}

absl::Status SqlitePaybandBackend::Read(Pool& pool,
                                        absl::FunctionRef<absl::Status(Database&)> read) {
  auto lease = pool.Acquire();
  if (!lease.ok()) return lease.status();
  return read(**lease);
}

absl::Status SqlitePaybandBackend::Write(Pool& pool,
                                         absl::FunctionRef<absl::Status(Database&)> write) {
  auto lease = pool.Acquire();
  if (!lease.ok()) return lease.status();
  Database& db = **lease;
  return db.Transaction([&] { return write(db); });
}

absl::StatusOr<audit::Event> SqlitePaybandBackend::Append(Database& db, audit::Event event) {
  return audit::Append(db, std::move(event));
}

absl::StatusOr<audit::Page> SqlitePaybandBackend::List(Database& db, const audit::Filter& filter,
                                                       int page_size,
                                                       const std::string& page_token) {
  return audit::List(db, filter, page_size, page_token);
}

template class SqlPaybandStore<SqlitePaybandBackend>;

absl::StatusOr<std::unique_ptr<SqlitePaybandStore>> SqlitePaybandStore::Open(
    const std::string& path, int connections) {
  auto pool = sqlite::OpenMigrated(path, path == ":memory:" ? 1 : connections, Migrations());
  if (!pool.ok()) return pool.status();
  return std::unique_ptr<SqlitePaybandStore>(new SqlitePaybandStore(*std::move(pool)));
}

}  // namespace classplan::payband
