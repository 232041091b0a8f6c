#include "services/gateway/domain/rate_limiter.h"

#include "gtest/gtest.h"

namespace classplan::gateway {
namespace {

class FakeShared : public SharedBuckets {
 public:
  FakeShared(double rate, int64_t burst, absl::Time now) : bucket(rate, burst, now) {}
  absl::StatusOr<Grant> Take(const Principal&, int64_t want, double, int64_t) override {
    ++calls;
    if (down) return absl::UnavailableError("down");
    return bucket.Take(want, *now);
  }
  TokenBucket bucket;
  absl::Time* now = nullptr;
  bool down = false;
  int calls = 0;
};

struct Fixture {
  Fixture() {
    auto k = MakeKey("p", {"employee"}, 1);
    v1::KeyFile f;
    *f.add_key() = k->entry;
    keys = *KeyStore::FromProto(f);
    settings.enabled = true;
    settings.per_second = 10;
    settings.burst = 20;
    settings.lease_batch = 5;
  }
  // Admits like the proxy does: fast path, else the slow path at once.
  bool Admit(RateLimiter& rl, absl::Time now) {
    absl::Duration retry;
    bool prefetch = false;
    switch (rl.TryAdmit(*keys->principals()[0], now, &retry, &prefetch)) {
      case RateLimiter::Fast::kAdmitted:
        if (prefetch) rl.Refill(*keys->principals()[0], now);
        return true;
      case RateLimiter::Fast::kRejected:
        EXPECT_GT(retry, absl::ZeroDuration());
        return false;
      case RateLimiter::Fast::kNeedLease:
        return rl.AdmitSlow(*keys->principals()[0], now, &retry);
    }
    return false;
  }
  std::unique_ptr<KeyStore> keys;
  RateLimitSettings settings;
  absl::Time now = absl::FromUnixSeconds(1000);
};

TEST(TokenBucketTest, BurstThenRate) {
  absl::Time t = absl::FromUnixSeconds(0);
  TokenBucket b(10, 5, t);
  EXPECT_EQ(b.Take(3, t).granted, 3);
  EXPECT_EQ(b.Take(3, t).granted, 2);
  Grant g = b.Take(1, t);
  EXPECT_EQ(g.granted, 0);
  EXPECT_EQ(g.retry_after, absl::Milliseconds(100));
  EXPECT_EQ(b.Take(10, t + absl::Milliseconds(250)).granted, 2);
  EXPECT_EQ(b.Take(10, t + absl::Seconds(60)).granted, 5);  // never more than the burst
}

TEST(RateLimiterTest, SharedBucketHoldsAndFewRedisCalls) {
  Fixture f;
  FakeShared shared(f.settings.per_second, f.settings.burst, f.now);
  shared.now = &f.now;
  RateLimiter rl(f.settings, *f.keys, &shared, f.now);
  int admitted = 0;
  for (int i = 0; i < 100; ++i) admitted += f.Admit(rl, f.now);
  EXPECT_EQ(admitted, 20);              // the burst, not more
  EXPECT_LE(shared.calls, 20 / 5 + 2);  // leased in batches, not per call
  EXPECT_FALSE(rl.using_fallback());
  // One second later: 10 more tokens.
  f.now += absl::Seconds(1);
  admitted = 0;
  for (int i = 0; i < 100; ++i) admitted += f.Admit(rl, f.now);
  EXPECT_EQ(admitted, 10);
}

TEST(RateLimiterTest, TwoReplicasShareOneBucketWithinTheBound) {
  Fixture f;
  FakeShared shared(f.settings.per_second, f.settings.burst, f.now);
  shared.now = &f.now;
  RateLimiter a(f.settings, *f.keys, &shared, f.now), b(f.settings, *f.keys, &shared, f.now);
  int admitted = 0;
  for (int i = 0; i < 100; ++i) admitted += f.Admit(i % 2 ? a : b, f.now);
  EXPECT_EQ(admitted, 20);
}

TEST(RateLimiterTest, LeaseExpires) {
  Fixture f;
  FakeShared shared(1000, 1000, f.now);
  shared.now = &f.now;
  RateLimiter rl(f.settings, *f.keys, &shared, f.now);
  ASSERT_TRUE(f.Admit(rl, f.now));
  const int calls = shared.calls;
  f.now += f.settings.lease_ttl + absl::Milliseconds(1);
  ASSERT_TRUE(f.Admit(rl, f.now));
  EXPECT_GT(shared.calls, calls);  // the old lease was dropped, a new one taken
}

TEST(RateLimiterTest, RedisDownFallsBackToLocalBucketAndBack) {
  Fixture f;
  FakeShared shared(f.settings.per_second, f.settings.burst, f.now);
  shared.now = &f.now;
  shared.down = true;
  RateLimiter rl(f.settings, *f.keys, &shared, f.now);
  int admitted = 0;
  for (int i = 0; i < 100; ++i) admitted += f.Admit(rl, f.now);
  EXPECT_EQ(admitted, 20);  // the local bucket holds the same limit
  EXPECT_TRUE(rl.using_fallback());
  shared.down = false;
  f.now += absl::Seconds(5);
  EXPECT_TRUE(f.Admit(rl, f.now));
  EXPECT_FALSE(rl.using_fallback());
}

TEST(RateLimiterTest, DisabledAdmitsEverything) {
  Fixture f;
  f.settings.enabled = false;
  RateLimiter rl(f.settings, *f.keys, nullptr, f.now);
  for (int i = 0; i < 1000; ++i) ASSERT_TRUE(f.Admit(rl, f.now));
}

}  // namespace
}  // namespace classplan::gateway
