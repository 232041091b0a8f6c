#include "services/gateway/domain/api_keys.h"

#include "gtest/gtest.h"

namespace classplan::gateway {
namespace {

TEST(ApiKeysTest, MadeKeyVerifiesAndOnlyTheHashIsStored) {
  auto k = MakeKey("nm-ats", {"agency_system", "hr_analyst"}, 10);
  ASSERT_TRUE(k.ok()) << k.status();
  EXPECT_EQ(k->key.rfind("cpk_" + k->entry.id() + "_", 0), 0u);
  const std::string secret = k->key.substr(4 + 12 + 1);
  EXPECT_EQ(k->entry.DebugString().find(secret), std::string::npos);
  v1::KeyFile f;
  *f.add_key() = k->entry;
  auto store = KeyStore::FromProto(f);
  ASSERT_TRUE(store.ok()) << store.status();
  auto p = (*store)->Verify(k->key);
  ASSERT_TRUE(p.ok()) << p.status();
  EXPECT_EQ((*p)->id, "nm-ats");
  EXPECT_EQ((*p)->roles_header, "agency_system,hr_analyst");
}

// A system is logged by its principal id; a person (any other role) by the key's id only.
TEST(ApiKeysTest, PeopleAreLoggedByKeyIdSystemsByName) {
  v1::KeyFile f;
  auto system = MakeKey("nm-ats", {"agency_system"}, 10);
  auto person = MakeKey("emp-1234", {"employee"}, 10);
  auto analyst = MakeKey("jdoe", {"agency_system", "hr_analyst"}, 10);
  ASSERT_TRUE(system.ok() && person.ok() && analyst.ok());
  for (const auto* k : {&*system, &*person, &*analyst}) *f.add_key() = k->entry;
  auto store = *KeyStore::FromProto(f);
  const Principal* s = *store->Verify(system->key);
  const Principal* p = *store->Verify(person->key);
  const Principal* a = *store->Verify(analyst->key);
  EXPECT_FALSE(s->person);
  EXPECT_TRUE(p->person);
  EXPECT_TRUE(a->person);  // an HR analyst is a person even with a system role too
  EXPECT_EQ(PrincipalForLog(*s, system->key), "nm-ats");
  EXPECT_EQ(PrincipalForLog(*p, person->key), "key:" + person->entry.id());
  EXPECT_EQ(PrincipalForLog(*a, analyst->key), "key:" + analyst->entry.id());
  EXPECT_EQ(PrincipalForLog(*p, person->key).find("emp-1234"), std::string::npos);
}

TEST(ApiKeysTest, WrongMalformedAndDisabledKeysAreUnauthenticated) {
  auto k = MakeKey("p", {"employee"}, 10);
  ASSERT_TRUE(k.ok());
  v1::KeyFile f;
  *f.add_key() = k->entry;
  auto store = *KeyStore::FromProto(f);
  std::string wrong = k->key;
  wrong.back() = wrong.back() == '0' ? '1' : '0';
  for (const std::string& bad : {wrong, std::string("cpk_"), std::string(""), k->key + "0",
                                 "cpk_000000000000_" + std::string(64, 'a')}) {
    EXPECT_EQ(store->Verify(bad).status().code(), absl::StatusCode::kUnauthenticated) << bad;
  }
  f.mutable_key(0)->set_disabled(true);
  EXPECT_EQ((*KeyStore::FromProto(f))->Verify(k->key).status().code(),
            absl::StatusCode::kUnauthenticated);
}

TEST(ApiKeysTest, BadEntriesAreRefused) {
  auto k = MakeKey("p", {"employee"}, 10);
  v1::KeyFile f;
  *f.add_key() = k->entry;
  *f.add_key() = k->entry;  // duplicate id
  EXPECT_FALSE(KeyStore::FromProto(f).ok());
  f.mutable_key(1)->set_id("0123456789ab");
  f.mutable_key(1)->clear_role();
  f.mutable_key(1)->add_role("hr_admin");  // same principal, different roles
  EXPECT_FALSE(KeyStore::FromProto(f).ok());
  EXPECT_FALSE(MakeKey("p", {"root"}).ok());
  EXPECT_FALSE(MakeKey("", {"employee"}).ok());
}

TEST(ApiKeysTest, BearerToken) {
  EXPECT_EQ(BearerToken("Bearer abc"), "abc");
  EXPECT_EQ(BearerToken("bearer  abc "), "abc");
  EXPECT_EQ(BearerToken("Basic abc"), "");
  EXPECT_EQ(BearerToken("Bearer "), "");
}

// A key with an expiry works until then and is refused after it like a wrong one; a bad
// expiry does not load.
TEST(ApiKeysTest, ExpiredKeyIsRefusedLikeAWrongOne) {
  const absl::Time t0 = absl::FromUnixSeconds(1'800'000'000);
  auto k = MakeKey("p", {"employee"}, 10, t0);
  ASSERT_TRUE(k.ok()) << k.status();
  EXPECT_EQ(k->entry.expires(), absl::FormatTime(absl::RFC3339_sec, t0, absl::UTCTimeZone()));
  v1::KeyFile f;
  *f.add_key() = k->entry;
  auto store = *KeyStore::FromProto(f);
  KeyStore::Check ok = store->CheckKey(k->key, t0 - absl::Seconds(1));
  ASSERT_NE(ok.principal, nullptr);
  EXPECT_EQ(ok.expires, t0);
  KeyStore::Check late = store->CheckKey(k->key, t0);
  EXPECT_EQ(late.principal, nullptr);
  EXPECT_EQ(late.failure, KeyFailure::kExpired);
  EXPECT_EQ(store->Verify(k->key, t0).status(), store->Verify("cpk_wrong", t0).status());
  f.mutable_key(0)->set_expires("next tuesday");
  EXPECT_FALSE(KeyStore::FromProto(f).ok());
}

}  // namespace
}  // namespace classplan::gateway
