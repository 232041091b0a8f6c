#ifndef CLASSPLAN_TESTS_E2E_POSTGRES_E2E_H_
#define CLASSPLAN_TESTS_E2E_POSTGRES_E2E_H_

// What the e2e tests of catalog, payband and appraisal on PostgreSQL share: a PostgreSQL 15
// server of their own (tests/support/postgres_server.h), the owner-only URL files they pass as
// --db_url_file, and the read loop across a crash-like restart of PostgreSQL (issue 13: once it
// is back, no idempotent read fails).

#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "classplan/common/v1/audit.pb.h"
#include "grpcpp/grpcpp.h"
#include "gtest/gtest.h"
#include "tests/support/postgres_server.h"

namespace classplan::testing {

// A call context with the tests' deadline (20 s), signed for `principal` with `roles` when
// given (a SignedChannel signs a call without them for the test principal with every role).
std::unique_ptr<grpc::ClientContext> CallContext(const std::string& principal = "",
                                                 const std::string& roles = "");

// The methods of the audit events of one resource, oldest first, as `stub` (a catalog, payband
// or appraisal stub) lists them for `principal` with `roles` (CallContext); a failed call is
// a test failure.
template <typename Stub>
std::vector<std::string> AuditedMethods(Stub& stub, const std::string& resource_type,
                                        const std::string& resource_id,
                                        const std::string& principal = "",
                                        const std::string& roles = "") {
  common::v1::ListAuditEventsRequest req;
  req.set_resource_type(resource_type);
  req.set_resource_id(resource_id);
  common::v1::ListAuditEventsResponse resp;
  grpc::Status s = stub.ListAuditEvents(CallContext(principal, roles).get(), req, &resp);
  EXPECT_TRUE(s.ok()) << s.error_message();
  std::vector<std::string> methods;
  for (const auto& e : resp.events()) methods.push_back(e.method());
  return methods;
}

// A temp dir (dir_) and a PostgreSQL server (pg_), fsync on where durability is tested.
class PostgresE2eTest : public ::testing::Test {
 protected:
  explicit PostgresE2eTest(bool fsync) : fsync_(fsync) {}
  void SetUp() override;
  // Stops PostgreSQL and removes dir_; a subclass stops its servers first.
  void TearDown() override;

  // A fresh database `database` and a 0600 file in dir_ holding its URL ("" on failure, which
  // is reported).
  std::string UrlFile(const std::string& database);

  std::string dir_;
  std::unique_ptr<PostgresServer> pg_;

 private:
  const bool fsync_;
};

// Runs `read`, an idempotent call the server answers from PostgreSQL (no cache in the way), in
// a loop on `threads` threads across two crash-like events of `pg` (pg_ctl -m immediate: every
// pooled connection dies):
//   1. a restart while every thread waits between two reads (the window opened on purpose):
//      each thread's next read meets a pooled connection killed while idle, which only a
//      retry on a new connection saves;
//   2. a stop while reads run (reads in flight are cut), held until every thread has seen a
//      read fail, then a start.
// Reported as test failures: a failed read that began and ended with PostgreSQL up (before,
// after 1, after 2); a read failing otherwise than UNAVAILABLE while it was down (no hang, no
// INTERNAL); a thread with no failed read in 2 (its reads did not reach PostgreSQL, and the
// loop proved nothing). Nothing is timed: each step waits until every thread has made its
// reads (`reads_after` after 1 and after 2).
void ExpectReadsRideThroughARestart(PostgresServer& pg, const std::function<grpc::Status()>& read,
                                    int threads = 4, int reads_after = 10);

}  // namespace classplan::testing

#endif  // CLASSPLAN_TESTS_E2E_POSTGRES_E2E_H_
