// Two catalog replicas in one process, each with its own in-process cache and Redis client,
// sharing one SQLite file and one real redis-server: coherence and the Redis-down mode.

#include <atomic>
#include <thread>

#include "absl/time/time.h"
#include "common/cache/cache.h"
#include "common/cache/redis_client.h"
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

namespace classplan::catalog {
namespace {

struct Replica {
  Replica(const std::string& db, int redis_port) {
    store = std::move(*SqliteCatalogStore::Open(db));
    cache::RedisOptions ro;
    ro.port = redis_port;
    ro.breaker_open_for = absl::Milliseconds(200);
    redis = std::make_unique<cache::RedisClient>(ro);
    redis_cache = std::make_unique<cache::Cache>(redis.get(), "catalog", absl::Minutes(1));
    tiers = std::make_unique<TieredClassCache>(TieredClassCacheOptions{}, redis_cache.get(), ro);
    catalog = std::make_unique<Catalog>(store.get(), tiers.get(),
                                        clock::Clock::Fixed(absl::CivilDay(2026, 11, 23)));
  }
  absl::StatusOr<pb::JobClass> Get(const std::string& code) {
    pb::GetJobClassRequest req;
    req.set_code(code);
    auto r = catalog->GetJobClass(req);
    if (!r.ok()) return r.status();
    return r->job_class();
  }
  absl::Status Revise(const pb::JobClass& current, const std::string& title, int year) {
    pb::ReviseJobClassRequest req;
    *req.mutable_job_class() = current;
    req.mutable_job_class()->set_title(title);
    req.set_etag(current.etag());
    req.set_change_note("test");
    auto* d = req.mutable_effective()->mutable_effective_date();
    d->set_year(year);
    d->set_month(1);
    d->set_day(1);
    return catalog->ReviseJobClass(req, identity::Caller{"test", {}, "", "ReviseJobClass"})
        .status();
  }
  std::unique_ptr<SqliteCatalogStore> store;
  std::unique_ptr<cache::RedisClient> redis;
  std::unique_ptr<cache::Cache> redis_cache;
  std::unique_ptr<TieredClassCache> tiers;
  std::unique_ptr<Catalog> catalog;
};

using testing::WaitFor;

class CatalogCacheTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto redis = testing::RedisServer::Start();
    ASSERT_TRUE(redis.ok()) << redis.status();
    redis_ = std::move(*redis);
    db_ = testing::MakeTempDir("catalog_cache") + "/catalog.db";
    auto store = SqliteCatalogStore::Open(db_);
    ASSERT_TRUE(store.ok());
    auto files = ReadDataDir(testing::SourcePath("data/catalog"));
    ASSERT_TRUE(files.ok());
    ASSERT_TRUE(ImportDataFiles(*files, store->get()).ok());
    a_ = std::make_unique<Replica>(db_, redis_->port());
    b_ = std::make_unique<Replica>(db_, redis_->port());
    ASSERT_TRUE(WaitFor([&] { return a_->tiers->local_enabled() && b_->tiers->local_enabled(); }));
  }
  std::unique_ptr<testing::RedisServer> redis_;
  std::string db_;
  std::unique_ptr<Replica> a_, b_;
};

TEST_F(CatalogCacheTest, ReadsFillEveryTierAndAWriteReachesTheOtherReplica) {
  auto first = b_->Get("SPCP23");
  ASSERT_TRUE(first.ok()) << first.status();
  EXPECT_NE(b_->tiers->PeekLocal("SPCP23"), nullptr);                       // in process
  EXPECT_TRUE(a_->redis->Get("classplan:v1:catalog:SPCP23")->has_value());  // in Redis

  ASSERT_TRUE(a_->Revise(*first, "Senior Worker (revised)", 2025).ok());
  // The publish travels asynchronously; allow it a moment rather than asserting a race.
  ASSERT_TRUE(WaitFor([&] { return b_->Get("SPCP23")->revision() == 2; }));
  EXPECT_EQ(b_->Get("SPCP23")->title(), "Senior Worker (revised)");
}

TEST_F(CatalogCacheTest, RedisDownFallsBackToTheStoreAndIsCounted) {
  auto& fallback = metrics::GetCounter("cache.redis.fallback");
  auto& refused = metrics::GetCounter("cache.redis.breaker_open");
  ASSERT_TRUE(a_->Get("G1099A").ok());
  int64_t fallback_before = fallback.value();
  int64_t refused_before = refused.value();
  redis_->Kill();
  // Each replica notices the lost subscription and stops trusting its in-process copies.
  ASSERT_TRUE(WaitFor([&] { return !a_->tiers->local_enabled() && !b_->tiers->local_enabled(); }));
  for (const char* code : {"G1099A", "G1099B", "CA2459", "2944", "SPPS26"}) {
    auto got = a_->Get(code);
    ASSERT_TRUE(got.ok()) << code << ": " << got.status();
    EXPECT_EQ(got->code(), code);
  }
  EXPECT_GT(fallback.value(), fallback_before);
  EXPECT_GT(refused.value(), refused_before);  // the breaker spared later calls the wait

  // Writes still work, and the other replica, no longer trusting its cache, sees them.
  auto current = b_->Get("G1099A");
  ASSERT_TRUE(current.ok());
  ASSERT_TRUE(a_->Revise(*current, "Advanced (revised while Redis was down)", 2026).ok());
  EXPECT_EQ(b_->Get("G1099A")->revision(), 2);

  // Redis comes back: subscriptions resume and the in-process tier is used again.
  ASSERT_TRUE(redis_->Restart().ok());
  ASSERT_TRUE(WaitFor([&] { return a_->tiers->local_enabled() && b_->tiers->local_enabled(); }));
  EXPECT_EQ(a_->Get("G1099A")->revision(), 2);
}

TEST_F(CatalogCacheTest, AWriteDuringAHungRedisDoesNotLeaveAStaleCopyBehind) {
  // b reads first, so Redis holds revision 1.
  auto current = b_->Get("SPCP20");
  ASSERT_TRUE(current.ok());
  ASSERT_TRUE(a_->redis->Get("classplan:v1:catalog:SPCP20")->has_value());
  redis_->Pause();  // hung, not dead: its data survives
  ASSERT_TRUE(a_->Revise(*current, "Case Worker (revised during a Redis hang)", 2025).ok());
  EXPECT_EQ(a_->tiers->unsynced_count(), 1u);
  redis_->Resume();
  // Once a's subscription is back it drops the stale copy; b then reads the store.
  ASSERT_TRUE(WaitFor([&] {
    return a_->tiers->local_enabled() && b_->tiers->local_enabled() &&
           a_->tiers->unsynced_count() == 0;
  }));
  EXPECT_EQ(b_->Get("SPCP20")->revision(), 2);
  EXPECT_EQ(a_->Get("SPCP20")->revision(), 2);
}

// The writing replica drops its in-process copy as soon as the write commits, but Redis still
// holds the old copy until the SET lands. A read on that replica in between (here: while Redis
// holds writes, until the test releases them, longer than the whole Replace with its 100 ms
// timeouts, and still
// answers reads) must not put the old revision back in process: when the Redis write then
// fails, nothing would drop it until Redis takes writes again (or the 30 s in-process TTL).
TEST_F(CatalogCacheTest, AReadDuringAWriteOnTheSameReplicaKeepsNoStaleCopy) {
  auto current = a_->Get("SPCP20");
  ASSERT_TRUE(current.ok());
  ASSERT_NE(a_->tiers->PeekLocal("SPCP20"), nullptr);
  ASSERT_TRUE(redis_->HoldWrites(absl::Seconds(20)).ok());  // released below
  std::atomic<bool> written{false};
  std::thread writer([&] {
    EXPECT_TRUE(a_->Revise(*current, "Case Worker (revised while Redis held writes)", 2025).ok());
    written = true;
  });
  // The window: the write has committed and dropped a's in-process copy, and waits on Redis
  // (its SET, DEL and PUBLISH each time out) to replace the Redis copy.
  const bool in_window =
      WaitFor([&] { return a_->tiers->PeekLocal("SPCP20") == nullptr; }) && !written.load();
  (void)a_->Get("SPCP20");  // during the write: either revision is right
  writer.join();
  ASSERT_TRUE(in_window) << "the read did not happen during the write (the window was missed)";
  EXPECT_EQ(a_->tiers->unsynced_count(), 1u);  // Redis still holds writes
  auto after = a_->Get("SPCP20");
  ASSERT_TRUE(after.ok()) << after.status();
  EXPECT_EQ(after->revision(), 2) << "the read during the write put the old revision back";
  // Once Redis takes writes again the stale Redis copy is dropped and both replicas agree.
  ASSERT_TRUE(redis_->ReleaseWrites().ok());
  ASSERT_TRUE(WaitFor([&] { return a_->tiers->unsynced_count() == 0; }));
  EXPECT_EQ(b_->Get("SPCP20")->revision(), 2);
  EXPECT_EQ(a_->Get("SPCP20")->revision(), 2);
}

}  // namespace
}  // namespace classplan::catalog
