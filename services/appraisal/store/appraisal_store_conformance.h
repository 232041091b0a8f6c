#ifndef CLASSPLAN_SERVICES_APPRAISAL_STORE_APPRAISAL_STORE_CONFORMANCE_H_
#define CLASSPLAN_SERVICES_APPRAISAL_STORE_APPRAISAL_STORE_CONFORMANCE_H_
// The one conformance suite of AppraisalStore: every implementation passes the same tests.
// A test binary instantiates it with its factory:
//
//   INSTANTIATE_TEST_SUITE_P(Sqlite, AppraisalStoreConformance,
//                            ::testing::Values(&kSqliteFactory), FactoryName);
#include "services/appraisal/store/appraisal_store.h"
#include "tests/support/store_conformance.h"

namespace classplan::appraisal {

using StoreFactory = testing::StoreFactory<AppraisalStore>;
using AppraisalStoreConformance = testing::StoreConformance<AppraisalStore>;
inline constexpr auto FactoryName = testing::FactoryName<AppraisalStore>;

}  // namespace classplan::appraisal

#endif  // CLASSPLAN_SERVICES_APPRAISAL_STORE_APPRAISAL_STORE_CONFORMANCE_H_
