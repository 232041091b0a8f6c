// Cache behaviour that needs no Redis: key layout, and that errors never reach callers.
// The round trips against a real server are in tests/integration/redis_cache_test.cc.

#include "common/cache/cache.h"

#include <fstream>

#include "common/cache/redis_auth.h"
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

// A sealed value comes back only under the key it was sealed for, with the cache key it was
// sealed with, unaltered.
TEST(CacheTest, SealedValuesOpenOnlyUnderTheirKeyAndCacheKey) {
  RedisOptions o = UnreachableOptions();
  o.value_key = "0123456789abcdef0123456789abcdef";
  RedisClient client(o);
  Cache cache(&client, "catalog", absl::Minutes(5));
  const std::string sealed = cache.Seal("classplan:v1:catalog:A", "value");
  EXPECT_EQ(sealed.substr(0, 4), "cpv1");
  EXPECT_EQ(cache.Unseal("classplan:v1:catalog:A", sealed), "value");
  EXPECT_EQ(cache.Unseal("classplan:v1:catalog:B", sealed), std::nullopt);
  std::string edited = sealed;
  edited.back() = 'X';
  EXPECT_EQ(cache.Unseal("classplan:v1:catalog:A", edited), std::nullopt);
  EXPECT_EQ(cache.Unseal("classplan:v1:catalog:A", "value"), std::nullopt);
  EXPECT_EQ(cache.Unseal("classplan:v1:catalog:A", sealed.substr(0, 20)), std::nullopt);
  RedisOptions other = o;
  other.value_key = "another key, also 32 characters long";
  RedisClient other_client(other);
  Cache other_cache(&other_client, "catalog", absl::Minutes(5));
  EXPECT_EQ(other_cache.Unseal("classplan:v1:catalog:A", sealed), std::nullopt);
  // Without a cache key: a checksum, still bound to the key.
  RedisClient plain_client(UnreachableOptions());
  Cache plain(&plain_client, "catalog", absl::Minutes(5));
  EXPECT_EQ(plain.Unseal("classplan:v1:catalog:A", plain.Seal("classplan:v1:catalog:A", "v")), "v");
  EXPECT_EQ(plain.Unseal("classplan:v1:catalog:B", plain.Seal("classplan:v1:catalog:A", "v")),
            std::nullopt);
  EXPECT_EQ(plain.Unseal("classplan:v1:catalog:A", sealed), std::nullopt);
}

TEST(CacheTest, RedisCredentialsFileHoldsUserAndPasswordOrAPassword) {
  const std::string dir = testing::MakeTempDir("redis_credentials");
  RedisOptions o;
  std::ofstream(dir + "/both") << "classplan s3cret\n";
  ASSERT_TRUE(ReadRedisCredentials(dir + "/both", &o).ok());
  EXPECT_EQ(o.user, "classplan");
  EXPECT_EQ(o.password, "s3cret");
  std::ofstream(dir + "/one") << "s3cret";
  ASSERT_TRUE(ReadRedisCredentials(dir + "/one", &o).ok());
  EXPECT_EQ(o.user, "");
  EXPECT_EQ(o.password, "s3cret");
  std::ofstream(dir + "/empty") << "\n";
  absl::Status s = ReadRedisCredentials(dir + "/empty", &o);
  EXPECT_EQ(s.code(), absl::StatusCode::kInvalidArgument);
  std::ofstream(dir + "/three") << "a b c\n";
  s = ReadRedisCredentials(dir + "/three", &o);
  EXPECT_EQ(s.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(std::string(s.message()).find(" c"), std::string::npos);  // never echoed
  EXPECT_TRUE(ReadRedisCredentials("", &o).ok());
  EXPECT_TRUE(o.password.empty());
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
