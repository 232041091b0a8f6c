#ifndef CLASSPLAN_TESTS_SUPPORT_POSTGRES_FIXTURE_H_
#define CLASSPLAN_TESTS_SUPPORT_POSTGRES_FIXTURE_H_

// The PostgreSQL a test binary's tests share: one PostgresServer (fsync off: these tests need
// a real server, not durability), started on first use and stopped when the binary's tests
// end, and a fresh database for each test or store key.

#include <functional>
#include <memory>
#include <string>

#include "absl/status/statusor.h"
#include "gtest/gtest.h"
#include "tests/support/postgres_server.h"
#include "tests/support/store_conformance.h"

namespace classplan::testing {

// The binary's server, started on first call; nullptr when it cannot start (the reason is
// reported as a test failure).
PostgresServer* SharedPostgres();

// The URL of the database for `key` (lower-cased: PostgreSQL folds names), created empty on
// SharedPostgres() the first time `key` is asked for; later calls (a reopen, another replica)
// get the same database.
absl::StatusOr<std::string> PostgresDatabase(const std::string& key);

// A conformance factory (store_conformance.h) opening `open(url)`, a Store implementation's
// absl::StatusOr<std::unique_ptr<...>>, on the database for each key.
template <typename Store, typename Open>
StoreFactory<Store> PostgresFactory(Open open) {
  return {"Postgres", [open](const std::string& key) -> absl::StatusOr<std::unique_ptr<Store>> {
            auto url = PostgresDatabase(key);
            if (!url.ok()) return url.status();
            auto store = open(*url);
            if (!store.ok()) return store.status();
            return std::unique_ptr<Store>(*std::move(store));
          }};
}

// What every PostgreSQL store must do at start: on the database for `key`, `open(url)` succeeds;
// once schema_migrations holds version 99 (a newer binary's), it fails with
// FailedPrecondition naming that version.
void ExpectNewerSchemaRefused(const std::string& key,
                              const std::function<absl::Status(const std::string& url)>& open);

// A test with its own fresh database on the shared server: url_.
class PostgresFixture : public ::testing::Test {
 protected:
  void SetUp() override;
  static PostgresServer* server() { return SharedPostgres(); }

  std::string url_;
};

}  // namespace classplan::testing

#endif  // CLASSPLAN_TESTS_SUPPORT_POSTGRES_FIXTURE_H_
