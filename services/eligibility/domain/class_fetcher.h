#ifndef CLASSPLAN_SERVICES_ELIGIBILITY_DOMAIN_CLASS_FETCHER_H_
#define CLASSPLAN_SERVICES_ELIGIBILITY_DOMAIN_CLASS_FETCHER_H_

// The catalog as the eligibility service sees it: a port of the domain, implemented over the
// catalog client in services/eligibility/clients/ and called by the rule cache on a miss.

#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/time/civil_time.h"
#include "classplan/catalog/v1/resources.pb.h"

namespace classplan::eligibility {

// A class as the catalog gives it for a day.
struct FetchedClass {
  // The revision in force on the day; when `undated`, the one in force today.
  catalog::v1::JobClass job_class;
  // The catalog could not tell which revision was in force on the day: the sources do not
  // give its effective date (Denver's classes, 2944). What is done with such a class is the
  // domain's undated-revision rule (CheckUndated, eligibility.h).
  bool undated = false;
  // When `undated`: the catalog's answer for the day (FAILED_PRECONDITION with its reason).
  absl::Status refusal;
};

class ClassFetcher {
 public:
  virtual ~ClassFetcher() = default;
  // The class on `as_of`. NOT_FOUND for an unknown class; UNAVAILABLE when the catalog
  // cannot be reached; the catalog's refusal when it cannot date the revision and cannot
  // give today's either.
  virtual absl::StatusOr<FetchedClass> Get(const std::string& code, absl::CivilDay as_of) = 0;
  // Every class on `as_of`, abolished ones included, each as in force then (or `undated`).
  virtual absl::StatusOr<std::vector<FetchedClass>> List(absl::CivilDay as_of) = 0;
};

}  // namespace classplan::eligibility

#endif  // CLASSPLAN_SERVICES_ELIGIBILITY_DOMAIN_CLASS_FETCHER_H_
