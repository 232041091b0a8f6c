#ifndef CLASSPLAN_SERVICES_APPRAISAL_STORE_APPRAISAL_STORE_CONFORMANCE_H_
#define CLASSPLAN_SERVICES_APPRAISAL_STORE_APPRAISAL_STORE_CONFORMANCE_H_
// The one conformance suite of AppraisalStore: every implementation passes the same tests.
// A test binary instantiates it with its factory:
//
//   INSTANTIATE_TEST_SUITE_P(Sqlite, AppraisalStoreConformance,
//                            ::testing::Values(&kSqliteFactory), FactoryName);
#include <functional>
#include <memory>
#include <string>

#include "absl/status/statusor.h"
#include "gtest/gtest.h"
#include "services/appraisal/store/appraisal_store.h"

namespace classplan::appraisal {

struct StoreFactory {
  std::string name;
  // Opens the store called `key`: the first call for a key gives an empty store, later ones
  // (a reopen, another replica) the same data.
  std::function<absl::StatusOr<std::unique_ptr<AppraisalStore>>(const std::string& key)> open;
};

class AppraisalStoreConformance : public ::testing::TestWithParam<const StoreFactory*> {
 protected:
  // Opens `key`, made unique to this test.
  std::unique_ptr<AppraisalStore> Open(const std::string& key);
};

std::string FactoryName(const ::testing::TestParamInfo<const StoreFactory*>& info);

}  // namespace classplan::appraisal

#endif  // CLASSPLAN_SERVICES_APPRAISAL_STORE_APPRAISAL_STORE_CONFORMANCE_H_
