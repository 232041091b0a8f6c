#ifndef CLASSPLAN_COMMON_CLOCK_CLOCK_FLAGS_H_
#define CLASSPLAN_COMMON_CLOCK_CLOCK_FLAGS_H_

// The --time_zone flag of the services that tell "today" (catalog, payband, appraisal):
//   --time_zone  CLASSPLAN_TIME_ZONE  IANA time zone, default UTC
// Linked only by them, so the others take no such flag.

#include <string>

#include "absl/flags/declare.h"
#include "absl/status/statusor.h"
#include "common/clock/clock.h"

ABSL_DECLARE_FLAG(std::string, time_zone);

namespace classplan::clock {

// The system clock in --time_zone. INVALID_ARGUMENT when the zone is not a known IANA time
// zone: "today" decides which revision is in force, so it is never guessed.
absl::StatusOr<Clock> ClockFromFlags();

}  // namespace classplan::clock

#endif  // CLASSPLAN_COMMON_CLOCK_CLOCK_FLAGS_H_
