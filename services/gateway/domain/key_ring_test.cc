#include "services/gateway/domain/key_ring.h"

#include <fstream>
#include <thread>

#include "google/protobuf/text_format.h"
#include "gtest/gtest.h"
#include "services/gateway/telemetry/counters.h"
#include "tests/support/temp.h"

namespace classplan::gateway {
namespace {

void WriteKeys(const std::string& path, const std::vector<NewKey>& keys) {
  v1::KeyFile f;
  for (const auto& k : keys) *f.add_key() = k.entry;
  std::string text;
  google::protobuf::TextFormat::PrintToString(f, &text);
  std::ofstream(path, std::ios::trunc) << text;
}

KeyRing::LimiterFactory NoLimits() {
  return [](const KeyStore& store) {
    return std::make_unique<RateLimiter>(RateLimitSettings{}, store, nullptr, absl::Now());
  };
}

TEST(KeyRingTest, ReloadReplacesTheKeysAndDropsEveryCachedOne) {
  const std::string path = testing::MakeTempDir("key_ring") + "/keys.textproto";
  const NewKey old_key = *MakeKey("nm-ats", {"agency_system"}, 1);
  const NewKey new_key = *MakeKey("nm-ats", {"agency_system"}, 1);
  WriteKeys(path, {old_key});
  auto ring = KeyRing::Load(path, NoLimits());
  ASSERT_TRUE(ring.ok()) << ring.status();
  VerifiedKeyCache cache(ring->get(), absl::Seconds(60));
  const absl::Time now = absl::Now();
  bool hit = false;
  ASSERT_TRUE(cache.Authenticate(old_key.key, now, &hit).ok());
  ASSERT_NE(cache.Lookup(old_key.key, now), nullptr);
  const Principal* before = *cache.Authenticate(old_key.key, now, &hit);
  EXPECT_NE(before->limiter, nullptr);

  EXPECT_EQ(*(*ring)->Reload(), false);  // unchanged
  const int64_t reloaded = Counters().keys_reloaded.value();
  WriteKeys(path, {new_key});
  ASSERT_EQ(*(*ring)->Reload(), true);
  EXPECT_EQ(Counters().keys_reloaded.value() - reloaded, 1);
  // The revoked key is gone from the cache at once, not after the cache's ttl.
  EXPECT_EQ(cache.Lookup(old_key.key, now), nullptr);
  EXPECT_FALSE(cache.Authenticate(old_key.key, now, &hit).ok());
  auto p = cache.Authenticate(new_key.key, now, &hit);
  ASSERT_TRUE(p.ok()) << p.status();
  EXPECT_EQ((*p)->id, "nm-ats");
  // A new set has its own limiter; the old principal (a call in flight) is still valid.
  EXPECT_NE((*p)->limiter, before->limiter);
  EXPECT_EQ(before->id, "nm-ats");
}

TEST(KeyRingTest, AFileThatDoesNotLoadKeepsTheOldKeysAndIsCountedOnce) {
  const std::string path = testing::MakeTempDir("key_ring") + "/keys.textproto";
  const NewKey key = *MakeKey("nm-ats", {"agency_system"}, 1);
  WriteKeys(path, {key});
  auto ring = *KeyRing::Load(path, NoLimits());
  const int64_t failed = Counters().keys_reload_failed.value();
  std::ofstream(path, std::ios::trunc) << "key { id: \"broken";
  EXPECT_FALSE(ring->Reload().ok());
  EXPECT_FALSE(*ring->Reload());  // the same broken content again: nothing new
  EXPECT_EQ(Counters().keys_reload_failed.value() - failed, 1);  // once per content
  EXPECT_TRUE(ring->Current()->store->Verify(key.key).ok());
  // A file that loads again is taken.
  const NewKey next = *MakeKey("nm-ats", {"agency_system"}, 1);
  WriteKeys(path, {next});
  EXPECT_TRUE(*ring->Reload());
  EXPECT_TRUE(ring->Current()->store->Verify(next.key).ok());
  // The gateway does not start on a key file that does not load.
  std::ofstream(path, std::ios::trunc) << "nonsense";
  EXPECT_FALSE(KeyRing::Load(path, NoLimits()).ok());
}

TEST(KeyRingTest, CacheIsPerThreadAndExpiresNeverPastTheKeysExpiry) {
  const absl::Time t0 = absl::FromUnixSeconds(1'800'000'000);
  auto k = MakeKey("p", {"employee"}, 10);
  auto short_lived = MakeKey("q", {"employee"}, 10, t0 + absl::Seconds(5));
  v1::KeyFile f;
  *f.add_key() = k->entry;
  *f.add_key() = short_lived->entry;
  KeyRing ring(*KeyStore::FromProto(f), NoLimits());
  VerifiedKeyCache cache(&ring, absl::Seconds(10));
  bool hit = true;
  ASSERT_TRUE(cache.Authenticate(k->key, t0, &hit).ok());
  EXPECT_FALSE(hit);
  ASSERT_TRUE(cache.Authenticate(k->key, t0 + absl::Seconds(1), &hit).ok());
  EXPECT_TRUE(hit);
  ASSERT_TRUE(cache.Authenticate(k->key, t0 + absl::Seconds(11), &hit).ok());
  EXPECT_FALSE(hit);
  std::thread([&] { EXPECT_EQ(cache.Lookup(k->key, t0), nullptr); }).join();
  // A wrong key is never remembered.
  KeyFailure failure = KeyFailure::kNone;
  EXPECT_FALSE(cache.Authenticate("cpk_x", t0, &hit, &failure).ok());
  EXPECT_EQ(failure, KeyFailure::kBadKey);
  EXPECT_EQ(cache.Lookup("cpk_x", t0), nullptr);
  // The key expiring in 5 s is cached for 5 s, not the ttl's 10.
  ASSERT_TRUE(cache.Authenticate(short_lived->key, t0, &hit).ok());
  EXPECT_NE(cache.Lookup(short_lived->key, t0 + absl::Seconds(4)), nullptr);
  EXPECT_EQ(cache.Lookup(short_lived->key, t0 + absl::Seconds(5)), nullptr);
  EXPECT_FALSE(cache.Authenticate(short_lived->key, t0 + absl::Seconds(5), &hit, &failure).ok());
  EXPECT_EQ(failure, KeyFailure::kExpired);
}

TEST(FailedAuthLimiterTest, BurstThenOnePerInterval) {
  FailedAuthLimiter limiter(/*per_second=*/0.5, /*burst=*/2);
  const absl::Time t0 = absl::FromUnixSeconds(1000);
  absl::Duration retry;
  EXPECT_FALSE(limiter.Blocked("ipv4:10.0.0.7", t0, &retry));
  limiter.Failed("ipv4:10.0.0.7", t0);
  EXPECT_FALSE(limiter.Blocked("ipv4:10.0.0.7", t0, &retry));
  limiter.Failed("ipv4:10.0.0.7", t0);
  ASSERT_TRUE(limiter.Blocked("ipv4:10.0.0.7", t0, &retry));
  EXPECT_EQ(retry, absl::Seconds(2));
  EXPECT_FALSE(limiter.Blocked("ipv4:10.0.0.8", t0, &retry));
  EXPECT_TRUE(limiter.Blocked("ipv4:10.0.0.7", t0 + absl::Seconds(1), &retry));
  EXPECT_FALSE(limiter.Blocked("ipv4:10.0.0.7", t0 + absl::Seconds(2), &retry));
}

TEST(ClientAddressTest, DropsThePort) {
  EXPECT_EQ(ClientAddress("ipv4:10.0.0.7:51234"), "ipv4:10.0.0.7");
  EXPECT_EQ(ClientAddress("ipv6:[::1]:51234"), "ipv6:[::1]");
  EXPECT_EQ(ClientAddress("ipv6:%5B::1%5D:51234"), "ipv6:%5B::1%5D");
  EXPECT_EQ(ClientAddress("ipv6:::1"), "ipv6:::1");  // no brackets: no port to drop
  EXPECT_EQ(ClientAddress("unix:/tmp/s"), "unix:/tmp/s");
  EXPECT_EQ(ClientAddress(""), "");
}

}  // namespace
}  // namespace classplan::gateway
