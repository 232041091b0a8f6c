#include "services/eligibility/store/sqlite_ruling_store.h"

#include <vector>

#include "common/audit/sqlite_audit.h"
#include "common/sqlite/migrations.h"
#include "services/eligibility/store/sql_ruling_store_impl.h"

namespace classplan::eligibility {
namespace {

const std::vector<sqlite::Migration>& Migrations() {
  static const auto* m = new std::vector<sqlite::Migration>{
      // ruling_classes.version changes with every write to a class's rulings: the rulings
      // cache compares it before reusing what it loaded.
      {1, "rulings", R"sql(
        CREATE TABLE rulings (
          id TEXT PRIMARY KEY,
          class_code TEXT NOT NULL,
          applicant_ref TEXT NOT NULL,
          standing INTEGER NOT NULL,
          withdrawn INTEGER NOT NULL,
          version INTEGER NOT NULL,
          data BLOB NOT NULL);
        CREATE INDEX rulings_class ON rulings(class_code, id);
        CREATE INDEX rulings_applicant ON rulings(applicant_ref, id);
        CREATE TABLE ruling_classes (
          class_code TEXT PRIMARY KEY,
          version INTEGER NOT NULL);
      )sql"},
      {2, "audit trail", audit::kSchemaSql},
  };
  return *m;
}

}  // namespace

const RulingSql& SqliteRulingBackend::Sql() {
  static const RulingSql sql = {
      "INSERT INTO rulings(id, class_code, applicant_ref, standing, withdrawn, version, data)"
      " VALUES(?1, ?2, ?3, ?4, 0, 1, ?5) ON CONFLICT DO NOTHING",
      "SELECT version, data FROM rulings WHERE id = ?1",
      "UPDATE rulings SET withdrawn = 1, version = ?1, data = ?2 WHERE id = ?3 AND version = ?4"
      " AND withdrawn = 0",
      "INSERT INTO ruling_classes(class_code, version) VALUES(?1, 1) ON CONFLICT(class_code)"
      " DO UPDATE SET version = ruling_classes.version + 1",
      "SELECT version, data FROM rulings WHERE (?1 = '' OR class_code = ?1)"
      " AND (?2 = '' OR applicant_ref = ?2)"
      " AND (?3 = 0 OR (?3 = 1 AND standing = 1) OR (?3 = 2 AND standing = 0))"
      " AND (?4 = 1 OR withdrawn = 0) AND id > ?5 ORDER BY id",
      "SELECT version FROM ruling_classes WHERE class_code = ?1",
      "SELECT class_code, version FROM ruling_classes ORDER BY class_code",
  };
  return sql;
}

template class SqlRulingStore<SqliteRulingBackend>;

absl::StatusOr<std::unique_ptr<SqliteRulingStore>> SqliteRulingStore::Open(const std::string& path,
                                                                           int pool_size) {
  auto pool = sqlite::ConnectionPool::Create(path, pool_size);
  if (!pool.ok()) return pool.status();
  std::unique_ptr<SqliteRulingStore> store(new SqliteRulingStore(*std::move(pool)));
  auto lease = SqliteRulingBackend::Acquire(store->pool());
  if (!lease.ok()) return lease.status();
  if (auto s = sqlite::Migrate(**lease, Migrations()); !s.ok()) return s;
  return store;
}

}  // namespace classplan::eligibility
