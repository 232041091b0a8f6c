// Cache behaviour that needs no Redis: key layout, and that errors never reach callers.
// The round trips against a real server are in tests/integration/redis_cache_test.cc.

#include "common/cache/cache.h"

#include "common/metrics/metrics.h"
#include "gtest/gtest.h"
#include "tests/support/temp.h"

namespace classplan::cache {
namespace {

int64_t CounterValue(std::string_view name) { return metrics::GetCounter(name).value(); }

RedisOptions UnreachableOptions() {
  RedisOptions o;
  o.port = testing::FreeTcpPort();
  return o;
}

TEST(CacheTest, KeysAndChannelAreVersionedAndNamespaced) {
  RedisClient client(UnreachableOptions());
  Cache cache(&client, "catalog", absl::Minutes(5));
  EXPECT_EQ(cache.FullKey("CS-2210"), "classplan:v1:catalog:CS-2210");
  EXPECT_EQ(cache.InvalidationChannel(), "classplan:v1:catalog:invalidate");
}

TEST(CacheTest, PrefixAndVersionComeFromOptions) {
  RedisOptions o = UnreachableOptions();
  o.key_prefix = "cp";
  o.key_version = 7;
  RedisClient client(o);
  Cache cache(&client, "specs", absl::Minutes(5));
  EXPECT_EQ(cache.FullKey("a:b"), "cp:v7:specs:a:b");
  EXPECT_EQ(cache.InvalidationChannel(), "cp:v7:specs:invalidate");
}

TEST(CacheTest, JitterIsClamped) {
  RedisClient client(UnreachableOptions());
  EXPECT_DOUBLE_EQ(Cache(&client, "n", absl::Minutes(1)).jitter(), 0.1);
  EXPECT_DOUBLE_EQ(Cache(&client, "n", absl::Minutes(1), -1.0).jitter(), 0.0);
  EXPECT_DOUBLE_EQ(Cache(&client, "n", absl::Minutes(1), 5.0).jitter(), 0.9);
}

TEST(CacheTest, RedisErrorsAreSwallowedAndCounted) {
  RedisOptions o = UnreachableOptions();
  ASSERT_GT(o.port, 0);
  RedisClient client(o);
  Cache cache(&client, "catalog", absl::Minutes(5));
  const int64_t fallback = CounterValue("cache.redis.fallback");
  const int64_t put_failed = CounterValue("cache.redis.put_failed");
  const int64_t invalidate_failed = CounterValue("cache.redis.invalidate_failed");

  EXPECT_EQ(cache.Get("CS-2210"), std::nullopt);
  EXPECT_EQ(cache.Get("CS-2210"), std::nullopt);
  cache.Put("CS-2210", "value");
  cache.Invalidate("CS-2210");
  cache.Invalidate("CS-2211");

  EXPECT_EQ(CounterValue("cache.redis.fallback"), fallback + 2);
  EXPECT_EQ(CounterValue("cache.redis.put_failed"), put_failed + 1);
  EXPECT_EQ(CounterValue("cache.redis.invalidate_failed"), invalidate_failed + 2);
}

}  // namespace
}  // namespace classplan::cache
