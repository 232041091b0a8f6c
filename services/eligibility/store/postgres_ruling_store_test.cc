// The RulingStore conformance suite on a PostgreSQL 15 server the test starts (one database
// per store key), and what only PostgreSQL has to prove: a newer schema refuses.
#include "services/eligibility/store/postgres_ruling_store.h"

#include "services/eligibility/store/ruling_store_conformance.h"
#include "tests/support/postgres_fixture.h"

namespace classplan::eligibility {
namespace {

const RulingStoreFactory kPostgres = testing::PostgresFactory<RulingStore>(
    [](const std::string& url) { return PostgresRulingStore::Open(url); });

INSTANTIATE_TEST_SUITE_P(Postgres, RulingStoreConformance, ::testing::Values(&kPostgres),
                         RulingFactoryName);

TEST(PostgresRulingStore, ADatabaseWithANewerSchemaRefusesToStart) {
  testing::ExpectNewerSchemaRefused("newer_schema", [](const std::string& url) {
    return PostgresRulingStore::Open(url).status();
  });
}

}  // namespace
}  // namespace classplan::eligibility
