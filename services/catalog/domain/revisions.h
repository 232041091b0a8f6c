#ifndef CLASSPLAN_SERVICES_CATALOG_DOMAIN_REVISIONS_H_
#define CLASSPLAN_SERVICES_CATALOG_DOMAIN_REVISIONS_H_

// Effective dating: which revision of a class is in force on a day.
//
// Revisions are numbered in the order they are recorded and adopted revisions take effect in
// that order (writes that would break this are refused). The revision in force on a day is the
// highest-numbered adopted revision that has taken effect by then. Historical revisions may
// have an unknown or partial effective date:
//   - for "today" (no as-of date), an adopted revision with an unknown date, or a partial date
//     that may have started, counts as in force: it was adopted in the past;
//   - for an explicit as-of date, the answer must be certain, so an unknown or straddling date
//     is FAILED_PRECONDITION that says why.

#include <string>

#include "absl/status/statusor.h"
#include "absl/time/civil_time.h"
#include "classplan/catalog/v1/data.pb.h"

namespace classplan::catalog {

namespace pb = ::classplan::catalog::v1;

// strict = true for an explicit as-of date. NOT_FOUND when no held revision was in force.
absl::StatusOr<const pb::ClassRevision*> RevisionInForce(const pb::ClassRecord& record,
                                                         absl::CivilDay day, bool strict);

// The API view of a class at one revision, with the output-only fields filled in.
pb::JobClass ViewOf(const pb::ClassRecord& record, const pb::ClassRevision& revision);

// The first day of the first work week that starts after `day`.
absl::CivilDay StartOfNextWorkWeek(absl::CivilDay day, pb::DayOfWeek week_start);

}  // namespace classplan::catalog

#endif  // CLASSPLAN_SERVICES_CATALOG_DOMAIN_REVISIONS_H_
