#include "common/server/startup.h"

#include <stdlib.h>

#include <string>

#include "absl/flags/flag.h"
#include "absl/status/status.h"
#include "common/server/flags.h"
#include "gtest/gtest.h"

namespace classplan::server {
namespace {

TEST(StartupTest, FailedStartsGiveTheirExitCodes) {
  EXPECT_EQ(BadFlag("--x is wrong"), 2);
  EXPECT_EQ(StartFailed("cannot open store", absl::UnavailableError("locked")), 1);
}

std::string seen_listen;
int seen_runs = 0;
int FakeRun() {
  seen_listen = absl::GetFlag(FLAGS_listen);
  ++seen_runs;
  return 7;
}

// Once per process: absl allows one usage message.
TEST(StartupTest, ServiceMainSetsTheServicesListenDefaultAndRuns) {
  ::setenv("CLASSPLAN_STARTUP_TEST_LISTEN", "127.0.0.1:50999", 1);
  char prog[] = "startup_test";
  char* argv[] = {prog, nullptr};
  EXPECT_EQ(
      ServiceMain(1, argv, {"usage", "CLASSPLAN_STARTUP_TEST_LISTEN", "127.0.0.1:1"}, &FakeRun), 7);
  EXPECT_EQ(seen_listen, "127.0.0.1:50999");
  EXPECT_EQ(seen_runs, 1);
}

}  // namespace
}  // namespace classplan::server
