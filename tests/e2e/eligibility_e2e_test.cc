// End to end: a real redis-server, catalog_server (shipped data) and eligibility_server,
// called over gRPC and through classplanctl.

#include <atomic>
#include <chrono>
#include <fstream>
#include <thread>

#include "classplan/catalog/v1/catalog_service.grpc.pb.h"
#include "classplan/eligibility/v1/eligibility_service.grpc.pb.h"
#include "common/dates/dates.h"
#include "common/status/grpc_status.h"
#include "google/protobuf/util/json_util.h"
#include "grpcpp/grpcpp.h"
#include "gtest/gtest.h"
#include "tests/support/grpc_server.h"
#include "tests/support/process.h"
#include "tests/support/redis_server.h"
#include "tests/support/temp.h"
#include "tests/support/wait.h"

namespace classplan {
namespace {

namespace ev1 = eligibility::v1;
namespace cv1 = catalog::v1;
using testing::BuildPath;
using testing::ChildProcess;
using testing::SourcePath;

std::unique_ptr<grpc::ClientContext> Ctx() {
  auto ctx = std::make_unique<grpc::ClientContext>();
  ctx->set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(10));
  return ctx;
}

common::v1::Date Day(int y, int m, int d) { return dates::FromCivilDay(absl::CivilDay(y, m, d)); }

ev1::Applicant Psychologist() {
  ev1::Applicant a;
  auto* e = a.add_education();
  e->set_level(cv1::EDUCATION_LEVEL_BACHELOR);
  e->set_field(cv1::FIELD_OF_STUDY_PSYCHOLOGY);
  e->set_accreditation(ev1::ACCREDITATION_ACCREDITED);
  *e->mutable_completed() = Day(2020, 5, 15);
  return a;
}

// GED and `months` of social worker assistant work ending 2025-12-31.
ev1::Applicant Assistant(int months) {
  ev1::Applicant a;
  auto* e = a.add_education();
  e->set_level(cv1::EDUCATION_LEVEL_HIGH_SCHOOL_OR_GED);
  *e->mutable_completed() = Day(2015, 6, 1);
  auto* x = a.add_experience();
  const int start = 2026 * 12 - months;  // months since year 0, January = 0
  *x->mutable_start() = Day(start / 12, start % 12 + 1, 1);
  *x->mutable_end() = Day(2025, 12, 31);
  x->set_hours_per_week(40);
  x->add_kinds(cv1::EXPERIENCE_KIND_SOCIAL_WORKER_ASSISTANT);
  return a;
}

class EligibilityE2eTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = testing::MakeTempDir("eligibility_e2e");
    auto redis = testing::RedisServer::Start();
    ASSERT_TRUE(redis.ok()) << redis.status();
    redis_ = std::move(*redis);
  }

  void StartCatalog() {
    catalog_ = testing::StartCatalogServer(dir_, redis_->port(), &catalog_port_);
    ASSERT_NE(catalog_, nullptr) << "see " << dir_ << "/catalog.log";
    catalog_stub_ = cv1::CatalogService::NewStub(testing::FastChannel(catalog_port_));
  }

  // `catalog_port` 0: the catalog started above.
  void StartEligibility(int catalog_port = 0) {
    port_ = testing::FreeTcpPort();
    log_ = dir_ + "/eligibility.log";
    server_ = std::make_unique<ChildProcess>(
        std::vector<std::string>{
            BuildPath("services/eligibility/eligibility_server"),
            "--listen=127.0.0.1:" + std::to_string(port_), "--db=" + dir_ + "/eligibility.db",
            "--redis=127.0.0.1:" + std::to_string(redis_->port()),
            "--catalog=127.0.0.1:" +
                std::to_string(catalog_port == 0 ? catalog_port_ : catalog_port),
            "--catalog_deadline=1s", "--drain_timeout=2s", testing::IdentityKeyFlag()},
        log_);
    ASSERT_TRUE(testing::WaitServingLog(log_)) << "see " << log_;
    auto channel = testing::FastChannel(port_);
    ASSERT_TRUE(testing::IsServing(channel.get(), "classplan.eligibility.v1.EligibilityService"));
    stub_ = ev1::EligibilityService::NewStub(channel);
  }

  grpc::Status Evaluate(const std::string& code, const ev1::Applicant& a, ev1::Evaluation* out) {
    ev1::EvaluateRequest req;
    req.set_class_code(code);
    *req.mutable_applicant() = a;
    *req.mutable_as_of() = Day(2026, 1, 31);
    return stub_->Evaluate(Ctx().get(), req, out);
  }

  std::string dir_, log_;
  std::unique_ptr<testing::RedisServer> redis_;
  int catalog_port_ = 0, port_ = 0;
  std::unique_ptr<ChildProcess> catalog_, server_;
  std::unique_ptr<cv1::CatalogService::Stub> catalog_stub_;
  std::unique_ptr<ev1::EligibilityService::Stub> stub_;
};

TEST_F(EligibilityE2eTest, EvaluatesWithRulesFromTheCatalog) {
  StartCatalog();
  StartEligibility();
  ev1::Evaluation e;
  grpc::Status s = Evaluate("SPCP23", Psychologist(), &e);
  ASSERT_TRUE(s.ok()) << s.error_message();
  EXPECT_EQ(e.determination(), ev1::DETERMINATION_NOT_QUALIFIED);
  EXPECT_EQ(e.class_revision(), 1);
  EXPECT_EQ(e.rule_version(), 2);  // v2: CIP codes (docs/cip.md)
  ASSERT_EQ(e.shortfalls_size(), 1);
  EXPECT_EQ(e.shortfalls(0).missing_month_hundredths(), 2400);
  // Same input, same revision: the same bytes (second answer from the in-process cache).
  ev1::Evaluation again;
  ASSERT_TRUE(Evaluate("SPCP23", Psychologist(), &again).ok());
  EXPECT_EQ(again.SerializeAsString(), e.SerializeAsString());
  ASSERT_TRUE(Evaluate("SPCP20", Psychologist(), &e).ok());
  EXPECT_EQ(e.determination(), ev1::DETERMINATION_QUALIFIED);

  // A malformed profile: every bad field named, nothing evaluated.
  ev1::EvaluateRequest bad;
  bad.set_class_code("SPCP23");
  auto* x = bad.mutable_applicant()->add_experience();
  *x->mutable_start() = Day(2024, 1, 1);
  *x->mutable_end() = Day(2023, 1, 1);
  x->set_hours_per_week(-3);
  s = stub_->Evaluate(Ctx().get(), bad, &e);
  ASSERT_EQ(s.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  std::vector<std::string> fields;
  for (const auto& f : status::GetFieldViolations(status::FromGrpcStatus(s))) {
    fields.push_back(f.field);
  }
  EXPECT_EQ(fields, (std::vector<std::string>{"as_of", "applicant.experience[0].end",
                                              "applicant.experience[0].hours_per_week",
                                              "applicant.experience[0].kinds"}));

  ev1::FindQualifyingClassesRequest fq;
  *fq.mutable_applicant() = Psychologist();
  *fq.mutable_as_of() = Day(2026, 1, 31);
  ev1::FindQualifyingClassesResponse fr;
  s = stub_->FindQualifyingClasses(Ctx().get(), fq, &fr);
  ASSERT_TRUE(s.ok()) << s.error_message();
  ASSERT_EQ(fr.qualifying_size(), 1);
  EXPECT_EQ(fr.qualifying(0).class_code(), "SPCP20");
  ASSERT_GE(fr.nearest_misses_size(), 1);
  EXPECT_EQ(fr.nearest_misses(0).class_code(), "G1099B");

  // Denver's class: its only revision is undated; used, and said so.
  std::string out;
  const std::string ctl = BuildPath("tools/classplanctl/classplanctl");
  int rc = testing::RunCommand(
      {ctl, testing::IdentityKeyFlag(), "--principal=test-operator", "--roles=hr_analyst",
       "--eligibility_target=127.0.0.1:" + std::to_string(port_), "eligibility", "check",
       "--as_of=2026-01-31", "--class=CA2459",
       "--applicant=" + SourcePath("examples/applicants/placement-caseworker.json")},
      &out);
  EXPECT_EQ(rc, 0) << out;
  EXPECT_NE(out.find("CA2459 Utilization Management Coordinator, minimum qualifications as of "
                     "2026-01-31 (class revision 1, rules v2): QUALIFIED"),
            std::string::npos)
      << out;
  EXPECT_NE(out.find("only revision took effect"), std::string::npos) << out;
  rc = testing::RunCommand(
      {ctl, testing::IdentityKeyFlag(), "--principal=test-operator", "--roles=hr_analyst",
       "--eligibility_target=127.0.0.1:" + std::to_string(port_), "eligibility", "qualify",
       "--as_of=2026-01-31",
       "--applicant=" + SourcePath("examples/applicants/psychology-graduate.json")},
      &out);
  EXPECT_EQ(rc, 0) << out;
  EXPECT_NE(out.find("SPCP23"), std::string::npos) << out;
  EXPECT_NE(out.find("needs 24 more months of experience"), std::string::npos) << out;
  // G1099A needs review, and the reason is printed under it.
  EXPECT_NE(out.find("      review combination: 48 months required"), std::string::npos) << out;

  rc = testing::RunCommand(
      {ctl, testing::IdentityKeyFlag(), "--principal=test-operator", "--roles=hr_analyst",
       "--eligibility_target=127.0.0.1:" + std::to_string(port_), "eligibility", "check",
       "--as_of=2026-01-31", "--class=SPPS26", "--track=recommended",
       "--applicant=" + SourcePath("examples/applicants/social-worker-bsw.json")},
      &out);
  EXPECT_EQ(rc, 0) << out;
  EXPECT_NE(out.find("recommended qualifications as of 2026-01-31"), std::string::npos) << out;
  EXPECT_NE(out.find("needs 24 more months of experience, all of it supervisory"),
            std::string::npos)
      << out;
  // A pool file, one applicant a line, screened over the stream.
  const std::string pool = dir_ + "/pool.jsonl";
  {
    std::ofstream f(pool);
    for (const char* ref : {"p1", "p2", "p3"}) {
      f << R"({"applicantRef": ")" << ref
        << R"(", "education": [{"level": "EDUCATION_LEVEL_HIGH_SCHOOL_OR_GED", )"
        << R"("completed": {"year": 2010, "month": 6, "day": 1}}], "experience": [{"start": )"
        << R"({"year": 2025, "month": 1, "day": 1}, "hoursPerWeek": 40, "kinds": )"
        << R"(["EXPERIENCE_KIND_SOCIAL_WORKER_ASSISTANT"]}]})"
        << "\n";
    }
    // A malformed one: reported with its bad field, and the pool goes on.
    f << R"({"experience": [{"start": {"year": 2025, "month": 1, "day": 1}, "hoursPerWeek": 0, )"
      << R"("kinds": ["EXPERIENCE_KIND_SOCIAL_WORKER_ASSISTANT"]}]})"
      << "\n";
  }
  out.clear();  // RunCommand appends
  rc = testing::RunCommand(
      {ctl, testing::IdentityKeyFlag(), "--principal=test-operator", "--roles=hr_analyst",
       "--eligibility_target=127.0.0.1:" + std::to_string(port_), "eligibility", "screen",
       "--as_of=2026-01-31", "--class=G1099B", "--applicants=" + pool},
      &out);
  EXPECT_EQ(rc, 0) << out;
  EXPECT_EQ(out,
            "0\tp1\tQUALIFIED\n1\tp2\tQUALIFIED\n2\tp3\tQUALIFIED\n"
            "3\t\tINVALID\tapplicant.experience[0].hours_per_week: must be more than 0 and at "
            "most 168\n");
  // Unknown class: exit 3; missing flags: usage (2).
  EXPECT_EQ(testing::RunCommand(
                {ctl, testing::IdentityKeyFlag(), "--principal=test-operator", "--roles=hr_analyst",
                 "--eligibility_target=127.0.0.1:" + std::to_string(port_), "eligibility", "check",
                 "--class=NOPE1", "--applicant=" + pool},
                &out),
            4)
      << "not a single applicant JSON object";
  EXPECT_EQ(testing::RunCommand(
                {ctl, testing::IdentityKeyFlag(), "--principal=test-operator", "--roles=hr_analyst",
                 "--eligibility_target=127.0.0.1:" + std::to_string(port_), "eligibility", "check",
                 "--class=NOPE1",
                 "--applicant=" + SourcePath("examples/applicants/psychology-graduate.json")},
                &out),
            3);
  EXPECT_EQ(testing::RunCommand({ctl, "eligibility", "check"}, &out), 2);

  // Nothing of an applicant in Redis: only class rules and epochs under the eligibility
  // namespace (checked by the key names the service writes); and nothing in the log.
  const std::string log = testing::ReadWholeFile(log_);
  EXPECT_EQ(log.find("PSYCHOLOGY"), std::string::npos);
  EXPECT_EQ(log.find("2023-01-01"), std::string::npos);
  ASSERT_EQ(server_->Terminate(), 0);
}

TEST_F(EligibilityE2eTest, ScreensAPoolInOrderUnderBackpressure) {
  StartCatalog();
  StartEligibility();
  grpc::ClientContext ctx;
  auto stream = stub_->ScreenApplicants(&ctx);
  constexpr int kApplicants = 5000;
  std::atomic<int> written{0};
  std::thread writer([&] {
    ev1::ScreenRequest header;
    header.mutable_header()->set_class_code("G1099B");
    *header.mutable_header()->mutable_as_of() = Day(2026, 1, 31);
    if (!stream->Write(header)) return;
    for (int i = 0; i < kApplicants; ++i) {
      ev1::ScreenRequest r;
      *r.mutable_applicant() = Assistant(i % 12 + 1);  // 1..12 months: qualified from 6
      r.mutable_applicant()->set_applicant_ref("a" + std::to_string(i));
      if (i == 17) r.mutable_applicant()->mutable_experience(0)->set_hours_per_week(0);
      if (!stream->Write(r)) break;
      ++written;
    }
    stream->WritesDone();
  });
  // Read nothing until more applicants were sent than the server may keep unread results
  // for (--screen_max_pending, 64): it must stop reading rather than buffer everything, and
  // the stream must go on once results are read.
  ASSERT_TRUE(testing::WaitFor([&] { return written > 2 * 64; }))
      << "the server took only " << written << " applicants";
  ev1::ScreenResult r;
  int n = 0, qualified = 0;
  while (stream->Read(&r)) {
    EXPECT_EQ(r.index(), n);
    EXPECT_EQ(r.applicant_ref(), "a" + std::to_string(n));
    if (n == 17) {
      EXPECT_EQ(r.error().field_violations(0).field(), "applicant.experience[0].hours_per_week");
    } else if (r.determination() == ev1::DETERMINATION_QUALIFIED) {
      ++qualified;
      EXPECT_GE(n % 12 + 1, 6);
    } else {
      EXPECT_LT(n % 12 + 1, 6) << n;
      EXPECT_EQ(r.shortfalls_size(), 1) << n;
    }
    ++n;
  }
  writer.join();
  grpc::Status s = stream->Finish();
  ASSERT_TRUE(s.ok()) << s.error_message();
  EXPECT_EQ(n, kApplicants);
  EXPECT_GT(qualified, kApplicants / 3);

  // A stream whose first message is not a header is refused.
  grpc::ClientContext ctx2;
  auto bad = stub_->ScreenApplicants(&ctx2);
  ev1::ScreenRequest a;
  *a.mutable_applicant() = Assistant(6);
  bad->Write(a);
  bad->WritesDone();
  while (bad->Read(&r)) {
  }
  EXPECT_EQ(bad->Finish().error_code(), grpc::StatusCode::INVALID_ARGUMENT);
}

TEST_F(EligibilityE2eTest, ACancelledScreeningLeavesTheServerHealthy) {
  StartCatalog();
  StartEligibility();
  for (int round = 0; round < 3; ++round) {
    grpc::ClientContext ctx;
    auto stream = stub_->ScreenApplicants(&ctx);
    ev1::ScreenRequest header;
    header.mutable_header()->set_class_code("G1099B");
    *header.mutable_header()->mutable_as_of() = Day(2026, 1, 31);
    ASSERT_TRUE(stream->Write(header));
    for (int i = 0; i < 200; ++i) {
      ev1::ScreenRequest r;
      *r.mutable_applicant() = Assistant(6);
      if (!stream->Write(r)) break;
    }
    ev1::ScreenResult result;
    for (int i = 0; i < 5; ++i) ASSERT_TRUE(stream->Read(&result));
    ctx.TryCancel();  // walks away mid-stream, results unread
    while (stream->Read(&result)) {
    }
    EXPECT_EQ(stream->Finish().error_code(), grpc::StatusCode::CANCELLED);
  }
  ev1::Evaluation e;
  ASSERT_TRUE(Evaluate("G1099B", Assistant(6), &e).ok());
  EXPECT_EQ(e.determination(), ev1::DETERMINATION_QUALIFIED);
  EXPECT_TRUE(testing::IsServing(testing::FastChannel(port_).get(), ""));
  ASSERT_EQ(server_->Terminate(), 0);
}

TEST_F(EligibilityE2eTest, ARevisedClassIsEvaluatedByItsNewRules) {
  StartCatalog();
  StartEligibility();
  ASSERT_TRUE(testing::WaitLogSays(log_, "class revision notices resumed"));
  ev1::Evaluation e;
  ASSERT_TRUE(Evaluate("G1099B", Assistant(4), &e).ok());  // warms the caches
  EXPECT_EQ(e.determination(), ev1::DETERMINATION_NOT_QUALIFIED);

  // Revise G1099B in the catalog: three months instead of six (a test revision).
  cv1::GetJobClassRequest get;
  get.set_code("G1099B");
  cv1::GetJobClassResponse current;
  ASSERT_TRUE(catalog_stub_->GetJobClass(Ctx().get(), get, &current).ok());
  cv1::ReviseJobClassRequest rev;
  *rev.mutable_job_class() = current.job_class();
  auto* exp = rev.mutable_job_class()
                  ->mutable_minimum_qualification_rules()
                  ->mutable_root()
                  ->mutable_all_of()
                  ->mutable_children(1)
                  ->mutable_experience();
  ASSERT_EQ(exp->months(), 6);
  exp->set_months(3);
  rev.set_etag(current.job_class().etag());
  rev.set_change_note("eligibility e2e test");
  *rev.mutable_effective()->mutable_effective_date() = Day(2020, 1, 1);
  cv1::ReviseJobClassResponse revised;
  grpc::Status s = catalog_stub_->ReviseJobClass(Ctx().get(), rev, &revised);
  ASSERT_TRUE(s.ok()) << s.error_message();

  ASSERT_TRUE(testing::WaitFor([&] {
    return Evaluate("G1099B", Assistant(4), &e).ok() && e.class_revision() == 2;
  })) << "the eligibility service kept the old revision";
  EXPECT_EQ(e.determination(), ev1::DETERMINATION_QUALIFIED);
  ASSERT_EQ(server_->Terminate(), 0);
  const std::string log = testing::ReadWholeFile(log_);
  EXPECT_GE(testing::LastCounter(log, "eligibility.rules.invalidated"), 1) << log;
}

TEST_F(EligibilityE2eTest, CatalogDownIsUnavailableLoggedAndCounted) {
  // A port this test holds reserved: nothing listens there, and nothing else can.
  StartEligibility(/*catalog_port=*/testing::FreeTcpPort());
  ev1::Evaluation e;
  grpc::Status s = Evaluate("SPCP23", Psychologist(), &e);
  EXPECT_EQ(s.error_code(), grpc::StatusCode::UNAVAILABLE);
  EXPECT_EQ(s.error_message().rfind("catalog unavailable", 0), 0u) << s.error_message();
  ev1::FindQualifyingClassesRequest fq;
  *fq.mutable_applicant() = Psychologist();
  *fq.mutable_as_of() = Day(2026, 1, 31);
  ev1::FindQualifyingClassesResponse fr;
  EXPECT_EQ(stub_->FindQualifyingClasses(Ctx().get(), fq, &fr).error_code(),
            grpc::StatusCode::UNAVAILABLE);
  EXPECT_TRUE(testing::IsServing(testing::FastChannel(port_).get(), ""));
  ASSERT_EQ(server_->Terminate(), 0);
  const std::string log = testing::ReadWholeFile(log_);
  EXPECT_NE(log.find("catalog unavailable; calls that need it fail with UNAVAILABLE"),
            std::string::npos);
  EXPECT_GE(testing::LastCounter(log, "catalog_client.unavailable"), 2) << log;
  EXPECT_GE(testing::LastCounter(log, "eligibility.rpc.server_errors"), 2) << log;
}

// Rulings through classplanctl against the real server and its SQLite file: a review reason
// recorded as a ruling for one applicant reference decides its later evaluations, an
// employee cannot record one, and a withdrawn ruling stays listed, marked.
TEST_F(EligibilityE2eTest, RulingsDecideLaterEvaluationsUntilWithdrawn) {
  StartCatalog();
  StartEligibility();
  const std::string ctl = BuildPath("tools/classplanctl/classplanctl");
  const auto run = [&](const std::string& roles, std::vector<std::string> args, std::string* out) {
    std::vector<std::string> argv = {ctl, testing::IdentityKeyFlag(), "--principal=analyst-7",
                                     "--roles=" + roles,
                                     "--eligibility_target=127.0.0.1:" + std::to_string(port_)};
    argv.insert(argv.end(), args.begin(), args.end());
    out->clear();
    return testing::RunCommand(argv, out);
  };
  // G1099A needs review for this graduate (a combination a person must accept as related).
  const std::string applicant = SourcePath("examples/applicants/psychology-graduate.json");
  std::string out;
  ASSERT_EQ(run("hr_analyst",
                {"--json", "eligibility", "check", "--as_of=2026-01-31", "--class=G1099A",
                 "--applicant=" + applicant},
                &out),
            0)
      << out;
  ev1::Evaluation e;
  ASSERT_TRUE(google::protobuf::util::JsonStringToMessage(out, &e).ok()) << out;
  ASSERT_EQ(e.determination(), ev1::DETERMINATION_NEEDS_REVIEW) << out;
  ASSERT_GE(e.review_reasons_size(), 1) << out;
  const std::string reason_id = e.review_reasons(0).id();

  const std::vector<std::string> rule = {"eligibility",
                                         "rule",
                                         "--class=G1099A",
                                         "--applicant_ref=example-psychology-graduate",
                                         "--reason_id=" + reason_id,
                                         "--decision=qualified",
                                         "--why=related per transcript review",
                                         "--evidence=case-42",
                                         "--id=rul-e2e-1"};
  EXPECT_NE(run("employee", rule, &out), 0) << out;
  ASSERT_EQ(run("hr_analyst", rule, &out), 0) << out;
  EXPECT_NE(out.find("rul-e2e-1  G1099A  applicant example-psychology-graduate"), std::string::npos)
      << out;
  ASSERT_EQ(run("hr_analyst", rule, &out), 0) << "an idempotent retry: " << out;

  ASSERT_EQ(run("hr_analyst",
                {"eligibility", "check", "--as_of=2026-01-31", "--class=G1099A",
                 "--applicant=" + applicant},
                &out),
            0);
  EXPECT_NE(out.find("rules v2): QUALIFIED"), std::string::npos) << out;
  EXPECT_NE(out.find("By ruling rul-e2e-1 (ruling for this applicant reference)"),
            std::string::npos)
      << out;
  // The combination a person had to accept reads as met by the ruling, not by its months.
  EXPECT_NE(out.find("[met by ruling] combination: "), std::string::npos) << out;

  ASSERT_EQ(
      run("hr_admin",
          {"eligibility", "withdraw-ruling", "--id=rul-e2e-1", "--why=entered in error"}, &out),
      0)
      << out;
  ASSERT_EQ(run("hr_analyst",
                {"eligibility", "check", "--as_of=2026-01-31", "--class=G1099A",
                 "--applicant=" + applicant},
                &out),
            0);
  EXPECT_NE(out.find("rules v2): NEEDS REVIEW"), std::string::npos) << out;
  ASSERT_EQ(
      run("hr_analyst", {"eligibility", "rulings", "--class=G1099A", "--include_withdrawn"}, &out),
      0);
  EXPECT_NE(out.find("WITHDRAWN by analyst-7"), std::string::npos) << out;
  // Both writes are in the service's audit trail (hr_admin only), its chain intact.
  ASSERT_EQ(run("hr_admin", {"audit", "verify", "--service=eligibility"}, &out), 0) << out;
  EXPECT_NE(out.find("OK: eligibility audit trail, 2 events"), std::string::npos) << out;
  ASSERT_EQ(
      run("hr_admin", {"audit", "list", "--service=eligibility", "--resource_type=ruling"}, &out),
      0)
      << out;
  EXPECT_NE(out.find("ruling rul-e2e-1"), std::string::npos) << out;
  EXPECT_NE(run("hr_analyst", {"audit", "list", "--service=eligibility"}, &out), 0) << out;
  // Bad input: the server's field violation (INVALID_ARGUMENT: exit 4), nothing written.
  EXPECT_EQ(run("hr_analyst",
                {"eligibility", "rule", "--class=G1099A", "--standing", "--reason_id=x|y",
                 "--decision=qualified", "--why=w"},
                &out),
            4);
  ASSERT_EQ(run("hr_analyst", {"--json", "eligibility", "rulings", "--include_withdrawn"}, &out),
            0);
  ev1::ListRulingsResponse listed;
  ASSERT_TRUE(google::protobuf::util::JsonStringToMessage(out, &listed).ok()) << out;
  EXPECT_EQ(listed.rulings_size(), 1);
  // The applicant reference is never in the server's log.
  EXPECT_EQ(testing::ReadWholeFile(log_).find("example-psychology-graduate"), std::string::npos);
}

}  // namespace
}  // namespace classplan
