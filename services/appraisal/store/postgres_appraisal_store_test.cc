// The AppraisalStore conformance suite on a PostgreSQL 15 server the test starts (one
// database per store key), and what only PostgreSQL has to prove: a newer schema refuses.
#include "services/appraisal/store/postgres_appraisal_store.h"

#include <set>

#include "absl/strings/ascii.h"
#include "services/appraisal/store/appraisal_store_conformance.h"
#include "tests/support/postgres_server.h"

namespace classplan::appraisal {
namespace {

using ::classplan::testing::PostgresServer;

// One server for the whole binary, started before the first test and stopped after the last.
PostgresServer* g_server = nullptr;

class ServerEnvironment : public ::testing::Environment {
 public:
  void SetUp() override {
    auto s = PostgresServer::Start(PostgresServer::Options{/*fsync=*/false});
    ASSERT_TRUE(s.ok()) << s.status();
    g_server = s->release();
  }
  void TearDown() override {
    delete g_server;
    g_server = nullptr;
  }
};

[[maybe_unused]] ::testing::Environment* const kEnvironment =
    ::testing::AddGlobalTestEnvironment(new ServerEnvironment);

PostgresServer* Server() { return g_server; }

// The database for `key`, created on first use.
absl::StatusOr<std::string> DatabaseFor(const std::string& key) {
  static std::set<std::string> created;
  if (Server() == nullptr) return absl::UnavailableError("no PostgreSQL server");
  std::string name = absl::AsciiStrToLower(key);
  if (created.insert(name).second) return Server()->CreateDatabase(name);
  return Server()->Url(name);
}

const StoreFactory kPostgres{
    "Postgres", [](const std::string& key) -> absl::StatusOr<std::unique_ptr<AppraisalStore>> {
      auto url = DatabaseFor(key);
      if (!url.ok()) return url.status();
      auto store = PostgresAppraisalStore::Open(*url);
      if (!store.ok()) return store.status();
      return std::unique_ptr<AppraisalStore>(*std::move(store));
    }};

INSTANTIATE_TEST_SUITE_P(Postgres, AppraisalStoreConformance, ::testing::Values(&kPostgres),
                         FactoryName);

TEST(PostgresAppraisalStore, ADatabaseWithANewerSchemaRefusesToStart) {
  auto url = DatabaseFor("newer_schema");
  ASSERT_TRUE(url.ok()) << url.status();
  ASSERT_TRUE(PostgresAppraisalStore::Open(*url).ok());
  ASSERT_TRUE(Server()
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
