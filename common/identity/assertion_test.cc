#include "common/identity/assertion.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <openssl/hmac.h>
#include <sys/stat.h>

#include <array>
#include <cstdio>
#include <fstream>
#include <string>

#include "absl/strings/escaping.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"

namespace classplan::identity {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;

constexpr char kMethod[] = "/classplan.catalog.v1.CatalogService/CreateJobClass";
const absl::Time kNow = absl::FromUnixSeconds(1'800'000'000);

std::string Secret(char fill) { return absl::Base64Escape(std::string(32, fill)); }

std::shared_ptr<const KeyRing> Ring(absl::string_view text) {
  auto ring = KeyRing::Parse(text);
  EXPECT_TRUE(ring.ok()) << ring.status();
  return ring.ok() ? *ring : nullptr;
}

Claims Analyst() { return ClaimsFor(kMethod, "ana", "hr_analyst,employee", "req-1"); }

TEST(AssertionTest, SignedAssertionVerifiesAndCarriesTheClaims) {
  auto ring = Ring(absl::StrCat("# comment\n\nk1 ", Secret('a'), "\n"));
  auto a = ring->Sign(Analyst(), kNow + absl::Seconds(30));
  ASSERT_TRUE(a.ok()) << a.status();
  EXPECT_TRUE(absl::StartsWith(*a, "v1.k1.1800000030.")) << *a;
  auto c = ring->Verify(*a, kMethod, kNow);
  ASSERT_TRUE(c.ok()) << c.status();
  EXPECT_EQ(c->method, kMethod);
  EXPECT_EQ(c->principal, "ana");
  EXPECT_THAT(c->roles, ElementsAre(Role::kHrAnalyst, Role::kEmployee));
  EXPECT_EQ(c->request_id, "req-1");
}

TEST(AssertionTest, MacIsHmacSha256OfTheSignedPrefix) {
  const std::string raw(32, 'a');
  auto ring = Ring(absl::StrCat("k1 ", absl::Base64Escape(raw)));
  auto a = ring->Sign(Analyst(), kNow);
  ASSERT_TRUE(a.ok());
  const size_t dot = a->rfind('.');
  const std::string prefix = a->substr(0, dot);
  std::array<unsigned char, 32> want{};
  unsigned int n = 0;
  HMAC(EVP_sha256(), raw.data(), static_cast<int>(raw.size()),
       reinterpret_cast<const unsigned char*>(prefix.data()), prefix.size(), want.data(), &n);
  ASSERT_EQ(n, 32u);
  EXPECT_EQ(a->substr(dot + 1), absl::WebSafeBase64Escape(absl::string_view(
                                    reinterpret_cast<const char*>(want.data()), want.size())));
}

TEST(AssertionTest, RefusesWhatIsNotAValidAssertionForThisMethod) {
  auto ring = Ring(absl::StrCat("k1 ", Secret('a')));
  auto a = ring->Sign(Analyst(), kNow + absl::Seconds(30));
  ASSERT_TRUE(a.ok());
  auto refused = [&](absl::string_view assertion, absl::string_view method, absl::Time now,
                     absl::string_view why) {
    auto c = ring->Verify(assertion, method, now);
    EXPECT_EQ(c.status().code(), absl::StatusCode::kUnauthenticated) << why;
    EXPECT_THAT(std::string(c.status().message()), HasSubstr(why));
    EXPECT_THAT(std::string(c.status().message()), ::testing::Not(HasSubstr("ana")));
  };
  refused("", kMethod, kNow, "no identity assertion");
  refused("v1.k1.garbage", kMethod, kNow, "malformed");
  refused(absl::StrCat("v2", a->substr(2)), kMethod, kNow, "version");
  refused(*a, "/classplan.catalog.v1.CatalogService/AbolishJobClass", kNow, "another method");
  refused(*a, kMethod, kNow + absl::Seconds(30) + kClockSkew + absl::Seconds(1), "expired");
  // Any changed character of the signed part breaks the signature.
  std::string tampered = *a;
  tampered[tampered.rfind('.') - 2] ^= 1;
  refused(tampered, kMethod, kNow, "signature");
  // A later expiry written over the signed one.
  refused(absl::StrCat("v1.k1.1800000090", a->substr(std::string("v1.k1.1800000030").size())),
          kMethod, kNow, "bad identity assertion signature");
  // Signed with another secret under the same key id.
  auto other = Ring(absl::StrCat("k1 ", Secret('b')));
  refused(*other->Sign(Analyst(), kNow + absl::Seconds(30)), kMethod, kNow, "bad identity");
  auto unknown = Ring(absl::StrCat("k9 ", Secret('a')));
  refused(*unknown->Sign(Analyst(), kNow + absl::Seconds(30)), kMethod, kNow, "unknown key id");
  // Signed for longer than a signer may.
  refused(*ring->Sign(Analyst(), kNow + kMaxLifetime + kClockSkew + absl::Seconds(1)), kMethod,
          kNow, "longer than allowed");
}

TEST(AssertionTest, ExpiryGraceIsTheClockSkew) {
  auto ring = Ring(absl::StrCat("k1 ", Secret('a')));
  auto a = ring->Sign(Analyst(), kNow);
  EXPECT_TRUE(ring->Verify(*a, kMethod, kNow + kClockSkew).ok());
  EXPECT_FALSE(ring->Verify(*a, kMethod, kNow + kClockSkew + absl::Seconds(1)).ok());
}

TEST(AssertionTest, RotationFirstKeySignsEveryKeyVerifies) {
  const std::string old_key = absl::StrCat("old ", Secret('o'));
  const std::string new_key = absl::StrCat("new ", Secret('n'));
  auto before = Ring(old_key);
  auto during = Ring(absl::StrCat(old_key, "\n", new_key));
  auto flipped = Ring(absl::StrCat(new_key, "\n", old_key));
  auto after = Ring(new_key);
  EXPECT_EQ(during->signing_key_id(), "old");
  EXPECT_EQ(flipped->signing_key_id(), "new");
  auto by_old = before->Sign(Analyst(), kNow);
  auto by_new = flipped->Sign(Analyst(), kNow);
  EXPECT_TRUE(during->Verify(*by_old, kMethod, kNow).ok());
  EXPECT_TRUE(during->Verify(*by_new, kMethod, kNow).ok());
  EXPECT_TRUE(flipped->Verify(*by_old, kMethod, kNow).ok());
  EXPECT_FALSE(after->Verify(*by_old, kMethod, kNow).ok());
  EXPECT_TRUE(after->Verify(*by_new, kMethod, kNow).ok());
}

TEST(AssertionTest, SignRefusesLineBreaksInClaims) {
  auto ring = Ring(absl::StrCat("k1 ", Secret('a')));
  EXPECT_EQ(ring->Sign(ClaimsFor(kMethod, "a\nb", "hr_admin"), kNow).status().code(),
            absl::StatusCode::kInvalidArgument);
}

TEST(AssertionTest, ExpiryIsTheDeadlineCappedAtTheMaxLifetime) {
  EXPECT_EQ(AssertionExpiry(kNow, kNow + absl::Seconds(3)), kNow + absl::Seconds(3));
  EXPECT_EQ(AssertionExpiry(kNow, absl::InfiniteFuture()), kNow + kMaxLifetime);
}

TEST(KeyRingTest, ParseRefusesBadFiles) {
  EXPECT_FALSE(KeyRing::Parse("").ok());
  EXPECT_FALSE(KeyRing::Parse("# only a comment\n").ok());
  EXPECT_FALSE(KeyRing::Parse("k1").ok());
  EXPECT_FALSE(KeyRing::Parse(absl::StrCat("k/1 ", Secret('a'))).ok());
  EXPECT_FALSE(KeyRing::Parse(absl::StrCat("k1 ", absl::Base64Escape("short"))).ok());
  EXPECT_FALSE(KeyRing::Parse("k1 !!!not-base64!!!").ok());
  EXPECT_FALSE(KeyRing::Parse(absl::StrCat("k1 ", Secret('a'), "\nk1 ", Secret('b'))).ok());
  auto two = KeyRing::Parse(absl::StrCat("k1 ", Secret('a'), "\nk2 ", Secret('b')));
  ASSERT_TRUE(two.ok());
  EXPECT_EQ((*two)->size(), 2u);
}

TEST(KeyRingTest, LoadRefusesAFileOthersCanRead) {
  const std::string path = ::testing::TempDir() + "/identity-key-" +
                           ::testing::UnitTest::GetInstance()->current_test_info()->name();
  std::ofstream(path) << "k1 " << Secret('a') << "\n";
  for (mode_t loose_mode : {0644, 0604, 0601}) {
    ASSERT_EQ(chmod(path.c_str(), loose_mode), 0);
    auto loose = KeyRing::Load(path);
    EXPECT_EQ(loose.status().code(), absl::StatusCode::kFailedPrecondition) << loose_mode;
    EXPECT_THAT(std::string(loose.status().message()), HasSubstr("chmod 600"));
  }
  // The process's own group may read it (a Secret mounted with fsGroup).
  ASSERT_EQ(chmod(path.c_str(), 0440), 0);
  EXPECT_TRUE(KeyRing::Load(path).ok());
  ASSERT_EQ(chmod(path.c_str(), 0600), 0);
  EXPECT_TRUE(KeyRing::Load(path).ok());
  EXPECT_EQ(KeyRing::Load(path + ".missing").status().code(), absl::StatusCode::kNotFound);
  std::remove(path.c_str());
}

}  // namespace
}  // namespace classplan::identity
