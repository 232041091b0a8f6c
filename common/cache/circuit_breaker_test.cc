#include "common/cache/circuit_breaker.h"

#include <atomic>
#include <thread>
#include <vector>

#include "gtest/gtest.h"

namespace classplan::cache {
namespace {

using State = CircuitBreaker::State;
using Transition = CircuitBreaker::Transition;

class CircuitBreakerTest : public ::testing::Test {
 protected:
  absl::Time now_ = absl::FromUnixSeconds(1000);
};

TEST_F(CircuitBreakerTest, StaysClosedBelowThreshold) {
  CircuitBreaker b({3, absl::Seconds(2)}, [this] { return now_; });
  EXPECT_EQ(b.RecordFailure(), Transition::kNone);
  EXPECT_EQ(b.RecordFailure(), Transition::kNone);
  EXPECT_TRUE(b.Allow());
  EXPECT_EQ(b.state(), State::kClosed);
  EXPECT_EQ(b.consecutive_failures(), 2);
}

TEST_F(CircuitBreakerTest, SuccessResetsConsecutiveCount) {
  CircuitBreaker b({3, absl::Seconds(2)}, [this] { return now_; });
  b.RecordFailure();
  b.RecordFailure();
  EXPECT_EQ(b.RecordSuccess(), Transition::kNone);
  EXPECT_EQ(b.consecutive_failures(), 0);
  b.RecordFailure();
  b.RecordFailure();
  EXPECT_EQ(b.state(), State::kClosed);
  EXPECT_EQ(b.RecordFailure(), Transition::kOpened);
  EXPECT_EQ(b.state(), State::kOpen);
}

TEST_F(CircuitBreakerTest, OpensAfterThresholdAndRefusesUntilOpenForElapses) {
  CircuitBreaker b({3, absl::Seconds(2)}, [this] { return now_; });
  b.RecordFailure();
  b.RecordFailure();
  EXPECT_EQ(b.RecordFailure(), Transition::kOpened);
  EXPECT_FALSE(b.Allow());
  now_ += absl::Milliseconds(1999);
  EXPECT_FALSE(b.Allow());
  EXPECT_EQ(b.state(), State::kOpen);
  now_ += absl::Milliseconds(1);
  EXPECT_TRUE(b.Allow());
  EXPECT_EQ(b.state(), State::kHalfOpen);
}

TEST_F(CircuitBreakerTest, HalfOpenLetsExactlyOneTrialThrough) {
  CircuitBreaker b({1, absl::Seconds(2)}, [this] { return now_; });
  EXPECT_EQ(b.RecordFailure(), Transition::kOpened);
  now_ += absl::Seconds(2);
  EXPECT_TRUE(b.Allow());
  EXPECT_FALSE(b.Allow());
  EXPECT_FALSE(b.Allow());
}

TEST_F(CircuitBreakerTest, ConcurrentCallersGetOneTrial) {
  CircuitBreaker b({1, absl::Seconds(2)}, [this] { return now_; });
  b.RecordFailure();
  now_ += absl::Seconds(2);  // Not changed again while the threads run.
  std::atomic<int> allowed{0};
  std::vector<std::thread> threads;
  threads.reserve(8);
  for (int t = 0; t < 8; ++t) {
    threads.emplace_back([&] {
      for (int i = 0; i < 1000; ++i) {
        if (b.Allow()) allowed.fetch_add(1);
      }
    });
  }
  for (std::thread& t : threads) t.join();
  EXPECT_EQ(allowed.load(), 1);
}

TEST_F(CircuitBreakerTest, TrialSuccessCloses) {
  CircuitBreaker b({1, absl::Seconds(2)}, [this] { return now_; });
  b.RecordFailure();
  now_ += absl::Seconds(3);
  ASSERT_TRUE(b.Allow());
  EXPECT_EQ(b.RecordSuccess(), Transition::kClosed);
  EXPECT_EQ(b.state(), State::kClosed);
  EXPECT_TRUE(b.Allow());
  EXPECT_TRUE(b.Allow());
}

TEST_F(CircuitBreakerTest, TrialFailureReopensForAnotherPeriod) {
  CircuitBreaker b({3, absl::Seconds(2)}, [this] { return now_; });
  for (int i = 0; i < 3; ++i) b.RecordFailure();
  now_ += absl::Seconds(2);
  ASSERT_TRUE(b.Allow());
  now_ += absl::Milliseconds(500);
  // One failed trial is enough; the threshold applies only when closed.
  EXPECT_EQ(b.RecordFailure(), Transition::kReopened);
  EXPECT_EQ(b.state(), State::kOpen);
  now_ += absl::Milliseconds(1999);
  EXPECT_FALSE(b.Allow());
  now_ += absl::Milliseconds(1);
  EXPECT_TRUE(b.Allow());
}

TEST_F(CircuitBreakerTest, AbandonedTrialIsReplacedAfterOpenFor) {
  CircuitBreaker b({1, absl::Seconds(2)}, [this] { return now_; });
  b.RecordFailure();
  now_ += absl::Seconds(2);
  ASSERT_TRUE(b.Allow());
  now_ += absl::Seconds(1);
  EXPECT_FALSE(b.Allow());
  now_ += absl::Seconds(1);
  EXPECT_TRUE(b.Allow());
  EXPECT_FALSE(b.Allow());
}

TEST_F(CircuitBreakerTest, LateFailureWhileOpenDoesNotExtendWindow) {
  CircuitBreaker b({1, absl::Seconds(2)}, [this] { return now_; });
  b.RecordFailure();
  now_ += absl::Seconds(1);
  EXPECT_EQ(b.RecordFailure(), Transition::kNone);
  now_ += absl::Seconds(1);
  EXPECT_TRUE(b.Allow());
}

TEST(CircuitBreakerDefaultsTest, DefaultsAreThreeFailuresAndTwoSeconds) {
  CircuitBreaker::Options o;
  EXPECT_EQ(o.failure_threshold, 3);
  EXPECT_EQ(o.open_for, absl::Seconds(2));
  CircuitBreaker b;  // Real clock.
  b.RecordFailure();
  b.RecordFailure();
  EXPECT_EQ(b.state(), State::kClosed);
  b.RecordFailure();
  EXPECT_EQ(b.state(), State::kOpen);
  EXPECT_FALSE(b.Allow());
}

}  // namespace
}  // namespace classplan::cache
