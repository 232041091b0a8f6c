// Two pay-band replicas in one process, each with its own in-process cache and Redis client,
// sharing one SQLite file and a real redis-server: an import on one is seen by the other, and
// with Redis gone both keep answering from the store (counted).

#include "common/cache/cache.h"
#include "common/cache/redis_client.h"
#include "common/metrics/metrics.h"
#include "gtest/gtest.h"
#include "services/payband/cache/caching_payband_store.h"
#include "services/payband/data/importer.h"
#include "services/payband/store/sqlite_payband_store.h"
#include "tests/support/process.h"
#include "tests/support/redis_server.h"
#include "tests/support/temp.h"
#include "tests/support/wait.h"

namespace classplan::payband {
namespace {

struct Replica {
  Replica(const std::string& db, int redis_port) {
    store = std::move(*SqlitePaybandStore::Open(db));
    cache::RedisOptions ro;
    ro.port = redis_port;
    ro.breaker_open_for = absl::Milliseconds(200);
    redis = std::make_unique<cache::RedisClient>(ro);
    redis_cache = std::make_unique<cache::Cache>(redis.get(), "payband", absl::Minutes(1));
    cached = std::make_unique<CachingPaybandStore>(store.get(), CachingPaybandStoreOptions{},
                                                   redis_cache.get(), ro);
  }
  std::unique_ptr<SqlitePaybandStore> store;
  std::unique_ptr<cache::RedisClient> redis;
  std::unique_ptr<cache::Cache> redis_cache;
  std::unique_ptr<CachingPaybandStore> cached;
};

using testing::WaitFor;

pb::PaySchedule TestSchedule(const std::string& id) {
  pb::PaySchedule s;
  s.set_id(id);
  s.set_jurisdiction_id("xx-test");
  s.set_name("integration test schedule");
  s.set_hours_per_year(2080);
  s.set_currency_code("USD");
  s.set_midpoint_rule(pb::MIDPOINT_RULE_MIDDLE_OF_RANGE);
  s.mutable_source()->set_document("integration test fixture");
  return s;
}

std::vector<pb::PayBand> OneBand(const std::string& schedule_id, int64_t min_cents) {
  pb::PayBand b;
  b.set_schedule_id(schedule_id);
  b.set_code("T1");
  b.set_figures_status(pb::FIGURES_STATUS_ON_FILE);
  b.mutable_given()->set_unit(pb::RATE_UNIT_ANNUAL);
  b.mutable_given()->mutable_minimum()->set_currency_code("USD");
  b.mutable_given()->mutable_minimum()->set_cents(min_cents);
  b.mutable_given()->mutable_maximum()->set_currency_code("USD");
  b.mutable_given()->mutable_maximum()->set_cents(min_cents * 2);
  return {b};
}

class PaybandCacheTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto redis = testing::RedisServer::Start();
    ASSERT_TRUE(redis.ok()) << redis.status();
    redis_ = std::move(*redis);
    db_ = testing::MakeTempDir("payband_cache") + "/payband.db";
    auto store = SqlitePaybandStore::Open(db_);
    ASSERT_TRUE(store.ok()) << store.status();
    auto files = ReadPayDataDir(testing::SourcePath("data/payband"));
    ASSERT_TRUE(files.ok()) << files.status();
    ASSERT_TRUE(ImportPayDataFiles(*files, store->get()).ok());
    a_ = std::make_unique<Replica>(db_, redis_->port());
    b_ = std::make_unique<Replica>(db_, redis_->port());
    ASSERT_TRUE(WaitFor(
        [&] { return a_->cached->subscription_healthy() && b_->cached->subscription_healthy(); }));
  }
  std::unique_ptr<testing::RedisServer> redis_;
  std::string db_;
  std::unique_ptr<Replica> a_, b_;
};

TEST_F(PaybandCacheTest, AnImportOnOneReplicaIsSeenByTheOther) {
  auto before = b_->cached->ListSchedules("xx-test");
  ASSERT_TRUE(before.ok()) << before.status();
  EXPECT_TRUE(before->empty());
  ASSERT_TRUE(b_->cached->ListSchedules("xx-test").ok());  // now cached on b
  ASSERT_TRUE(a_->cached
                  ->AddSchedule(
                      TestSchedule("xx-test/one"), OneBand("xx-test/one", 4000000),
                      [](const auto&) { return absl::OkStatus(); }, std::nullopt)
                  .ok());
  ASSERT_TRUE(WaitFor([&] { return b_->cached->ListSchedules("xx-test")->size() == 1; }));
  auto band = b_->cached->GetBand("xx-test/one", "T1");
  ASSERT_TRUE(band.ok() && band->has_value());
  EXPECT_EQ((*band)->given().minimum().cents(), 4000000);
}

TEST_F(PaybandCacheTest, RedisDownFallsBackToTheStoreAndIsCounted) {
  auto& store_loads = metrics::GetCounter("payband.cache.store_load");
  auto& fallback = metrics::GetCounter("cache.redis.fallback");
  auto& refused = metrics::GetCounter("cache.redis.breaker_open");
  auto band = a_->cached->GetBand("denver-csa/notice-1355", "806-A");
  ASSERT_TRUE(band.ok() && band->has_value());
  int64_t loads_before = store_loads.value();
  int64_t redis_errors_before = fallback.value() + refused.value();
  redis_->Kill();
  ASSERT_TRUE(WaitFor(
      [&] { return !a_->cached->subscription_healthy() && !b_->cached->subscription_healthy(); }));
  for (int i = 0; i < 5; ++i) {
    auto got = b_->cached->GetBand("denver-csa/notice-1355", "807-A");
    ASSERT_TRUE(got.ok()) << got.status();
    ASSERT_TRUE(got->has_value());
    EXPECT_EQ((*got)->given().minimum().cents(), 4587400);  // $45,874
  }
  EXPECT_GT(store_loads.value() + fallback.value() + refused.value(),
            loads_before + redis_errors_before);

  // A write while Redis is down is still seen by the other replica (it reads the version from
  // the store while its subscription is down).
  ASSERT_TRUE(a_->cached
                  ->AddSchedule(
                      TestSchedule("xx-test/two"), OneBand("xx-test/two", 5000000),
                      [](const auto&) { return absl::OkStatus(); }, std::nullopt)
                  .ok());
  auto listed = b_->cached->ListSchedules("xx-test");
  ASSERT_TRUE(listed.ok()) << listed.status();
  EXPECT_EQ(listed->size(), 1u);
}

}  // namespace
}  // namespace classplan::payband
