#include "common/cache/periodic.h"

#include <atomic>
#include <memory>
#include <thread>

#include "absl/synchronization/mutex.h"
#include "absl/synchronization/notification.h"
#include "absl/time/clock.h"
#include "gtest/gtest.h"

namespace classplan::cache {
namespace {

TEST(PeriodicTest, RunsEveryInterval) {
  absl::Mutex mu;
  int runs = 0;
  {
    Periodic p(absl::Milliseconds(1), [&] {
      absl::MutexLock lock(&mu);
      ++runs;
    });
    absl::MutexLock lock(&mu);
    auto three = [&] { return runs >= 3; };
    ASSERT_TRUE(mu.AwaitWithTimeout(absl::Condition(&three), absl::Seconds(30)))
        << "ran " << runs << " times";
  }
  absl::MutexLock lock(&mu);
  const int after_stop = runs;
  EXPECT_GE(after_stop, 3);
}

TEST(PeriodicTest, StopsWithoutWaitingOutTheInterval) {
  std::atomic<int> runs{0};
  const absl::Time start = absl::Now();
  {
    Periodic p(absl::Hours(1), [&] { ++runs; });
  }
  EXPECT_LT(absl::Now() - start, absl::Seconds(10));
  EXPECT_EQ(runs.load(), 0) << "the first run is one interval away";
}

TEST(PeriodicTest, TheDestructorWaitsForARunUnderWay) {
  absl::Notification started, release;
  std::atomic<bool> finished{false};
  std::atomic<int> runs{0};
  auto p = std::make_unique<Periodic>(absl::Milliseconds(1), [&] {
    if (++runs > 1) return;
    started.Notify();
    release.WaitForNotification();
    finished = true;
  });
  ASSERT_TRUE(started.WaitForNotificationWithTimeout(absl::Seconds(30)));
  std::thread releaser([&] { release.Notify(); });
  p.reset();  // returns only once the run above has finished
  EXPECT_TRUE(finished.load());
  const int runs_at_stop = runs.load();
  releaser.join();
  EXPECT_EQ(runs.load(), runs_at_stop) << "nothing runs after the destructor";
}

}  // namespace
}  // namespace classplan::cache
