#ifndef CLASSPLAN_SERVICES_PAYBAND_DOMAIN_SCHEDULES_H_
#define CLASSPLAN_SERVICES_PAYBAND_DOMAIN_SCHEDULES_H_

// Effective periods of pay schedules and validation of schedules and bands.
//
// A schedule is *dated* when effective_from is set (full, or partial in shipped data). A dated
// schedule runs to effective_to (inclusive) or, when absent, until the day before the
// jurisdiction's next dated start. Undated schedules (start not in the sources) take no part
// in the chain.

#include <optional>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/time/civil_time.h"
#include "classplan/payband/v1/resources.pb.h"
#include "common/status/field_violations.h"

namespace classplan::payband {

namespace pb = ::classplan::payband::v1;

enum class Coverage { kNo, kPossibly, kCertainly };

// Whether dated schedule `s` (one of `all`, the jurisdiction's schedules) is in force on
// `day`. Partial dates make the answer kPossibly near their edges. kNo for undated ones.
Coverage CoversDay(const pb::PaySchedule& s, const std::vector<pb::PaySchedule>& all,
                   absl::CivilDay day);

// OK when `candidate`'s period does not overlap any of `existing` (same jurisdiction):
// dated starts must be strictly ordered (a partial date must not straddle another start) and
// an explicit effective_to must end before the next start. INVALID_ARGUMENT on field
// "effective_from" naming the other schedule.
absl::Status CheckNoOverlap(const std::vector<pb::PaySchedule>& existing,
                            const pb::PaySchedule& candidate);

// Checks a schedule's own fields (paths under `prefix`).
void CheckSchedule(const pb::PaySchedule& s, const std::string& prefix, status::Violations& v);

// Checks a band (paths under `prefix`): code, status, unit HOURLY/ANNUAL, 0 <= min <= mid <=
// max, max > 0, midpoint present iff the rule is GIVEN, currencies equal to `currency`; a
// NOT_ON_FILE band must carry no figures.
void CheckBand(const pb::PayBand& b, pb::MidpointRule rule, const std::string& currency,
               const std::string& prefix, status::Violations& v);

// Band codes: 1-16 of [A-Za-z0-9-], starting with a letter or digit.
bool IsBandCode(const std::string& code);

// The effective hours basis (0 -> 2080) and midpoint rule (unspecified -> middle of range).
int32_t HoursOf(const pb::PaySchedule& s);
pb::MidpointRule MidpointRuleOf(const pb::PaySchedule& s);

// The day one year after `d` (29 Feb -> 28 Feb).
absl::CivilDay OneYearAfter(absl::CivilDay d);

}  // namespace classplan::payband

#endif  // CLASSPLAN_SERVICES_PAYBAND_DOMAIN_SCHEDULES_H_
