// The CatalogStore conformance suite on SQLite files in a temp dir.
#include "services/catalog/store/sqlite_catalog_store.h"

#include "services/catalog/store/catalog_store_conformance.h"
#include "tests/support/temp.h"

namespace classplan::catalog {
namespace {

const StoreFactory kSqlite{
    "Sqlite", [](const std::string& key) -> absl::StatusOr<std::unique_ptr<CatalogStore>> {
      static const std::string dir = testing::MakeTempDir("catalog_store_test");
      auto store = SqliteCatalogStore::Open(dir + "/" + key + ".db");
      if (!store.ok()) return store.status();
      return std::unique_ptr<CatalogStore>(*std::move(store));
    }};

INSTANTIATE_TEST_SUITE_P(Sqlite, CatalogStoreConformance, ::testing::Values(&kSqlite), FactoryName);

}  // namespace
}  // namespace classplan::catalog
