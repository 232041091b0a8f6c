#include "common/cache/circuit_breaker.h"

#include <utility>

namespace classplan::cache {

CircuitBreaker::CircuitBreaker(Options options, Clock clock)
    : options_(options), clock_(std::move(clock)) {}

bool CircuitBreaker::Allow() {
  absl::MutexLock lock(&mu_);
  switch (state_) {
    case State::kClosed:
      return true;
    case State::kOpen: {
      const absl::Time now = clock_.Now();
      if (now - opened_at_ < options_.open_for) return false;
      state_ = State::kHalfOpen;
      trial_started_at_ = now;
      return true;
    }
    case State::kHalfOpen: {
      // One trial at a time; but don't stay wedged if the trial's caller never reported.
      const absl::Time now = clock_.Now();
      if (now - trial_started_at_ < options_.open_for) return false;
      trial_started_at_ = now;
      return true;
    }
  }
  return false;
}

CircuitBreaker::Transition CircuitBreaker::RecordSuccess() {
  absl::MutexLock lock(&mu_);
  failures_ = 0;
  if (state_ == State::kClosed) return Transition::kNone;
  // A success while open comes from a call admitted before the breaker opened; it is still
  // proof that the dependency answers.
  state_ = State::kClosed;
  return Transition::kClosed;
}

CircuitBreaker::Transition CircuitBreaker::RecordFailure() {
  absl::MutexLock lock(&mu_);
  ++failures_;
  switch (state_) {
    case State::kClosed:
      if (failures_ < options_.failure_threshold) return Transition::kNone;
      state_ = State::kOpen;
      opened_at_ = clock_.Now();
      return Transition::kOpened;
    case State::kHalfOpen:
      state_ = State::kOpen;
      opened_at_ = clock_.Now();
      return Transition::kReopened;
    case State::kOpen:
      // Late failure from a call admitted before opening: don't extend the open window.
      return Transition::kNone;
  }
  return Transition::kNone;
}

CircuitBreaker::State CircuitBreaker::state() const {
  absl::MutexLock lock(&mu_);
  return state_;
}

int CircuitBreaker::consecutive_failures() const {
  absl::MutexLock lock(&mu_);
  return failures_;
}

}  // namespace classplan::cache
