#include "common/server/startup.h"

#include <stdlib.h>

#include <string>

#include "absl/flags/flag.h"
#include "absl/status/status.h"
#include "absl/synchronization/notification.h"
#include "absl/time/time.h"
#include "common/server/flags.h"
#include "common/server/redis_startup.h"
#include "gtest/gtest.h"

namespace classplan::server {
namespace {

TEST(StartupTest, FailedStartsGiveTheirExitCodes) {
  EXPECT_EQ(BadFlag("--x is wrong"), 2);
  EXPECT_EQ(StartFailed("cannot open store", absl::UnavailableError("locked")), 1);
}

TEST(StartupTest, WorkersFromFlagsRefusesBeyondTheWaitingLimit) {
  absl::SetFlag(&FLAGS_worker_threads, 1);
  // Declared before the pool, so the pool (joining its thread) goes first: the worker may still
  // be returning from release.WaitForNotification() when the test body ends (TSan saw it).
  absl::Notification started, release;
  auto workers = WorkersFromFlags();
  // The one thread is held, so every later task waits.
  ASSERT_TRUE(workers->TrySubmit([&] {
    started.Notify();
    release.WaitForNotification();
  }));
  started.WaitForNotification();
  size_t queued = 0;
  while (queued <= kMaxWaitingCalls && workers->TrySubmit([] {})) ++queued;
  release.Notify();
  EXPECT_EQ(queued, kMaxWaitingCalls);
}

TEST(StartupTest, RedisCacheFromFlagSetsUpOnlyWithAnAddress) {
  cache::RedisCacheSetup off =
      RedisCacheFromFlag(std::nullopt, "catalog", absl::Minutes(1), "redis cache off");
  EXPECT_EQ(off.client, nullptr);
  EXPECT_EQ(off.cache, nullptr);
  EXPECT_FALSE(off.subscriber.has_value());

  // Connects lazily: nothing needs to listen on the port.
  cache::RedisCacheSetup on =
      RedisCacheFromFlag(HostPort{"127.0.0.1", 1}, "catalog", absl::Minutes(1), "unused");
  EXPECT_NE(on.client, nullptr);
  ASSERT_NE(on.cache, nullptr);
  EXPECT_EQ(on.cache->InvalidationChannel(), "classplan:v1:catalog:invalidate");
  ASSERT_TRUE(on.subscriber.has_value());
  EXPECT_EQ(on.subscriber->host, "127.0.0.1");
  EXPECT_EQ(on.subscriber->port, 1);
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
