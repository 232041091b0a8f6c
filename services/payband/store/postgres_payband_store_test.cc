// The PaybandStore conformance suite on a PostgreSQL 15 server the test starts (one database
// per store key), and what only PostgreSQL has to prove: a newer schema refuses.
#include "services/payband/store/postgres_payband_store.h"

#include <atomic>
#include <thread>

#include "common/postgres/database.h"
#include "services/payband/store/payband_store_conformance.h"
#include "tests/support/postgres_fixture.h"
#include "tests/support/wait.h"

namespace classplan::payband {
namespace {

const StoreFactory kPostgres = testing::PostgresFactory<PaybandStore>(
    [](const std::string& url) { return PostgresPaybandStore::Open(url); });

INSTANTIATE_TEST_SUITE_P(Postgres, PaybandStoreConformance, ::testing::Values(&kPostgres),
                         FactoryName);

TEST(PostgresPaybandStore, ADatabaseWithANewerSchemaRefusesToStart) {
  testing::ExpectNewerSchemaRefused("newer_schema", [](const std::string& url) {
    return PostgresPaybandStore::Open(url).status();
  });
}

// Two imports into one jurisdiction take turns on its version row, which an import locks with
// its first statement (the audit chain's lock, which every write also takes, is no part of
// it). A transaction standing in for another replica's import holds that row and adds a
// schedule: the import waits, its check not yet run, and once the other commits the check
// sees that schedule.
TEST(PostgresPaybandStore, AnImportWaitsForTheJurisdictionsVersionRowThenSeesWhatCommitted) {
  auto url = testing::PostgresDatabase("version_row_lock");
  ASSERT_TRUE(url.ok()) << url.status();
  auto store = PostgresPaybandStore::Open(*url);
  ASSERT_TRUE(store.ok()) << store.status();
  auto other = postgres::Database::Open(*url);
  auto watch = postgres::Database::Open(*url);
  ASSERT_TRUE(other.ok() && watch.ok());
  pb::PaySchedule theirs;
  theirs.set_id("xx/theirs");
  theirs.set_jurisdiction_id("xx");
  ASSERT_TRUE((*other)->Exec("BEGIN").ok());
  ASSERT_TRUE((*other)
                  ->Exec("INSERT INTO schedule_versions(jurisdiction_id, version) VALUES('xx', 1)")
                  .ok());
  auto ins = (*other)->Prepare(
      "INSERT INTO pay_schedules(id, jurisdiction_id, data) VALUES('xx/theirs', 'xx', $1)");
  ASSERT_TRUE(ins.ok());
  ins->BindBlob(1, theirs.SerializeAsString());
  ASSERT_TRUE(ins->Step().ok());

  std::atomic<bool> checked{false};
  std::vector<std::string> seen;
  absl::Status imported;
  std::thread importer([&] {
    pb::PaySchedule mine;
    mine.set_id("xx/mine");
    mine.set_jurisdiction_id("xx");
    imported = (*store)->AddSchedule(
        mine, {},
        [&](const std::vector<pb::PaySchedule>& existing) {
          for (const auto& s : existing) seen.push_back(s.id());
          checked = true;
          return absl::OkStatus();
        },
        std::nullopt);
  });
  const bool waiting = testing::WaitFor([&] {
    auto st = (*watch)->Prepare(
        "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database()"
        " AND wait_event_type = 'Lock'");
    return st.ok() && st->Step().value_or(false) && st->ColumnInt(0) > 0;
  });
  EXPECT_TRUE(waiting) << "the import did not wait for the version row";
  EXPECT_FALSE(checked.load());
  ASSERT_TRUE((*other)->Exec("COMMIT").ok());
  importer.join();
  ASSERT_TRUE(imported.ok()) << imported;
  EXPECT_EQ(seen, std::vector<std::string>{"xx/theirs"});
  EXPECT_EQ(*(*store)->ScheduleVersion("xx"), 2);
}

}  // namespace
}  // namespace classplan::payband
