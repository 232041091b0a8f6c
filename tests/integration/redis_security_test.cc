// Redis as an attacker on the same machine would meet it (issue 11): it requires a password,
// every connection (pooled and pub/sub) authenticates, a service with a wrong or no password
// counts it, says so and serves from its store; a value written into Redis by anyone without
// the cache key (tampered, moved from another key, or sealed with another key) is never
// served. A real redis-server with an ACL user; the catalog's cache and store in process.

#include <memory>
#include <string>

#include "absl/time/time.h"
#include "common/cache/cache.h"
#include "common/cache/redis_auth.h"
#include "common/cache/redis_client.h"
#include "common/cache/subscriber.h"
#include "common/metrics/metrics.h"
#include "gtest/gtest.h"
#include "services/catalog/cache/tiered_class_cache.h"
#include "services/catalog/data/importer.h"
#include "services/catalog/domain/catalog.h"
#include "services/catalog/store/sqlite_catalog_store.h"
#include "tests/support/process.h"
#include "tests/support/redis_server.h"
#include "tests/support/temp.h"
#include "tests/support/wait.h"

namespace classplan {
namespace {

using testing::WaitFor;

constexpr char kPassword[] = "9f1c2e7a5b3d4c6e8a0b1d2f3e4c5a6b";
constexpr char kCacheKey[] = "0123456789abcdef0123456789abcdef-cache";

// One catalog replica: SQLite store, Redis tier with `options`, the domain.
struct Replica {
  Replica(const std::string& db, const cache::RedisOptions& options) {
    store = std::move(*catalog::SqliteCatalogStore::Open(db));
    redis = std::make_unique<cache::RedisClient>(options);
    redis_cache = std::make_unique<cache::Cache>(redis.get(), "catalog", absl::Minutes(1));
    tiers = std::make_unique<catalog::TieredClassCache>(catalog::TieredClassCacheOptions{},
                                                        redis_cache.get(), options);
    domain = std::make_unique<catalog::Catalog>(store.get(), tiers.get(),
                                                clock::Clock::Fixed(absl::CivilDay(2026, 11, 23)));
  }
  absl::StatusOr<catalog::pb::JobClass> Get(const std::string& code) {
    catalog::pb::GetJobClassRequest req;
    req.set_code(code);
    auto r = domain->GetJobClass(req);
    if (!r.ok()) return r.status();
    return r->job_class();
  }
  std::unique_ptr<catalog::SqliteCatalogStore> store;
  std::unique_ptr<cache::RedisClient> redis;
  std::unique_ptr<cache::Cache> redis_cache;
  std::unique_ptr<catalog::TieredClassCache> tiers;
  std::unique_ptr<catalog::Catalog> domain;
};

class RedisSecurityTest : public ::testing::Test {
 protected:
  void SetUp() override {
    testing::RedisServer::Options o;
    o.password = kPassword;
    auto redis = testing::RedisServer::Start(o);
    ASSERT_TRUE(redis.ok()) << redis.status();
    redis_ = std::move(*redis);
    db_ = testing::MakeTempDir("redis_security") + "/catalog.db";
    auto store = catalog::SqliteCatalogStore::Open(db_);
    ASSERT_TRUE(store.ok());
    auto files = catalog::ReadDataDir(testing::SourcePath("data/catalog"));
    ASSERT_TRUE(files.ok());
    ASSERT_TRUE(catalog::ImportDataFiles(*files, store->get()).ok());
  }
  // Options for this server, with the credentials from its password file.
  cache::RedisOptions Options() const {
    cache::RedisOptions o;
    o.port = redis_->port();
    o.breaker_open_for = absl::Milliseconds(200);
    EXPECT_TRUE(cache::ReadRedisCredentials(redis_->password_file(), &o).ok());
    o.value_key = kCacheKey;
    return o;
  }
  std::unique_ptr<testing::RedisServer> redis_;
  std::string db_;
};

TEST_F(RedisSecurityTest, CredentialsComeFromTheFileAndEveryConnectionAuthenticates) {
  cache::RedisOptions o = Options();
  EXPECT_EQ(o.user, "classplan");
  EXPECT_EQ(o.password, kPassword);
  cache::RedisClient client(o);
  ASSERT_TRUE(client.Set("classplan:t", "v", absl::Minutes(1)).ok());
  EXPECT_EQ(client.Get("classplan:t")->value_or(""), "v");
  // After a Redis restart the pool reconnects, and authenticates again.
  ASSERT_TRUE(redis_->Restart().ok());
  ASSERT_TRUE(WaitFor([&] { return client.Ping().ok(); }));
  // The subscriber's own connection authenticates too: it subscribes and gets messages.
  std::atomic<int> got{0};
  cache::Subscriber sub(o, "classplan:v1:test:invalidate",
                        [&](const std::string&) { got.fetch_add(1); });
  sub.Start();
  ASSERT_TRUE(WaitFor([&] { return sub.healthy(); }));
  ASSERT_TRUE(WaitFor([&] {
    (void)client.Publish("classplan:v1:test:invalidate", "x");
    return got.load() > 0;
  }));
  sub.Stop();
  // A file that cannot be read, or is empty, is an error (the password never in it).
  cache::RedisOptions none;
  EXPECT_FALSE(cache::ReadRedisCredentials("/nonexistent/password", &none).ok());
  EXPECT_TRUE(none.password.empty());
}

TEST_F(RedisSecurityTest, WrongOrNoPasswordIsCountedAndTheServiceServesFromItsStore) {
  auto& auth_failed = metrics::GetCounter("cache.redis.auth_failed");
  for (const char* password : {"", "wrong-password"}) {
    SCOPED_TRACE(password);
    cache::RedisOptions o = Options();
    o.password = password;
    if (o.password.empty()) o.user.clear();
    const int64_t before = auth_failed.value();
    Replica replica(db_, o);
    // Every class is served (from the store) though Redis refuses this replica.
    for (const char* code : {"SPCP20", "G1099A", "CA2459"}) {
      auto got = replica.Get(code);
      ASSERT_TRUE(got.ok()) << code << ": " << got.status();
      EXPECT_EQ(got->code(), code);
    }
    EXPECT_GT(auth_failed.value(), before);
    // Its subscriber is refused as well and never reports a subscription.
    cache::Subscriber sub(o, "classplan:v1:catalog:invalidate", [](const std::string&) {});
    const int64_t sub_before = auth_failed.value();
    sub.Start();
    ASSERT_TRUE(WaitFor([&] { return auth_failed.value() > sub_before; }));
    EXPECT_FALSE(sub.healthy());
    sub.Stop();
    // Nothing reached Redis.
    auto keys = redis_->Cli("--scan --pattern 'classplan:v1:catalog:*'");
    ASSERT_TRUE(keys.ok()) << keys.status();
    EXPECT_EQ(*keys, "");
  }
}

// What the attacker did: rewrite a cached class in Redis. Whatever is written there
// without the cache key is discarded, counted and deleted; the store's copy is served.
TEST_F(RedisSecurityTest, ATamperedCachedValueIsNeverServed) {
  const std::string key = "classplan:v1:catalog:SPCP20";
  auto& rejected = metrics::GetCounter("cache.redis.rejected");
  auto writer = std::make_unique<Replica>(db_, Options());
  auto original = writer->Get("SPCP20");
  ASSERT_TRUE(original.ok());
  auto sealed = writer->redis->Get(key);
  ASSERT_TRUE(sealed.ok() && sealed->has_value());
  std::optional<std::string> bytes = writer->redis_cache->Unseal(key, **sealed);
  ASSERT_TRUE(bytes.has_value());
  catalog::v1::ClassRecord record;
  ASSERT_TRUE(record.ParseFromString(*bytes));
  ASSERT_GT(record.revisions_size(), 0);
  record.mutable_revisions(0)->mutable_job_class()->set_title("Tampered");
  const std::string tampered = record.SerializeAsString();
  // The same record sealed for another class's key (a value moved between keys).
  ASSERT_TRUE(writer->Get("G1099A").ok());
  auto moved = writer->redis->Get("classplan:v1:catalog:G1099A");
  ASSERT_TRUE(moved.ok() && moved->has_value());
  // Sealed with a key that is not the service's (an attacker who knows the format).
  cache::RedisOptions other = Options();
  other.value_key = "an attacker's key, 32 characters or more";
  cache::RedisClient other_client(other);
  cache::Cache other_cache(&other_client, "catalog", absl::Minutes(1));

  const std::vector<std::pair<std::string, std::string>> attacks = {
      {"unsealed", tampered},
      {"payload edited under the seal",
       std::string(**sealed).replace((*sealed)->size() - 1, 1, "\x7f")},
      {"sealed for another key", **moved},
      {"sealed with another key", other_cache.Seal(key, tampered)},
      {"not even a protobuf", "garbage"}};
  for (const auto& [what, value] : attacks) {
    SCOPED_TRACE(what);
    ASSERT_TRUE(writer->redis->Set(key, value, absl::Minutes(5)).ok());
    const int64_t before = rejected.value();
    Replica fresh(db_, Options());  // nothing in process: it asks Redis first
    auto got = fresh.Get("SPCP20");
    ASSERT_TRUE(got.ok()) << got.status();
    EXPECT_EQ(got->title(), original->title());
    EXPECT_EQ(rejected.value() - before, 1);
    // Deleted and replaced by the store's copy, sealed again.
    auto now = fresh.redis->Get(key);
    ASSERT_TRUE(now.ok() && now->has_value());
    EXPECT_TRUE(fresh.redis_cache->Unseal(key, **now).has_value());
  }
}

}  // namespace
}  // namespace classplan
