#ifndef CLASSPLAN_SERVICES_PAYBAND_STORE_PAYBAND_STORE_CONFORMANCE_H_
#define CLASSPLAN_SERVICES_PAYBAND_STORE_PAYBAND_STORE_CONFORMANCE_H_
// The one conformance suite of PaybandStore (payband_store_conformance.cc): every
// implementation passes the same tests. A test binary instantiates it with its factory:
//
//   INSTANTIATE_TEST_SUITE_P(Sqlite, PaybandStoreConformance, ::testing::Values(&kSqlite),
//                            FactoryName);
#include "services/payband/domain/payband_store.h"
#include "tests/support/store_conformance.h"

namespace classplan::payband {

using StoreFactory = testing::StoreFactory<PaybandStore>;
using PaybandStoreConformance = testing::StoreConformance<PaybandStore>;
inline constexpr auto FactoryName = testing::FactoryName<PaybandStore>;

}  // namespace classplan::payband

#endif  // CLASSPLAN_SERVICES_PAYBAND_STORE_PAYBAND_STORE_CONFORMANCE_H_
