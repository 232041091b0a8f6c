#include <atomic>
#include <thread>

#include "absl/synchronization/notification.h"
#include "common/server/call_deadline.h"
#include "common/server/flags.h"
#include "common/server/server_host.h"
#include "common/server/worker_pool.h"
#include "grpc/health/v1/health.grpc.pb.h"
#include "gtest/gtest.h"

namespace classplan::server {
namespace {

using grpc::health::v1::Health;
using grpc::health::v1::HealthCheckRequest;
using grpc::health::v1::HealthCheckResponse;

HealthCheckResponse::ServingStatus Check(int port, const std::string& service) {
  auto channel =
      grpc::CreateChannel("127.0.0.1:" + std::to_string(port), grpc::InsecureChannelCredentials());
  auto stub = Health::NewStub(channel);
  grpc::ClientContext ctx;
  ctx.set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(5));
  HealthCheckRequest req;
  req.set_service(service);
  HealthCheckResponse resp;
  grpc::Status s = stub->Check(&ctx, req, &resp);
  EXPECT_TRUE(s.ok()) << s.error_message();
  return resp.status();
}

TEST(ServerHostTest, HealthIsNotServingUntilMarkedServing) {
  ServerOptions o;
  o.service_name = "test";
  o.listen = "127.0.0.1:0";
  o.health_service_names = {"classplan.test.v1.TestService"};
  ServerHost host(o);
  ASSERT_TRUE(host.Start().ok());
  ASSERT_GT(host.port(), 0);
  EXPECT_EQ(Check(host.port(), ""), HealthCheckResponse::NOT_SERVING);
  host.MarkServing();
  EXPECT_EQ(Check(host.port(), ""), HealthCheckResponse::SERVING);
  EXPECT_EQ(Check(host.port(), "classplan.test.v1.TestService"), HealthCheckResponse::SERVING);
  host.Shutdown();
  host.Shutdown();  // idempotent
}

TEST(ServerHostTest, HealthTurnsNotServingWhenDrainStarts) {
  ServerOptions o;
  o.service_name = "test";
  o.listen = "127.0.0.1:0";
  o.drain_grace = absl::Seconds(2);  // the listener stays open this long after NOT_SERVING
  ServerHost host(o);
  ASSERT_TRUE(host.Start().ok());
  host.MarkServing();
  ASSERT_EQ(Check(host.port(), ""), HealthCheckResponse::SERVING);
  std::thread drain([&] { host.Shutdown(); });
  HealthCheckResponse::ServingStatus seen = HealthCheckResponse::SERVING;
  for (int i = 0; i < 100 && seen == HealthCheckResponse::SERVING; ++i) {
    absl::SleepFor(absl::Milliseconds(10));
    seen = Check(host.port(), "");
  }
  EXPECT_EQ(seen, HealthCheckResponse::NOT_SERVING);
  drain.join();
}

TEST(WorkerPoolTest, RunsEveryTaskBeforeJoining) {
  std::atomic<int> ran{0};
  {
    WorkerPool pool(3);
    for (int i = 0; i < 100; ++i) pool.Submit([&] { ran++; });
  }
  EXPECT_EQ(ran.load(), 100);
}

TEST(WorkerPoolTest, TrySubmitRefusesBeyondTheQueueLimit) {
  absl::Notification release;
  WorkerPool pool(1, /*max_queue=*/2);
  absl::Notification started;
  pool.Submit([&] {
    started.Notify();
    release.WaitForNotification();
  });
  started.WaitForNotification();  // the only thread is busy now
  EXPECT_TRUE(pool.TrySubmit([] {}));
  EXPECT_TRUE(pool.TrySubmit([] {}));
  EXPECT_FALSE(pool.TrySubmit([] {}));
  release.Notify();
}

TEST(CallDeadlineTest, ScopesNestAndRestore) {
  EXPECT_EQ(ScopedCallDeadline::Current(), absl::InfiniteFuture());
  absl::Time outer = absl::Now() + absl::Seconds(5);
  {
    ScopedCallDeadline a(outer);
    EXPECT_EQ(ScopedCallDeadline::Current(), outer);
    {
      ScopedCallDeadline b(outer - absl::Seconds(1));
      EXPECT_EQ(ScopedCallDeadline::Current(), outer - absl::Seconds(1));
    }
    EXPECT_EQ(ScopedCallDeadline::Current(), outer);
    std::thread other([] { EXPECT_EQ(ScopedCallDeadline::Current(), absl::InfiniteFuture()); });
    other.join();
  }
  EXPECT_EQ(ScopedCallDeadline::Current(), absl::InfiniteFuture());
}

TEST(FlagsTest, ParsesRedisAddress) {
  auto off = ParseRedisFlag("off");
  ASSERT_TRUE(off.ok());
  EXPECT_FALSE(off->has_value());
  auto hp = ParseRedisFlag("127.0.0.1:6380");
  ASSERT_TRUE(hp.ok());
  EXPECT_EQ((*hp)->port, 6380);
  EXPECT_FALSE(ParseRedisFlag("localhost").ok());
  EXPECT_FALSE(ParseRedisFlag("localhost:99999").ok());
}

}  // namespace
}  // namespace classplan::server
