#include "services/appraisal/store/sqlite_appraisal_store.h"

#include "common/audit/sqlite_audit.h"
#include "common/sqlite/migrations.h"
#include "services/appraisal/store/sql_appraisal_store_impl.h"

namespace classplan::appraisal {
namespace {

const std::vector<sqlite::Migration>& Migrations() {
  static const auto* m = new std::vector<sqlite::Migration>{
      {1, "appraisal schema", R"sql(
        CREATE TABLE frameworks (
          id TEXT NOT NULL, version INTEGER NOT NULL, data BLOB NOT NULL,
          PRIMARY KEY (id, version));
        CREATE TABLE appraisals (
          id TEXT PRIMARY KEY,
          employee_id TEXT NOT NULL,
          supervisor_id TEXT NOT NULL,
          unit_id TEXT NOT NULL,
          state INTEGER NOT NULL,
          framework_id TEXT NOT NULL,
          version INTEGER NOT NULL,
          data BLOB NOT NULL);
        CREATE INDEX appraisals_employee ON appraisals(employee_id, id);
        CREATE INDEX appraisals_supervisor ON appraisals(supervisor_id, id);
        CREATE INDEX appraisals_unit ON appraisals(unit_id, id);
      )sql"},
      {2, "audit trail", audit::kSchemaSql},
      // Reporting relationships (days as "YYYY-MM-DD", an open end as '9999-12-31' so that
      // overlap is two comparisons) and addenda to finalized appraisals, append-only.
      {3, "supervisor assignments and appraisal addenda", R"sql(
        CREATE TABLE supervisor_assignments (
          id TEXT PRIMARY KEY,
          employee_id TEXT NOT NULL,
          supervisor_id TEXT NOT NULL,
          from_day TEXT NOT NULL,
          to_day TEXT NOT NULL,
          version INTEGER NOT NULL,
          data BLOB NOT NULL);
        CREATE INDEX assignments_pair ON supervisor_assignments(employee_id, supervisor_id);
        CREATE INDEX assignments_supervisor ON supervisor_assignments(supervisor_id, id);
        CREATE TABLE appraisal_addenda (
          appraisal_id TEXT NOT NULL REFERENCES appraisals(id),
          seq INTEGER NOT NULL,
          data BLOB NOT NULL,
          PRIMARY KEY (appraisal_id, seq));
      )sql"},
  };
  return *m;
}

}  // namespace

const AppraisalSql& SqliteAppraisalBackend::Sql() {
  static const AppraisalSql sql = {
      "INSERT INTO frameworks(id, version, data) VALUES(?1, ?2, ?3) ON CONFLICT DO NOTHING",
      "SELECT data FROM frameworks WHERE id = ?1 AND version = ?2",
      "SELECT data FROM frameworks WHERE id = ?1 ORDER BY version DESC LIMIT 1",
      "SELECT f.data FROM frameworks f WHERE f.version = "
      "(SELECT MAX(version) FROM frameworks g WHERE g.id = f.id) ORDER BY f.id",
      "INSERT INTO appraisals(id, employee_id, supervisor_id, unit_id, state, framework_id,"
      " version, data) VALUES(?1, ?2, ?3, ?4, ?5, ?6, 1, ?7)",
      "SELECT a.version, a.data, d.data FROM appraisals a LEFT JOIN appraisal_addenda d"
      " ON d.appraisal_id = a.id WHERE a.id = ?1 ORDER BY d.seq",
      // The transaction holds the write lock already.
      "SELECT version, state FROM appraisals WHERE id = ?1",
      "UPDATE appraisals SET employee_id = ?1, supervisor_id = ?2, unit_id = ?3, state = ?4,"
      " framework_id = ?5, version = ?6, data = ?7 WHERE id = ?8 AND version = ?9"
      " AND state <> ?10 AND state <> ?11",
      "INSERT INTO appraisal_addenda(appraisal_id, seq, data) VALUES(?1,"
      " (SELECT COALESCE(MAX(seq), 0) + 1 FROM appraisal_addenda WHERE appraisal_id = ?1), ?2)",
      "UPDATE appraisals SET version = version + 1 WHERE id = ?1",
      "SELECT data FROM appraisal_addenda WHERE appraisal_id = ?1 ORDER BY seq",
      "SELECT version, data FROM appraisals WHERE (?1 = '' OR employee_id = ?1)"
      " AND (?2 = '' OR supervisor_id = ?2) AND (?3 = '' OR unit_id = ?3)"
      " AND (?4 = 0 OR state = ?4) AND id > ?5 ORDER BY id",
      nullptr,
      "SELECT 1 FROM supervisor_assignments WHERE employee_id = ?1 AND supervisor_id = ?2"
      " AND from_day <= ?3 AND ?4 <= to_day LIMIT 1",
      "INSERT INTO supervisor_assignments(id, employee_id, supervisor_id, from_day, to_day,"
      " version, data) VALUES(?1, ?2, ?3, ?4, ?5, 1, ?6)",
      "SELECT version, data FROM supervisor_assignments WHERE id = ?1",
      "UPDATE supervisor_assignments SET employee_id = ?1, supervisor_id = ?2, from_day = ?3,"
      " to_day = ?4, version = ?5, data = ?6 WHERE id = ?7 AND version = ?8",
      "SELECT 1 FROM supervisor_assignments WHERE id = ?1",
      "SELECT version, data FROM supervisor_assignments WHERE (?1 = '' OR employee_id = ?1)"
      " AND (?2 = '' OR supervisor_id = ?2) AND (?3 = '' OR (from_day <= ?3 AND ?3 <= to_day))"
      " AND id > ?4 ORDER BY id",
  };
  return sql;
}

template class SqlAppraisalStore<SqliteAppraisalBackend>;

absl::StatusOr<std::unique_ptr<SqliteAppraisalStore>> SqliteAppraisalStore::Open(
    const std::string& path, int pool_size) {
  auto pool = sqlite::ConnectionPool::Create(path, pool_size);
  if (!pool.ok()) return pool.status();
  std::unique_ptr<SqliteAppraisalStore> store(new SqliteAppraisalStore(*std::move(pool)));
  auto lease = SqliteAppraisalBackend::Acquire(store->pool());
  if (!lease.ok()) return lease.status();
  if (auto s = sqlite::Migrate(**lease, Migrations()); !s.ok()) return s;
  return store;
}

}  // namespace classplan::appraisal
