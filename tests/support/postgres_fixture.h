#ifndef CLASSPLAN_TESTS_SUPPORT_POSTGRES_FIXTURE_H_
#define CLASSPLAN_TESTS_SUPPORT_POSTGRES_FIXTURE_H_

// The PostgreSQL a test binary's tests share: one PostgresServer (fsync off: these tests need
// a real server, not durability), started on first use and stopped when the binary's tests
// end, and a fresh database for each test or store key.

#include <string>

#include "absl/status/statusor.h"
#include "gtest/gtest.h"
#include "tests/support/postgres_server.h"

namespace classplan::testing {

// The binary's server, started on first call; nullptr when it cannot start (the reason is
// reported as a test failure).
PostgresServer* SharedPostgres();

// The URL of the database for `key` (lower-cased: PostgreSQL folds names), created empty on
// SharedPostgres() the first time `key` is asked for; later calls (a reopen, another replica)
// get the same database.
absl::StatusOr<std::string> PostgresDatabase(const std::string& key);

// A test with its own fresh database on the shared server: url_.
class PostgresFixture : public ::testing::Test {
 protected:
  void SetUp() override;
  static PostgresServer* server() { return SharedPostgres(); }

  std::string url_;
};

}  // namespace classplan::testing

#endif  // CLASSPLAN_TESTS_SUPPORT_POSTGRES_FIXTURE_H_
