#ifndef CLASSPLAN_SERVICES_ELIGIBILITY_CLIENTS_CATALOG_CLASS_FETCHER_H_
#define CLASSPLAN_SERVICES_ELIGIBILITY_CLIENTS_CATALOG_CLASS_FETCHER_H_

// The rule cache's ClassFetcher over the catalog client: a deadline on every call;
// UNAVAILABLE when the catalog is down or slow (counted as "catalog_client.unavailable" and
// logged once each way by the client).
//
// Undated revisions: the catalog refuses an explicit date when the revision's effective date
// is not in the sources (Denver's classes, 2944) with FAILED_PRECONDITION. When such a class
// has only one revision there is no doubt which text applies, so that revision is used and
// a note saying so travels with it (JobClass.notes, shown in the explanation). With several
// revisions the refusal is passed on. List asks for the day's list in one ListJobClasses per
// page; such classes come back as uncertain and get the same treatment (left out when refused).

#include "common/catalog_client/catalog_client.h"
#include "services/eligibility/cache/caching_rule_source.h"

namespace classplan::eligibility {

class CatalogClassFetcher : public ClassFetcher {
 public:
  explicit CatalogClassFetcher(catalog_client::CatalogClient* client) : client_(client) {}
  absl::StatusOr<catalog::v1::JobClass> Get(const std::string& code, absl::CivilDay as_of) override;
  absl::StatusOr<std::vector<catalog::v1::JobClass>> List(absl::CivilDay as_of) override;

 private:
  catalog_client::CatalogClient* client_;
};

}  // namespace classplan::eligibility

#endif  // CLASSPLAN_SERVICES_ELIGIBILITY_CLIENTS_CATALOG_CLASS_FETCHER_H_
