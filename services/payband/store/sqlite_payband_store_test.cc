// The PaybandStore conformance suite on SQLite files in a temp dir.
#include "services/payband/store/sqlite_payband_store.h"

#include "services/payband/store/payband_store_conformance.h"
#include "tests/support/temp.h"

namespace classplan::payband {
namespace {

const StoreFactory kSqlite{
    "Sqlite", [](const std::string& key) -> absl::StatusOr<std::unique_ptr<PaybandStore>> {
      static const std::string dir = testing::MakeTempDir("payband_store_test");
      auto store = SqlitePaybandStore::Open(dir + "/" + key + ".db");
      if (!store.ok()) return store.status();
      return std::unique_ptr<PaybandStore>(*std::move(store));
    }};

INSTANTIATE_TEST_SUITE_P(Sqlite, PaybandStoreConformance, ::testing::Values(&kSqlite), FactoryName);

}  // namespace
}  // namespace classplan::payband
