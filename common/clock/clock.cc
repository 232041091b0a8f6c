#include "common/clock/clock.h"

#include <string>
#include <utility>

namespace classplan::clock {

Clock::Clock(NowFn now, absl::TimeZone tz, int)
    : now_(now ? std::move(now) : NowFn(&absl::Now)), tz_(tz) {}

Clock Clock::System(absl::TimeZone tz) { return Clock(NowFn(&absl::Now), tz, 0); }

Clock Clock::System(absl::string_view time_zone) {
  absl::TimeZone tz = absl::UTCTimeZone();
  absl::TimeZone loaded;
  if (absl::LoadTimeZone(std::string(time_zone), &loaded)) tz = loaded;
  return System(tz);
}

Clock Clock::Fixed(absl::Time now, absl::TimeZone tz) {
  return Clock(NowFn([now] { return now; }), tz, 0);
}

Clock Clock::Fixed(absl::CivilDay today, absl::TimeZone tz) {
  return Fixed(absl::FromCivil(today, tz), tz);
}

ManualClock::ManualClock(absl::Time start, absl::TimeZone tz) : tz_(tz), now_(start) {}

ManualClock::ManualClock(absl::CivilDay today, absl::TimeZone tz)
    : ManualClock(absl::FromCivil(today, tz), tz) {}

void ManualClock::Set(absl::Time now) {
  absl::MutexLock lock(&mu_);
  now_ = now;
}

void ManualClock::Set(absl::CivilDay today) { Set(absl::FromCivil(today, tz_)); }

void ManualClock::Advance(absl::Duration d) {
  absl::MutexLock lock(&mu_);
  now_ += d;
}

absl::Time ManualClock::Now() const {
  absl::MutexLock lock(&mu_);
  return now_;
}

Clock ManualClock::clock() const {
  return Clock([this] { return Now(); }, tz_);
}

}  // namespace classplan::clock
