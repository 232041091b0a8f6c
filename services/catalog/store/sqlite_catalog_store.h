#ifndef CLASSPLAN_SERVICES_CATALOG_STORE_SQLITE_CATALOG_STORE_H_
#define CLASSPLAN_SERVICES_CATALOG_STORE_SQLITE_CATALOG_STORE_H_

#include <memory>
#include <string>
#include <vector>

#include "absl/functional/function_ref.h"
#include "common/sqlite/database.h"
#include "common/sqlite/pool.h"
#include "services/catalog/store/sql_catalog_store.h"

namespace classplan::catalog {

// SQLite's part of SqlCatalogStore (sql_catalog_store.h).
struct SqliteCatalogBackend {
  using Database = sqlite::Database;
  using Pool = sqlite::ConnectionPool;
  static const CatalogSql& Sql();
  static absl::Status Read(Pool& pool, absl::FunctionRef<absl::Status(Database&)> read);
  // BEGIN IMMEDIATE: one writer at a time, so every check inside holds until the commit.
  static absl::Status Write(Pool& pool, const WriteBatch& batch,
                            absl::FunctionRef<absl::Status(Database&)> write);
  static absl::Status Append(Database& db, audit::Event event);
  // Steps `first` only (SQLite has no round trips to save); `second` runs at its own Step.
  static absl::StatusOr<int64_t> StepPair(Database& db, sqlite::Statement& first,
                                          sqlite::Statement& second);
  static absl::StatusOr<audit::Page> List(Database& db, const audit::Filter& filter, int page_size,
                                          const std::string& page_token);
  // FTS5 with bm25 (title weighs most) and snippet().
  static absl::StatusOr<std::vector<TextMatch>> Search(Database& db, const std::string& fts_query,
                                                       int limit, int offset);
};

// The embedded store: one SQLite file in WAL mode (several replicas on one machine may share
// it), resources kept as serialized protobuf beside the columns that are queried, and an
// FTS5 index over titles, duties, knowledge and skills.
class SqliteCatalogStore : public SqlCatalogStore<SqliteCatalogBackend> {
 public:
  // Opens (creating if needed) and migrates the database at `path`.
  static absl::StatusOr<std::unique_ptr<SqliteCatalogStore>> Open(const std::string& path,
                                                                  int connections = 4);

 private:
  using SqlCatalogStore::SqlCatalogStore;
};

}  // namespace classplan::catalog

#endif  // CLASSPLAN_SERVICES_CATALOG_STORE_SQLITE_CATALOG_STORE_H_
