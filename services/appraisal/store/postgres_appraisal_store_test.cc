// The AppraisalStore conformance suite on a PostgreSQL 15 server the test starts (one
// database per store key), and what only PostgreSQL has to prove: a newer schema refuses.
#include "services/appraisal/store/postgres_appraisal_store.h"

#include "services/appraisal/store/appraisal_store_conformance.h"
#include "tests/support/postgres_fixture.h"

namespace classplan::appraisal {
namespace {

using ::classplan::testing::PostgresDatabase;
using ::classplan::testing::SharedPostgres;

const StoreFactory kPostgres{
    "Postgres", [](const std::string& key) -> absl::StatusOr<std::unique_ptr<AppraisalStore>> {
      auto url = PostgresDatabase(key);
      if (!url.ok()) return url.status();
      auto store = PostgresAppraisalStore::Open(*url);
      if (!store.ok()) return store.status();
      return std::unique_ptr<AppraisalStore>(*std::move(store));
    }};

INSTANTIATE_TEST_SUITE_P(Postgres, AppraisalStoreConformance, ::testing::Values(&kPostgres),
                         FactoryName);

TEST(PostgresAppraisalStore, ADatabaseWithANewerSchemaRefusesToStart) {
  auto url = PostgresDatabase("newer_schema");
  ASSERT_TRUE(url.ok()) << url.status();
  ASSERT_TRUE(PostgresAppraisalStore::Open(*url).ok());
  ASSERT_TRUE(SharedPostgres()
                  ->Psql("newer_schema",
                         "INSERT INTO schema_migrations(version, name) VALUES (99, 'future')")
                  .ok());
  auto store = PostgresAppraisalStore::Open(*url);
  ASSERT_FALSE(store.ok());
  EXPECT_TRUE(absl::IsFailedPrecondition(store.status())) << store.status();
  EXPECT_NE(std::string(store.status().message()).find("schema version 99"), std::string::npos)
      << store.status();
}

}  // namespace
}  // namespace classplan::appraisal
