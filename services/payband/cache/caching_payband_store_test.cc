// CachingPaybandStore's Redis copy: a replica with nothing in process uses the copy another
// replica loaded when the store says it is current (one conditional read, no data), and loads
// from the store when it is not (an import whose invalidation never came), then replaces it.

#include "services/payband/cache/caching_payband_store.h"

#include <memory>
#include <string>
#include <vector>

#include "common/cache/cache.h"
#include "common/cache/redis_client.h"
#include "common/metrics/metrics.h"
#include "gtest/gtest.h"
#include "services/payband/store/sqlite_payband_store.h"
#include "tests/support/redis_server.h"
#include "tests/support/temp.h"

namespace classplan::payband {
namespace {

pb::PaySchedule Schedule(const std::string& id) {
  pb::PaySchedule s;
  s.set_id(id);
  s.set_jurisdiction_id("xx");
  s.set_name("cache test schedule");
  s.set_currency_code("USD");
  s.mutable_source()->set_document("cache test fixture");
  return s;
}

std::vector<pb::PayBand> OneBand() {
  pb::PayBand b;
  b.set_code("T1");
  b.set_figures_status(pb::FIGURES_STATUS_ON_FILE);
  b.mutable_given()->set_unit(pb::RATE_UNIT_ANNUAL);
  b.mutable_given()->mutable_minimum()->set_currency_code("USD");
  b.mutable_given()->mutable_minimum()->set_cents(4000000);
  b.mutable_given()->mutable_maximum()->set_currency_code("USD");
  b.mutable_given()->mutable_maximum()->set_cents(5000000);
  return {b};
}

TEST(CachingPaybandStoreTest, RedisCopyIsUsedOnlyWhileItsVersionIsTheStores) {
  auto redis_server = testing::RedisServer::Start();
  ASSERT_TRUE(redis_server.ok()) << redis_server.status();
  auto store = SqlitePaybandStore::Open(testing::MakeTempDir("payband_cache") + "/payband.db");
  ASSERT_TRUE(store.ok()) << store.status();
  ASSERT_TRUE((*store)->AddSchedule(Schedule("xx/a"), OneBand(), nullptr, std::nullopt).ok());
  cache::RedisOptions ro;
  ro.host = (*redis_server)->host();
  ro.port = (*redis_server)->port();
  cache::RedisClient redis(ro);
  cache::Cache ns(&redis, "payband", absl::Minutes(1));
  // Replicas without a subscription and with nothing in process: each read asks Redis, then
  // the store once.
  auto schedules_on_a_new_replica = [&] {
    CachingPaybandStore replica(store->get(), CachingPaybandStoreOptions{}, &ns, std::nullopt);
    auto got = replica.ListSchedules("xx");
    EXPECT_TRUE(got.ok()) << got.status();
    return got.ok() ? got->size() : 0;
  };
  metrics::Counter& loads = metrics::GetCounter("payband.cache.store_load");
  metrics::Counter& redis_hits = metrics::GetCounter("payband.cache.redis_hit");
  const int64_t loads0 = loads.value();
  const int64_t hits0 = redis_hits.value();

  EXPECT_EQ(schedules_on_a_new_replica(), 1u);  // Redis empty: loaded, and put there
  EXPECT_EQ(loads.value(), loads0 + 1);
  EXPECT_EQ(schedules_on_a_new_replica(), 1u);  // Redis's copy is current
  EXPECT_EQ(loads.value(), loads0 + 1);
  EXPECT_EQ(redis_hits.value(), hits0 + 1);

  // An import straight into the store: no replica drops or publishes anything.
  ASSERT_TRUE((*store)->AddSchedule(Schedule("xx/b"), OneBand(), nullptr, std::nullopt).ok());
  EXPECT_EQ(schedules_on_a_new_replica(), 2u);  // Redis's copy is stale: loaded again
  EXPECT_EQ(loads.value(), loads0 + 2);
  EXPECT_EQ(redis_hits.value(), hits0 + 1);
  EXPECT_EQ(schedules_on_a_new_replica(), 2u);  // and Redis now holds the new one
  EXPECT_EQ(loads.value(), loads0 + 2);
  EXPECT_EQ(redis_hits.value(), hits0 + 2);
}

}  // namespace
}  // namespace classplan::payband
