// Pending invalidations against a Redis that does not answer: they stay pending and are
// tried again. (Redis taking them is covered by the catalog and pay-band cache tests in
// tests/integration/.)

#include "common/cache/pending_invalidations.h"

#include "gtest/gtest.h"
#include "tests/support/temp.h"

namespace classplan::cache {
namespace {

TEST(PendingInvalidationsTest, WhatRedisRefusesStaysPending) {
  RedisOptions o;
  o.port = testing::FreeTcpPort();
  ASSERT_GT(o.port, 0);
  RedisClient client(o);
  Cache redis(&client, "test", absl::Minutes(1));
  PendingInvalidations pending(&redis);
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

}  // namespace
}  // namespace classplan::cache
