// RpcAdapter against an in-process callback server: the identity assertion and the role
// table, load shedding, the caller's deadline, cancellation before the work runs, and status
// mapping. Every race window is opened on
// purpose (workers held on a notification), never hoped for with sleeps.

#include "common/server/unary.h"

#include <atomic>
#include <chrono>
#include <functional>
#include <memory>
#include <string>
#include <thread>
#include <type_traits>
#include <vector>

#include "absl/status/status.h"
#include "absl/strings/escaping.h"
#include "absl/synchronization/mutex.h"
#include "absl/synchronization/notification.h"
#include "absl/time/time.h"
#include "classplan/eligibility/v1/eligibility_service.grpc.pb.h"
#include "common/identity/signing_channel.h"
#include "common/metrics/metrics.h"
#include "common/server/call_deadline.h"
#include "common/server/worker_pool.h"
#include "grpc/health/v1/health.grpc.pb.h"
#include "grpcpp/generic/async_generic_service.h"
#include "grpcpp/generic/generic_stub.h"
#include "gtest/gtest.h"
#include "tests/support/generic_call.h"

namespace classplan::server {
namespace {

using grpc::health::v1::Health;
using grpc::health::v1::HealthCheckRequest;
using grpc::health::v1::HealthCheckResponse;

constexpr char kService[] = "unarytest";
constexpr char kCheck[] = "/grpc.health.v1.Health/Check";

std::shared_ptr<const identity::KeyRing> TestKeys(char fill = 'k') {
  return *identity::KeyRing::Parse("k1 " + absl::Base64Escape(std::string(32, fill)));
}
// Check: supervisors and employees only, so a test can be refused by role.
const identity::MethodRoles kRoles({{"Check",
                                     {identity::Role::kSupervisor, identity::Role::kEmployee}}});

// Health.Check offloaded through an RpcAdapter to whatever work the test sets.
class TestService final : public Health::CallbackService {
 public:
  using Work = std::function<absl::StatusOr<HealthCheckResponse>(const HealthCheckRequest&)>;

  explicit TestService(WorkerPool* workers)
      : rpc_(kService, workers, {"grpc.health.v1.Health", TestKeys(), &kRoles}) {}

  void set_work(Work work) { work_ = std::move(work); }
  // The caller the last work was given (read after the call finished).
  const identity::Caller& last_caller() const { return last_caller_; }

  // The server context of the last call, once its work has been handed to the adapter.
  grpc::CallbackServerContext* WaitForOffloaded() {
    absl::MutexLock lock(&mu_);
    mu_.Await(absl::Condition(
        +[](grpc::CallbackServerContext** c) { return *c != nullptr; }, &offloaded_));
    return offloaded_;
  }

  grpc::ServerUnaryReactor* Check(grpc::CallbackServerContext* ctx, const HealthCheckRequest* req,
                                  HealthCheckResponse* resp) override {
    grpc::ServerUnaryReactor* reactor =
        rpc_.Offload(ctx, resp, "Check", [this, req](const identity::Caller& caller) {
          last_caller_ = caller;
          return work_(*req);
        });
    absl::MutexLock lock(&mu_);
    offloaded_ = ctx;
    return reactor;
  }

 private:
  RpcAdapter rpc_;
  Work work_;
  identity::Caller last_caller_;
  absl::Mutex mu_;
  grpc::CallbackServerContext* offloaded_ ABSL_GUARDED_BY(mu_) = nullptr;
};

// The server hears of a cancellation asynchronously: waits (at most 10 s) until it has, so
// that the held work runs only after.
bool SeesCancellation(grpc::CallbackServerContext* ctx) {
  const absl::Time limit = absl::Now() + absl::Seconds(10);
  while (!ctx->IsCancelled() && absl::Now() < limit) std::this_thread::yield();
  return ctx->IsCancelled();
}

HealthCheckResponse Serving() {
  HealthCheckResponse r;
  r.set_status(HealthCheckResponse::SERVING);
  return r;
}

// Work that notes it ran and answers SERVING.
TestService::Work RecordsRun(bool* ran) {
  return [ran](const HealthCheckRequest&) {
    *ran = true;
    return Serving();
  };
}

// A call made without blocking the test.
struct AsyncCall {
  grpc::ClientContext ctx;
  HealthCheckRequest req;
  HealthCheckResponse resp;
  grpc::Status status;
  absl::Notification answered;
};

int64_t CounterValue(const std::string& suffix) {
  return metrics::GetCounter(std::string(kService) + suffix).value();
}

class RpcAdapterTest : public ::testing::Test {
 protected:
  // One worker, at most one task waiting for it.
  RpcAdapterTest() : workers_(1, 1), service_(&workers_) {
    grpc::ServerBuilder builder;
    builder.RegisterService(&service_);
    server_ = builder.BuildAndStart();
    // Calls carry an assertion signed for the principal and roles headers each call sets.
    std::vector<std::unique_ptr<grpc::experimental::ClientInterceptorFactoryInterface>> signing;
    signing.push_back(identity::SigningInterceptor(TestKeys(), std::nullopt));
    stub_ = Health::NewStub(server_->experimental().InProcessChannelWithInterceptors(
        grpc::ChannelArguments(), std::move(signing)));
    unsigned_stub_ = Health::NewStub(server_->InProcessChannel(grpc::ChannelArguments()));
  }
  ~RpcAdapterTest() override {
    if (!release_.HasBeenNotified()) release_.Notify();  // whatever a test left blocked
    server_->Shutdown();
  }

  // Occupies the only worker until release_ is notified.
  void HoldWorker() {
    absl::Notification started;
    workers_.Submit([&started, this] {
      started.Notify();
      release_.WaitForNotification();
    });
    started.WaitForNotification();
  }

  // Returns once every task queued so far has run (the pool has one thread, FIFO).
  void Drain() {
    absl::Notification done;
    workers_.Submit([&done] { done.Notify(); });
    done.WaitForNotification();
  }

  grpc::Status Call(HealthCheckResponse* resp, absl::Duration timeout = absl::Seconds(10)) {
    grpc::ClientContext ctx;
    AsSupervisor(&ctx);
    ctx.set_deadline(absl::ToChronoTime(absl::Now() + timeout));
    return stub_->Check(&ctx, HealthCheckRequest(), resp);
  }

  static void AsSupervisor(grpc::ClientContext* ctx) {
    ctx->AddMetadata(identity::kPrincipalHeader, "sam");
    ctx->AddMetadata(identity::kRolesHeader, "supervisor");
  }

  void Start(AsyncCall* call) {
    AsSupervisor(&call->ctx);
    stub_->async()->Check(&call->ctx, &call->req, &call->resp, [call](grpc::Status status) {
      call->status = std::move(status);
      call->answered.Notify();
    });
  }

  absl::Notification release_;
  WorkerPool workers_;
  TestService service_;
  std::unique_ptr<grpc::Server> server_;
  std::unique_ptr<Health::Stub> stub_;           // signs each call's assertion
  std::unique_ptr<Health::Stub> unsigned_stub_;  // sends what the test puts in the metadata
};

TEST_F(RpcAdapterTest, WorkGetsTheCallerTheAssertionNames) {
  service_.set_work([](const HealthCheckRequest&) { return Serving(); });
  grpc::ClientContext ctx;
  AsSupervisor(&ctx);
  ctx.AddMetadata(identity::kRequestIdHeader, "req-7");
  HealthCheckResponse resp;
  ASSERT_TRUE(stub_->Check(&ctx, HealthCheckRequest(), &resp).ok());
  EXPECT_EQ(service_.last_caller().principal, "sam");
  EXPECT_TRUE(service_.last_caller().Has(identity::Role::kSupervisor));
  EXPECT_EQ(service_.last_caller().request_id, "req-7");
  EXPECT_EQ(service_.last_caller().method, "Check");
}

TEST_F(RpcAdapterTest, RefusesCallsWithoutAValidAssertionBeforeAnyWork) {
  bool ran = false;
  service_.set_work(RecordsRun(&ran));
  const int64_t unauthenticated = CounterValue(".rpc.unauthenticated");
  auto call = [this](const std::vector<std::pair<std::string, std::string>>& md) {
    grpc::ClientContext ctx;
    for (const auto& [k, v] : md) ctx.AddMetadata(k, v);
    HealthCheckResponse resp;
    return unsigned_stub_->Check(&ctx, HealthCheckRequest(), &resp);
  };
  auto signed_by = [](const std::shared_ptr<const identity::KeyRing>& keys, const char* method,
                      absl::Time expiry) {
    return *keys->Sign(identity::ClaimsFor(method, "sam", "supervisor"), expiry);
  };
  const absl::Time soon = absl::Now() + absl::Seconds(30);
  struct Case {
    const char* what;
    std::vector<std::pair<std::string, std::string>> md;
  };
  const std::vector<Case> cases = {
      {"none", {}},
      {"forged headers",
       {{identity::kPrincipalHeader, "x"}, {identity::kRolesHeader, "supervisor"}}},
      {"garbage", {{identity::kAssertionHeader, "v1.k1.1.x.y"}}},
      {"other key", {{identity::kAssertionHeader, signed_by(TestKeys('z'), kCheck, soon)}}},
      {"other method",
       {{identity::kAssertionHeader, signed_by(TestKeys(), "/grpc.health.v1.Health/Watch", soon)}}},
      {"expired",
       {{identity::kAssertionHeader,
         signed_by(TestKeys(), kCheck, absl::Now() - identity::kClockSkew - absl::Seconds(5))}}},
  };
  for (const Case& c : cases) {
    grpc::Status s = call(c.md);
    EXPECT_EQ(s.error_code(), grpc::StatusCode::UNAUTHENTICATED)
        << c.what << ": " << s.error_message();
  }
  EXPECT_EQ(CounterValue(".rpc.unauthenticated") - unauthenticated,
            static_cast<int64_t>(cases.size()));
  // The one that is right, sent the same way, passes: the refusals were about the assertion.
  EXPECT_TRUE(call({{identity::kAssertionHeader, signed_by(TestKeys(), kCheck, soon)}}).ok());
  Drain();
  EXPECT_TRUE(ran);
}

TEST_F(RpcAdapterTest, RefusesARoleTheTableDoesNotAllow) {
  bool ran = false;
  service_.set_work(RecordsRun(&ran));
  const int64_t denied = CounterValue(".rpc.denied");
  grpc::ClientContext ctx;
  ctx.AddMetadata(identity::kPrincipalHeader, "ada");
  ctx.AddMetadata(identity::kRolesHeader, "hr_admin,agency_system");
  HealthCheckResponse resp;
  grpc::Status s = stub_->Check(&ctx, HealthCheckRequest(), &resp);
  EXPECT_EQ(s.error_code(), grpc::StatusCode::PERMISSION_DENIED) << s.error_message();
  EXPECT_EQ(CounterValue(".rpc.denied") - denied, 1);
  Drain();
  EXPECT_FALSE(ran);
}

TEST(RpcAdapterTrustTest, WithoutKeysEveryCallIsRefused) {
  WorkerPool workers(1, 1);
  RpcAdapter rpc(kService, &workers, {"grpc.health.v1.Health", nullptr, &kRoles});
  grpc::ServerContext ctx;
  EXPECT_EQ(rpc.CallerOf(&ctx, "Check").status().code(), absl::StatusCode::kUnauthenticated);
}

TEST_F(RpcAdapterTest, AnswersWithTheWorksResult) {
  service_.set_work([](const HealthCheckRequest&) { return Serving(); });
  HealthCheckResponse resp;
  grpc::Status s = Call(&resp);
  ASSERT_TRUE(s.ok()) << s.error_message();
  EXPECT_EQ(resp.status(), HealthCheckResponse::SERVING);
}

TEST_F(RpcAdapterTest, ShedsWhenThePoolQueueIsFull) {
  bool ran = false;
  service_.set_work(RecordsRun(&ran));
  HoldWorker();
  workers_.Submit([] {});  // the one queue slot is taken
  const int64_t shed = CounterValue(".rpc.shed");
  const int64_t errors = CounterValue(".rpc.server_errors");

  HealthCheckResponse resp;
  grpc::Status s = Call(&resp);
  EXPECT_EQ(s.error_code(), grpc::StatusCode::UNAVAILABLE);
  EXPECT_EQ(s.error_message(), "the unarytest service is overloaded; retry with backoff");
  EXPECT_EQ(CounterValue(".rpc.shed"), shed + 1);
  EXPECT_EQ(CounterValue(".rpc.server_errors"), errors);

  release_.Notify();
  Drain();
  EXPECT_FALSE(ran);  // a shed call's work never runs

  // With room again the next call is served and not counted.
  s = Call(&resp);
  EXPECT_TRUE(s.ok()) << s.error_message();
  EXPECT_TRUE(ran);
  EXPECT_EQ(CounterValue(".rpc.shed"), shed + 1);
}

TEST_F(RpcAdapterTest, AdmitIsTheSamePathForStreams) {
  RpcAdapter rpc(kService, &workers_, {"grpc.health.v1.Health", TestKeys(), &kRoles});
  HoldWorker();
  workers_.Submit([] {});
  const int64_t shed = CounterValue(".rpc.shed");
  bool ran = false;
  grpc::Status s = rpc.Admit([&ran] { ran = true; });
  EXPECT_EQ(s.error_code(), grpc::StatusCode::UNAVAILABLE);
  EXPECT_EQ(s.error_message(), "the unarytest service is overloaded; retry with backoff");
  EXPECT_EQ(CounterValue(".rpc.shed"), shed + 1);
  release_.Notify();
  Drain();
  EXPECT_FALSE(ran);
  EXPECT_TRUE(rpc.Admit([&ran] { ran = true; }).ok());
  Drain();
  EXPECT_TRUE(ran);
}

TEST_F(RpcAdapterTest, WorkSeesTheCallersDeadline) {
  absl::Time seen = absl::InfinitePast();
  service_.set_work([&seen](const HealthCheckRequest&) {
    seen = ScopedCallDeadline::Current();
    return Serving();
  });
  const absl::Time deadline = absl::Now() + absl::Seconds(30);
  grpc::ClientContext ctx;
  AsSupervisor(&ctx);
  ctx.set_deadline(absl::ToChronoTime(deadline));
  HealthCheckResponse resp;
  grpc::Status s = stub_->Check(&ctx, HealthCheckRequest(), &resp);
  ASSERT_TRUE(s.ok()) << s.error_message();
  EXPECT_LT(absl::AbsDuration(seen - deadline), absl::Seconds(1));
  // Only while the work runs.
  Drain();
  absl::Time after = absl::InfinitePast();
  workers_.Submit([&after] { after = ScopedCallDeadline::Current(); });
  Drain();
  EXPECT_EQ(after, absl::InfiniteFuture());
}

TEST_F(RpcAdapterTest, DeadlineThatExpiresInTheQueueFinishesDeadlineExceeded) {
  bool ran = false;
  service_.set_work(RecordsRun(&ran));
  HoldWorker();
  AsyncCall call;
  call.ctx.set_deadline(absl::ToChronoTime(absl::Now() + absl::Milliseconds(200)));
  Start(&call);
  grpc::CallbackServerContext* server_ctx = service_.WaitForOffloaded();
  call.answered.WaitForNotification();  // the deadline passed while the work waited
  EXPECT_EQ(call.status.error_code(), grpc::StatusCode::DEADLINE_EXCEEDED);
  ASSERT_TRUE(SeesCancellation(server_ctx));
  release_.Notify();
  Drain();
  EXPECT_FALSE(ran);
}

TEST_F(RpcAdapterTest, CancelledBeforeTheWorkRunsFinishesCancelledWithoutRunningIt) {
  bool ran = false;
  service_.set_work(RecordsRun(&ran));
  HoldWorker();
  AsyncCall call;
  Start(&call);
  grpc::CallbackServerContext* server_ctx = service_.WaitForOffloaded();
  call.ctx.TryCancel();
  call.answered.WaitForNotification();
  EXPECT_EQ(call.status.error_code(), grpc::StatusCode::CANCELLED);
  ASSERT_TRUE(SeesCancellation(server_ctx));
  release_.Notify();
  Drain();
  EXPECT_FALSE(ran);
}

struct Mapping {
  absl::StatusCode code;
  grpc::StatusCode grpc_code;
  bool server_error;
};

class StatusMappingTest : public RpcAdapterTest, public ::testing::WithParamInterface<Mapping> {};

TEST_P(StatusMappingTest, MapsCodesAndCountsOnlyServerErrors) {
  const Mapping m = GetParam();
  service_.set_work([&m](const HealthCheckRequest&) -> absl::StatusOr<HealthCheckResponse> {
    return absl::Status(m.code, "the reason");
  });
  const int64_t errors = CounterValue(".rpc.server_errors");
  HealthCheckResponse resp;
  grpc::Status s = Call(&resp);
  EXPECT_EQ(s.error_code(), m.grpc_code);
  EXPECT_EQ(s.error_message(), "the reason");
  EXPECT_EQ(CounterValue(".rpc.server_errors"), errors + (m.server_error ? 1 : 0));
}

INSTANTIATE_TEST_SUITE_P(
    Codes, StatusMappingTest,
    ::testing::Values(
        Mapping{absl::StatusCode::kInvalidArgument, grpc::StatusCode::INVALID_ARGUMENT, false},
        Mapping{absl::StatusCode::kNotFound, grpc::StatusCode::NOT_FOUND, false},
        Mapping{absl::StatusCode::kAlreadyExists, grpc::StatusCode::ALREADY_EXISTS, false},
        Mapping{absl::StatusCode::kPermissionDenied, grpc::StatusCode::PERMISSION_DENIED, false},
        Mapping{absl::StatusCode::kUnauthenticated, grpc::StatusCode::UNAUTHENTICATED, false},
        Mapping{absl::StatusCode::kFailedPrecondition, grpc::StatusCode::FAILED_PRECONDITION,
                false},
        Mapping{absl::StatusCode::kAborted, grpc::StatusCode::ABORTED, false},
        Mapping{absl::StatusCode::kOutOfRange, grpc::StatusCode::OUT_OF_RANGE, false},
        Mapping{absl::StatusCode::kResourceExhausted, grpc::StatusCode::RESOURCE_EXHAUSTED, false},
        Mapping{absl::StatusCode::kUnimplemented, grpc::StatusCode::UNIMPLEMENTED, false},
        Mapping{absl::StatusCode::kInternal, grpc::StatusCode::INTERNAL, true},
        Mapping{absl::StatusCode::kUnknown, grpc::StatusCode::UNKNOWN, true},
        Mapping{absl::StatusCode::kDataLoss, grpc::StatusCode::DATA_LOSS, true},
        Mapping{absl::StatusCode::kUnavailable, grpc::StatusCode::UNAVAILABLE, true},
        Mapping{absl::StatusCode::kDeadlineExceeded, grpc::StatusCode::DEADLINE_EXCEEDED, true}));

// Undecodable requests: gRPC answers UNIMPLEMENTED with an empty message; with the
// interceptor ServerHost installs, INVALID_ARGUMENT naming the request type.

// Field 1 claims 5 bytes and carries 2: no protobuf message parses it.
const std::string& Garbage() {
  static const auto* g = new std::string(
      "\x0a\x05"
      "ab",
      4);
  return *g;
}

// A server of `service`, with the undecodable-request interceptor or without.
template <typename Service>
std::unique_ptr<grpc::Server> BuildServer(Service* service, bool with_interceptor) {
  grpc::ServerBuilder builder;
  if constexpr (std::is_base_of_v<grpc::CallbackGenericService, Service>) {
    builder.RegisterCallbackGenericService(service);
  } else {
    builder.RegisterService(service);
  }
  if (with_interceptor) {
    std::vector<std::unique_ptr<grpc::experimental::ServerInterceptorFactoryInterface>> c;
    c.push_back(UndecodableRequestInterceptorFactory());
    builder.experimental().SetInterceptorCreators(std::move(c));
  }
  return builder.BuildAndStart();
}
grpc::Status SendRaw(grpc::Server* server, const std::string& method, const std::string& bytes) {
  grpc::GenericStub stub(server->InProcessChannel(grpc::ChannelArguments()));
  grpc::ClientContext ctx;
  ctx.set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(10));
  grpc::Slice slice(bytes);
  grpc::ByteBuffer request(&slice, 1);
  grpc::ByteBuffer response;
  absl::Notification done;
  grpc::Status status;
  stub.UnaryCall(&ctx, method, grpc::StubOptions(), &request, &response, [&](grpc::Status s) {
    status = std::move(s);
    done.Notify();
  });
  done.WaitForNotification();
  return status;
}

TEST(UndecodableRequestTest, NamesTheRequestTypeInsteadOfUnimplemented) {
  WorkerPool workers(1, 1);
  TestService service(&workers);
  service.set_work([](const HealthCheckRequest&) { return Serving(); });
  for (bool with_interceptor : {false, true}) {
    std::unique_ptr<grpc::Server> server = BuildServer(&service, with_interceptor);
    grpc::Status s = SendRaw(server.get(), kCheck, Garbage());
    if (with_interceptor) {
      EXPECT_EQ(s.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
      EXPECT_EQ(s.error_message(), "request is not a valid grpc.health.v1.HealthCheckRequest");
      // A request that parses still reaches the service (which wants an assertion).
      EXPECT_EQ(SendRaw(server.get(), kCheck, "").error_code(), grpc::StatusCode::UNAUTHENTICATED);
    } else {
      // What gRPC 1.51 does by itself: the reason this interceptor exists.
      EXPECT_EQ(s.error_code(), grpc::StatusCode::UNIMPLEMENTED);
      EXPECT_EQ(s.error_message(), "");
    }
    server->Shutdown();
  }
}

// A stream of requests (bidi): gRPC hands a request that does not parse to the reactor as a
// failed read, the same as the end of the stream, and the reactor answers OK.
class CountingScreen final
    : public classplan::eligibility::v1::EligibilityService::CallbackService {
 public:
  grpc::ServerBidiReactor<classplan::eligibility::v1::ScreenRequest,
                          classplan::eligibility::v1::ScreenResult>*
  ScreenApplicants(grpc::CallbackServerContext* /*ctx*/) override {
    return new Reactor(&reads_);
  }
  int reads() const { return reads_.load(); }

 private:
  class Reactor final : public grpc::ServerBidiReactor<classplan::eligibility::v1::ScreenRequest,
                                                       classplan::eligibility::v1::ScreenResult> {
   public:
    explicit Reactor(std::atomic<int>* reads) : reads_(reads) { StartRead(&request_); }
    void OnReadDone(bool ok) override {
      if (!ok) {
        // The service finished the stream well: what the interceptor must not take for a
        // parse failure unless one happened.
        Finish(grpc::Status::OK);
        return;
      }
      reads_->fetch_add(1);
      StartRead(&request_);
    }
    void OnDone() override { delete this; }

   private:
    std::atomic<int>* reads_;
    classplan::eligibility::v1::ScreenRequest request_;
  };
  std::atomic<int> reads_{0};
};

TEST(UndecodableRequestTest, AStreamedRequestThatDoesNotParseIsInvalidArgument) {
  constexpr char kScreen[] = "/classplan.eligibility.v1.EligibilityService/ScreenApplicants";
  classplan::eligibility::v1::ScreenRequest valid;
  valid.mutable_applicant()->set_applicant_ref("a-1");
  const std::string good = valid.SerializeAsString();
  for (bool with_interceptor : {false, true}) {
    CountingScreen service;
    std::unique_ptr<grpc::Server> server = BuildServer(&service, with_interceptor);
    auto channel = server->InProcessChannel(grpc::ChannelArguments());
    // Requests that parse, then the end of the stream: OK, every request read.
    testing::GenericResult r = testing::CallGeneric(channel, kScreen, {good, "", good});
    EXPECT_TRUE(r.status.ok()) << with_interceptor << " " << r.status.error_message();
    EXPECT_EQ(service.reads(), 3);
    // One that does not parse ends the reading there.
    r = testing::CallGeneric(channel, kScreen, {good, Garbage(), good});
    EXPECT_EQ(service.reads(), 4);
    if (with_interceptor) {
      EXPECT_EQ(r.status.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
      EXPECT_EQ(r.status.error_message(),
                "request is not a valid classplan.eligibility.v1.ScreenRequest");
    } else {
      // What gRPC 1.51 does by itself: the bad request silently ends the stream.
      EXPECT_TRUE(r.status.ok()) << r.status.error_message();
    }
    server->Shutdown();
  }
}

// A generic service (the gateway's proxy) gets raw bytes: nothing to parse, nothing to mark.
class EchoGeneric final : public grpc::CallbackGenericService {
 public:
  grpc::ServerGenericBidiReactor* CreateReactor(grpc::GenericCallbackServerContext*) override {
    return new Reactor;
  }

 private:
  class Reactor final : public grpc::ServerGenericBidiReactor {
   public:
    Reactor() { StartRead(&buffer_); }
    void OnReadDone(bool ok) override {
      if (!ok) {
        Finish(grpc::Status::OK);
        return;
      }
      StartWrite(&buffer_);
    }
    void OnWriteDone(bool /*ok*/) override { StartRead(&buffer_); }
    void OnDone() override { delete this; }

   private:
    grpc::ByteBuffer buffer_;
  };
};

TEST(UndecodableRequestTest, AGenericServicesBytesPassUntouched) {
  EchoGeneric service;
  std::unique_ptr<grpc::Server> server = BuildServer(&service, true);
  testing::GenericResult r = testing::CallGeneric(
      server->InProcessChannel(grpc::ChannelArguments()), kCheck, {Garbage(), "x"});
  EXPECT_TRUE(r.status.ok()) << r.status.error_message();
  EXPECT_EQ(r.responses, (std::vector<std::string>{Garbage(), "x"}));
  server->Shutdown();
}

TEST(UndecodableRequestTest, MessageNamesTheMethodsInputType) {
  EXPECT_EQ(UndecodableRequestMessage("/grpc.health.v1.Health/Check"),
            "request is not a valid grpc.health.v1.HealthCheckRequest");
  EXPECT_EQ(UndecodableRequestMessage("/no.Such/Method"), "request is not a valid message");
  EXPECT_EQ(UndecodableRequestMessage(""), "request is not a valid message");
  EXPECT_EQ(UndecodableRequestMessage("/"), "request is not a valid message");
}

}  // namespace
}  // namespace classplan::server
