#ifndef CLASSPLAN_SERVICES_CATALOG_STORE_CATALOG_STORE_CONFORMANCE_H_
#define CLASSPLAN_SERVICES_CATALOG_STORE_CATALOG_STORE_CONFORMANCE_H_
// The one conformance suite of CatalogStore: every implementation passes the same tests.
// A test binary instantiates it with its factory:
//
//   INSTANTIATE_TEST_SUITE_P(Sqlite, CatalogStoreConformance,
//                            ::testing::Values(&kSqliteFactory), FactoryName);
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "gtest/gtest.h"
#include "services/catalog/store/catalog_store.h"

namespace classplan::catalog {

struct StoreFactory {
  std::string name;
  // Opens the store called `key`: the first call for a key gives an empty store, later ones
  // (a reopen, another replica) the same data.
  std::function<absl::StatusOr<std::unique_ptr<CatalogStore>>(const std::string& key)> open;
};

class CatalogStoreConformance : public ::testing::TestWithParam<const StoreFactory*> {
 protected:
  // Opens `key`, made unique to this test.
  std::unique_ptr<CatalogStore> Open(const std::string& key);
};

std::string FactoryName(const ::testing::TestParamInfo<const StoreFactory*>& info);

// Of racing writers' results: the index of the one that succeeded, or -1; a test failure for
// a second winner or a loser that is not ABORTED.
int OneWinner(const std::vector<absl::Status>& results);

// The shipped data files (data/catalog), imported into `store` as the server does at start.
absl::Status ImportShippedData(CatalogStore* store);

}  // namespace classplan::catalog

#endif  // CLASSPLAN_SERVICES_CATALOG_STORE_CATALOG_STORE_CONFORMANCE_H_
