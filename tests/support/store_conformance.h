#ifndef CLASSPLAN_TESTS_SUPPORT_STORE_CONFORMANCE_H_
#define CLASSPLAN_TESTS_SUPPORT_STORE_CONFORMANCE_H_
// What every service's store conformance suite shares: a factory per implementation and a
// parameterized fixture that opens stores by key. A service's suite:
//
//   using PaybandStoreConformance = testing::StoreConformance<PaybandStore>;
//   TEST_P(PaybandStoreConformance, ...) { auto store = Open("k"); ... }
//
// and each implementation's test binary:
//
//   INSTANTIATE_TEST_SUITE_P(Sqlite, PaybandStoreConformance, ::testing::Values(&kSqlite),
//                            testing::FactoryName<PaybandStore>);
#include <functional>
#include <memory>
#include <string>

#include "absl/status/statusor.h"
#include "gtest/gtest.h"

namespace classplan::testing {

template <typename Store>
struct StoreFactory {
  std::string name;
  // Opens the store called `key`: the first call for a key gives an empty store, later ones
  // (a reopen, another replica) the same data.
  std::function<absl::StatusOr<std::unique_ptr<Store>>(const std::string& key)> open;
};

template <typename Store>
class StoreConformance : public ::testing::TestWithParam<const StoreFactory<Store>*> {
 protected:
  // Opens `key`, made unique to this test (and to its parameter).
  std::unique_ptr<Store> Open(const std::string& key) {
    std::string name = ::testing::UnitTest::GetInstance()->current_test_info()->name();
    for (char& c : name) {
      if (c == '/') c = '_';
    }
    auto store = this->GetParam()->open(name + "_" + key);
    EXPECT_TRUE(store.ok()) << store.status();
    return store.ok() ? *std::move(store) : nullptr;
  }
};

template <typename Store>
std::string FactoryName(const ::testing::TestParamInfo<const StoreFactory<Store>*>& info) {
  return info.param->name;
}

}  // namespace classplan::testing

#endif  // CLASSPLAN_TESTS_SUPPORT_STORE_CONFORMANCE_H_
