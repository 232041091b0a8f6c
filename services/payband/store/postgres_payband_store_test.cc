// The PaybandStore conformance suite on a PostgreSQL 15 server the test starts (one database
// per store key), and what only PostgreSQL has to prove: a newer schema refuses.
#include "services/payband/store/postgres_payband_store.h"

#include "services/payband/store/payband_store_conformance.h"
#include "tests/support/postgres_fixture.h"

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

}  // namespace
}  // namespace classplan::payband
