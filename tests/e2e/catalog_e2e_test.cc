// End to end: starts a real redis-server and the catalog_server binary on a fresh SQLite
// file with the shipped data, and calls it over gRPC and through classplanctl.

#include <chrono>

#include "absl/time/time.h"
#include "classplan/catalog/v1/catalog_service.grpc.pb.h"
#include "common/dates/dates.h"
#include "common/status/grpc_status.h"
#include "grpcpp/grpcpp.h"
#include "gtest/gtest.h"
#include "tests/support/grpc_server.h"
#include "tests/support/process.h"
#include "tests/support/redis_server.h"
#include "tests/support/temp.h"
#include "tests/support/wait.h"

namespace classplan {
namespace {

namespace pb = catalog::v1;
using testing::BuildPath;
using testing::ChildProcess;
using testing::SourcePath;

struct Replica {
  int port = 0;
  std::unique_ptr<ChildProcess> process;
  std::unique_ptr<pb::CatalogService::Stub> stub;
  std::shared_ptr<grpc::Channel> channel;
};

std::unique_ptr<grpc::ClientContext> Ctx() {
  auto ctx = std::make_unique<grpc::ClientContext>();
  ctx->set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(10));
  return ctx;
}

class CatalogE2eTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = testing::MakeTempDir("catalog_e2e");
    auto redis = testing::RedisServer::Start();
    ASSERT_TRUE(redis.ok()) << redis.status();
    redis_ = std::move(*redis);
  }

  Replica StartReplica() {
    Replica r;
    r.port = testing::FreeTcpPort();
    r.process = std::make_unique<ChildProcess>(
        std::vector<std::string>{BuildPath("services/catalog/catalog_server"),
                                 "--listen=127.0.0.1:" + std::to_string(r.port),
                                 "--db=" + dir_ + "/catalog.db",
                                 "--data_dir=" + SourcePath("data/catalog"),
                                 "--redis=127.0.0.1:" + std::to_string(redis_->port()),
                                 "--drain_timeout=2s", testing::IdentityKeyFlag()},
        LogFile(r.port));
    // The server is still starting: a channel that retries connecting quickly.
    r.channel = testing::FastChannel(r.port);
    r.stub = pb::CatalogService::NewStub(r.channel);
    EXPECT_TRUE(Serving(r)) << "catalog_server did not become healthy; see " << LogFile(r.port);
    return r;
  }

  std::string LogFile(int port) { return dir_ + "/catalog-" + std::to_string(port) + ".log"; }

  // True once the replica's log holds `text` (waits up to 5 s).
  bool LogSays(const Replica& r, const std::string& text) {
    return testing::WaitLogSays(LogFile(r.port), text);
  }

  static bool Serving(const Replica& r) { return testing::IsServing(r.channel.get(), ""); }

  grpc::Status Get(Replica& r, const std::string& code, pb::GetJobClassResponse* out) {
    pb::GetJobClassRequest req;
    req.set_code(code);
    return r.stub->GetJobClass(Ctx().get(), req, out);
  }

  std::string dir_;
  std::unique_ptr<testing::RedisServer> redis_;
};

TEST_F(CatalogE2eTest, ServesEveryShippedClassAndTheNotice) {
  Replica a = StartReplica();
  pb::ListJobClassesRequest list;
  list.set_page_size(4);
  std::vector<std::string> codes;
  do {
    pb::ListJobClassesResponse resp;
    ASSERT_TRUE(a.stub->ListJobClasses(Ctx().get(), list, &resp).ok());
    for (const auto& c : resp.job_classes()) codes.push_back(c.code());
    list.set_page_token(resp.next_page_token());
  } while (!list.page_token().empty());
  EXPECT_EQ(codes, (std::vector<std::string>{"2944", "CA2459", "CA2460", "G1099A", "G1099B",
                                             "G1099O", "SPCP20", "SPCP23", "SPPS26"}));

  pb::GetJobClassResponse spcp20;
  ASSERT_TRUE(Get(a, "SPCP20", &spcp20).ok());
  EXPECT_EQ(spcp20.job_class().pay().code(), "SD");
  EXPECT_EQ(spcp20.job_class().flsa_status(), pb::FLSA_STATUS_EXEMPT);

  pb::SearchJobClassesRequest search;
  search.set_query("out-of-home placement");
  pb::SearchJobClassesResponse hits;
  ASSERT_TRUE(a.stub->SearchJobClasses(Ctx().get(), search, &hits).ok());
  ASSERT_GE(hits.hits_size(), 2);
  EXPECT_EQ(hits.hits(0).code(), "CA2459");  // the phrase "out-of-home placement" itself
  for (const auto& h : hits.hits()) EXPECT_NE(h.snippet().find('['), std::string::npos);

  pb::GetClassificationNoticeRequest nreq;
  nreq.set_number("1355");
  pb::GetClassificationNoticeResponse notice;
  ASSERT_TRUE(a.stub->GetClassificationNotice(Ctx().get(), nreq, &notice).ok());
  EXPECT_EQ(notice.notice().hearing().date().day(), 15);
  EXPECT_EQ(a.process->Terminate(), 0);  // graceful drain on SIGTERM
}

TEST_F(CatalogE2eTest, DatedListAnswersEachClassOnTheDayInOneCall) {
  Replica a = StartReplica();
  pb::ListJobClassesRequest list;
  *list.mutable_as_of() = dates::FromCivilDay(absl::CivilDay(2026, 1, 31));
  list.set_page_size(4);
  std::vector<std::string> dated, uncertain;
  do {
    pb::ListJobClassesResponse resp;
    grpc::Status s = a.stub->ListJobClasses(Ctx().get(), list, &resp);
    ASSERT_TRUE(s.ok()) << s.error_message();
    for (const auto& c : resp.job_classes()) {
      dated.push_back(c.code());
      pb::GetJobClassRequest get;  // the revision GetJobClass gives for the day
      get.set_code(c.code());
      *get.mutable_as_of() = list.as_of();
      pb::GetJobClassResponse one;
      ASSERT_TRUE(a.stub->GetJobClass(Ctx().get(), get, &one).ok()) << c.code();
      EXPECT_EQ(one.job_class().revision(), c.revision()) << c.code();
    }
    for (const auto& u : resp.uncertain()) {
      uncertain.push_back(u.code());
      pb::GetJobClassRequest get;  // what GetJobClass says for the day
      get.set_code(u.code());
      *get.mutable_as_of() = list.as_of();
      pb::GetJobClassResponse one;
      grpc::Status s = a.stub->GetJobClass(Ctx().get(), get, &one);
      EXPECT_EQ(s.error_code(), grpc::StatusCode::FAILED_PRECONDITION) << u.code();
      EXPECT_EQ(s.error_message(), u.reason());
      EXPECT_EQ(u.current().code(), u.code());
    }
    list.set_page_token(resp.next_page_token());
  } while (!list.page_token().empty());
  EXPECT_EQ(dated,
            (std::vector<std::string>{"G1099A", "G1099B", "G1099O", "SPCP20", "SPCP23", "SPPS26"}));
  // The sources do not date these closely enough: named, without failing the list.
  EXPECT_EQ(uncertain, (std::vector<std::string>{"2944", "CA2459", "CA2460"}));
}

TEST_F(CatalogE2eTest, BadInputGetsCanonicalCodesAndFieldViolations) {
  Replica a = StartReplica();
  pb::GetJobClassResponse resp;
  EXPECT_EQ(Get(a, "NOSUCH1", &resp).error_code(), grpc::StatusCode::NOT_FOUND);

  pb::ListJobClassesRequest list;
  list.set_filter("colour = blue");
  pb::ListJobClassesResponse lresp;
  grpc::Status s = a.stub->ListJobClasses(Ctx().get(), list, &lresp);
  ASSERT_EQ(s.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  auto violations = status::GetFieldViolations(status::FromGrpcStatus(s));
  ASSERT_EQ(violations.size(), 1u);
  EXPECT_EQ(violations[0].field, "filter");

  list.set_filter("");
  list.set_page_token("not-a-token");
  s = a.stub->ListJobClasses(Ctx().get(), list, &lresp);
  ASSERT_EQ(s.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_EQ(status::GetFieldViolations(status::FromGrpcStatus(s)).at(0).field, "page_token");

  pb::SearchJobClassesRequest huge;
  huge.set_query(std::string(2 << 20, 'x'));
  pb::SearchJobClassesResponse sresp;
  EXPECT_EQ(a.stub->SearchJobClasses(Ctx().get(), huge, &sresp).error_code(),
            grpc::StatusCode::RESOURCE_EXHAUSTED);

  // Stale etag: ABORTED and nothing written.
  ASSERT_TRUE(Get(a, "G1099B", &resp).ok());
  pb::ReviseJobClassRequest rev;
  *rev.mutable_job_class() = resp.job_class();
  rev.mutable_job_class()->set_title("changed");
  rev.set_etag("v999");
  rev.set_change_note("test");
  rev.mutable_effective()->mutable_effective_date()->set_year(2026);
  rev.mutable_effective()->mutable_effective_date()->set_month(1);
  rev.mutable_effective()->mutable_effective_date()->set_day(1);
  pb::ReviseJobClassResponse rresp;
  EXPECT_EQ(a.stub->ReviseJobClass(Ctx().get(), rev, &rresp).error_code(),
            grpc::StatusCode::ABORTED);
  pb::ListClassRevisionsRequest revs;
  revs.set_code("G1099B");
  pb::ListClassRevisionsResponse revs_resp;
  ASSERT_TRUE(a.stub->ListClassRevisions(Ctx().get(), revs, &revs_resp).ok());
  EXPECT_EQ(revs_resp.revisions_size(), 1);
  ASSERT_TRUE(Get(a, "G1099B", &resp).ok());
  EXPECT_NE(resp.job_class().title(), "changed");
}

TEST_F(CatalogE2eTest, KeepsAnsweringFromTheStoreWhenRedisDies) {
  Replica a = StartReplica();
  pb::GetJobClassResponse resp;
  ASSERT_TRUE(Get(a, "SPPS26", &resp).ok());
  redis_->Kill();
  for (const char* code : {"SPPS26", "CA2460", "G1099A", "2944", "SPCP23"}) {
    grpc::Status s = Get(a, code, &resp);
    EXPECT_TRUE(s.ok()) << code << ": " << s.error_message();
    EXPECT_EQ(resp.job_class().code(), code);
  }
  EXPECT_TRUE(Serving(a));
}

// The revision notice reaches b over Redis pub/sub asynchronously (well under a millisecond
// on an idle machine). On a loaded 2-core CI machine b's subscriber thread may not have run
// yet when the read arrives, so the read is retried for up to a second: the test checks that
// the stale copy is dropped promptly, and fails if it is served any longer.
TEST_F(CatalogE2eTest, SecondReplicaSeesARevisionPromptly) {
  Replica a = StartReplica();
  Replica b = StartReplica();
  // b must be listening for invalidations, or it would not use its in-process cache at all
  // and the test would not exercise the update path.
  ASSERT_TRUE(LogSays(b, "redis subscription established"));
  pb::GetJobClassResponse before;
  ASSERT_TRUE(Get(b, "G1099O", &before).ok());  // warms b's caches
  ASSERT_TRUE(Get(b, "G1099O", &before).ok());
  EXPECT_EQ(before.job_class().revision(), 1);

  pb::ReviseJobClassRequest rev;
  *rev.mutable_job_class() = before.job_class();
  rev.mutable_job_class()->set_title("Community & Social Service Spec, AO-O (test revision)");
  rev.set_etag(before.job_class().etag());
  rev.set_change_note("e2e test");
  auto* d = rev.mutable_effective()->mutable_effective_date();
  d->set_year(2020);
  d->set_month(1);
  d->set_day(1);
  pb::ReviseJobClassResponse revised;
  grpc::Status s = a.stub->ReviseJobClass(Ctx().get(), rev, &revised);
  ASSERT_TRUE(s.ok()) << s.error_message();
  EXPECT_EQ(revised.job_class().revision(), 2);

  pb::GetJobClassResponse after;
  ASSERT_TRUE(testing::WaitFor([&] {
    return Get(b, "G1099O", &after).ok() && after.job_class().revision() == 2;
  })) << "b still serves revision "
      << after.job_class().revision();
  EXPECT_EQ(after.job_class().title(), rev.job_class().title());
}

TEST_F(CatalogE2eTest, CommandLineToolPrintsTablesAndTrustworthyExitCodes) {
  Replica a = StartReplica();
  std::string target = "--target=127.0.0.1:" + std::to_string(a.port);
  std::string ctl = BuildPath("tools/classplanctl/classplanctl");
  // Called directly, the tool signs its identity itself.
  const std::string key = testing::IdentityKeyFlag();
  const std::string who = "--principal=test-operator";
  const std::string roles = "--roles=hr_analyst";
  std::string out;
  EXPECT_EQ(testing::RunCommand({ctl, target, key, who, roles, "class", "get", "SPCP20"}, &out), 0);
  EXPECT_NE(out.find("CPS Permanency Planning Case Worker"), std::string::npos) << out;
  // The class's link to its competency framework (appraisal service).
  EXPECT_NE(out.find("Competency framework:  nm-spo-spcp-onet"), std::string::npos) << out;
  out.clear();
  EXPECT_EQ(testing::RunCommand(
                {ctl, target, key, who, roles, "class", "list", "--jurisdiction=nm-spo"}, &out),
            0);
  EXPECT_NE(out.find("6 classes"), std::string::npos) << out;
  out.clear();
  // A short jurisdiction name that starts exactly one id is taken as that id.
  EXPECT_EQ(testing::RunCommand(
                {ctl, target, key, who, roles, "class", "list", "--jurisdiction=sf"}, &out),
            0);
  EXPECT_NE(out.find("1 classes"), std::string::npos) << out;
  out.clear();
  EXPECT_EQ(
      testing::RunCommand({ctl, target, key, who, roles, "--json", "notice", "get", "1355"}, &out),
      0);
  EXPECT_NE(out.find("\"number\": \"1355\""), std::string::npos) << out;
  out.clear();
  EXPECT_EQ(testing::RunCommand({ctl, target, key, who, roles, "class", "get", "NOSUCH1"}, &out),
            3);
  EXPECT_EQ(testing::RunCommand({ctl, target, key, who, roles, "class", "list", "--flsa=SOMETIMES"},
                                &out),
            4);
  EXPECT_EQ(
      testing::RunCommand({ctl, "--target=127.0.0.1:1", "--timeout=1s", "class", "get", "X"}, &out),
      5);
  EXPECT_EQ(testing::RunCommand({ctl, target, key, who, roles, "frobnicate"}, &out), 2);
  EXPECT_EQ(
      testing::RunCommand({ctl, target, key, who, roles, "class", "list", "--colour=red"}, &out),
      2);
}

}  // namespace
}  // namespace classplan
