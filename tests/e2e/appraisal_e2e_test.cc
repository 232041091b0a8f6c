// End to end: the appraisal_server binary on a fresh SQLite file with the shipped frameworks,
// called over gRPC with the identity metadata the gateway sets, and through classplanctl.
// Includes the crash test: SIGKILL right after an acknowledged write, restart, the record is
// there.

#include <algorithm>
#include <chrono>
#include <filesystem>
#include <fstream>
#include <set>
#include <sstream>
#include <thread>

#include "classplan/appraisal/v1/appraisal_service.grpc.pb.h"
#include "common/dates/dates.h"
#include "common/status/field_violations.h"
#include "common/status/grpc_status.h"
#include "grpcpp/grpcpp.h"
#include "gtest/gtest.h"
#include "tests/support/grpc_server.h"
#include "tests/support/process.h"
#include "tests/support/temp.h"

namespace classplan {
namespace {

namespace v1 = appraisal::v1;
using testing::BuildPath;
using testing::ChildProcess;
using testing::SourcePath;

constexpr char kService[] = "classplan.appraisal.v1.AppraisalService";

// Who calls: principal id and the roles header; an empty id sends no metadata at all.
struct Caller {
  std::string id;
  std::string roles;
};
const Caller kSup{"sup-1", "supervisor"};
const Caller kOtherSup{"sup-2", "supervisor"};
const Caller kEmp{"emp-1", "employee"};
const Caller kOtherEmp{"emp-2", "employee"};
const Caller kHr{"hr-1", "hr_admin"};
const Caller kNobody{"", ""};

std::unique_ptr<grpc::ClientContext> Ctx(const Caller& c) {
  auto ctx = std::make_unique<grpc::ClientContext>();
  ctx->set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(10));
  if (!c.id.empty()) ctx->AddMetadata("x-classplan-principal", c.id);
  if (!c.roles.empty()) ctx->AddMetadata("x-classplan-roles", c.roles);
  return ctx;
}

common::v1::Date D(int y, int m, int d) { return dates::FromCivilDay(absl::CivilDay(y, m, d)); }

std::set<std::string> ViolatedFields(const grpc::Status& s) {
  std::set<std::string> out;
  for (const auto& v : status::GetFieldViolations(status::FromGrpcStatus(s))) out.insert(v.field);
  return out;
}

// emp-1 in class 2944 since 2021-03-15, appraised by sup-1 for 2024: 45 months at the period's
// end, so Acquired is expected.
v1::CreateAppraisalRequest NewAppraisal(const std::string& employee = "emp-1",
                                        const std::string& supervisor = "sup-1") {
  v1::CreateAppraisalRequest r;
  auto* a = r.mutable_appraisal();
  a->set_employee_id(employee);
  a->set_class_code("2944");
  a->set_supervisor_id(supervisor);
  a->set_unit_id("unit-a");
  *a->mutable_date_entered_class() = D(2021, 3, 15);
  *a->mutable_period_start() = D(2024, 1, 1);
  *a->mutable_period_end() = D(2024, 12, 31);
  auto* as = a->add_assessments();
  as->set_competency_id("pe");
  as->add_observed_indicator_ids("pe.emg.01");
  as->add_evidence("Case conference notes, March");
  return r;
}

class AppraisalE2eTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = testing::MakeTempDir("appraisal_e2e");
    ASSERT_FALSE(dir_.empty());
    data_dir_ = SourcePath("data/appraisal");
    Start();
    // Supervisors open appraisals only for their staff: the reporting relationships, from
    // long before today and open-ended.
    Assign("emp-1", "sup-1");
    Assign("emp-2", "sup-2");
    Assign("emp-3", "sup-1");
  }

  // HR records that `supervisor` supervises `employee` from `from`; the stored relationship.
  v1::SupervisorAssignment Assign(const std::string& employee, const std::string& supervisor,
                                  const common::v1::Date& from = D(2000, 1, 1)) {
    v1::AssignSupervisorRequest req;
    req.mutable_assignment()->set_employee_id(employee);
    req.mutable_assignment()->set_supervisor_id(supervisor);
    *req.mutable_assignment()->mutable_from_date() = from;
    v1::AssignSupervisorResponse resp;
    grpc::Status s = stub_->AssignSupervisor(Ctx(kHr).get(), req, &resp);
    EXPECT_TRUE(s.ok()) << s.error_message();
    return resp.assignment();
  }

  // Starts (or restarts) the server on the same database file.
  void Start() {
    port_ = testing::FreeTcpPort();
    log_ = dir_ + "/appraisal-" + std::to_string(port_) + ".log";
    server_ = std::make_unique<ChildProcess>(
        std::vector<std::string>{BuildPath("services/appraisal/appraisal_server"),
                                 "--listen=127.0.0.1:" + std::to_string(port_),
                                 "--db=" + dir_ + "/appraisal.db", "--data_dir=" + data_dir_,
                                 "--drain_timeout=2s", testing::IdentityKeyFlag()},
        log_);
    ASSERT_TRUE(testing::WaitServingLog(log_)) << "see " << log_;
    // Signed for the identity each call sets; a call that sets none goes unsigned.
    channel_ = testing::SignedChannel("127.0.0.1:" + std::to_string(port_),
                                      /*default_identity=*/false);
    stub_ = v1::AppraisalService::NewStub(channel_);
    ASSERT_TRUE(testing::IsServing(channel_.get(), kService)) << "see " << log_;
  }

  v1::Appraisal Create(const v1::CreateAppraisalRequest& req, const Caller& c = kSup) {
    v1::CreateAppraisalResponse resp;
    grpc::Status s = stub_->CreateAppraisal(Ctx(c).get(), req, &resp);
    EXPECT_TRUE(s.ok()) << s.error_message();
    return resp.appraisal();
  }

  grpc::Status Get(const std::string& id, const Caller& c, v1::Appraisal* out) {
    v1::GetAppraisalRequest req;
    req.set_appraisal_id(id);
    v1::GetAppraisalResponse resp;
    grpc::Status s = stub_->GetAppraisal(Ctx(c).get(), req, &resp);
    *out = resp.appraisal();
    return s;
  }

  // A workflow transition: every transition request carries the id and the etag.
  template <typename Req, typename Resp>
  grpc::Status Move(grpc::Status (v1::AppraisalService::Stub::*rpc)(grpc::ClientContext*,
                                                                    const Req&, Resp*),
                    const std::string& id, const std::string& etag, const Caller& c,
                    v1::Appraisal* out, Req req = Req()) {
    req.set_appraisal_id(id);
    req.set_etag(etag);
    Resp resp;
    grpc::Status s = (stub_.get()->*rpc)(Ctx(c).get(), req, &resp);
    *out = resp.appraisal();
    return s;
  }

  grpc::Status Submit(const std::string& id, const std::string& etag, const Caller& c,
                      v1::Appraisal* out) {
    return Move(&v1::AppraisalService::Stub::SubmitAppraisal, id, etag, c, out);
  }

  grpc::Status Acknowledge(const std::string& id, const std::string& etag, const Caller& c,
                           v1::Appraisal* out, const std::string& comments = "") {
    v1::AcknowledgeAppraisalRequest req;
    req.set_comments(comments);
    return Move(&v1::AppraisalService::Stub::AcknowledgeAppraisal, id, etag, c, out, req);
  }

  grpc::Status Return(const std::string& id, const std::string& etag, const Caller& c,
                      v1::Appraisal* out, const std::string& reason = "please add evidence") {
    v1::ReturnAppraisalRequest req;
    req.set_reason(reason);
    return Move(&v1::AppraisalService::Stub::ReturnAppraisal, id, etag, c, out, req);
  }

  grpc::Status Finalize(const std::string& id, const std::string& etag, const Caller& c,
                        v1::Appraisal* out) {
    return Move(&v1::AppraisalService::Stub::FinalizeAppraisal, id, etag, c, out);
  }

  // Replaces the assessments (update_mask "assessments").
  grpc::Status Observe(const v1::Appraisal& current, const Caller& c,
                       const std::vector<std::string>& indicators, v1::Appraisal* out,
                       const std::string& etag = "") {
    v1::UpdateAppraisalRequest req;
    req.mutable_appraisal()->set_id(current.id());
    req.mutable_appraisal()->set_etag(etag.empty() ? current.etag() : etag);
    auto* as = req.mutable_appraisal()->add_assessments();
    as->set_competency_id("pe");
    for (const auto& i : indicators) as->add_observed_indicator_ids(i);
    req.mutable_update_mask()->add_paths("assessments");
    v1::UpdateAppraisalResponse resp;
    grpc::Status s = stub_->UpdateAppraisal(Ctx(c).get(), req, &resp);
    *out = resp.appraisal();
    return s;
  }

  int ListCount(const Caller& c, grpc::StatusCode* code = nullptr) {
    v1::ListAppraisalsRequest req;
    v1::ListAppraisalsResponse resp;
    grpc::Status s = stub_->ListAppraisals(Ctx(c).get(), req, &resp);
    if (code != nullptr) *code = s.error_code();
    return resp.appraisals_size();
  }

  int Ctl(std::vector<std::string> args, std::string* out) {
    args.insert(args.begin(), "--appraisal_target=127.0.0.1:" + std::to_string(port_));
    args.insert(args.begin(), testing::IdentityKeyFlag());
    args.insert(args.begin(), BuildPath("tools/classplanctl/classplanctl"));
    out->clear();  // RunCommand appends
    return testing::RunCommand(args, out);
  }

  std::string dir_;
  std::string data_dir_;
  int port_ = 0;
  std::string log_;
  std::unique_ptr<ChildProcess> server_;
  std::shared_ptr<grpc::Channel> channel_;
  std::unique_ptr<v1::AppraisalService::Stub> stub_;
};

TEST_F(AppraisalE2eTest, FrameworksAndExpectedProficiency) {
  v1::ListFrameworksRequest lreq;
  v1::ListFrameworksResponse lresp;
  ASSERT_TRUE(stub_->ListFrameworks(Ctx(kEmp).get(), lreq, &lresp).ok());
  std::vector<std::string> ids;
  for (const auto& f : lresp.frameworks()) ids.push_back(f.id());
  EXPECT_EQ(ids, (std::vector<std::string>{"denver-csa-ca2459-competencies",
                                           "denver-csa-ca2460-competencies", "nm-spo-spcp-onet",
                                           "nm-spo-spps26-onet", "sf-hsa-2944-anchors"}));

  v1::GetFrameworkRequest greq;
  greq.set_framework_id("sf-hsa-2944-anchors");
  v1::GetFrameworkResponse gresp;
  ASSERT_TRUE(stub_->GetFramework(Ctx(kEmp).get(), greq, &gresp).ok());
  int competencies = 0;
  for (const auto& cl : gresp.framework().clusters()) competencies += cl.competencies_size();
  EXPECT_EQ(competencies, 8);

  // The guide's example: 3.5 years is Acquired; exactly 2 years is Developing.
  v1::GetExpectedProficiencyRequest ereq;
  ereq.set_class_code("2944");
  *ereq.mutable_date_entered_class() = D(2022, 5, 1);
  *ereq.mutable_as_of() = D(2025, 11, 1);
  v1::GetExpectedProficiencyResponse eresp;
  ASSERT_TRUE(stub_->GetExpectedProficiency(Ctx(kEmp).get(), ereq, &eresp).ok());
  EXPECT_EQ(eresp.expected_level(), v1::PROFICIENCY_LEVEL_ACQUIRED);
  EXPECT_EQ(eresp.tenure_months(), 42);
  EXPECT_EQ(eresp.framework_id(), "sf-hsa-2944-anchors");
  *ereq.mutable_as_of() = D(2024, 5, 1);
  ASSERT_TRUE(stub_->GetExpectedProficiency(Ctx(kEmp).get(), ereq, &eresp).ok());
  EXPECT_EQ(eresp.expected_level(), v1::PROFICIENCY_LEVEL_DEVELOPING);
  EXPECT_EQ(eresp.level_name(), "Developing");

  // Without identity metadata: UNAUTHENTICATED, even for framework reads.
  EXPECT_EQ(stub_->ListFrameworks(Ctx(kNobody).get(), lreq, &lresp).error_code(),
            grpc::StatusCode::UNAUTHENTICATED);
}

TEST_F(AppraisalE2eTest, FullWorkflowWithReturnRecordsWhoAndWhen) {
  v1::Appraisal a = Create(NewAppraisal());
  ASSERT_FALSE(a.id().empty());
  EXPECT_EQ(a.state(), v1::APPRAISAL_STATE_DRAFT);
  EXPECT_EQ(a.framework_id(), "sf-hsa-2944-anchors");
  EXPECT_EQ(a.framework_version(), 1);
  EXPECT_EQ(a.expected_level(), v1::PROFICIENCY_LEVEL_ACQUIRED);
  EXPECT_EQ(a.tenure_months(), 45);
  // The shipped framework states no threshold: the demonstrated level is not computed, and
  // the appraisal says why.
  ASSERT_EQ(a.assessments_size(), 1);
  EXPECT_EQ(a.assessments(0).demonstrated_level(), v1::PROFICIENCY_LEVEL_UNSPECIFIED);
  EXPECT_FALSE(a.assessments(0).demonstrated_level_note().empty());
  EXPECT_FALSE(a.development_plan().empty());

  v1::Appraisal b;
  ASSERT_TRUE(Observe(a, kSup, {"pe.emg.01", "pe.emg.02", "pe.dev.01"}, &b).ok());
  EXPECT_EQ(b.assessments(0).observed_indicator_ids_size(), 3);
  EXPECT_NE(b.etag(), a.etag());

  v1::Appraisal c;
  ASSERT_TRUE(Submit(b.id(), b.etag(), kSup, &c).ok());
  EXPECT_EQ(c.state(), v1::APPRAISAL_STATE_SUBMITTED);
  // The employee sends it back, the supervisor changes and resubmits it.
  ASSERT_TRUE(Return(c.id(), c.etag(), kEmp, &c, "the March case is missing").ok());
  EXPECT_EQ(c.state(), v1::APPRAISAL_STATE_RETURNED);
  ASSERT_TRUE(Observe(c, kSup, {"pe.emg.01", "pe.emg.02", "pe.emg.03"}, &c).ok());
  ASSERT_TRUE(Submit(c.id(), c.etag(), kSup, &c).ok());
  ASSERT_TRUE(Acknowledge(c.id(), c.etag(), kEmp, &c, "I agree with the goals").ok());
  EXPECT_EQ(c.state(), v1::APPRAISAL_STATE_ACKNOWLEDGED);
  EXPECT_EQ(c.employee_comments(), "I agree with the goals");
  ASSERT_TRUE(Finalize(c.id(), c.etag(), kSup, &c).ok());
  EXPECT_EQ(c.state(), v1::APPRAISAL_STATE_FINALIZED);

  v1::Appraisal got;
  ASSERT_TRUE(Get(c.id(), kHr, &got).ok());
  EXPECT_EQ(got.etag(), c.etag());
  std::vector<std::pair<v1::AppraisalState, std::string>> history;
  for (const auto& t : got.history()) {
    history.emplace_back(t.to_state(), t.actor_id() + "/" + t.actor_role());
    EXPECT_GT(t.time().seconds(), 0);
  }
  EXPECT_EQ(history, (std::vector<std::pair<v1::AppraisalState, std::string>>{
                         {v1::APPRAISAL_STATE_DRAFT, "sup-1/supervisor"},
                         {v1::APPRAISAL_STATE_SUBMITTED, "sup-1/supervisor"},
                         {v1::APPRAISAL_STATE_RETURNED, "emp-1/employee"},
                         {v1::APPRAISAL_STATE_SUBMITTED, "sup-1/supervisor"},
                         {v1::APPRAISAL_STATE_ACKNOWLEDGED, "emp-1/employee"},
                         {v1::APPRAISAL_STATE_FINALIZED, "sup-1/supervisor"}}));
  EXPECT_EQ(got.history(2).comment(), "the March case is missing");

  // A finalized appraisal never changes: edits and every transition are refused, naming the
  // state, and the stored record keeps its etag.
  v1::Appraisal ignored;
  grpc::Status s = Observe(got, kSup, {"pe.emg.01"}, &ignored);
  EXPECT_EQ(s.error_code(), grpc::StatusCode::FAILED_PRECONDITION);
  EXPECT_EQ(ViolatedFields(s), std::set<std::string>{"state"});
  EXPECT_EQ(Return(got.id(), got.etag(), kSup, &ignored).error_code(),
            grpc::StatusCode::FAILED_PRECONDITION);
  EXPECT_EQ(Submit(got.id(), got.etag(), kHr, &ignored).error_code(),
            grpc::StatusCode::FAILED_PRECONDITION);
  EXPECT_EQ(Finalize(got.id(), got.etag(), kSup, &ignored).error_code(),
            grpc::StatusCode::FAILED_PRECONDITION);
  ASSERT_TRUE(Get(c.id(), kHr, &got).ok());
  EXPECT_EQ(got.etag(), c.etag());

  // The annual cycle: finalized today, so emp-1 is not due; staff with no appraisal are: emp-3
  // (assigned to sup-1) and emp-9 (named).
  v1::ListDueAppraisalsRequest dreq;
  dreq.set_supervisor_id("sup-1");
  dreq.add_employee_ids("emp-9");
  v1::ListDueAppraisalsResponse dresp;
  ASSERT_TRUE(stub_->ListDueAppraisals(Ctx(kSup).get(), dreq, &dresp).ok());
  ASSERT_EQ(dresp.employees_size(), 2);
  EXPECT_EQ(dresp.employees(0).employee_id(), "emp-3");
  EXPECT_EQ(dresp.employees(1).employee_id(), "emp-9");
  // Two years on, emp-1 is due again.
  *dreq.mutable_as_of() = dresp.as_of();
  dreq.mutable_as_of()->set_year(dresp.as_of().year() + 2);
  dreq.mutable_as_of()->set_day(std::min(dresp.as_of().day(), 28));
  ASSERT_TRUE(stub_->ListDueAppraisals(Ctx(kSup).get(), dreq, &dresp).ok());
  EXPECT_EQ(dresp.employees_size(), 3);

  v1::GetTeamSummaryRequest treq;
  treq.set_supervisor_id("sup-1");
  treq.set_framework_id("sf-hsa-2944-anchors");
  v1::GetTeamSummaryResponse tresp;
  ASSERT_TRUE(stub_->GetTeamSummary(Ctx(kSup).get(), treq, &tresp).ok());
  EXPECT_EQ(tresp.employees(), 1);
  ASSERT_EQ(tresp.competencies_size(), 8);
  EXPECT_EQ(tresp.competencies(0).competency_id(), "pe");
  EXPECT_EQ(tresp.competencies(0).unknown(), 1);  // no threshold in the shipped framework
}

TEST_F(AppraisalE2eTest, RefusedTransitionsNameTheStateAndWriteNothing) {
  v1::Appraisal a = Create(NewAppraisal());
  v1::Appraisal out;
  // From DRAFT: no acknowledge (the draft does not exist for its employee), no finalize, no
  // return.
  grpc::Status s = Acknowledge(a.id(), a.etag(), kEmp, &out);
  EXPECT_EQ(s.error_code(), grpc::StatusCode::NOT_FOUND) << s.error_message();
  s = Finalize(a.id(), a.etag(), kSup, &out);
  EXPECT_EQ(s.error_code(), grpc::StatusCode::FAILED_PRECONDITION) << s.error_message();
  EXPECT_EQ(ViolatedFields(s), std::set<std::string>{"state"});
  EXPECT_EQ(Finalize(a.id(), a.etag(), kSup, &out).error_code(),
            grpc::StatusCode::FAILED_PRECONDITION);
  EXPECT_EQ(Return(a.id(), a.etag(), kSup, &out).error_code(),
            grpc::StatusCode::FAILED_PRECONDITION);
  // From SUBMITTED: no second submit, no edit, no finalize before acknowledgement.
  ASSERT_TRUE(Submit(a.id(), a.etag(), kSup, &a).ok());
  EXPECT_EQ(Submit(a.id(), a.etag(), kSup, &out).error_code(),
            grpc::StatusCode::FAILED_PRECONDITION);
  EXPECT_EQ(Observe(a, kSup, {"pe.emg.02"}, &out).error_code(),
            grpc::StatusCode::FAILED_PRECONDITION);
  EXPECT_EQ(Finalize(a.id(), a.etag(), kSup, &out).error_code(),
            grpc::StatusCode::FAILED_PRECONDITION);
  // From ACKNOWLEDGED: the employee may no longer return it; the supervisor may.
  ASSERT_TRUE(Acknowledge(a.id(), a.etag(), kEmp, &a).ok());
  EXPECT_EQ(Return(a.id(), a.etag(), kEmp, &out).error_code(),
            grpc::StatusCode::FAILED_PRECONDITION);
  EXPECT_EQ(Acknowledge(a.id(), a.etag(), kEmp, &out).error_code(),
            grpc::StatusCode::FAILED_PRECONDITION);
  v1::Appraisal got;
  ASSERT_TRUE(Get(a.id(), kSup, &got).ok());
  EXPECT_EQ(got.etag(), a.etag());
  EXPECT_EQ(got.state(), v1::APPRAISAL_STATE_ACKNOWLEDGED);
  ASSERT_TRUE(Return(a.id(), a.etag(), kSup, &out, "rating to revisit").ok());
  EXPECT_EQ(out.state(), v1::APPRAISAL_STATE_RETURNED);
}

TEST_F(AppraisalE2eTest, AccessForEachRole) {
  v1::Appraisal a = Create(NewAppraisal());
  v1::Appraisal b = Create(NewAppraisal("emp-2", "sup-2"), kOtherSup);
  v1::Appraisal out;
  // A draft does not exist for its employee (NOT_FOUND, as an unknown id), whatever roles.
  EXPECT_EQ(Get(a.id(), kEmp, &out).error_code(), grpc::StatusCode::NOT_FOUND);
  EXPECT_EQ(Get(a.id(), {"emp-1", "supervisor, employee"}, &out).error_code(),
            grpc::StatusCode::NOT_FOUND);
  EXPECT_EQ(ListCount(kEmp), 0);
  ASSERT_TRUE(Submit(a.id(), a.etag(), kSup, &a).ok());

  // Reads: own supervisor, own employee and HR; nobody else.
  EXPECT_TRUE(Get(a.id(), kSup, &out).ok());
  EXPECT_TRUE(Get(a.id(), kEmp, &out).ok());
  EXPECT_TRUE(Get(a.id(), kHr, &out).ok());
  EXPECT_EQ(Get(a.id(), kOtherSup, &out).error_code(), grpc::StatusCode::PERMISSION_DENIED);
  EXPECT_EQ(Get(a.id(), kOtherEmp, &out).error_code(), grpc::StatusCode::PERMISSION_DENIED);
  EXPECT_EQ(Get(a.id(), kNobody, &out).error_code(), grpc::StatusCode::UNAUTHENTICATED);
  // A principal without a role this service knows, or with roles it does not grant access
  // to (hr_analyst, agency_system), sees nothing; the id alone is not enough.
  EXPECT_EQ(Get(a.id(), {"sup-1", ""}, &out).error_code(), grpc::StatusCode::PERMISSION_DENIED);
  EXPECT_EQ(Get(a.id(), {"hr-2", "hr_analyst,agency_system"}, &out).error_code(),
            grpc::StatusCode::PERMISSION_DENIED);
  // The employee id matches but the caller is not acting as an employee.
  EXPECT_EQ(Get(a.id(), {"emp-1", "supervisor"}, &out).error_code(),
            grpc::StatusCode::PERMISSION_DENIED);
  // Both roles, comma-separated with spaces: reads as the employee.
  EXPECT_TRUE(Get(a.id(), {"emp-1", "supervisor, employee"}, &out).ok());
  {
    // Roles in two entries count together; two principal entries are refused, not guessed at.
    v1::GetAppraisalRequest req;
    req.set_appraisal_id(a.id());
    v1::GetAppraisalResponse resp;
    auto ctx = Ctx({"emp-1", "supervisor"});
    ctx->AddMetadata("x-classplan-roles", "employee");
    EXPECT_TRUE(stub_->GetAppraisal(ctx.get(), req, &resp).ok());
    auto twice = Ctx(kHr);
    twice->AddMetadata("x-classplan-principal", "sup-1");
    EXPECT_EQ(stub_->GetAppraisal(twice.get(), req, &resp).error_code(),
              grpc::StatusCode::UNAUTHENTICATED);
  }
  // A denied read of a missing appraisal is NOT_FOUND (existence is checked first; ids are
  // random 128-bit values, so this reveals nothing useful).
  EXPECT_EQ(Get("no-such-id", kOtherSup, &out).error_code(), grpc::StatusCode::NOT_FOUND);

  // Lists show only what the caller may see.
  EXPECT_EQ(ListCount(kSup), 1);
  EXPECT_EQ(ListCount(kOtherSup), 1);
  EXPECT_EQ(ListCount(kEmp), 1);
  EXPECT_EQ(ListCount(kHr), 2);
  grpc::StatusCode code;
  ListCount(kNobody, &code);
  EXPECT_EQ(code, grpc::StatusCode::UNAUTHENTICATED);
  v1::ListAppraisalsRequest lreq;
  lreq.set_employee_id("emp-2");
  v1::ListAppraisalsResponse lresp;
  EXPECT_EQ(stub_->ListAppraisals(Ctx(kEmp).get(), lreq, &lresp).error_code(),
            grpc::StatusCode::PERMISSION_DENIED);

  // Creation: a supervisor only for their own staff; employees never; HR for anyone.
  v1::CreateAppraisalResponse cresp;
  EXPECT_EQ(stub_->CreateAppraisal(Ctx(kOtherSup).get(), NewAppraisal(), &cresp).error_code(),
            grpc::StatusCode::PERMISSION_DENIED);
  EXPECT_EQ(stub_->CreateAppraisal(Ctx(kEmp).get(), NewAppraisal(), &cresp).error_code(),
            grpc::StatusCode::PERMISSION_DENIED);
  EXPECT_TRUE(stub_->CreateAppraisal(Ctx(kHr).get(), NewAppraisal("emp-3"), &cresp).ok());
  EXPECT_EQ(cresp.appraisal().history(0).actor_role(), "hr_admin");

  // Edits and transitions.
  EXPECT_EQ(Observe(a, kOtherSup, {"pe.emg.02"}, &out).error_code(),
            grpc::StatusCode::PERMISSION_DENIED);
  EXPECT_EQ(Observe(a, kEmp, {"pe.emg.02"}, &out).error_code(),
            grpc::StatusCode::PERMISSION_DENIED);
  EXPECT_EQ(Submit(a.id(), a.etag(), kEmp, &out).error_code(), grpc::StatusCode::PERMISSION_DENIED);
  EXPECT_EQ(Submit(a.id(), a.etag(), kOtherSup, &out).error_code(),
            grpc::StatusCode::PERMISSION_DENIED);
  // Only the employee acknowledges: not their supervisor, not HR, not another employee.
  EXPECT_EQ(Acknowledge(a.id(), a.etag(), kSup, &out).error_code(),
            grpc::StatusCode::PERMISSION_DENIED);
  EXPECT_EQ(Acknowledge(a.id(), a.etag(), kHr, &out).error_code(),
            grpc::StatusCode::PERMISSION_DENIED);
  EXPECT_EQ(Acknowledge(a.id(), a.etag(), kOtherEmp, &out).error_code(),
            grpc::StatusCode::PERMISSION_DENIED);
  ASSERT_TRUE(Acknowledge(a.id(), a.etag(), kEmp, &a).ok());
  EXPECT_EQ(Finalize(a.id(), a.etag(), kEmp, &out).error_code(),
            grpc::StatusCode::PERMISSION_DENIED);
  EXPECT_EQ(Finalize(a.id(), a.etag(), kOtherSup, &out).error_code(),
            grpc::StatusCode::PERMISSION_DENIED);
  // HR may finalize any appraisal.
  ASSERT_TRUE(Finalize(a.id(), a.etag(), kHr, &a).ok());
  EXPECT_EQ(a.history().rbegin()->actor_role(), "hr_admin");
  // b was untouched by all of this.
  ASSERT_TRUE(Get(b.id(), kOtherSup, &out).ok());
  EXPECT_EQ(out.etag(), b.etag());

  // Team views: a supervisor only for their own team, a unit only for HR.
  v1::ListDueAppraisalsRequest dreq;
  v1::ListDueAppraisalsResponse dresp;
  dreq.set_supervisor_id("sup-2");
  EXPECT_EQ(stub_->ListDueAppraisals(Ctx(kSup).get(), dreq, &dresp).error_code(),
            grpc::StatusCode::PERMISSION_DENIED);
  EXPECT_EQ(stub_->ListDueAppraisals(Ctx(kEmp).get(), dreq, &dresp).error_code(),
            grpc::StatusCode::PERMISSION_DENIED);
  EXPECT_TRUE(stub_->ListDueAppraisals(Ctx(kHr).get(), dreq, &dresp).ok());
  dreq.clear_supervisor_id();
  dreq.set_unit_id("unit-a");
  EXPECT_EQ(stub_->ListDueAppraisals(Ctx(kSup).get(), dreq, &dresp).error_code(),
            grpc::StatusCode::PERMISSION_DENIED);
  EXPECT_TRUE(stub_->ListDueAppraisals(Ctx(kHr).get(), dreq, &dresp).ok());
  v1::GetTeamSummaryRequest treq;
  treq.set_supervisor_id("sup-1");
  treq.set_framework_id("sf-hsa-2944-anchors");
  v1::GetTeamSummaryResponse tresp;
  EXPECT_EQ(stub_->GetTeamSummary(Ctx(kOtherSup).get(), treq, &tresp).error_code(),
            grpc::StatusCode::PERMISSION_DENIED);
  EXPECT_EQ(stub_->GetTeamSummary(Ctx(kNobody).get(), treq, &tresp).error_code(),
            grpc::StatusCode::UNAUTHENTICATED);
}

TEST_F(AppraisalE2eTest, StaleEtagIsAbortedAndTheWinnerStays) {
  v1::Appraisal a = Create(NewAppraisal());
  v1::Appraisal first, out;
  ASSERT_TRUE(Observe(a, kSup, {"pe.emg.02"}, &first).ok());
  // A second writer still holding the first etag loses, whatever it tries.
  EXPECT_EQ(Observe(a, kSup, {"pe.emg.03"}, &out).error_code(), grpc::StatusCode::ABORTED);
  EXPECT_EQ(Submit(a.id(), a.etag(), kSup, &out).error_code(), grpc::StatusCode::ABORTED);
  EXPECT_EQ(Observe(a, kSup, {"pe.emg.03"}, &out, "v99").error_code(), grpc::StatusCode::ABORTED);
  v1::Appraisal got;
  ASSERT_TRUE(Get(a.id(), kSup, &got).ok());
  EXPECT_EQ(got.etag(), first.etag());
  ASSERT_EQ(got.assessments(0).observed_indicator_ids_size(), 1);
  EXPECT_EQ(got.assessments(0).observed_indicator_ids(0), "pe.emg.02");
  EXPECT_EQ(got.state(), v1::APPRAISAL_STATE_DRAFT);
}

TEST_F(AppraisalE2eTest, BadInputNamesFieldsAndWritesNothing) {
  v1::CreateAppraisalRequest req = NewAppraisal();
  req.mutable_appraisal()->mutable_assessments(0)->add_observed_indicator_ids("pe.emg.99");
  req.mutable_appraisal()->mutable_assessments(0)->add_observed_indicator_ids("com.emg.01");
  *req.mutable_appraisal()->mutable_period_end() = D(2023, 12, 31);  // before the start
  v1::CreateAppraisalResponse resp;
  grpc::Status s = stub_->CreateAppraisal(Ctx(kSup).get(), req, &resp);
  EXPECT_EQ(s.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_EQ(ViolatedFields(s),
            (std::set<std::string>{"appraisal.assessments[0].observed_indicator_ids[1]",
                                   "appraisal.assessments[0].observed_indicator_ids[2]",
                                   "appraisal.period_end"}));
  // Error messages name fields, never the personal values sent.
  EXPECT_EQ(s.error_message().find("emp-1"), std::string::npos) << s.error_message();

  v1::CreateAppraisalRequest missing;
  s = stub_->CreateAppraisal(Ctx(kHr).get(), missing, &resp);
  EXPECT_EQ(s.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_TRUE(ViolatedFields(s).count("appraisal.employee_id"));
  EXPECT_TRUE(ViolatedFields(s).count("appraisal.date_entered_class"));

  // A rating on a framework without a rating scale, an unknown competency.
  req = NewAppraisal();
  req.mutable_appraisal()->mutable_assessments(0)->set_rating(3);
  req.mutable_appraisal()->add_assessments()->set_competency_id("no-such");
  s = stub_->CreateAppraisal(Ctx(kSup).get(), req, &resp);
  EXPECT_EQ(ViolatedFields(s), (std::set<std::string>{"appraisal.assessments[0].rating",
                                                      "appraisal.assessments[1].competency_id"}));
  EXPECT_EQ(ListCount(kHr), 0);  // nothing was written

  // A bad update leaves the stored appraisal as it was.
  v1::Appraisal a = Create(NewAppraisal());
  v1::Appraisal out;
  s = Observe(a, kSup, {"pe.emg.01", "xx.emg.01"}, &out);
  EXPECT_EQ(s.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_EQ(ViolatedFields(s),
            std::set<std::string>{"appraisal.assessments[0].observed_indicator_ids[1]"});
  v1::UpdateAppraisalRequest ureq;
  ureq.mutable_appraisal()->set_id(a.id());
  ureq.mutable_appraisal()->set_etag(a.etag());
  ureq.mutable_update_mask()->add_paths("state");
  v1::UpdateAppraisalResponse uresp;
  s = stub_->UpdateAppraisal(Ctx(kSup).get(), ureq, &uresp);
  EXPECT_EQ(ViolatedFields(s), std::set<std::string>{"update_mask.paths[0]"});
  v1::Appraisal got;
  ASSERT_TRUE(Get(a.id(), kSup, &got).ok());
  EXPECT_EQ(got.etag(), a.etag());
  EXPECT_EQ(ListCount(kHr), 1);

  // Expected proficiency: as_of before the entry date.
  v1::GetExpectedProficiencyRequest ereq;
  ereq.set_framework_id("sf-hsa-2944-anchors");
  *ereq.mutable_date_entered_class() = D(2022, 5, 1);
  *ereq.mutable_as_of() = D(2022, 4, 30);
  v1::GetExpectedProficiencyResponse eresp;
  s = stub_->GetExpectedProficiency(Ctx(kEmp).get(), ereq, &eresp);
  EXPECT_EQ(ViolatedFields(s), std::set<std::string>{"as_of"});
}

TEST_F(AppraisalE2eTest, ClassplanctlRunsTheWorkflow) {
  std::string out;
  // The spelling: space-separated values and a dashed flag name.
  ASSERT_EQ(Ctl({"--principal=emp-1", "--roles=employee", "appraisal", "expected", "--entered",
                 "2022-05-01", "--as-of", "2025-11-01"},
                &out),
            0)
      << out;
  EXPECT_NE(out.find("expected level  Acquired"), std::string::npos) << out;
  EXPECT_NE(out.find("42 completed months"), std::string::npos) << out;
  // No identity: UNAUTHENTICATED is exit code 1.
  EXPECT_EQ(Ctl({"appraisal", "expected", "--entered=2022-05-01"}, &out), 1);

  const std::vector<std::string> sup = {"--principal=sup-1", "--roles=supervisor"};
  auto as = [&](const std::vector<std::string>& who, std::vector<std::string> args) {
    args.insert(args.begin(), who.begin(), who.end());
    return Ctl(args, &out);
  };
  ASSERT_EQ(
      as(sup, {"appraisal", "create", "--employee=emp-1", "--class_code=2944",
               "--entered=2021-03-15", "--period_start=2024-01-01", "--period_end=2024-12-31"}),
      0)
      << out;
  EXPECT_NE(out.find("expected level Acquired"), std::string::npos) << out;
  const std::string marker = "created appraisal ";
  ASSERT_NE(out.find(marker), std::string::npos);
  const std::string id = out.substr(out.find(marker) + marker.size(), 32);

  ASSERT_EQ(as(sup, {"appraisal", "observe", id, "--competency=pe",
                     "--indicators=pe.emg.01,pe.emg.02", "--evidence=March conference"}),
            0)
      << out;
  // Bad input is exit code 4 and names the field; a stale etag is 6.
  EXPECT_EQ(as(sup, {"appraisal", "observe", id, "--competency=pe", "--indicators=pe.emg.99"}), 4);
  EXPECT_EQ(as(sup, {"appraisal", "observe", id, "--competency=pe", "--indicators=pe.emg.03",
                     "--etag=v1"}),
            6);
  ASSERT_EQ(as(sup, {"appraisal", "goal", id, "--competency=pe", "--specific=Lead two conferences",
                     "--measure=Notes reviewed", "--target_date=2025-06-30"}),
            0)
      << out;
  ASSERT_EQ(as(sup, {"appraisal", "observe", id, "--competency=pe", "--unobserve=pe.emg.02"}), 0)
      << out;
  ASSERT_EQ(as(sup, {"appraisal", "edit", id, "--comments=Strong year", "--period_end=2024-12-30"}),
            0)
      << out;
  EXPECT_EQ(as(sup, {"appraisal", "edit", id}), 2);  // nothing to change
  ASSERT_EQ(as(sup, {"appraisal", "submit", id}), 0) << out;
  EXPECT_NE(out.find("is now SUBMITTED"), std::string::npos) << out;
  // Another supervisor is refused (exit 1), the employee acknowledges.
  EXPECT_EQ(as({"--principal=sup-2", "--roles=supervisor"}, {"appraisal", "show", id}), 1);
  ASSERT_EQ(as({"--principal=emp-1", "--roles=employee"},
               {"appraisal", "acknowledge", id, "--comments=Agreed"}),
            0)
      << out;
  ASSERT_EQ(as(sup, {"appraisal", "finalize", id}), 0) << out;
  ASSERT_EQ(as(sup, {"appraisal", "show", id}), 0) << out;
  for (const char* want :
       {"FINALIZED", "expected level Acquired", "pe          1         1", "Lead two conferences",
        "employee's comments: Agreed", "supervisor's comments: Strong year",
        "2024-01-01 to 2024-12-30", "SUBMITTED -> ACKNOWLEDGED  emp-1", "pe.emg.03"}) {
    EXPECT_NE(out.find(want), std::string::npos) << want << " in\n" << out;
  }
  // A finalized appraisal: the transition is refused with exit code 4.
  EXPECT_EQ(as(sup, {"appraisal", "return", id, "--reason=late change"}), 4);

  ASSERT_EQ(as(sup, {"appraisal", "due", "--employees=emp-7"}), 0) << out;
  EXPECT_NE(out.find("emp-7"), std::string::npos) << out;
  EXPECT_EQ(out.find("emp-1 "), std::string::npos) << out;
  ASSERT_EQ(as(sup, {"appraisal", "team"}), 0) << out;
  EXPECT_NE(out.find("1 employees"), std::string::npos) << out;
  ASSERT_EQ(as({"--principal=hr-1", "--roles=hr_admin"}, {"appraisal", "list"}), 0) << out;
  EXPECT_NE(out.find("1 appraisals"), std::string::npos) << out;
}

// The reason code a segregation-of-duties refusal carries (its BadRequest violation).
std::string Reason(const grpc::Status& s) {
  auto v = status::GetFieldViolations(status::FromGrpcStatus(s));
  return v.empty() ? "" : v[0].description;
}

TEST_F(AppraisalE2eTest, SegregationOfDuties) {
  v1::CreateAppraisalResponse cresp;
  // A key holding supervisor and employee roles opens its own appraisal: refused, with the
  // reason, and no id in the message.
  const Caller both{"sup-1", "supervisor,employee"};
  v1::CreateAppraisalRequest own = NewAppraisal("sup-1", "");
  grpc::Status s = stub_->CreateAppraisal(Ctx(both).get(), own, &cresp);
  ASSERT_EQ(s.error_code(), grpc::StatusCode::PERMISSION_DENIED) << s.error_message();
  EXPECT_EQ(Reason(s), "SELF_APPRAISAL");
  EXPECT_EQ(s.error_message().find("sup-1"), std::string::npos) << s.error_message();
  // HR may not record a relationship making themselves someone's employee or supervisor.
  v1::AssignSupervisorRequest areq;
  areq.mutable_assignment()->set_employee_id("hr-1");
  areq.mutable_assignment()->set_supervisor_id("sup-1");
  *areq.mutable_assignment()->mutable_from_date() = D(2000, 1, 1);
  v1::AssignSupervisorResponse aresp;
  s = stub_->AssignSupervisor(Ctx(kHr).get(), areq, &aresp);
  EXPECT_EQ(Reason(s), "SELF_ASSIGNMENT");
  // ... and only HR records them.
  areq.mutable_assignment()->set_employee_id("emp-4");
  EXPECT_EQ(stub_->AssignSupervisor(Ctx(kSup).get(), areq, &aresp).error_code(),
            grpc::StatusCode::PERMISSION_DENIED);
  // The same pair again over overlapping dates: ALREADY_EXISTS.
  areq.mutable_assignment()->set_employee_id("emp-1");
  EXPECT_EQ(stub_->AssignSupervisor(Ctx(kHr).get(), areq, &aresp).error_code(),
            grpc::StatusCode::ALREADY_EXISTS);

  // A supervisor outside the relationship: refused; inside: accepted.
  s = stub_->CreateAppraisal(Ctx(kOtherSup).get(), NewAppraisal("emp-1", "sup-2"), &cresp);
  ASSERT_EQ(s.error_code(), grpc::StatusCode::PERMISSION_DENIED) << s.error_message();
  EXPECT_EQ(Reason(s), "NOT_ASSIGNED");
  const v1::SupervisorAssignment rel = Assign("emp-1", "sup-2");
  ASSERT_TRUE(
      stub_->CreateAppraisal(Ctx(kOtherSup).get(), NewAppraisal("emp-1", "sup-2"), &cresp).ok());
  // The relationship ends (its last day long ago): refused again.
  v1::EndSupervisorAssignmentRequest ereq;
  ereq.set_assignment_id(rel.id());
  ereq.set_etag(rel.etag());
  *ereq.mutable_to_date() = D(2000, 12, 31);
  v1::EndSupervisorAssignmentResponse eresp;
  ASSERT_TRUE(stub_->EndSupervisorAssignment(Ctx(kHr).get(), ereq, &eresp).ok());
  EXPECT_EQ(eresp.assignment().ended_by(), "hr-1");
  s = stub_->CreateAppraisal(Ctx(kOtherSup).get(), NewAppraisal("emp-1", "sup-2"), &cresp);
  EXPECT_EQ(Reason(s), "NOT_ASSIGNED");
  // Lists: HR sees every relationship, a supervisor their staff's, an employee their own.
  v1::ListSupervisorAssignmentsRequest lreq;
  v1::ListSupervisorAssignmentsResponse lresp;
  ASSERT_TRUE(stub_->ListSupervisorAssignments(Ctx(kHr).get(), lreq, &lresp).ok());
  EXPECT_EQ(lresp.assignments_size(), 4);
  ASSERT_TRUE(stub_->ListSupervisorAssignments(Ctx(kSup).get(), lreq, &lresp).ok());
  EXPECT_EQ(lresp.assignments_size(), 2);  // emp-1 and emp-3
  ASSERT_TRUE(stub_->ListSupervisorAssignments(Ctx(kEmp).get(), lreq, &lresp).ok());
  EXPECT_EQ(lresp.assignments_size(), 2);  // sup-1 and the ended sup-2
}

TEST_F(AppraisalE2eTest, DeclineAddendumAndVoid) {
  v1::Appraisal a = Create(NewAppraisal());
  ASSERT_TRUE(Submit(a.id(), a.etag(), kSup, &a).ok());
  v1::DeclineAppraisalRequest dreq;
  dreq.set_comments("the March case was not mine");
  ASSERT_TRUE(
      Move(&v1::AppraisalService::Stub::DeclineAppraisal, a.id(), a.etag(), kEmp, &a, dreq).ok());
  EXPECT_EQ(a.state(), v1::APPRAISAL_STATE_DECLINED);
  // The supervisor may not finalize a declined appraisal; HR does, with a note.
  v1::Appraisal out;
  EXPECT_EQ(Finalize(a.id(), a.etag(), kSup, &out).error_code(),
            grpc::StatusCode::FAILED_PRECONDITION);
  EXPECT_EQ(Finalize(a.id(), a.etag(), kHr, &out).error_code(),
            grpc::StatusCode::INVALID_ARGUMENT);  // no note
  v1::FinalizeAppraisalRequest freq;
  freq.set_note("employee declined to acknowledge; finalized after review");
  ASSERT_TRUE(
      Move(&v1::AppraisalService::Stub::FinalizeAppraisal, a.id(), a.etag(), kHr, &a, freq).ok());
  EXPECT_EQ(a.state(), v1::APPRAISAL_STATE_FINALIZED);
  EXPECT_TRUE(a.employee_declined());
  EXPECT_EQ(a.history().rbegin()->comment(), freq.note());

  // A correction is an addendum, shown with the appraisal; its employee may not add one.
  v1::AddAppraisalAddendumRequest xreq;
  xreq.set_appraisal_id(a.id());
  xreq.set_reason("wrong case cited");
  xreq.set_text("the March conference was led by another worker");
  v1::AddAppraisalAddendumResponse xresp;
  EXPECT_EQ(stub_->AddAppraisalAddendum(Ctx(kEmp).get(), xreq, &xresp).error_code(),
            grpc::StatusCode::PERMISSION_DENIED);
  ASSERT_TRUE(stub_->AddAppraisalAddendum(Ctx(kSup).get(), xreq, &xresp).ok());
  v1::Appraisal got;
  ASSERT_TRUE(Get(a.id(), kEmp, &got).ok());
  ASSERT_EQ(got.addenda_size(), 1);
  EXPECT_EQ(got.addenda(0).author_id(), "sup-1");
  EXPECT_EQ(got.addenda(0).text(), xreq.text());
  EXPECT_EQ(got.supervisor_comments(), a.supervisor_comments());  // content unchanged

  // HR voids it: kept for HR, gone for the others, out of the due list and the summary.
  v1::VoidAppraisalRequest vreq;
  vreq.set_reason("opened for the wrong period");
  EXPECT_EQ(Move(&v1::AppraisalService::Stub::VoidAppraisal, got.id(), got.etag(), kSup, &out, vreq)
                .error_code(),
            grpc::StatusCode::PERMISSION_DENIED);
  ASSERT_TRUE(
      Move(&v1::AppraisalService::Stub::VoidAppraisal, got.id(), got.etag(), kHr, &out, vreq).ok());
  EXPECT_EQ(out.state(), v1::APPRAISAL_STATE_VOIDED);
  ASSERT_TRUE(Get(a.id(), kHr, &got).ok());
  EXPECT_EQ(got.addenda_size(), 1);
  EXPECT_EQ(Get(a.id(), kSup, &got).error_code(), grpc::StatusCode::NOT_FOUND);
  EXPECT_EQ(Get(a.id(), kEmp, &got).error_code(), grpc::StatusCode::NOT_FOUND);
  v1::ListDueAppraisalsRequest due;
  v1::ListDueAppraisalsResponse dresp;
  ASSERT_TRUE(stub_->ListDueAppraisals(Ctx(kSup).get(), due, &dresp).ok());
  std::set<std::string> employees;
  for (const auto& e : dresp.employees()) employees.insert(e.employee_id());
  EXPECT_TRUE(employees.count("emp-1"));  // the voided appraisal counts for nothing
  v1::GetTeamSummaryRequest treq;
  treq.set_framework_id("sf-hsa-2944-anchors");
  v1::GetTeamSummaryResponse tresp;
  ASSERT_TRUE(stub_->GetTeamSummary(Ctx(kSup).get(), treq, &tresp).ok());
  EXPECT_EQ(tresp.employees(), 0);
}

TEST_F(AppraisalE2eTest, ClassplanctlAssignmentsDeclineAddendumAndVoid) {
  std::string out;
  const std::vector<std::string> hr = {"--principal=hr-1", "--roles=hr_admin"};
  const std::vector<std::string> sup = {"--principal=sup-2", "--roles=supervisor"};
  const std::vector<std::string> emp = {"--principal=emp-5", "--roles=employee"};
  auto as = [&](const std::vector<std::string>& who, std::vector<std::string> args) {
    args.insert(args.begin(), who.begin(), who.end());
    return Ctl(args, &out);
  };
  const std::vector<std::string> create = {"appraisal",
                                           "create",
                                           "--employee=emp-5",
                                           "--class_code=2944",
                                           "--entered=2021-03-15",
                                           "--period_start=2024-01-01",
                                           "--period_end=2024-12-31"};
  EXPECT_EQ(as(sup, create), 1) << out;  // not assigned: PERMISSION_DENIED
  ASSERT_EQ(as(hr, {"appraisal", "assignment", "add", "--employee=emp-5", "--supervisor=sup-2",
                    "--from=2020-01-01"}),
            0)
      << out;
  const std::string recorded = "recorded assignment ";
  ASSERT_NE(out.find(recorded), std::string::npos) << out;
  const std::string assignment = out.substr(out.find(recorded) + recorded.size(), 32);
  EXPECT_EQ(as(hr, {"appraisal", "assignment", "add", "--employee=emp-5", "--supervisor=sup-2",
                    "--from=2021-01-01"}),
            6)
      << out;  // overlaps: a conflict
  ASSERT_EQ(as(hr, {"appraisal", "assignment", "list", "--employee=emp-5"}), 0) << out;
  EXPECT_NE(out.find("1 assignments"), std::string::npos) << out;
  EXPECT_NE(out.find("open"), std::string::npos) << out;

  ASSERT_EQ(as(sup, create), 0) << out;
  const std::string marker = "created appraisal ";
  ASSERT_NE(out.find(marker), std::string::npos);
  const std::string id = out.substr(out.find(marker) + marker.size(), 32);
  EXPECT_EQ(as(emp, {"appraisal", "show", id}), 3) << out;  // a draft: not found
  ASSERT_EQ(as(sup, {"appraisal", "submit", id}), 0) << out;
  ASSERT_EQ(as(emp, {"appraisal", "decline", id, "--comments=Not my year"}), 0) << out;
  EXPECT_NE(out.find("is now DECLINED"), std::string::npos) << out;
  EXPECT_EQ(as(hr, {"appraisal", "finalize", id}), 4) << out;  // the note is required
  ASSERT_EQ(as(hr, {"appraisal", "finalize", id, "--note=Employee declined; HR finalized"}), 0)
      << out;
  ASSERT_EQ(as(sup, {"appraisal", "addendum", id, "--reason=Typo", "--text=Read 12 not 21"}), 0)
      << out;
  ASSERT_EQ(as(emp, {"appraisal", "show", id}), 0) << out;
  for (const char* want : {"FINALIZED", "declined to acknowledge",
                           "Employee declined; HR finalized", "addenda", "Read 12 not 21"}) {
    EXPECT_NE(out.find(want), std::string::npos) << want << " in\n" << out;
  }
  ASSERT_EQ(as(hr, {"appraisal", "void", id, "--reason=Wrong employee"}), 0) << out;
  EXPECT_NE(out.find("is now VOIDED"), std::string::npos) << out;
  EXPECT_EQ(as(sup, {"appraisal", "show", id}), 3) << out;
  ASSERT_EQ(as(hr, {"appraisal", "list", "--state=voided"}), 0) << out;
  EXPECT_NE(out.find("1 appraisals"), std::string::npos) << out;

  ASSERT_EQ(as(hr, {"appraisal", "assignment", "end", assignment, "--to=2024-12-31"}), 0) << out;
  EXPECT_NE(out.find("2024-12-31"), std::string::npos) << out;
  EXPECT_EQ(as(hr, {"appraisal", "assignment", "end", assignment, "--to=2024-12-31"}), 4) << out;
}

TEST_F(AppraisalE2eTest, IndicatorOfAnotherFrameworkIsRefused) {
  // A second indicator framework beside the shipped ones: the 2944 anchors under another id,
  // for another class, with competency "pe" renamed "zq" (so its indicators are "zq.emg.01",
  // ...).
  namespace fs = std::filesystem;
  const fs::path frameworks = fs::path(dir_) / "frameworks";
  fs::create_directories(frameworks);
  for (const auto& e : fs::directory_iterator(SourcePath("data/appraisal"))) {
    fs::copy_file(e.path(), frameworks / e.path().filename());
  }
  std::string text =
      testing::ReadWholeFile(SourcePath("data/appraisal/sf-hsa-2944-anchors.textproto"));
  auto replace_all = [&](const std::string& from, const std::string& to) {
    for (size_t p = text.find(from); p != std::string::npos; p = text.find(from, p + to.size())) {
      text.replace(p, from.size(), to);
    }
  };
  replace_all("id: \"sf-hsa-2944-anchors\"", "id: \"test-other-anchors\"");
  replace_all("class_codes: \"2944\"", "class_codes: \"TEST1\"");
  replace_all("id: \"pe\"", "id: \"zq\"");
  replace_all("\"pe.", "\"zq.");
  std::ofstream(frameworks / "zz-test-other.textproto") << text;
  ASSERT_EQ(server_->Terminate(), 0);
  data_dir_ = frameworks.string();
  Start();

  v1::CreateAppraisalRequest req = NewAppraisal();
  req.mutable_appraisal()->mutable_assessments(0)->add_observed_indicator_ids("zq.emg.01");
  v1::CreateAppraisalResponse resp;
  grpc::Status s = stub_->CreateAppraisal(Ctx(kSup).get(), req, &resp);
  ASSERT_EQ(s.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  auto v = status::GetFieldViolations(status::FromGrpcStatus(s));
  ASSERT_EQ(v.size(), 1u);
  EXPECT_EQ(v[0].field, "appraisal.assessments[0].observed_indicator_ids[1]");
  EXPECT_EQ(v[0].description, "indicator belongs to another framework");
  EXPECT_EQ(ListCount(kHr), 0);
}

TEST_F(AppraisalE2eTest, RacingWritersWithOneEtagOnlyOneWins) {
  v1::Appraisal a = Create(NewAppraisal());
  constexpr int kWriters = 8;
  std::vector<grpc::StatusCode> codes(kWriters);
  std::vector<std::thread> threads;
  threads.reserve(kWriters);
  for (int i = 0; i < kWriters; ++i) {
    threads.emplace_back([&, i] {
      v1::Appraisal out;
      codes[i] = Observe(a, kSup, {"pe.emg.0" + std::to_string(i + 1)}, &out).error_code();
    });
  }
  for (auto& t : threads) t.join();
  EXPECT_EQ(std::count(codes.begin(), codes.end(), grpc::StatusCode::OK), 1);
  EXPECT_EQ(std::count(codes.begin(), codes.end(), grpc::StatusCode::ABORTED), kWriters - 1);
  v1::Appraisal got;
  ASSERT_TRUE(Get(a.id(), kSup, &got).ok());
  EXPECT_EQ(got.etag(), "v2");  // exactly one write landed
}

// Appraisals are personnel records: a write the service acknowledged survives SIGKILL.
TEST_F(AppraisalE2eTest, AcknowledgedWritesSurviveSigkill) {
  v1::Appraisal a = Create(NewAppraisal());
  server_->Kill();  // no drain, no clean close of the database
  Start();
  v1::Appraisal got;
  grpc::Status s = Get(a.id(), kHr, &got);
  ASSERT_TRUE(s.ok()) << s.error_message();
  EXPECT_EQ(got.etag(), a.etag());
  EXPECT_EQ(got.employee_id(), "emp-1");
  EXPECT_EQ(got.assessments(0).evidence(0), "Case conference notes, March");

  ASSERT_TRUE(Submit(got.id(), got.etag(), kSup, &got).ok());
  server_->Kill();
  Start();
  v1::Appraisal after;
  ASSERT_TRUE(Get(a.id(), kEmp, &after).ok());
  EXPECT_EQ(after.state(), v1::APPRAISAL_STATE_SUBMITTED);
  EXPECT_EQ(after.etag(), got.etag());
  EXPECT_EQ(after.history_size(), 2);
}

TEST_F(AppraisalE2eTest, DrainsOnSigterm) {
  EXPECT_EQ(server_->Terminate(), 0);
  const std::string log = testing::ReadWholeFile(log_);
  EXPECT_NE(log.find("\"msg\":\"stopped\""), std::string::npos) << log;
  // No personal data in the log of a whole session.
  Start();
  Assign("emp-secret-42", "sup-1");
  Create(NewAppraisal("emp-secret-42"));
  EXPECT_EQ(server_->Terminate(), 0);
  EXPECT_EQ(testing::ReadWholeFile(log_).find("emp-secret-42"), std::string::npos);
}

}  // namespace
}  // namespace classplan
