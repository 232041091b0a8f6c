#ifndef CLASSPLAN_SERVICES_ELIGIBILITY_STORE_RULING_STORE_CONFORMANCE_H_
#define CLASSPLAN_SERVICES_ELIGIBILITY_STORE_RULING_STORE_CONFORMANCE_H_
// The one conformance suite of RulingStore: every implementation passes the same tests.
#include "services/eligibility/store/ruling_store.h"
#include "tests/support/store_conformance.h"

namespace classplan::eligibility {

using RulingStoreFactory = testing::StoreFactory<RulingStore>;
using RulingStoreConformance = testing::StoreConformance<RulingStore>;
inline constexpr auto RulingFactoryName = testing::FactoryName<RulingStore>;

}  // namespace classplan::eligibility

#endif  // CLASSPLAN_SERVICES_ELIGIBILITY_STORE_RULING_STORE_CONFORMANCE_H_
