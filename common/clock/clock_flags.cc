#include "common/clock/clock_flags.h"

#include "absl/flags/flag.h"
#include "absl/status/status.h"
#include "common/server/flags.h"

ABSL_FLAG(std::string, time_zone, classplan::server::EnvOr("CLASSPLAN_TIME_ZONE", "UTC"),
          "IANA time zone (env CLASSPLAN_TIME_ZONE) that decides what 'today' is: for "
          "effective dates, and on which day an appraisal transition happened");

namespace classplan::clock {

absl::StatusOr<Clock> ClockFromFlags() {
  absl::TimeZone tz;
  if (!absl::LoadTimeZone(absl::GetFlag(FLAGS_time_zone), &tz)) {
    return absl::InvalidArgumentError("--time_zone is not a known IANA time zone");
  }
  return Clock::System(tz);
}

}  // namespace classplan::clock
