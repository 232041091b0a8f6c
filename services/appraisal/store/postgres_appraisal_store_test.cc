// The AppraisalStore conformance suite on a PostgreSQL 15 server the test starts (one
// database per store key), and what only PostgreSQL has to prove: a newer schema refuses.
#include "services/appraisal/store/postgres_appraisal_store.h"

#include "services/appraisal/store/appraisal_store_conformance.h"
#include "tests/support/postgres_fixture.h"

namespace classplan::appraisal {
namespace {

const StoreFactory kPostgres = testing::PostgresFactory<AppraisalStore>(
    [](const std::string& url) { return PostgresAppraisalStore::Open(url); });

INSTANTIATE_TEST_SUITE_P(Postgres, AppraisalStoreConformance, ::testing::Values(&kPostgres),
                         FactoryName);

TEST(PostgresAppraisalStore, ADatabaseWithANewerSchemaRefusesToStart) {
  testing::ExpectNewerSchemaRefused("newer_schema", [](const std::string& url) {
    return PostgresAppraisalStore::Open(url).status();
  });
}

}  // namespace
}  // namespace classplan::appraisal
