#include "common/cache/local_tier.h"

#include <memory>
#include <string>

#include "absl/strings/match.h"
#include "absl/strings/string_view.h"
#include "gtest/gtest.h"

namespace classplan::cache {
namespace {

using Tier = LocalTier<std::string, std::shared_ptr<const int>>;

std::shared_ptr<const int> V(int v) { return std::make_shared<const int>(v); }

// A clock the test moves by hand.
struct FakeClock {
  absl::Time now = absl::FromUnixSeconds(1'000'000);
  Tier::Clock fn() {
    return [this] { return now; };
  }
};

TEST(LocalTierTest, KeepsAndExpires) {
  FakeClock clock;
  Tier tier(absl::Seconds(30), Tier::kUnbounded, clock.fn());
  EXPECT_EQ(tier.Get("a"), nullptr);
  EXPECT_TRUE(tier.Put("a", V(1), tier.Token()));
  EXPECT_TRUE(tier.Put("b", V(2), tier.Token(), absl::Seconds(5)));  // its own lifetime
  ASSERT_NE(tier.Get(absl::string_view("a")), nullptr);              // heterogeneous lookup
  EXPECT_EQ(*tier.Get("a"), 1);
  clock.now += absl::Seconds(5);  // still alive at exactly its expiry
  EXPECT_NE(tier.Get("b"), nullptr);
  clock.now += absl::Seconds(1);
  EXPECT_EQ(tier.Get("b"), nullptr);
  EXPECT_EQ(tier.size(), 1u);  // the expired entry went with the read
  clock.now += absl::Seconds(25);
  EXPECT_EQ(tier.Get("a"), nullptr);
  EXPECT_EQ(tier.size(), 0u);
}

TEST(LocalTierTest, AFillThatRacedADropIsNotKept) {
  Tier tier(absl::Seconds(30));
  EXPECT_TRUE(tier.Put("a", V(1), tier.Token()));
  // Each way of dropping stops a fill whose token was taken before it.
  uint64_t token = tier.Token();
  tier.Drop("a");
  EXPECT_EQ(tier.Get("a"), nullptr);
  EXPECT_FALSE(tier.Put("a", V(1), token)) << "after Drop";
  token = tier.Token();
  tier.DropAll();
  EXPECT_FALSE(tier.Put("a", V(1), token)) << "after DropAll";
  token = tier.Token();
  tier.DropIf([](const std::string&) { return false; });
  EXPECT_FALSE(tier.Put("a", V(1), token)) << "after DropIf";
  ASSERT_TRUE(tier.Put("a", V(2), tier.Token()));
  token = tier.Token();
  tier.Supersede();
  EXPECT_EQ(*tier.Get("a"), 2) << "Supersede keeps entries";
  EXPECT_FALSE(tier.Put("b", V(1), token)) << "after Supersede";
  // A fresh token is good again.
  EXPECT_TRUE(tier.Put("b", V(3), tier.Token()));
  EXPECT_EQ(*tier.Get("b"), 3);
}

TEST(LocalTierTest, DropsOneAllOrTheMatchingOnes) {
  Tier tier(absl::Seconds(30));
  for (const char* k : {"A1@2026-01-01", "A1@2026-02-01", "B2@2026-01-01"}) {
    ASSERT_TRUE(tier.Put(k, V(1), tier.Token()));
  }
  tier.DropIf([](const std::string& k) { return absl::StartsWith(k, "A1@"); });
  EXPECT_EQ(tier.Get("A1@2026-01-01"), nullptr);
  EXPECT_EQ(tier.Get("A1@2026-02-01"), nullptr);
  EXPECT_NE(tier.Get("B2@2026-01-01"), nullptr);
  tier.Drop("missing");  // no entry: fine
  EXPECT_EQ(tier.size(), 1u);
  tier.DropAll();
  EXPECT_EQ(tier.size(), 0u);
}

TEST(LocalTierTest, StartsAgainFromEmptyWhenFull) {
  Tier tier(absl::Seconds(30), /*capacity=*/2);
  ASSERT_TRUE(tier.Put("a", V(1), tier.Token()));
  ASSERT_TRUE(tier.Put("b", V(2), tier.Token()));
  ASSERT_TRUE(tier.Put("c", V(3), tier.Token()));
  EXPECT_EQ(tier.size(), 1u);
  EXPECT_EQ(tier.Get("a"), nullptr);
  EXPECT_EQ(*tier.Get("c"), 3);
}

}  // namespace
}  // namespace classplan::cache
