#include <algorithm>
#include <atomic>
#include <thread>
#include <utility>

#include "absl/flags/flag.h"
#include "absl/synchronization/notification.h"
#include "common/metrics/scrape.h"
#include "common/server/call_deadline.h"
#include "common/server/call_observer.h"
#include "common/server/flags.h"
#include "common/server/server_host.h"
#include "common/server/worker_pool.h"
#include "grpc/health/v1/health.grpc.pb.h"
#include "grpc/reflection/v1/reflection.grpc.pb.h"
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

TEST(ServerHostTest, ServesMetricsOfItsCalls) {
  ServerOptions o;
  o.service_name = "test";
  o.listen = "127.0.0.1:0";
  o.metrics_listen = "127.0.0.1:0";
  ServerHost host(o);
  ASSERT_TRUE(host.Start().ok());
  ASSERT_GT(host.metrics_port(), 0);
  host.MarkServing();
  ASSERT_EQ(Check(host.port(), ""), HealthCheckResponse::SERVING);
  absl::StatusOr<std::string> text = metrics::Scrape("127.0.0.1", host.metrics_port());
  ASSERT_TRUE(text.ok()) << text.status();
  EXPECT_NE(
      text->find(
          R"(classplan_server_requests_total{method="/grpc.health.v1.Health/Check",code="OK"} 1)"),
      std::string::npos)
      << *text;
  EXPECT_NE(text->find("# HELP process_resident_memory_bytes "), std::string::npos);
}

TEST(ServerHostTest, ServesReflectionV1) {
  ServerOptions o;
  o.service_name = "test";
  o.listen = "127.0.0.1:0";
  o.health_service_names = {"grpc.health.v1.Health"};
  ServerHost host(o);
  ASSERT_TRUE(host.Start().ok());
  auto channel = grpc::CreateChannel("127.0.0.1:" + std::to_string(host.port()),
                                     grpc::InsecureChannelCredentials());
  auto stub = grpc::reflection::v1::ServerReflection::NewStub(channel);
  grpc::ClientContext ctx;
  ctx.set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(5));
  auto stream = stub->ServerReflectionInfo(&ctx);
  grpc::reflection::v1::ServerReflectionRequest req;
  req.set_list_services("");
  ASSERT_TRUE(stream->Write(req));
  grpc::reflection::v1::ServerReflectionResponse resp;
  ASSERT_TRUE(stream->Read(&resp));
  std::vector<std::string> names;
  for (const auto& s : resp.list_services_response().service()) names.push_back(s.name());
  EXPECT_NE(std::find(names.begin(), names.end(), "grpc.reflection.v1.ServerReflection"),
            names.end());
  EXPECT_NE(std::find(names.begin(), names.end(), "grpc.reflection.v1alpha.ServerReflection"),
            names.end());
  req.set_file_containing_symbol("grpc.health.v1.Health");
  ASSERT_TRUE(stream->Write(req));
  ASSERT_TRUE(stream->Read(&resp));
  ASSERT_EQ(resp.file_descriptor_response().file_descriptor_proto_size(), 1);
  req.set_file_containing_symbol("no.such.Symbol");
  ASSERT_TRUE(stream->Write(req));
  ASSERT_TRUE(stream->Read(&resp));
  EXPECT_EQ(resp.error_response().error_code(), grpc::StatusCode::NOT_FOUND);
  stream->WritesDone();
  EXPECT_TRUE(stream->Finish().ok());
}

TEST(EffectiveCodeTest, AnExpiredCallIsDeadlineExceededNotCancelled) {
  const absl::Time now = absl::Now();
  const absl::Time passed = now - absl::Milliseconds(1);
  EXPECT_EQ(EffectiveCode(grpc::StatusCode::CANCELLED, passed, now),
            grpc::StatusCode::DEADLINE_EXCEEDED);
  EXPECT_EQ(EffectiveCode(grpc::StatusCode::OK, passed, now), grpc::StatusCode::DEADLINE_EXCEEDED);
  EXPECT_EQ(EffectiveCode(grpc::StatusCode::NOT_FOUND, passed, now), grpc::StatusCode::NOT_FOUND);
  // Before the deadline a cancellation is the caller's.
  EXPECT_EQ(EffectiveCode(grpc::StatusCode::CANCELLED, now + absl::Seconds(1), now),
            grpc::StatusCode::CANCELLED);
  EXPECT_EQ(EffectiveCode(grpc::StatusCode::CANCELLED, absl::InfiniteFuture(), now),
            grpc::StatusCode::CANCELLED);
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

// A channel that connects at once and lets the test see its connection's life.
std::shared_ptr<grpc::Channel> ConnectedChannel(int port) {
  auto channel =
      grpc::CreateChannel("127.0.0.1:" + std::to_string(port), grpc::InsecureChannelCredentials());
  EXPECT_TRUE(
      channel->WaitForConnected(std::chrono::system_clock::now() + std::chrono::seconds(5)));
  return channel;
}

// Waits up to `limit` for the channel to leave READY (its connection got a GOAWAY or closed).
bool LeavesReadyWithin(grpc::Channel* channel, absl::Duration limit) {
  const auto deadline = absl::ToChronoTime(absl::Now() + limit);
  while (channel->GetState(false) == GRPC_CHANNEL_READY) {
    if (!channel->WaitForStateChange(GRPC_CHANNEL_READY, deadline)) return false;
  }
  return true;
}

TEST(ServerHostTest, MaxConnectionAgeClosesAnIdleConnection) {
  ServerOptions o;
  o.service_name = "test";
  o.listen = "127.0.0.1:0";
  o.max_connection_age = absl::Seconds(1);
  ServerHost host(o);
  ASSERT_TRUE(host.Start().ok());
  host.MarkServing();
  auto channel = ConnectedChannel(host.port());
  const absl::Time connected = absl::Now();
  // 1 s +/- 10% jitter; with no age the connection would stay READY.
  ASSERT_TRUE(LeavesReadyWithin(channel.get(), absl::Seconds(3)));
  EXPECT_GE(absl::Now() - connected, absl::Milliseconds(800));
  // New calls open a new connection.
  EXPECT_EQ(Check(host.port(), ""), HealthCheckResponse::SERVING);
}

TEST(ServerHostTest, MaxConnectionAgeLetsInFlightCallsRunForTheGrace) {
  ServerOptions o;
  o.service_name = "test";
  o.listen = "127.0.0.1:0";
  o.max_connection_age = absl::Seconds(1);
  o.max_connection_age_grace = absl::Seconds(2);
  ServerHost host(o);
  ASSERT_TRUE(host.Start().ok());
  host.MarkServing();
  auto channel = ConnectedChannel(host.port());
  auto stub = Health::NewStub(channel);
  // A Watch stream is a call that lasts until the server ends it.
  grpc::ClientContext ctx;
  ctx.set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(10));
  HealthCheckRequest req;
  auto watch = stub->Watch(&ctx, req);
  HealthCheckResponse resp;
  ASSERT_TRUE(watch->Read(&resp));
  EXPECT_EQ(resp.status(), HealthCheckResponse::SERVING);
  const absl::Time started = absl::Now();
  ASSERT_TRUE(LeavesReadyWithin(channel.get(), absl::Seconds(3)));
  // Past the age, within the grace: the stream still carries a change of status.
  host.SetServingStatus("", false);
  ASSERT_TRUE(watch->Read(&resp));
  EXPECT_EQ(resp.status(), HealthCheckResponse::NOT_SERVING);
  // After age + grace the connection is closed under it.
  while (watch->Read(&resp)) {
  }
  const grpc::Status s = watch->Finish();
  EXPECT_EQ(s.error_code(), grpc::StatusCode::UNAVAILABLE) << s.error_message();
  // From a little after the connection opened: age (0.9-1.1 s) + grace (2 s) less that.
  const absl::Duration lasted = absl::Now() - started;
  EXPECT_GE(lasted, absl::Milliseconds(2000));
  EXPECT_LT(lasted, absl::Seconds(8));
}

TEST(ServerHostTest, NegativeConnectionAgesAreRefused) {
  for (const auto& [age, grace] : {std::pair{absl::Seconds(-5), absl::Seconds(120)},
                                   std::pair{absl::Seconds(60), absl::Seconds(-1)}}) {
    ServerOptions o;
    o.service_name = "test";
    o.listen = "127.0.0.1:0";
    o.max_connection_age = age;
    o.max_connection_age_grace = grace;
    ServerHost host(o);
    EXPECT_EQ(host.Start().code(), absl::StatusCode::kInvalidArgument);
  }
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

TEST(FlagsTest, MaxConnectionAgeIsOffByDefaultAndReachesTheOptions) {
  EXPECT_EQ(ServerOptionsFromFlags("test").max_connection_age, absl::ZeroDuration());
  EXPECT_EQ(ServerOptionsFromFlags("test").max_connection_age_grace, absl::Seconds(120));
  absl::SetFlag(&FLAGS_max_connection_age, absl::Minutes(2));
  absl::SetFlag(&FLAGS_max_connection_age_grace, absl::Seconds(30));
  ServerOptions o = ServerOptionsFromFlags("test");
  EXPECT_EQ(o.max_connection_age, absl::Minutes(2));
  EXPECT_EQ(o.max_connection_age_grace, absl::Seconds(30));
  absl::SetFlag(&FLAGS_max_connection_age, absl::ZeroDuration());
  absl::SetFlag(&FLAGS_max_connection_age_grace, absl::Seconds(120));
}

}  // namespace
}  // namespace classplan::server
