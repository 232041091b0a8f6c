#include "tests/support/postgres_fixture.h"

#include <memory>
#include <set>

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"

namespace classplan::testing {
namespace {

std::unique_ptr<PostgresServer>& Server() {
  static auto* server = new std::unique_ptr<PostgresServer>();
  return *server;
}

// Stops the server after the last test (pg_ctl stop; its temp dir removed).
class StopServer : public ::testing::Environment {
 public:
  void TearDown() override { Server().reset(); }
};

[[maybe_unused]] ::testing::Environment* const kStopServer =
    ::testing::AddGlobalTestEnvironment(new StopServer);

}  // namespace

PostgresServer* SharedPostgres() {
  static bool tried = false;
  if (!tried) {
    tried = true;
    auto server = PostgresServer::Start(PostgresServer::Options{/*fsync=*/false});
    if (server.ok()) {
      Server() = *std::move(server);
    } else {
      ADD_FAILURE() << "cannot start PostgreSQL: " << server.status();
    }
  }
  return Server().get();
}

absl::StatusOr<std::string> PostgresDatabase(const std::string& key) {
  static auto* created = new std::set<std::string>();
  PostgresServer* server = SharedPostgres();
  if (server == nullptr) return absl::UnavailableError("no PostgreSQL server");
  std::string name = absl::AsciiStrToLower(key);
  if (created->insert(name).second) return server->CreateDatabase(name);
  return server->Url(name);
}

void ExpectNewerSchemaRefused(const std::string& key,
                              const std::function<absl::Status(const std::string& url)>& open) {
  auto url = PostgresDatabase(key);
  ASSERT_TRUE(url.ok()) << url.status();
  ASSERT_TRUE(open(*url).ok());
  ASSERT_TRUE(SharedPostgres()
                  ->Psql(absl::AsciiStrToLower(key),
                         "INSERT INTO schema_migrations(version, name) VALUES (99, 'future')")
                  .ok());
  absl::Status refused = open(*url);
  EXPECT_TRUE(absl::IsFailedPrecondition(refused)) << refused;
  EXPECT_NE(std::string(refused.message()).find("schema version 99"), std::string::npos) << refused;
}

void PostgresFixture::SetUp() {
  static int n = 0;
  auto url = PostgresDatabase(absl::StrCat("fixture_", ++n));
  ASSERT_TRUE(url.ok()) << url.status();
  url_ = *url;
}

}  // namespace classplan::testing
