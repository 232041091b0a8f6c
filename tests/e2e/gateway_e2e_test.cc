// End to end through the gateway: real redis-server, catalog_server, payband_server,
// test_backend (tests/e2e/test_backend.cc) and gateway_server processes, keys made with
// gateway_keygen, the shipped policy file.

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <atomic>
#include <set>
#include <thread>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "absl/synchronization/mutex.h"
#include "classplan/appraisal/v1/appraisal_service.grpc.pb.h"
#include "classplan/catalog/v1/catalog_service.grpc.pb.h"
#include "classplan/eligibility/v1/eligibility_service.grpc.pb.h"
#include "classplan/payband/v1/payband_service.grpc.pb.h"
#include "google/protobuf/descriptor.pb.h"
#include "google/rpc/error_details.pb.h"
#include "google/rpc/status.pb.h"
#include "grpc/health/v1/health.grpc.pb.h"
#include "grpc/reflection/v1/reflection.grpc.pb.h"
#include "grpcpp/grpcpp.h"
#include "gtest/gtest.h"
#include "src/proto/grpc/reflection/v1alpha/reflection.grpc.pb.h"
#include "tests/support/gateway_processes.h"
#include "tests/support/generic_call.h"
#include "tests/support/process.h"
#include "tests/support/redis_server.h"
#include "tests/support/temp.h"
#include "tests/support/wait.h"

namespace classplan {
namespace {

using testing::Bearer;
using testing::BuildPath;
using testing::CallGeneric;
using testing::MakeKey;
using testing::Proc;
using testing::Route;
using testing::SourcePath;
using testing::StartGateway;
using testing::StartServer;
using testing::StartTestBackend;
using testing::WritePolicy;

constexpr char kEcho[] = "/classplan.test.v1.TestService/Echo";

Proc StartCatalog(const std::string& dir, int redis_port) {
  return StartServer(dir, "catalog",
                     {BuildPath("services/catalog/catalog_server"), "--db=" + dir + "/catalog.db",
                      "--data_dir=" + SourcePath("data/catalog"),
                      absl::StrCat("--redis=127.0.0.1:", redis_port), "--drain_timeout=1s"});
}

std::shared_ptr<grpc::Channel> Channel(int port) {
  grpc::ChannelArguments args;
  args.SetInt(GRPC_ARG_INITIAL_RECONNECT_BACKOFF_MS, 50);
  args.SetInt(GRPC_ARG_MAX_RECONNECT_BACKOFF_MS, 100);
  return grpc::CreateCustomChannel(absl::StrCat("127.0.0.1:", port),
                                   grpc::InsecureChannelCredentials(), args);
}

// GET /metrics from the gateway's HTTP endpoint.
std::string Scrape(int port) {
  int fd = socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in a{};
  a.sin_family = AF_INET;
  a.sin_port = htons(static_cast<uint16_t>(port));
  inet_pton(AF_INET, "127.0.0.1", &a.sin_addr);
  std::string out;
  if (connect(fd, reinterpret_cast<sockaddr*>(&a), sizeof(a)) == 0) {
    const std::string req = "GET /metrics HTTP/1.0\r\n\r\n";
    (void)!write(fd, req.data(), req.size());
    char buf[4096];
    ssize_t n;
    while ((n = read(fd, buf, sizeof(buf))) > 0) out.append(buf, static_cast<size_t>(n));
  }
  close(fd);
  return out;
}

// The value of a metric line starting with `series` ("name{labels}" or "name"), or -1.
double MetricValue(const std::string& text, const std::string& series) {
  for (absl::string_view line : absl::StrSplit(text, '\n')) {
    if (absl::StartsWith(line, series + " "))
      return std::stod(std::string(line.substr(series.size() + 1)));
  }
  return -1;
}

// ---------------------------------------------------------------------------------------
// One suite shares the processes that nothing kills.

class GatewayE2eTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    dir_ = new std::string(testing::MakeTempDir("gateway_e2e"));
    auto redis = testing::RedisServer::Start();
    ASSERT_TRUE(redis.ok()) << redis.status();
    redis_ = redis->release();
    catalog_ = new Proc(StartCatalog(*dir_, redis_->port()));
    payband_ = new Proc(
        StartServer(*dir_, "payband",
                    {BuildPath("services/payband/payband_server"), "--db=" + *dir_ + "/payband.db",
                     "--data_dir=" + SourcePath("data/payband"),
                     absl::StrCat("--redis=127.0.0.1:", redis_->port()),
                     absl::StrCat("--catalog=127.0.0.1:", catalog_->port), "--drain_timeout=1s"}));
    appraisal_ = new Proc(StartServer(
        *dir_, "appraisal",
        {BuildPath("services/appraisal/appraisal_server"), "--db=" + *dir_ + "/appraisal.db",
         "--data_dir=" + SourcePath("data/appraisal"), "--drain_timeout=1s"}));
    eligibility_ = new Proc(StartServer(
        *dir_, "eligibility",
        {BuildPath("services/eligibility/eligibility_server"), "--db=" + *dir_ + "/eligibility.db",
         absl::StrCat("--redis=127.0.0.1:", redis_->port()),
         absl::StrCat("--catalog=127.0.0.1:", catalog_->port), "--drain_timeout=1s"}));
    backend_ = new Proc(StartTestBackend(*dir_));
    employee_key_ = new std::string(MakeKey(*dir_, "emp-7", "employee"));
    admin_key_ = new std::string(MakeKey(*dir_, "hr-1", "hr_admin,hr_analyst"));
    WritePolicy(*dir_);
    const std::string routes =
        Route("classplan.catalog.v1.CatalogService", {catalog_->port}, "GetJobClass") +
        Route("classplan.payband.v1.PaybandService", {payband_->port}, "GetBand") +
        Route("classplan.appraisal.v1.AppraisalService", {appraisal_->port}, "ListFrameworks") +
        Route("classplan.eligibility.v1.EligibilityService", {eligibility_->port}, "Evaluate") +
        Route("classplan.test.v1.TestService", {backend_->port});
    gateway_ = new Proc(StartGateway(*dir_, routes, redis_->port(), "", &metrics_port_));
    channel_ = new std::shared_ptr<grpc::Channel>(Channel(gateway_->port));
  }
  static void TearDownTestSuite() {
    delete channel_;
    for (Proc* p : {gateway_, backend_, eligibility_, appraisal_, payband_, catalog_}) delete p;
    delete redis_;
    delete employee_key_;
    delete admin_key_;
  }

  static std::string* dir_;
  static testing::RedisServer* redis_;
  static Proc *catalog_, *payband_, *appraisal_, *eligibility_, *backend_, *gateway_;
  static int metrics_port_;
  static std::string *employee_key_, *admin_key_;
  static std::shared_ptr<grpc::Channel>* channel_;
};
std::string* GatewayE2eTest::dir_;
testing::RedisServer* GatewayE2eTest::redis_;
Proc *GatewayE2eTest::catalog_, *GatewayE2eTest::payband_, *GatewayE2eTest::appraisal_,
    *GatewayE2eTest::eligibility_, *GatewayE2eTest::backend_, *GatewayE2eTest::gateway_;
int GatewayE2eTest::metrics_port_;
std::string *GatewayE2eTest::employee_key_, *GatewayE2eTest::admin_key_;
std::shared_ptr<grpc::Channel>* GatewayE2eTest::channel_;

TEST_F(GatewayE2eTest, EveryServiceAnswersThroughTheGateway) {
  grpc::ClientContext c1;
  c1.AddMetadata("authorization", "Bearer " + *employee_key_);
  catalog::v1::GetJobClassRequest get;
  get.set_code("SPCP20");
  catalog::v1::GetJobClassResponse job;
  grpc::Status s = catalog::v1::CatalogService::NewStub(*channel_)->GetJobClass(&c1, get, &job);
  ASSERT_TRUE(s.ok()) << s.error_message();
  EXPECT_EQ(job.job_class().code(), "SPCP20");

  grpc::ClientContext c2;
  c2.AddMetadata("authorization", "Bearer " + *employee_key_);
  payband::v1::GetBandRequest band;
  band.set_jurisdiction_id("denver-csa");
  band.set_code("806-A");
  payband::v1::GetBandResponse got;
  s = payband::v1::PaybandService::NewStub(*channel_)->GetBand(&c2, band, &got);
  ASSERT_TRUE(s.ok()) << s.error_message();
  EXPECT_EQ(got.band().code(), "806-A");

  grpc::ClientContext c4;
  c4.AddMetadata("authorization", "Bearer " + *employee_key_);
  appraisal::v1::ListFrameworksRequest frameworks;
  appraisal::v1::ListFrameworksResponse listed;
  s = appraisal::v1::AppraisalService::NewStub(*channel_)->ListFrameworks(&c4, frameworks, &listed);
  ASSERT_TRUE(s.ok()) << s.error_message();
  EXPECT_GT(listed.frameworks_size(), 0);

  // Eligibility: a unary evaluation (HR's key) and the bidi screening stream, passed through.
  namespace ev1 = eligibility::v1;
  ev1::EvaluateRequest eval;
  eval.set_class_code("SPCP20");
  eval.set_track(ev1::TRACK_MINIMUM);
  eval.mutable_as_of()->set_year(2026);
  eval.mutable_as_of()->set_month(1);
  eval.mutable_as_of()->set_day(31);
  auto* degree = eval.mutable_applicant()->add_education();
  degree->set_level(catalog::v1::EDUCATION_LEVEL_BACHELOR);
  degree->set_field(catalog::v1::FIELD_OF_STUDY_PSYCHOLOGY);
  degree->set_accreditation(ev1::ACCREDITATION_ACCREDITED);
  degree->mutable_completed()->set_year(2024);
  degree->mutable_completed()->set_month(5);
  degree->mutable_completed()->set_day(17);
  {
    grpc::ClientContext c5;
    c5.AddMetadata("authorization", "Bearer " + *admin_key_);
    ev1::Evaluation result;
    s = ev1::EligibilityService::NewStub(*channel_)->Evaluate(&c5, eval, &result);
    ASSERT_TRUE(s.ok()) << s.error_message();
    EXPECT_EQ(result.determination(), ev1::DETERMINATION_QUALIFIED);
  }
  {
    grpc::ClientContext c6;
    c6.AddMetadata("authorization", "Bearer " + *admin_key_);
    c6.set_deadline(absl::ToChronoTime(absl::Now() + absl::Seconds(10)));
    auto stream = ev1::EligibilityService::NewStub(*channel_)->ScreenApplicants(&c6);
    ev1::ScreenRequest first;
    first.mutable_header()->set_class_code("SPCP20");
    first.mutable_header()->set_track(ev1::TRACK_MINIMUM);
    *first.mutable_header()->mutable_as_of() = eval.as_of();
    ASSERT_TRUE(stream->Write(first));
    for (int i = 0; i < 3; ++i) {
      ev1::ScreenRequest one;
      *one.mutable_applicant() = eval.applicant();
      ASSERT_TRUE(stream->Write(one));
    }
    stream->WritesDone();
    ev1::ScreenResult row;
    int rows = 0;
    while (stream->Read(&row)) {
      EXPECT_EQ(row.determination(), ev1::DETERMINATION_QUALIFIED);
      ++rows;
    }
    s = stream->Finish();
    ASSERT_TRUE(s.ok()) << s.error_message();
    EXPECT_EQ(rows, 3);
  }
  // An employee may not screen applicants (policy: agency systems and HR only).
  {
    grpc::ClientContext c7;
    c7.AddMetadata("authorization", "Bearer " + *employee_key_);
    ev1::Evaluation result;
    EXPECT_EQ(
        ev1::EligibilityService::NewStub(*channel_)->Evaluate(&c7, eval, &result).error_code(),
        grpc::StatusCode::PERMISSION_DENIED);
  }

  auto echo = CallGeneric(*channel_, kEcho, {"hello"}, Bearer(*employee_key_));
  ASSERT_TRUE(echo.status.ok()) << echo.status.error_message();
  EXPECT_EQ(echo.responses, std::vector<std::string>{"hello"});

  // Errors of a backend come through unchanged, details included.
  grpc::ClientContext c3;
  c3.AddMetadata("authorization", "Bearer " + *employee_key_);
  get.set_code("NOSUCH1");
  EXPECT_EQ(
      catalog::v1::CatalogService::NewStub(*channel_)->GetJobClass(&c3, get, &job).error_code(),
      grpc::StatusCode::NOT_FOUND);
  EXPECT_EQ(CallGeneric(*channel_, "/classplan.nothing.v1.Svc/Get", {""}, Bearer(*admin_key_))
                .status.error_code(),
            grpc::StatusCode::UNIMPLEMENTED);
  // Without a valid key nobody learns which services exist.
  EXPECT_EQ(CallGeneric(*channel_, "/classplan.nothing.v1.Svc/Get", {""}).status.error_code(),
            grpc::StatusCode::UNAUTHENTICATED);
}

TEST_F(GatewayE2eTest, AllFourCallKindsStream) {
  auto client = CallGeneric(*channel_, "/classplan.test.v1.TestService/ClientStream",
                            {"a", "b", "c"}, Bearer(*employee_key_));
  ASSERT_TRUE(client.status.ok()) << client.status.error_message();
  EXPECT_EQ(client.responses, std::vector<std::string>{"count=3"});
  auto server = CallGeneric(*channel_, "/classplan.test.v1.TestService/ServerStream", {"4"},
                            Bearer(*employee_key_));
  ASSERT_TRUE(server.status.ok()) << server.status.error_message();
  EXPECT_EQ(server.responses, (std::vector<std::string>{"0", "1", "2", "3"}));
  std::vector<std::string> many;
  many.reserve(200);
  for (int i = 0; i < 200; ++i) many.push_back(std::string(1000 + i, 'x'));
  auto bidi =
      CallGeneric(*channel_, "/classplan.test.v1.TestService/Bidi", many, Bearer(*employee_key_));
  ASSERT_TRUE(bidi.status.ok()) << bidi.status.error_message();
  EXPECT_EQ(bidi.responses, many);
}

// One reflection conversation, in either version: the gateway serves v1 and v1alpha (their
// messages are identical on the wire) though the backends serve v1alpha only.
template <typename Service, typename Req, typename Resp>
void ExpectReflectionCoversEveryService(const std::shared_ptr<grpc::Channel>& channel) {
  auto stub = Service::NewStub(channel);
  grpc::ClientContext ctx;
  ctx.set_deadline(absl::ToChronoTime(absl::Now() + absl::Seconds(10)));
  auto stream = stub->ServerReflectionInfo(&ctx);
  Req req;
  req.set_list_services("");
  ASSERT_TRUE(stream->Write(req));
  Resp resp;
  ASSERT_TRUE(stream->Read(&resp));
  std::set<std::string> names;
  for (const auto& s : resp.list_services_response().service()) names.insert(s.name());
  for (const char* want :
       {"classplan.catalog.v1.CatalogService", "classplan.payband.v1.PaybandService",
        "classplan.appraisal.v1.AppraisalService", "classplan.eligibility.v1.EligibilityService",
        "grpc.health.v1.Health", "grpc.reflection.v1.ServerReflection",
        "grpc.reflection.v1alpha.ServerReflection"}) {
    EXPECT_EQ(names.count(want), 1u) << want;
  }
  // A generic client can then fetch the descriptors from the service that owns them.
  req.set_file_containing_symbol("classplan.payband.v1.PaybandService");
  ASSERT_TRUE(stream->Write(req));
  ASSERT_TRUE(stream->Read(&resp));
  ASSERT_TRUE(resp.has_file_descriptor_response()) << resp.DebugString();
  EXPECT_GT(resp.file_descriptor_response().file_descriptor_proto_size(), 0);
  req.set_file_containing_symbol("classplan.catalog.v1.CatalogService.GetJobClass");
  ASSERT_TRUE(stream->Write(req));
  ASSERT_TRUE(stream->Read(&resp));
  ASSERT_TRUE(resp.has_file_descriptor_response()) << resp.DebugString();
  google::protobuf::FileDescriptorProto file;
  ASSERT_TRUE(file.ParseFromString(resp.file_descriptor_response().file_descriptor_proto(0)));
  EXPECT_EQ(file.package(), "classplan.catalog.v1");
  EXPECT_EQ(resp.original_request().file_containing_symbol(),
            "classplan.catalog.v1.CatalogService.GetJobClass");
  req.set_file_containing_symbol("classplan.catalog.v1.GetJobClassRequest");
  ASSERT_TRUE(stream->Write(req));
  ASSERT_TRUE(stream->Read(&resp));
  EXPECT_TRUE(resp.has_file_descriptor_response()) << resp.DebugString();
  req.set_file_containing_symbol("no.such.Thing");
  ASSERT_TRUE(stream->Write(req));
  ASSERT_TRUE(stream->Read(&resp));
  EXPECT_EQ(resp.error_response().error_code(), grpc::StatusCode::NOT_FOUND);
  stream->WritesDone();
  EXPECT_TRUE(stream->Finish().ok());
}

TEST_F(GatewayE2eTest, ReflectionThroughTheGatewayListsEveryService) {
  namespace rpb = grpc::reflection::v1alpha;
  ExpectReflectionCoversEveryService<rpb::ServerReflection, rpb::ServerReflectionRequest,
                                     rpb::ServerReflectionResponse>(*channel_);
}

// Reflection v1, which newer clients (grpcurl) ask first.
TEST_F(GatewayE2eTest, ReflectionV1ThroughTheGatewayListsEveryService) {
  namespace v1 = grpc::reflection::v1;
  ExpectReflectionCoversEveryService<v1::ServerReflection, v1::ServerReflectionRequest,
                                     v1::ServerReflectionResponse>(*channel_);
}

TEST_F(GatewayE2eTest, HealthCoversTheBackends) {
  auto health = grpc::health::v1::Health::NewStub(*channel_);
  for (const char* name :
       {"", "classplan.catalog.v1.CatalogService", "classplan.payband.v1.PaybandService"}) {
    grpc::ClientContext ctx;  // no key: health is public
    grpc::health::v1::HealthCheckRequest req;
    req.set_service(name);
    grpc::health::v1::HealthCheckResponse resp;
    grpc::Status s = health->Check(&ctx, req, &resp);
    ASSERT_TRUE(s.ok()) << name << ": " << s.error_message();
    EXPECT_EQ(resp.status(), grpc::health::v1::HealthCheckResponse::SERVING) << name;
  }
}

TEST_F(GatewayE2eTest, MissingAndWrongKeysAreUnauthenticated) {
  EXPECT_EQ(CallGeneric(*channel_, kEcho, {"x"}).status.error_code(),
            grpc::StatusCode::UNAUTHENTICATED);
  std::string wrong = *employee_key_;
  wrong.back() = wrong.back() == 'a' ? 'b' : 'a';
  EXPECT_EQ(CallGeneric(*channel_, kEcho, {"x"}, Bearer(wrong)).status.error_code(),
            grpc::StatusCode::UNAUTHENTICATED);
  EXPECT_EQ(CallGeneric(*channel_, kEcho, {"x"}, Bearer("not-a-key")).status.error_code(),
            grpc::StatusCode::UNAUTHENTICATED);
  EXPECT_EQ(
      CallGeneric(*channel_, kEcho, {"x"}, {{"authorization", *employee_key_}}).status.error_code(),
      grpc::StatusCode::UNAUTHENTICATED);  // no "Bearer "
  // The CLI says how to fix it.
  std::string out;
  EXPECT_NE(testing::RunCommand(
                {BuildPath("tools/classplanctl/classplanctl"),
                 absl::StrCat("--target=127.0.0.1:", gateway_->port), "class", "get", "SPCP20"},
                &out),
            0);
  EXPECT_EQ(testing::RunCommand({BuildPath("tools/classplanctl/classplanctl"),
                                 absl::StrCat("--target=127.0.0.1:", gateway_->port),
                                 "--api_key=" + *employee_key_, "class", "get", "SPCP20"},
                                &out),
            0);
  EXPECT_NE(out.find("SPCP20"), std::string::npos);
}

TEST_F(GatewayE2eTest, ARoleCallingAMethodItMayNotIsPermissionDenied) {
  catalog::v1::AbolishJobClassRequest req;
  req.set_code("SPCP20");
  catalog::v1::AbolishJobClassResponse resp;
  grpc::ClientContext ctx;
  ctx.AddMetadata("authorization", "Bearer " + *employee_key_);
  grpc::Status s =
      catalog::v1::CatalogService::NewStub(*channel_)->AbolishJobClass(&ctx, req, &resp);
  EXPECT_EQ(s.error_code(), grpc::StatusCode::PERMISSION_DENIED) << s.error_message();
  // The refusal explains itself by the key's roles, not by the person's id.
  EXPECT_NE(s.error_message().find("roles employee"), std::string::npos) << s.error_message();
  EXPECT_EQ(s.error_message().find("emp-7"), std::string::npos) << s.error_message();
  // Denied at the gateway: the class is still there.
  grpc::ClientContext c2;
  c2.AddMetadata("authorization", "Bearer " + *employee_key_);
  catalog::v1::GetJobClassRequest get;
  get.set_code("SPCP20");
  catalog::v1::GetJobClassResponse job;
  ASSERT_TRUE(catalog::v1::CatalogService::NewStub(*channel_)->GetJobClass(&c2, get, &job).ok());
  EXPECT_NE(job.job_class().state(), catalog::v1::CLASS_STATE_ABOLISHED);
  // The same key may call what the policy allows it; a method no rule names is denied to all.
  EXPECT_EQ(CallGeneric(*channel_, "/classplan.payband.v1.PaybandService/ImportSchedule", {""},
                        Bearer(*employee_key_))
                .status.error_code(),
            grpc::StatusCode::PERMISSION_DENIED);
}

TEST_F(GatewayE2eTest, ForgedIdentityHeadersAreIgnoredAndRequestIdsTravel) {
  auto r = CallGeneric(*channel_, kEcho, {"x"},
                       {{"authorization", "Bearer " + *employee_key_},
                        {"x-classplan-principal", "hr-boss"},
                        {"x-classplan-roles", "hr_admin"},
                        {"x-request-id", "req-12345"},
                        {"x-custom", "kept"}});
  ASSERT_TRUE(r.status.ok()) << r.status.error_message();
  EXPECT_EQ(r.Header("x-saw-x-classplan-principal"), "emp-7");
  EXPECT_EQ(r.Header("x-saw-x-classplan-roles"), "employee");
  EXPECT_EQ(r.Header("x-saw-authorization"), "");  // the key never reaches a backend
  EXPECT_EQ(r.Header("x-saw-x-custom"), "kept");
  EXPECT_EQ(r.Header("x-saw-x-request-id"), "req-12345");
  EXPECT_EQ(r.Header("x-request-id"), "req-12345");
  // The appraisal service reads the identity itself; it refuses a call carrying two
  // principals, so this answers only because the client's forged copy was dropped.
  grpc::ClientContext ctx;
  ctx.AddMetadata("authorization", "Bearer " + *employee_key_);
  ctx.AddMetadata("x-classplan-principal", "hr-boss");
  ctx.AddMetadata("x-classplan-roles", "hr_admin");
  appraisal::v1::ListAppraisalsRequest list;
  appraisal::v1::ListAppraisalsResponse appraisals;
  grpc::Status s =
      appraisal::v1::AppraisalService::NewStub(*channel_)->ListAppraisals(&ctx, list, &appraisals);
  EXPECT_TRUE(s.ok()) << s.error_message();
  // Without one the gateway makes one, gives it to the backend and returns it.
  auto g = CallGeneric(*channel_, kEcho, {"x"}, Bearer(*employee_key_));
  EXPECT_EQ(g.Header("x-request-id").size(), 32u);
  EXPECT_EQ(g.Header("x-request-id"), g.Header("x-saw-x-request-id"));
  // Errors made by the gateway carry it too.
  auto e = CallGeneric(*channel_, kEcho, {"x"}, {{"x-request-id", "req-err"}});
  EXPECT_EQ(e.Header("x-request-id"), "req-err");
}

TEST_F(GatewayE2eTest, ShortDeadlineIsDeadlineExceededAndTheBackendSeesTheCancellation) {
  const absl::Time start = absl::Now();
  auto r = CallGeneric(*channel_, "/classplan.test.v1.TestService/Slow", {"5000"},
                       Bearer(*employee_key_), absl::Milliseconds(300));
  EXPECT_EQ(r.status.error_code(), grpc::StatusCode::DEADLINE_EXCEEDED);
  EXPECT_LT(absl::Now() - start, absl::Seconds(2));
  EXPECT_TRUE(testing::WaitForFileText(backend_->log, "\"msg\":\"cancel seen\"", absl::Seconds(3)))
      << testing::ReadWholeFile(backend_->log);
}

// The same through the gateway's unary path (the backend's reflection says the method is
// unary): a separate gateway routes the catalog service to the test backend.
TEST_F(GatewayE2eTest, UnaryPathDeadlineCancelsTheBackendToo) {
  Proc slow = StartTestBackend(*dir_);
  int mp = 0;
  Proc gw =
      StartGateway(*dir_, Route("classplan.catalog.v1.CatalogService", {slow.port}), 0, "", &mp);
  ASSERT_TRUE(testing::WaitForFileText(gw.log, "\"unary_methods\":1", absl::Seconds(5)))
      << testing::ReadWholeFile(gw.log);
  auto stub = catalog::v1::CatalogService::NewStub(Channel(gw.port));
  catalog::v1::GetJurisdictionRequest req;
  catalog::v1::GetJurisdictionResponse resp;
  {
    grpc::ClientContext ctx;
    ctx.AddMetadata("authorization", "Bearer " + *employee_key_);
    req.set_id("nm-spo");
    grpc::Status s = stub->GetJurisdiction(&ctx, req, &resp);
    ASSERT_TRUE(s.ok()) << s.error_message();
    EXPECT_EQ(resp.jurisdiction().id(), "nm-spo");
    EXPECT_EQ(ctx.GetServerInitialMetadata().count("x-request-id"), 1u);
  }
  grpc::ClientContext ctx;
  ctx.AddMetadata("authorization", "Bearer " + *employee_key_);
  ctx.set_deadline(absl::ToChronoTime(absl::Now() + absl::Milliseconds(300)));
  req.set_id("slow-5000");
  EXPECT_EQ(stub->GetJurisdiction(&ctx, req, &resp).error_code(),
            grpc::StatusCode::DEADLINE_EXCEEDED);
  EXPECT_TRUE(testing::WaitForFileText(slow.log, "\"msg\":\"cancel seen\"", absl::Seconds(3)))
      << testing::ReadWholeFile(slow.log);
}

TEST_F(GatewayE2eTest, AccessLogAndMetrics) {
  ASSERT_TRUE(
      CallGeneric(*channel_, kEcho, {"secret-payload"}, Bearer(*employee_key_)).status.ok());
  const std::string metrics = Scrape(metrics_port_);
  EXPECT_GT(MetricValue(metrics, "classplan_gateway_requests_total{method=\"" + std::string(kEcho) +
                                     "\",code=\"OK\"}"),
            0)
      << metrics;
  EXPECT_NE(metrics.find("classplan_gateway_request_duration_seconds_bucket{method=\"" +
                         std::string(kEcho) + "\",code=\"OK\",le=\"0.005\"}"),
            std::string::npos);
  EXPECT_GE(MetricValue(metrics, "classplan_gateway_key_cache_hit_ratio"), 0.5);
  EXPECT_GT(MetricValue(metrics, "classplan_gateway_auth_unauthenticated_total"), -1);
  // Access lines are written in batches, at least every 100 ms.
  // An employee's key: a person, logged by the key's id (its first 12 hex digits after
  // "cpk_"), never by the principal id (personal data).
  EXPECT_TRUE(testing::WaitForFileText(
      gateway_->log,
      "\"msg\":\"access\",\"method\":\"/classplan.test.v1.TestService/Echo\","
      "\"principal\":\"key:" +
          employee_key_->substr(4, 12) + "\",\"code\":0",
      absl::Seconds(2)));
  const std::string log = testing::ReadWholeFile(gateway_->log);
  EXPECT_EQ(log.find("secret-payload"), std::string::npos);  // never message contents
  EXPECT_EQ(log.find(*employee_key_), std::string::npos);    // nor keys
  EXPECT_EQ(log.find("emp-7"), std::string::npos);           // nor a person's id
}

// ---------------------------------------------------------------------------------------
// Rate limits shared by two gateway replicas through Redis, and the local fallback.

bool RetryInfoIn(const grpc::Status& s) {
  google::rpc::Status st;
  if (!st.ParseFromString(s.error_details()) || st.details_size() == 0) return false;
  google::rpc::RetryInfo info;
  return st.details(0).UnpackTo(&info) &&
         (info.retry_delay().seconds() > 0 || info.retry_delay().nanos() > 0);
}

TEST(GatewayRateLimitE2eTest, LimitHoldsAcrossTwoReplicasAndFallsBackWithRedisStopped) {
  const std::string dir = testing::MakeTempDir("gateway_rl");
  auto redis = testing::RedisServer::Start();
  ASSERT_TRUE(redis.ok()) << redis.status();
  Proc backend = StartTestBackend(dir);
  const std::string key = MakeKey(dir, "ats-1", "agency_system");
  WritePolicy(dir);
  const std::string routes = Route("classplan.test.v1.TestService", {backend.port});
  // 5 per second, bucket of 10, leases of 2: the two replicas together may admit at most
  // 10 + 5*W + 2*2 in W seconds; each replica alone would admit 10.
  const std::string limits =
      "rate_limit { requests_per_second: 5 burst: 10 lease_batch: 2 lease_ttl: \"1s\" }\n";
  int ma = 0, mb = 0;
  Proc a = StartGateway(dir, routes, (*redis)->port(), limits, &ma);
  Proc b = StartGateway(dir, routes, (*redis)->port(), limits, &mb);
  auto ca = Channel(a.port), cb = Channel(b.port);

  auto burst = [&](int* exhausted_with_retry) {
    int admitted = 0;
    const absl::Time start = absl::Now();
    for (int i = 0; i < 60; ++i) {
      auto r = CallGeneric(i % 2 ? ca : cb, kEcho, {"x"}, Bearer(key));
      if (r.status.ok()) {
        ++admitted;
      } else {
        EXPECT_EQ(r.status.error_code(), grpc::StatusCode::RESOURCE_EXHAUSTED)
            << r.status.error_message();
        if (RetryInfoIn(r.status) && !r.Header("retry-after").empty()) ++*exhausted_with_retry;
      }
    }
    return std::make_pair(admitted, absl::ToDoubleSeconds(absl::Now() - start));
  };
  int with_retry = 0;
  auto [shared, secs] = burst(&with_retry);
  EXPECT_GE(shared, 10);
  EXPECT_LE(shared, 10 + 5 * secs + 4 + 1) << "in " << secs << " s";
  EXPECT_LT(shared, 20);  // not two separate buckets
  EXPECT_EQ(with_retry, 60 - shared);

  // Redis stops: each replica limits with its own bucket (untouched so far, so full) from
  // its next refill on, once its Redis lease is spent or has expired (lease_ttl). Rather
  // than wait out the lease, call each replica until its fallback shows in its metrics;
  // what those calls admit counts with the burst after.
  (*redis)->Kill();
  const absl::Time stopped = absl::Now();
  auto fell_back = [](int port) {
    return MetricValue(Scrape(port), "classplan_gateway_ratelimit_redis_fallback_total") > 0;
  };
  int local = 0;
  ASSERT_TRUE(testing::WaitFor([&] {
    for (const auto& [channel, port] : {std::pair(ca, ma), std::pair(cb, mb)}) {
      if (!fell_back(port) && CallGeneric(channel, kEcho, {"x"}, Bearer(key)).status.ok()) {
        ++local;
      }
    }
    return fell_back(ma) && fell_back(mb);
  })) << "a replica did not fall back to its local bucket";
  with_retry = 0;
  const int after = burst(&with_retry).first;
  local += after;
  const double secs2 = absl::ToDoubleSeconds(absl::Now() - stopped);
  EXPECT_GE(local, 18) << "each replica admits its own burst";
  // Both local bursts, what is left of both Redis leases, and both local refills.
  EXPECT_LE(local, 20 + 2 * 2 + 2 * 5 * secs2 + 1) << "still limited";
  EXPECT_LT(after, 60);
  for (int port : {ma, mb}) {
    EXPECT_GT(MetricValue(Scrape(port), "classplan_gateway_ratelimit_redis_fallback_total"), 0);
    EXPECT_GT(MetricValue(Scrape(port), "classplan_gateway_ratelimit_rejected_total"), 0);
  }
  EXPECT_TRUE(
      testing::WaitForFileText(a.log, "rate limits fall back to this replica's local buckets"));
}

// ---------------------------------------------------------------------------------------
// Failures behind the gateway during a loop of reads.

TEST(GatewayFailoverE2eTest, OneCatalogReplicaKilledDuringReadsNoReadFails) {
  const std::string dir = testing::MakeTempDir("gateway_failover");
  auto redis = testing::RedisServer::Start();
  ASSERT_TRUE(redis.ok()) << redis.status();
  // The first replica creates and loads the database; the second starts once it serves.
  Proc c1 = StartCatalog(dir, (*redis)->port());
  Proc c2 = StartCatalog(dir, (*redis)->port());
  const std::string key = MakeKey(dir, "ats-1", "agency_system");
  WritePolicy(dir);
  int mp = 0;
  Proc gw = StartGateway(dir,
                         Route("classplan.catalog.v1.CatalogService", {c1.port, c2.port},
                               "GetJobClass,ListJobClasses"),
                         (*redis)->port(), "", &mp);
  auto stub = catalog::v1::CatalogService::NewStub(Channel(gw.port));
  // Four readers, so that calls are in flight on the replica when it dies; they read until
  // told to stop, which is only once reads went on after the kill.
  std::atomic<int> failures{0}, done{0};
  std::atomic<bool> stop{false};
  absl::Mutex mu;
  std::string first_error;
  std::vector<std::thread> readers;
  readers.reserve(4);
  for (int t = 0; t < 4; ++t) {
    readers.emplace_back([&, t] {
      for (int i = 0; !stop; ++i) {
        grpc::ClientContext ctx;
        ctx.set_deadline(absl::ToChronoTime(absl::Now() + absl::Seconds(5)));
        ctx.AddMetadata("authorization", "Bearer " + key);
        catalog::v1::GetJobClassRequest req;
        req.set_code((i + t) % 2 ? "SPCP20" : "CA2459");
        catalog::v1::GetJobClassResponse resp;
        grpc::Status s = stub->GetJobClass(&ctx, req, &resp);
        if (!s.ok() && failures++ == 0) {
          absl::MutexLock lock(&mu);
          first_error = s.error_message();
        }
        ++done;
      }
    });
  }
  const bool read_before = testing::WaitFor([&] { return done >= 200; });
  c1.process->Kill();
  const int at_kill = done;
  const bool read_after = testing::WaitFor([&] { return done >= at_kill + 200; });
  stop = true;
  for (auto& r : readers) r.join();
  ASSERT_TRUE(read_before && read_after) << done << " reads, " << at_kill << " before the kill";
  EXPECT_EQ(failures, 0) << first_error;
  // Both replicas served before the kill (round robin).
  EXPECT_NE(testing::ReadWholeFile(c2.log).find("serving"), std::string::npos);
}

// A backend that answers UNAVAILABLE once per request (test_backend's FailOnce* methods and
// GetJurisdiction "fail-once-<x>"): a method the route lists as idempotent is retried and
// succeeds on the second attempt; any other is not retried, the caller sees UNAVAILABLE, and
// the backend saw exactly one attempt (the next call is its second). On the stream path (raw
// methods) and on the unary path (a typed method the backend's reflection describes). A
// caller's own retry policy works through the gateway too.
TEST(GatewayRetryE2eTest, IdempotentReadsAreRetriedOnUnavailableWritesAreNot) {
  const std::string dir = testing::MakeTempDir("gateway_retry");
  Proc backend = StartTestBackend(dir);
  const std::string key = MakeKey(dir, "ats-1", "agency_system");
  WritePolicy(dir);
  int mp = 0;
  Proc gw = StartGateway(
      dir,
      Route("classplan.test.v1.TestService", {backend.port}, "FailOnceRead") +
          Route("classplan.catalog.v1.CatalogService", {backend.port}, "GetJurisdiction"),
      0, "", &mp);
  int mp2 = 0;
  Proc gw_no_retry =
      StartGateway(dir, Route("classplan.catalog.v1.CatalogService", {backend.port}), 0, "", &mp2);
  auto channel = Channel(gw.port);

  // Stream path.
  auto read =
      CallGeneric(channel, "/classplan.test.v1.TestService/FailOnceRead", {"r1"}, Bearer(key));
  ASSERT_TRUE(read.status.ok()) << read.status.error_message();
  EXPECT_EQ(read.responses, std::vector<std::string>{"attempts=2"});
  const std::string write_method = "/classplan.test.v1.TestService/FailOnceWrite";
  auto write = CallGeneric(channel, write_method, {"w1"}, Bearer(key));
  EXPECT_EQ(write.status.error_code(), grpc::StatusCode::UNAVAILABLE);
  write = CallGeneric(channel, write_method, {"w1"}, Bearer(key));
  ASSERT_TRUE(write.status.ok()) << write.status.error_message();
  EXPECT_EQ(write.responses, std::vector<std::string>{"attempts=2"});
  // The gateway's error answer is trailers-only (its request id in the trailers), so a
  // caller's own retry policy can retry what the gateway does not.
  write = CallGeneric(channel, write_method, {"w2"}, Bearer(key));
  EXPECT_EQ(write.status.error_code(), grpc::StatusCode::UNAVAILABLE);
  EXPECT_FALSE(write.trailing_metadata.find("x-request-id") == write.trailing_metadata.end());
  EXPECT_TRUE(write.initial_metadata.empty()) << write.initial_metadata.begin()->first;
  grpc::ChannelArguments args;
  args.SetServiceConfigJSON(R"({"methodConfig": [{
      "name": [{"service": "classplan.test.v1.TestService", "method": "FailOnceWrite"}],
      "retryPolicy": {"maxAttempts": 2, "initialBackoff": "0.01s", "maxBackoff": "0.01s",
                      "backoffMultiplier": 1, "retryableStatusCodes": ["UNAVAILABLE"]}}]})");
  auto retrying = grpc::CreateCustomChannel(absl::StrCat("127.0.0.1:", gw.port),
                                            grpc::InsecureChannelCredentials(), args);
  write = CallGeneric(retrying, write_method, {"w3"}, Bearer(key));
  ASSERT_TRUE(write.status.ok()) << write.status.error_message();
  EXPECT_EQ(write.responses, std::vector<std::string>{"attempts=2"});
  EXPECT_FALSE(write.initial_metadata.find("x-request-id") == write.initial_metadata.end());

  // Unary path: both gateways have learnt from the backend that GetJurisdiction is unary.
  for (const Proc* g : {&gw, &gw_no_retry}) {
    ASSERT_TRUE(testing::WaitForFileText(g->log, "\"unary_methods\":1", absl::Seconds(5)))
        << testing::ReadWholeFile(g->log);
  }
  auto get = [&key](const std::shared_ptr<grpc::Channel>& ch, const std::string& id,
                    catalog::v1::GetJurisdictionResponse* resp) {
    grpc::ClientContext ctx;
    ctx.AddMetadata("authorization", "Bearer " + key);
    ctx.set_deadline(absl::ToChronoTime(absl::Now() + absl::Seconds(5)));
    catalog::v1::GetJurisdictionRequest req;
    req.set_id(id);
    return catalog::v1::CatalogService::NewStub(ch)->GetJurisdiction(&ctx, req, resp);
  };
  catalog::v1::GetJurisdictionResponse resp;
  grpc::Status s = get(channel, "fail-once-a", &resp);
  ASSERT_TRUE(s.ok()) << s.error_message();
  EXPECT_EQ(resp.jurisdiction().name(), "attempts=2");
  auto no_retry = Channel(gw_no_retry.port);
  EXPECT_EQ(get(no_retry, "fail-once-b", &resp).error_code(), grpc::StatusCode::UNAVAILABLE);
  s = get(no_retry, "fail-once-b", &resp);
  ASSERT_TRUE(s.ok()) << s.error_message();
  EXPECT_EQ(resp.jurisdiction().name(), "attempts=2");
}

TEST(GatewayFailoverE2eTest, RedisKilledDuringReadsNoReadFailsAndFallbackShowsInMetrics) {
  const std::string dir = testing::MakeTempDir("gateway_redis_down");
  auto redis = testing::RedisServer::Start();
  ASSERT_TRUE(redis.ok()) << redis.status();
  Proc b1 = StartTestBackend(dir);
  Proc b2 = StartTestBackend(dir);
  const std::string key = MakeKey(dir, "ats-1", "agency_system");
  WritePolicy(dir);
  int mp = 0;
  Proc gw = StartGateway(dir, Route("classplan.test.v1.TestService", {b1.port, b2.port}, "Echo"),
                         (*redis)->port(),
                         "rate_limit { requests_per_second: 100000 lease_batch: 5 }\n", &mp);
  auto channel = Channel(gw.port);
  int failures = 0;
  std::string first_error;
  std::set<std::string> served_by;
  for (int i = 0; i < 400; ++i) {
    if (i == 150) (*redis)->Kill();
    auto r = CallGeneric(channel, kEcho, {"x"}, Bearer(key), absl::Seconds(5));
    if (!r.status.ok() && failures++ == 0) first_error = r.status.error_message();
    served_by.insert(r.Header("x-served-by"));
  }
  EXPECT_EQ(failures, 0) << first_error;
  EXPECT_EQ(served_by.size(), 2u);  // round robin over both replicas
  const std::string metrics = Scrape(mp);
  EXPECT_GT(MetricValue(metrics, "classplan_gateway_ratelimit_redis_fallback_total"), 0) << metrics;
}

}  // namespace
}  // namespace classplan

namespace classplan {
namespace {

// ---------------------------------------------------------------------------------------
// TLS on the public port, with client certificates required.

TEST(GatewayTlsE2eTest, TlsWithRequiredClientCertificates) {
  const std::string dir = testing::MakeTempDir("gateway_tls");
  std::string out;
  // One self-signed certificate serves as CA, server and client certificate.
  ASSERT_EQ(testing::RunCommand(
                {"/usr/bin/openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout",
                 dir + "/key.pem", "-out", dir + "/cert.pem", "-days", "2", "-subj",
                 "/CN=localhost", "-addext", "subjectAltName=IP:127.0.0.1,DNS:localhost"},
                &out),
            0);
  Proc backend = StartTestBackend(dir);
  const std::string key = MakeKey(dir, "ats-1", "agency_system");
  WritePolicy(dir);
  int mp = 0;
  Proc gw = StartGateway(dir, Route("classplan.test.v1.TestService", {backend.port}), 0,
                         "tls { cert_file: \"cert.pem\" key_file: \"key.pem\" "
                         "client_ca_file: \"cert.pem\" require_client_cert: true }\n",
                         &mp);
  const std::string target = absl::StrCat("127.0.0.1:", gw.port);
  const std::string cert = testing::ReadWholeFile(dir + "/cert.pem");
  const std::string pkey = testing::ReadWholeFile(dir + "/key.pem");
  auto call = [&](std::shared_ptr<grpc::ChannelCredentials> creds) {
    return CallGeneric(grpc::CreateChannel(target, creds), kEcho, {"x"}, Bearer(key),
                       absl::Seconds(3));
  };
  EXPECT_FALSE(call(grpc::InsecureChannelCredentials()).status.ok());  // plaintext refused
  grpc::SslCredentialsOptions no_client_cert;
  no_client_cert.pem_root_certs = cert;
  EXPECT_FALSE(call(grpc::SslCredentials(no_client_cert)).status.ok());
  grpc::SslCredentialsOptions with_cert = no_client_cert;
  with_cert.pem_private_key = pkey;
  with_cert.pem_cert_chain = cert;
  auto ok = call(grpc::SslCredentials(with_cert));
  EXPECT_TRUE(ok.status.ok()) << ok.status.error_message();
  EXPECT_EQ(ok.responses, std::vector<std::string>{"x"});
}

}  // namespace
}  // namespace classplan
