// Pending invalidations against a Redis that does not answer: they stay pending and are
// tried again. (Redis taking them is covered by the catalog and pay-band cache tests in
// tests/integration/.)

#include "common/cache/pending_invalidations.h"

#include <vector>

#include "absl/synchronization/mutex.h"
#include "gtest/gtest.h"
#include "tests/support/temp.h"

namespace classplan::cache {
namespace {

RedisOptions Unreachable() {
  RedisOptions o;
  o.port = testing::FreeTcpPort();
  return o;
}

class PendingInvalidationsTest : public ::testing::Test {
 protected:
  RedisClient client_{Unreachable()};
  Cache redis_{&client_, "test", absl::Minutes(1)};
};

TEST_F(PendingInvalidationsTest, WhatRedisRefusesStaysPending) {
  PendingInvalidations pending(&redis_);
  EXPECT_EQ(pending.size(), 0u);
  EXPECT_EQ(pending.Retry(), 0u);
  pending.Add("a");
  pending.Add("b");
  pending.Add("a");
  EXPECT_EQ(pending.size(), 2u);
  EXPECT_TRUE(pending.Contains("a"));
  EXPECT_FALSE(pending.Contains("c"));
  EXPECT_EQ(pending.Retry(), 2u);
  EXPECT_EQ(pending.size(), 2u) << "Redis is unreachable: both stay pending";
}

TEST_F(PendingInvalidationsTest, RetriedInTheBackgroundWhileSomeArePending) {
  absl::Mutex mu;
  std::vector<size_t> tried;
  PendingInvalidations pending(
      &redis_,
      [&](size_t n) {
        absl::MutexLock lock(&mu);
        tried.push_back(n);
      },
      /*retry_every=*/absl::Milliseconds(1));
  pending.Add("a");
  absl::MutexLock lock(&mu);
  auto twice = [&] { return tried.size() >= 2; };
  ASSERT_TRUE(mu.AwaitWithTimeout(absl::Condition(&twice), absl::Seconds(30)));
  EXPECT_EQ(tried[0], 1u);
  EXPECT_EQ(tried[1], 1u);
}

}  // namespace
}  // namespace classplan::cache
