// The gateway's shared token buckets against a real redis-server: the Lua script's refill
// and retry delay, two limiters sharing one bucket, the script reloaded after a Redis restart,
// and no principal id in any key.

#include <openssl/sha.h>

#include <algorithm>
#include <cstdlib>
#include <string>

#include "absl/strings/escaping.h"
#include "common/cache/redis_client.h"
#include "gtest/gtest.h"
#include "services/gateway/domain/rate_limiter.h"
#include "services/gateway/redis/redis_buckets.h"
#include "tests/support/process.h"
#include "tests/support/redis_server.h"
#include "tests/support/wait.h"

namespace classplan::gateway {
namespace {

// The bucket of a principal without key salts: a plain hash of the id.
std::string BucketKey(const std::string& id) {
  unsigned char d[SHA256_DIGEST_LENGTH];
  SHA256(reinterpret_cast<const unsigned char*>(id.data()), id.size(), d);
  return "classplan:v1:gateway:rl:" +
         absl::BytesToHexString(absl::string_view(reinterpret_cast<char*>(d), 12));
}

class RedisBucketsTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto r = testing::RedisServer::Start();
    ASSERT_TRUE(r.ok()) << r.status();
    redis_ = std::move(*r);
    cache::RedisOptions o;
    o.host = redis_->host();
    o.port = redis_->port();
    o.breaker_open_for = absl::Milliseconds(50);
    client_ = std::make_unique<cache::RedisClient>(o);
    buckets_ = std::make_unique<RedisBuckets>(client_.get());
    p_.id = "emp-12345";
  }
  std::unique_ptr<testing::RedisServer> redis_;
  std::unique_ptr<cache::RedisClient> client_;
  std::unique_ptr<RedisBuckets> buckets_;
  Principal p_;
};

TEST_F(RedisBucketsTest, BurstThenRefillAtTheRate) {
  // One token per 1,000 s: the test's own running time adds nothing countable, so the counts
  // below are exact however slow the machine.
  constexpr double kRate = 0.001;
  auto g = buckets_->Take(p_, 6, kRate, 10);
  ASSERT_TRUE(g.ok()) << g.status();
  EXPECT_EQ(g->granted, 6);
  g = buckets_->Take(p_, 6, kRate, 10);
  EXPECT_EQ(g->granted, 4);
  g = buckets_->Take(p_, 1, kRate, 10);
  EXPECT_EQ(g->granted, 0);
  EXPECT_GT(g->retry_after, absl::Seconds(990));  // the next whole token
  EXPECT_LE(g->retry_after, absl::Seconds(1000));
  // 3,500 s pass for the bucket: its last refill (Redis time) is moved back, not waited for.
  std::string out;
  ASSERT_EQ(testing::RunCommand({"/usr/bin/redis-cli", "-p", std::to_string(redis_->port()),
                                 "HINCRBY", BucketKey(p_.id), "ts", "-3500000"},
                                &out),
            0);
  ASSERT_GT(std::atoll(out.c_str()), 0) << out;              // the key and its ts field existed
  EXPECT_EQ(buckets_->Take(p_, 10, kRate, 10)->granted, 3);  // 3.5 tokens
  EXPECT_EQ(buckets_->Take(p_, 1, kRate, 10)->granted, 0);   // the half stays
  // Another principal has its own bucket.
  Principal other;
  other.id = "ats-1";
  EXPECT_EQ(buckets_->Take(other, 10, kRate, 10)->granted, 10);
}

TEST_F(RedisBucketsTest, TwoLimitersShareTheBucket) {
  auto k = MakeKey("emp-12345", {"employee"}, 1);
  v1::KeyFile f;
  *f.add_key() = k->entry;
  auto keys = *KeyStore::FromProto(f);
  RateLimitSettings s;
  s.enabled = true;
  s.per_second = 0.001;  // no refill to speak of during the test
  s.burst = 20;
  s.lease_batch = 4;
  RateLimiter a(s, *keys, buckets_.get(), absl::Now()), b(s, *keys, buckets_.get(), absl::Now());
  int admitted = 0;
  for (int i = 0; i < 60; ++i) {
    RateLimiter& rl = i % 2 ? a : b;
    absl::Duration retry;
    bool prefetch = false;
    switch (rl.TryAdmit(*keys->principals()[0], absl::Now(), &retry, &prefetch)) {
      case RateLimiter::Fast::kAdmitted:
        ++admitted;
        if (prefetch) rl.Refill(*keys->principals()[0], absl::Now());
        break;
      case RateLimiter::Fast::kNeedLease:
        admitted += rl.AdmitSlow(*keys->principals()[0], absl::Now(), &retry);
        break;
      case RateLimiter::Fast::kRejected:
        break;
    }
  }
  EXPECT_GE(admitted, 20 - 2 * 4);  // leased tokens may sit unused in the other replica
  EXPECT_LE(admitted, 20 + 1);      // never more than the bucket (plus refill)
  EXPECT_FALSE(a.using_fallback());
}

TEST_F(RedisBucketsTest, ScriptReloadedAfterRestartAndKeysCarryNoId) {
  ASSERT_TRUE(buckets_->Take(p_, 1, 10, 10).ok());
  std::string out;
  ASSERT_EQ(testing::RunCommand(
                {"/usr/bin/redis-cli", "-p", std::to_string(redis_->port()), "--scan"}, &out),
            0);
  EXPECT_NE(out.find("classplan:v1:gateway:rl:"), std::string::npos) << out;
  EXPECT_EQ(out.find("emp-12345"), std::string::npos) << out;
  // Nor a plain hash of it, which anyone could find by hashing candidate ids: the key
  // file's salts are mixed in.
  Principal salted = p_;
  salted.key_salts = std::string(16, '\x5a');
  ASSERT_TRUE(buckets_->Take(salted, 1, 10, 10).ok());
  std::string both;
  ASSERT_EQ(testing::RunCommand(
                {"/usr/bin/redis-cli", "-p", std::to_string(redis_->port()), "--scan"}, &both),
            0);
  // p_ has no keys, so its bucket is the plain hash; the salted one is another bucket.
  EXPECT_NE(both.find(BucketKey(p_.id)), std::string::npos) << both;
  EXPECT_EQ(std::count(both.begin(), both.end(), '\n'), 2) << both;
  ASSERT_TRUE(redis_->Restart().ok());  // script cache empty: EVALSHA says NOSCRIPT
  absl::StatusOr<Grant> g;
  // The client reconnects once its breaker lets it.
  ASSERT_TRUE(testing::WaitFor([&] {
    g = buckets_->Take(p_, 1, 10, 10);
    return g.ok();
  })) << g.status();
  EXPECT_EQ(g->granted, 1);
}

TEST_F(RedisBucketsTest, RedisDownIsAnError) {
  redis_->Kill();
  EXPECT_FALSE(buckets_->Take(p_, 1, 10, 10).ok());
}

}  // namespace
}  // namespace classplan::gateway
