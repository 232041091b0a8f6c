#ifndef CLASSPLAN_COMMON_CLOCK_CLOCK_H_
#define CLASSPLAN_COMMON_CLOCK_CLOCK_H_

// The one way code is told the time: a Clock is a now-function and the time zone its days
// are counted in. Domains and the circuit breaker take one by value; main builds
// Clock::System(time zone) from the --time_zone flag, tests pass a Fixed or ManualClock.
//
//   Catalog catalog(store, cache, clock::Clock::System(tz));
//   clock::ManualClock manual(absl::CivilDay(2026, 11, 23));
//   Catalog catalog(store, cache, manual.clock());   // manual.Set(...) moves its days on

#include <functional>
#include <string>
#include <type_traits>
#include <utility>

#include "absl/base/thread_annotations.h"
#include "absl/strings/string_view.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/civil_time.h"
#include "absl/time/clock.h"
#include "absl/time/time.h"

namespace classplan::clock {

class Clock {
 public:
  using NowFn = std::function<absl::Time()>;

  // The system clock (absl::Now), days counted in tz.
  static Clock System(absl::TimeZone tz = absl::UTCTimeZone());
  // The system clock in the named IANA zone; UTC when the name cannot be loaded.
  static Clock System(absl::string_view time_zone);
  // Always the same instant; a day stands for its first moment in tz.
  static Clock Fixed(absl::Time now, absl::TimeZone tz = absl::UTCTimeZone());
  static Clock Fixed(absl::CivilDay today, absl::TimeZone tz = absl::UTCTimeZone());

  // The system clock in UTC.
  Clock() : Clock(System()) {}
  // Reads now() each time it is asked; an empty function means the system clock. Implicit, so
  // anything callable that returns an absl::Time (a test's lambda) may stand for a Clock.
  template <typename F, typename = std::enable_if_t<
                            std::is_convertible_v<std::invoke_result_t<F&>, absl::Time> &&
                            !std::is_same_v<std::decay_t<F>, Clock>>>
  Clock(F now, absl::TimeZone tz = absl::UTCTimeZone())  // NOLINT(google-explicit-constructor)
      : Clock(NowFn(std::move(now)), tz, 0) {}

  absl::Time Now() const { return now_(); }
  // The civil day Now() falls on in time_zone().
  absl::CivilDay Today() const { return absl::ToCivilDay(now_(), tz_); }
  absl::TimeZone time_zone() const { return tz_; }

 private:
  Clock(NowFn now, absl::TimeZone tz, int);

  NowFn now_;
  absl::TimeZone tz_;
};

// A clock a test sets and moves on; clock() hands out Clocks reading it. Thread-safe. The
// Clocks it hands out must not outlive it.
class ManualClock {
 public:
  explicit ManualClock(absl::Time start, absl::TimeZone tz = absl::UTCTimeZone());
  // Starts at the first moment of the day in tz.
  explicit ManualClock(absl::CivilDay today, absl::TimeZone tz = absl::UTCTimeZone());

  ManualClock(const ManualClock&) = delete;
  ManualClock& operator=(const ManualClock&) = delete;

  void Set(absl::Time now);
  // The first moment of the day in the clock's zone.
  void Set(absl::CivilDay today);
  void Advance(absl::Duration d);

  absl::Time Now() const;
  Clock clock() const;

 private:
  const absl::TimeZone tz_;
  mutable absl::Mutex mu_;
  absl::Time now_ ABSL_GUARDED_BY(mu_);
};

}  // namespace classplan::clock

#endif  // CLASSPLAN_COMMON_CLOCK_CLOCK_H_
