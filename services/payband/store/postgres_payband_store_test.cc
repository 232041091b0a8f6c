// The PaybandStore conformance suite on a PostgreSQL 15 server the test starts (one database
// per store key), and what only PostgreSQL has to prove: a newer schema refuses.
#include "services/payband/store/postgres_payband_store.h"

#include "services/payband/store/payband_store_conformance.h"
#include "tests/support/postgres_fixture.h"

namespace classplan::payband {
namespace {

using ::classplan::testing::PostgresDatabase;
using ::classplan::testing::SharedPostgres;

const StoreFactory kPostgres{
    "Postgres", [](const std::string& key) -> absl::StatusOr<std::unique_ptr<PaybandStore>> {
      auto url = PostgresDatabase(key);
      if (!url.ok()) return url.status();
      auto store = PostgresPaybandStore::Open(*url);
      if (!store.ok()) return store.status();
      return std::unique_ptr<PaybandStore>(*std::move(store));
    }};

INSTANTIATE_TEST_SUITE_P(Postgres, PaybandStoreConformance, ::testing::Values(&kPostgres),
                         FactoryName);

TEST(PostgresPaybandStore, ADatabaseWithANewerSchemaRefusesToStart) {
  auto url = PostgresDatabase("newer_schema");
  ASSERT_TRUE(url.ok()) << url.status();
  ASSERT_TRUE(PostgresPaybandStore::Open(*url).ok());
  ASSERT_TRUE(SharedPostgres()
                  ->Psql("newer_schema",
                         "INSERT INTO schema_migrations(version, name) VALUES (99, 'future')")
                  .ok());
  auto store = PostgresPaybandStore::Open(*url);
  ASSERT_FALSE(store.ok());
  EXPECT_TRUE(absl::IsFailedPrecondition(store.status())) << store.status();
  EXPECT_NE(std::string(store.status().message()).find("schema version 99"), std::string::npos)
      << store.status();
}

}  // namespace
}  // namespace classplan::payband
