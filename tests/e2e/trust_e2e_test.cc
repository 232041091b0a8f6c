// The trust boundary with real processes (docs/security.md, "Trust boundary"): a process that
// reaches a service port directly is refused whatever it sends short of a valid assertion for
// the method, and nothing is written; through a gateway whose policy lets every role call
// everything, each service still refuses the writes its own role table does not allow.

#include <openssl/rand.h>

#include <algorithm>
#include <array>
#include <fstream>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "absl/strings/escaping.h"
#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "classplan/appraisal/v1/appraisal_service.grpc.pb.h"
#include "classplan/catalog/v1/catalog_service.grpc.pb.h"
#include "classplan/eligibility/v1/eligibility_service.grpc.pb.h"
#include "classplan/payband/v1/payband_service.grpc.pb.h"
#include "common/identity/assertion.h"
#include "gtest/gtest.h"
#include "tests/support/gateway_processes.h"
#include "tests/support/identity.h"
#include "tests/support/process.h"
#include "tests/support/temp.h"

namespace classplan {
namespace {

namespace cat = ::classplan::catalog::v1;
namespace pay = ::classplan::payband::v1;
namespace apr = ::classplan::appraisal::v1;
namespace elig = ::classplan::eligibility::v1;
using testing::Proc;

constexpr char kCatalog[] = "classplan.catalog.v1.CatalogService";
constexpr char kPayband[] = "classplan.payband.v1.PaybandService";
constexpr char kAppraisal[] = "classplan.appraisal.v1.AppraisalService";
constexpr char kEligibility[] = "classplan.eligibility.v1.EligibilityService";

std::string Method(const char* service, const char* rpc) {
  return absl::StrCat("/", service, "/", rpc);
}

cat::CreateJobClassRequest NewClass(const std::string& code) {
  cat::CreateJobClassRequest req;
  cat::JobClass* c = req.mutable_job_class();
  c->set_code(code);
  c->set_title("Trust test class " + code);
  c->set_jurisdiction_id("nm-spo");
  c->set_flsa_status(cat::FLSA_STATUS_EXEMPT);
  c->mutable_pay()->set_code("SD");
  c->mutable_duties()->add_items("Checks who may write");
  auto* d = req.mutable_effective()->mutable_effective_date();
  d->set_year(2025);
  d->set_month(1);
  d->set_day(1);
  req.set_change_note("created by the trust test");
  return req;
}

pay::ImportScheduleRequest NewSchedule(int year) {
  pay::ImportScheduleRequest req;
  req.set_jurisdiction_id("nm-spo");
  req.set_name(absl::StrCat("trust test schedule ", year));
  req.mutable_effective_from()->set_year(year);
  req.mutable_effective_from()->set_month(1);
  req.mutable_effective_from()->set_day(1);
  req.mutable_source()->set_document("trust e2e test");
  req.set_csv("band,minimum,midpoint,maximum,unit\nSD,40000,,60000,annual\n");
  return req;
}

apr::CreateAppraisalRequest NewAppraisal() {
  apr::CreateAppraisalRequest r;
  auto* a = r.mutable_appraisal();
  a->set_employee_id("emp-1");
  a->set_class_code("2944");
  a->set_supervisor_id("sup-1");
  a->set_unit_id("unit-a");
  auto date = [](int y, int m, int d, auto* out) {
    out->set_year(y);
    out->set_month(m);
    out->set_day(d);
  };
  date(2021, 3, 15, a->mutable_date_entered_class());
  date(2024, 1, 1, a->mutable_period_start());
  date(2024, 12, 31, a->mutable_period_end());
  auto* as = a->add_assessments();
  as->set_competency_id("pe");
  as->add_observed_indicator_ids("pe.emg.01");
  return r;
}

// A key ring with the test's key id and another secret: signatures look right and are not.
std::shared_ptr<const identity::KeyRing> ImpostorKeys() {
  std::array<unsigned char, 32> secret{};
  EXPECT_EQ(RAND_bytes(secret.data(), static_cast<int>(secret.size())), 1);
  auto ring = identity::KeyRing::Parse(
      absl::StrCat(testing::IdentityKeys()->signing_key_id(), " ",
                   absl::Base64Escape(absl::string_view(
                       reinterpret_cast<const char*>(secret.data()), secret.size()))));
  EXPECT_TRUE(ring.ok()) << ring.status();
  return *ring;
}

// The class code the test creates as `role`: "WIDE" and the role's letters.
std::string WideCode(const std::string& role) {
  std::string code = "WIDE";
  for (char c : role) {
    if (c != '_') code.push_back(c);
  }
  return code;
}

// A call of `rpc` on `stub` with `request`, as a Write's call (the role is in the key).
template <typename Req, typename Resp>
std::function<grpc::Status(grpc::ClientContext*, const std::string&)> Call(
    apr::AppraisalService::Stub* stub,
    grpc::Status (apr::AppraisalService::Stub::*rpc)(grpc::ClientContext*, const Req&, Resp*),
    Req request) {
  return [stub, rpc, request](grpc::ClientContext* ctx, const std::string&) {
    Resp r;
    return (stub->*rpc)(ctx, request, &r);
  };
}

std::unique_ptr<grpc::ClientContext> Ctx() {
  auto ctx = std::make_unique<grpc::ClientContext>();
  ctx->set_deadline(absl::ToChronoTime(absl::Now() + absl::Seconds(10)));
  return ctx;
}

// What an attacker on the machine may send a service port instead of a valid assertion.
struct Forgery {
  std::string name;
  // Sets the call's metadata for `method` (the full name of the call it goes on).
  std::function<void(grpc::ClientContext*, const std::string& method)> apply;
};

std::vector<Forgery> Forgeries(const std::string& read_method) {
  auto sign = [](const std::shared_ptr<const identity::KeyRing>& keys, const std::string& method,
                 absl::Time expiry) {
    auto a = keys->Sign(identity::ClaimsFor(method, "hr-1", "hr_admin"), expiry);
    EXPECT_TRUE(a.ok()) << a.status();
    return a.ok() ? *a : std::string();
  };
  const auto impostor = ImpostorKeys();
  return {
      {"no identity", [](grpc::ClientContext*, const std::string&) {}},
      {"forged identity headers",
       [](grpc::ClientContext* ctx, const std::string&) {
         ctx->AddMetadata(identity::kPrincipalHeader, "x");
         ctx->AddMetadata(identity::kRolesHeader, "hr_admin");
       }},
      {"expired assertion",
       [sign](grpc::ClientContext* ctx, const std::string& method) {
         ctx->AddMetadata(identity::kAssertionHeader,
                          sign(testing::IdentityKeys(), method,
                               absl::Now() - identity::kClockSkew - absl::Minutes(1)));
       }},
      {"wrongly signed assertion",
       [sign, impostor](grpc::ClientContext* ctx, const std::string& method) {
         ctx->AddMetadata(identity::kAssertionHeader,
                          sign(impostor, method, absl::Now() + absl::Seconds(30)));
       }},
      {"assertion for another method",
       [sign, read_method](grpc::ClientContext* ctx, const std::string&) {
         ctx->AddMetadata(identity::kAssertionHeader, sign(testing::IdentityKeys(), read_method,
                                                           absl::Now() + absl::Seconds(30)));
       }},
  };
}

class TrustE2eTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    dir_ = new std::string(testing::MakeTempDir("trust_e2e"));
    catalog_ = new Proc(testing::StartServer(
        *dir_, "catalog",
        {testing::BuildPath("services/catalog/catalog_server"), "--db=" + *dir_ + "/catalog.db",
         "--data_dir=" + testing::SourcePath("data/catalog"), "--redis=off",
         "--drain_timeout=1s"}));
    payband_ = new Proc(testing::StartServer(
        *dir_, "payband",
        {testing::BuildPath("services/payband/payband_server"), "--db=" + *dir_ + "/payband.db",
         "--data_dir=" + testing::SourcePath("data/payband"), "--redis=off",
         absl::StrCat("--catalog=127.0.0.1:", catalog_->port), "--drain_timeout=1s"}));
    appraisal_ = new Proc(testing::StartServer(
        *dir_, "appraisal",
        {testing::BuildPath("services/appraisal/appraisal_server"),
         "--db=" + *dir_ + "/appraisal.db", "--data_dir=" + testing::SourcePath("data/appraisal"),
         "--drain_timeout=1s"}));
    eligibility_ = new Proc(testing::StartServer(
        *dir_, "eligibility",
        {testing::BuildPath("services/eligibility/eligibility_server"), "--redis=off",
         "--db=" + *dir_ + "/eligibility.db", absl::StrCat("--catalog=127.0.0.1:", catalog_->port),
         "--drain_timeout=1s"}));
  }
  static void TearDownTestSuite() {
    for (Proc* p : {gateway_, eligibility_, appraisal_, payband_, catalog_}) delete p;
    gateway_ = nullptr;
  }

  static std::string Target(const Proc* p) { return absl::StrCat("127.0.0.1:", p->port); }

  // Every appraisal, read back as an hr_admin directly from the service.
  static int AppraisalCount() {
    auto stub = apr::AppraisalService::NewStub(testing::SignedChannel(Target(appraisal_)));
    auto ctx = Ctx();
    ctx->AddMetadata(identity::kPrincipalHeader, "hr-1");
    ctx->AddMetadata(identity::kRolesHeader, "hr_admin");
    apr::ListAppraisalsRequest req;
    req.set_page_size(200);
    apr::ListAppraisalsResponse resp;
    grpc::Status s = stub->ListAppraisals(ctx.get(), req, &resp);
    EXPECT_TRUE(s.ok()) << s.error_message();
    return resp.appraisals_size();
  }
  static int ScheduleCount() {
    auto stub = pay::PaybandService::NewStub(testing::SignedChannel(Target(payband_)));
    pay::ListSchedulesRequest req;
    req.set_filter("jurisdiction=nm-spo");
    pay::ListSchedulesResponse resp;
    grpc::Status s = stub->ListSchedules(Ctx().get(), req, &resp);
    EXPECT_TRUE(s.ok()) << s.error_message();
    return resp.schedules_size();
  }
  static grpc::StatusCode ClassLookup(const std::string& code) {
    auto stub = cat::CatalogService::NewStub(testing::SignedChannel(Target(catalog_)));
    cat::GetJobClassRequest req;
    req.set_code(code);
    cat::GetJobClassResponse resp;
    return stub->GetJobClass(Ctx().get(), req, &resp).error_code();
  }

  static std::string* dir_;
  static Proc* catalog_;
  static Proc* payband_;
  static Proc* appraisal_;
  static Proc* eligibility_;
  static Proc* gateway_;
};

std::string* TrustE2eTest::dir_ = nullptr;
Proc* TrustE2eTest::catalog_ = nullptr;
Proc* TrustE2eTest::payband_ = nullptr;
Proc* TrustE2eTest::appraisal_ = nullptr;
Proc* TrustE2eTest::eligibility_ = nullptr;
Proc* TrustE2eTest::gateway_ = nullptr;

TEST_F(TrustE2eTest, DirectCallsWithoutAValidAssertionAreRefusedAndWriteNothing) {
  auto catalog = cat::CatalogService::NewStub(testing::UnsignedChannel(Target(catalog_)));
  auto payband = pay::PaybandService::NewStub(testing::UnsignedChannel(Target(payband_)));
  auto appraisal = apr::AppraisalService::NewStub(testing::UnsignedChannel(Target(appraisal_)));
  auto eligibility =
      elig::EligibilityService::NewStub(testing::UnsignedChannel(Target(eligibility_)));
  const int schedules = ScheduleCount();
  const int appraisals = AppraisalCount();

  struct Write {
    const char* service;
    const char* rpc;
    const char* read_rpc;  // a read of the same service, for "another method"
    std::function<grpc::Status(grpc::ClientContext*)> call;
  };
  const std::vector<Write> writes = {
      {kCatalog, "CreateJobClass", "GetJobClass",
       [&](grpc::ClientContext* ctx) {
         cat::CreateJobClassResponse r;
         return catalog->CreateJobClass(ctx, NewClass("TRUST01"), &r);
       }},
      {kPayband, "ImportSchedule", "ListSchedules",
       [&](grpc::ClientContext* ctx) {
         pay::ImportScheduleResponse r;
         return payband->ImportSchedule(ctx, NewSchedule(2031), &r);
       }},
      {kAppraisal, "CreateAppraisal", "ListAppraisals",
       [&](grpc::ClientContext* ctx) {
         apr::CreateAppraisalResponse r;
         return appraisal->CreateAppraisal(ctx, NewAppraisal(), &r);
       }},
      {kEligibility, "Evaluate", "FindQualifyingClasses",
       [&](grpc::ClientContext* ctx) {
         elig::EvaluateRequest req;
         req.set_class_code("SPCP23");
         elig::Evaluation r;
         return eligibility->Evaluate(ctx, req, &r);
       }},
      {kEligibility, "ScreenApplicants", "Evaluate",
       [&](grpc::ClientContext* ctx) {
         auto stream = eligibility->ScreenApplicants(ctx);
         elig::ScreenRequest header;
         header.mutable_header()->set_class_code("SPCP23");
         stream->Write(header);
         stream->WritesDone();
         elig::ScreenResult result;
         while (stream->Read(&result)) {
         }
         return stream->Finish();
       }},
  };
  for (const Write& w : writes) {
    const std::string method = Method(w.service, w.rpc);
    for (const Forgery& f : Forgeries(Method(w.service, w.read_rpc))) {
      auto ctx = Ctx();
      f.apply(ctx.get(), method);
      grpc::Status s = w.call(ctx.get());
      EXPECT_EQ(s.error_code(), grpc::StatusCode::UNAUTHENTICATED)
          << method << ", " << f.name << ": " << s.error_message();
      // The refusal names the problem, never the identity it was sent.
      EXPECT_EQ(s.error_message().find("hr-1"), std::string::npos) << s.error_message();
    }
  }

  // Nothing was written.
  EXPECT_EQ(ClassLookup("TRUST01"), grpc::StatusCode::NOT_FOUND);
  EXPECT_EQ(ScheduleCount(), schedules);
  EXPECT_EQ(AppraisalCount(), appraisals);

  // The same writes with a valid assertion succeed: the refusals were about identity alone.
  auto signed_ctx = [] {
    auto ctx = Ctx();
    ctx->AddMetadata(identity::kPrincipalHeader, "hr-1");
    ctx->AddMetadata(identity::kRolesHeader, "hr_admin");
    return ctx;
  };
  cat::CreateJobClassResponse created;
  grpc::Status s = cat::CatalogService::NewStub(testing::SignedChannel(Target(catalog_)))
                       ->CreateJobClass(signed_ctx().get(), NewClass("TRUST01"), &created);
  EXPECT_TRUE(s.ok()) << s.error_message();
  EXPECT_EQ(ClassLookup("TRUST01"), grpc::StatusCode::OK);
  pay::ImportScheduleResponse imported;
  s = pay::PaybandService::NewStub(testing::SignedChannel(Target(payband_)))
          ->ImportSchedule(signed_ctx().get(), NewSchedule(2031), &imported);
  EXPECT_TRUE(s.ok()) << s.error_message();
  EXPECT_EQ(ScheduleCount(), schedules + 1);
  // A supervisor appraises only staff assigned to them: HR records the relationship first.
  auto appraisal_stub = apr::AppraisalService::NewStub(testing::SignedChannel(Target(appraisal_)));
  apr::AssignSupervisorRequest assign;
  assign.mutable_assignment()->set_employee_id("emp-1");
  assign.mutable_assignment()->set_supervisor_id("sup-1");
  assign.mutable_assignment()->mutable_from_date()->set_year(2020);
  assign.mutable_assignment()->mutable_from_date()->set_month(1);
  assign.mutable_assignment()->mutable_from_date()->set_day(1);
  apr::AssignSupervisorResponse assigned;
  s = appraisal_stub->AssignSupervisor(signed_ctx().get(), assign, &assigned);
  ASSERT_TRUE(s.ok()) << s.error_message();
  apr::CreateAppraisalResponse appraised;
  s = appraisal_stub->CreateAppraisal(signed_ctx().get(), NewAppraisal(), &appraised);
  EXPECT_TRUE(s.ok()) << s.error_message();
  EXPECT_EQ(AppraisalCount(), appraisals + 1);
}

TEST_F(TrustE2eTest, ServicesRefuseWhatTheRoleMayNotDoThroughAWideOpenGateway) {
  // The gateway's policy lets every role call every method: only the services decide.
  std::ofstream(*dir_ + "/policy.textproto")
      << "rule { method: \"/grpc.health.v1.Health/*\" public: true }\n"
      << "rule { method: \"/classplan.catalog.v1.CatalogService/*\" role: \"*\" }\n"
      << "rule { method: \"/classplan.payband.v1.PaybandService/*\" role: \"*\" }\n"
      << "rule { method: \"/classplan.appraisal.v1.AppraisalService/*\" role: \"*\" }\n";
  const std::vector<std::string> roles = {"agency_system", "hr_analyst", "hr_admin", "supervisor",
                                          "employee"};
  std::vector<std::string> keys;
  keys.reserve(roles.size());
  for (const std::string& role : roles) {
    keys.push_back(testing::MakeKey(*dir_, "wide-" + role, role));
  }
  int metrics_port = 0;
  gateway_ = new Proc(testing::StartGateway(*dir_,
                                            testing::Route(kCatalog, {catalog_->port}) +
                                                testing::Route(kPayband, {payband_->port}) +
                                                testing::Route(kAppraisal, {appraisal_->port}),
                                            0, "", &metrics_port));
  auto channel = grpc::CreateChannel(Target(gateway_), grpc::InsecureChannelCredentials());
  auto catalog = cat::CatalogService::NewStub(channel);
  auto payband = pay::PaybandService::NewStub(channel);
  auto appraisal = apr::AppraisalService::NewStub(channel);
  apr::AppraisalService::Stub* stub = appraisal.get();
  using Stub = apr::AppraisalService::Stub;

  struct Write {
    const char* rpc;
    std::vector<std::string> allowed;
    std::function<grpc::Status(grpc::ClientContext*, const std::string& role)> call;
  };
  const std::vector<std::string> hr = {"hr_analyst", "hr_admin"};
  // The appraisal workflow's people and HR reach the domain, which then decides per appraisal
  // (its own tests: appraisal e2e and domain tests); agency systems reach no appraisal write.
  const std::vector<std::string> workflow = {"hr_analyst", "hr_admin", "supervisor", "employee"};
  const std::vector<Write> writes = {
      {"CreateJobClass", hr,
       [&](grpc::ClientContext* ctx, const std::string& role) {
         cat::CreateJobClassResponse r;
         return catalog->CreateJobClass(ctx, NewClass(WideCode(role)), &r);
       }},
      {"ReviseJobClass", hr,
       [&](grpc::ClientContext* ctx, const std::string&) {
         cat::ReviseJobClassRequest req;
         req.mutable_job_class()->set_code("SPCP20");
         cat::ReviseJobClassResponse r;
         return catalog->ReviseJobClass(ctx, req, &r);
       }},
      {"AbolishJobClass", hr,
       [&](grpc::ClientContext* ctx, const std::string&) {
         cat::AbolishJobClassRequest req;
         req.set_code("SPCP20");
         cat::AbolishJobClassResponse r;
         return catalog->AbolishJobClass(ctx, req, &r);
       }},
      {"CreateClassificationNotice", hr,
       [&](grpc::ClientContext* ctx, const std::string&) {
         cat::CreateClassificationNoticeRequest req;
         cat::CreateClassificationNoticeResponse r;
         return catalog->CreateClassificationNotice(ctx, req, &r);
       }},
      {"RecordNoticeApproval",
       {"hr_admin"},
       [&](grpc::ClientContext* ctx, const std::string&) {
         cat::RecordNoticeApprovalRequest req;
         req.set_number("1355");
         cat::RecordNoticeApprovalResponse r;
         return catalog->RecordNoticeApproval(ctx, req, &r);
       }},
      {"ImportSchedule",
       {"hr_admin"},
       [&](grpc::ClientContext* ctx, const std::string& role) {
         pay::ImportScheduleResponse r;
         return payband->ImportSchedule(ctx, NewSchedule(2040 + static_cast<int>(role.size())), &r);
       }},
      // Appraisals: requests that name no appraisal; what matters is who gets past the table.
      {"CreateAppraisal", workflow, Call(stub, &Stub::CreateAppraisal, NewAppraisal())},
      {"UpdateAppraisal", workflow, Call(stub, &Stub::UpdateAppraisal, {})},
      {"SubmitAppraisal", workflow, Call(stub, &Stub::SubmitAppraisal, {})},
      {"AcknowledgeAppraisal", workflow, Call(stub, &Stub::AcknowledgeAppraisal, {})},
      {"ReturnAppraisal", workflow, Call(stub, &Stub::ReturnAppraisal, {})},
      {"FinalizeAppraisal", workflow, Call(stub, &Stub::FinalizeAppraisal, {})},
      {"DeclineAppraisal", workflow, Call(stub, &Stub::DeclineAppraisal, {})},
      {"AddAppraisalAddendum", workflow, Call(stub, &Stub::AddAppraisalAddendum, {})},
      {"VoidAppraisal", {"hr_admin"}, Call(stub, &Stub::VoidAppraisal, {})},
      {"AssignSupervisor", {"hr_admin"}, Call(stub, &Stub::AssignSupervisor, {})},
      {"EndSupervisorAssignment", {"hr_admin"}, Call(stub, &Stub::EndSupervisorAssignment, {})},
  };
  const int schedules = ScheduleCount();
  const int appraisals = AppraisalCount();
  int appraisals_created = 0;
  for (size_t i = 0; i < roles.size(); ++i) {
    for (const Write& w : writes) {
      auto ctx = Ctx();
      ctx->AddMetadata("authorization", "Bearer " + keys[i]);
      grpc::Status s = w.call(ctx.get(), roles[i]);
      if (s.ok() && std::string(w.rpc) == "CreateAppraisal") ++appraisals_created;
      const bool allowed =
          std::find(w.allowed.begin(), w.allowed.end(), roles[i]) != w.allowed.end();
      if (allowed) {
        // Past the role check: the request itself decides (some here are incomplete).
        // (The appraisal domain may still refuse, PERMISSION_DENIED with its own reason.)
        EXPECT_EQ(s.error_message().find("needs one of the roles"), std::string::npos)
            << roles[i] << " " << w.rpc << ": " << s.error_message();
        EXPECT_NE(s.error_code(), grpc::StatusCode::UNAUTHENTICATED)
            << roles[i] << " " << w.rpc << ": " << s.error_message();
      } else {
        EXPECT_EQ(s.error_code(), grpc::StatusCode::PERMISSION_DENIED)
            << roles[i] << " " << w.rpc << ": " << s.error_message();
        EXPECT_NE(s.error_message().find("needs one of the roles"), std::string::npos)
            << "refused by the service's own table: " << s.error_message();
      }
    }
  }
  // What was refused left nothing; what was allowed was written.
  for (const std::string& role : roles) {
    const bool writer = role == "hr_analyst" || role == "hr_admin";
    EXPECT_EQ(ClassLookup(WideCode(role)),
              writer ? grpc::StatusCode::OK : grpc::StatusCode::NOT_FOUND)
        << role;
  }
  EXPECT_EQ(ScheduleCount(), schedules + 1);  // hr_admin's only
  // No refused call wrote an appraisal (an allowed one may have: HR opens appraisals).
  EXPECT_EQ(AppraisalCount(), appraisals + appraisals_created);
}

}  // namespace
}  // namespace classplan
