#ifndef CLASSPLAN_SERVICES_ELIGIBILITY_CLIENTS_CATALOG_CLASS_FETCHER_H_
#define CLASSPLAN_SERVICES_ELIGIBILITY_CLIENTS_CATALOG_CLASS_FETCHER_H_

// The domain's ClassFetcher over the catalog client: a deadline on every call; UNAVAILABLE
// when the catalog is down or slow (counted as "catalog_client.unavailable" and logged once
// each way by the client).
//
// Undated revisions: the catalog refuses an explicit date when the revision's effective date
// is not in the sources (Denver's classes, 2944) with FAILED_PRECONDITION. Get then asks for
// the revision in force today and returns it marked `undated`, with the refusal (or the
// refusal alone when today's cannot be had either); List asks for the day's list in one
// ListJobClasses per page, and such classes come back as uncertain with today's revision,
// returned marked the same way. What is done with them is the domain's rule (CheckUndated).

#include "common/catalog_client/catalog_client.h"
#include "services/eligibility/domain/class_fetcher.h"

namespace classplan::eligibility {

class CatalogClassFetcher : public ClassFetcher {
 public:
  explicit CatalogClassFetcher(catalog_client::CatalogClient* client) : client_(client) {}
  absl::StatusOr<FetchedClass> Get(const std::string& code, absl::CivilDay as_of) override;
  absl::StatusOr<std::vector<FetchedClass>> List(absl::CivilDay as_of) override;

 private:
  catalog_client::CatalogClient* client_;
};

}  // namespace classplan::eligibility

#endif  // CLASSPLAN_SERVICES_ELIGIBILITY_CLIENTS_CATALOG_CLASS_FETCHER_H_
