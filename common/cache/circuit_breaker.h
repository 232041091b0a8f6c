#ifndef CLASSPLAN_COMMON_CACHE_CIRCUIT_BREAKER_H_
#define CLASSPLAN_COMMON_CACHE_CIRCUIT_BREAKER_H_

// A consecutive-failure circuit breaker, so that a dead dependency costs callers nothing
// instead of a timeout per call.
//
//   closed    --N consecutive failures-->  open
//   open      --open_for elapsed-------->  half-open (exactly one trial call let through)
//   half-open --trial succeeds---------->  closed
//   half-open --trial fails------------->  open (for another open_for)

#include "absl/base/thread_annotations.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/time.h"
#include "common/clock/clock.h"

namespace classplan::cache {

struct CircuitBreakerOptions {
  int failure_threshold = 3;
  absl::Duration open_for = absl::Seconds(2);
};

class CircuitBreaker {
 public:
  using Clock = clock::Clock;
  using Options = CircuitBreakerOptions;

  enum class State { kClosed, kOpen, kHalfOpen };

  // What a Record* call did to the state, so the caller can log transitions (once) rather
  // than every refused call.
  enum class Transition { kNone, kOpened, kReopened, kClosed };

  explicit CircuitBreaker(Options options = {}, Clock clock = Clock::System());

  CircuitBreaker(const CircuitBreaker&) = delete;
  CircuitBreaker& operator=(const CircuitBreaker&) = delete;

  // True if the caller may make the call now; the caller must then report the outcome with
  // RecordSuccess() or RecordFailure(). In half-open state only the first caller gets true.
  // A trial that never reports back is abandoned after open_for, and another is allowed.
  bool Allow();

  Transition RecordSuccess();
  Transition RecordFailure();

  State state() const;
  int consecutive_failures() const;

 private:
  const Options options_;
  const Clock clock_;

  mutable absl::Mutex mu_;
  State state_ ABSL_GUARDED_BY(mu_) = State::kClosed;
  int failures_ ABSL_GUARDED_BY(mu_) = 0;
  absl::Time opened_at_ ABSL_GUARDED_BY(mu_) = absl::InfinitePast();
  absl::Time trial_started_at_ ABSL_GUARDED_BY(mu_) = absl::InfinitePast();
};

}  // namespace classplan::cache

#endif  // CLASSPLAN_COMMON_CACHE_CIRCUIT_BREAKER_H_
