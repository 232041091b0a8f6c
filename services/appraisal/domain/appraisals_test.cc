#include "services/appraisal/domain/appraisals.h"

#include <cstdlib>

#include "common/api/page_token.h"
#include "common/audit/audit_proto.h"
#include "common/dates/dates.h"
#include "common/status/field_violations.h"
#include "gtest/gtest.h"
#include "services/appraisal/data/loader.h"
#include "services/appraisal/domain/checks.h"
#include "services/appraisal/store/sqlite_appraisal_store.h"

namespace classplan::appraisal {
namespace {

constexpr auto* D = &dates::Ymd;

const Principal kSup{"sup-1", {Role::kSupervisor}};
const Principal kOtherSup{"sup-2", {Role::kSupervisor}};
const Principal kEmp{"emp-1", {Role::kEmployee}};
const Principal kOtherEmp{"emp-2", {Role::kEmployee}};
const Principal kHr{"hr-1", {Role::kHrAdmin}};

class AppraisalsTest : public ::testing::Test {
 protected:
  void SetUp() override {
    store_ = *SqliteAppraisalStore::Open(":memory:", 1);
    const char* src = std::getenv("CLASSPLAN_SOURCE_DIR");
    auto frameworks = LoadFrameworkDir(std::string(src ? src : ".") + "/data/appraisal");
    ASSERT_TRUE(frameworks.ok()) << frameworks.status();
    for (auto f : *frameworks) {
      if (f.id() == "sf-hsa-2944-anchors") {  // configure a threshold, as an agency would
        f.mutable_demonstration_rule()->set_basis(v1::RULE_BASIS_AGENCY_CONFIGURED);
        f.mutable_demonstration_rule()->set_threshold_percent(50);
      }
      ASSERT_TRUE(store_->PutFramework(f).ok());
    }
    Appraisals::Options o;
    o.clock = [this] { return now_; };
    o.new_id = [this] { return "a" + std::to_string(++ids_); };
    domain_ = std::make_unique<Appraisals>(store_.get(), o);
    // Appraisals are opened only under a reporting relationship in force on the day.
    Assign("emp-1", "sup-1", D(2020, 1, 1));
  }

  // Records (in the store) that `supervisor` supervises `employee` from `from` on.
  void Assign(const std::string& employee, const std::string& supervisor, const dates::Date& from,
              const dates::Date* to = nullptr) {
    v1::SupervisorAssignment as;
    as.set_id("as-" + std::to_string(++assignments_));
    as.set_employee_id(employee);
    as.set_supervisor_id(supervisor);
    *as.mutable_from_date() = from;
    if (to != nullptr) *as.mutable_to_date() = *to;
    audit::Event e;  // as AssignSupervisor would record it
    e.principal = "hr-1";
    e.resource_type = "supervisor_assignment";
    e.resource_id = as.id();
    e.etag_after = "v1";
    ASSERT_TRUE(store_->CreateAssignment(as, e).ok());
  }

  // Stores an appraisal as it is, bypassing the rules (e.g. one written before them).
  v1::Appraisal Stored(const std::string& id, const std::string& employee,
                       const std::string& supervisor, v1::AppraisalState state) {
    v1::Appraisal a = Create();
    a.set_id(id);
    a.set_employee_id(employee);
    a.set_supervisor_id(supervisor);
    a.set_state(state);
    a.clear_etag();
    EXPECT_TRUE(store_->CreateAppraisal(a, audit::Event()).ok());
    a.set_etag("v1");
    return a;
  }

  v1::CreateAppraisalRequest NewRequest() {
    v1::CreateAppraisalRequest r;
    auto* a = r.mutable_appraisal();
    a->set_employee_id("emp-1");
    a->set_class_code("2944");
    a->set_supervisor_id("sup-1");
    a->set_unit_id("unit-a");
    *a->mutable_date_entered_class() = D(2021, 1, 1);
    *a->mutable_period_start() = D(2023, 1, 1);
    *a->mutable_period_end() = D(2023, 12, 31);
    auto* as = a->add_assessments();
    as->set_competency_id("pe");
    as->add_observed_indicator_ids("pe.emg.01");
    return r;
  }

  v1::Appraisal Create() {
    auto got = domain_->CreateAppraisal(kSup, NewRequest());
    EXPECT_TRUE(got.ok()) << got.status();
    return got->appraisal();
  }

  // Sends `r`, given `a`'s id and etag, through `call`; the appraisal it answers.
  template <typename Req, typename Call>
  static absl::StatusOr<v1::Appraisal> Act(Req r, const v1::Appraisal& a, Call call) {
    r.set_appraisal_id(a.id());
    r.set_etag(a.etag());
    auto got = call(r);
    if (!got.ok()) return got.status();
    return got->appraisal();
  }

  absl::StatusOr<v1::Appraisal> Do(const Principal& p, const std::string& action,
                                   const v1::Appraisal& a) {
    if (action == "submit") {
      return Act(v1::SubmitAppraisalRequest(), a,
                 [&](const auto& r) { return domain_->SubmitAppraisal(p, r); });
    }
    if (action == "acknowledge") {
      v1::AcknowledgeAppraisalRequest r;
      r.set_comments("ok");
      return Act(r, a, [&](const auto& r) { return domain_->AcknowledgeAppraisal(p, r); });
    }
    if (action == "return") {
      v1::ReturnAppraisalRequest r;
      r.set_reason("fix");
      return Act(r, a, [&](const auto& r) { return domain_->ReturnAppraisal(p, r); });
    }
    if (action == "finalize") {
      v1::FinalizeAppraisalRequest r;
      if (a.state() == v1::APPRAISAL_STATE_DECLINED) r.set_note("employee declined; finalized");
      return Act(r, a, [&](const auto& r) { return domain_->FinalizeAppraisal(p, r); });
    }
    if (action == "decline") {
      v1::DeclineAppraisalRequest r;
      r.set_comments("I disagree");
      return Act(r, a, [&](const auto& r) { return domain_->DeclineAppraisal(p, r); });
    }
    if (action == "void") {
      v1::VoidAppraisalRequest r;
      r.set_reason("opened by mistake");
      return Act(r, a, [&](const auto& r) { return domain_->VoidAppraisal(p, r); });
    }
    return absl::InternalError("unknown action");
  }

  // Drives a new appraisal to `state` by the allowed path.
  v1::Appraisal InState(v1::AppraisalState state) {
    v1::Appraisal a = Create();
    auto step = [&](const Principal& p, const char* action) { a = *Do(p, action, a); };
    if (state == v1::APPRAISAL_STATE_DRAFT) return a;
    step(kSup, "submit");
    if (state == v1::APPRAISAL_STATE_SUBMITTED) return a;
    if (state == v1::APPRAISAL_STATE_RETURNED) {
      step(kSup, "return");
      return a;
    }
    if (state == v1::APPRAISAL_STATE_DECLINED) {
      step(kEmp, "decline");
      return a;
    }
    if (state == v1::APPRAISAL_STATE_VOIDED) {
      step(kHr, "void");
      return a;
    }
    step(kEmp, "acknowledge");
    if (state == v1::APPRAISAL_STATE_ACKNOWLEDGED) return a;
    step(kSup, "finalize");
    return a;
  }

  // Every audit event (of `resource_type`, when given), as hr_admin reads them.
  std::vector<classplan::common::v1::AuditEvent> Events(const std::string& resource_type = "") {
    classplan::common::v1::ListAuditEventsRequest r;
    r.set_resource_type(resource_type);
    auto page = domain_->ListAuditEvents(kHr, r);
    EXPECT_TRUE(page.ok()) << page.status();
    if (!page.ok()) return {};
    return {page->events().begin(), page->events().end()};
  }

  std::unique_ptr<SqliteAppraisalStore> store_;
  std::unique_ptr<Appraisals> domain_;
  absl::Time now_ = absl::FromUnixSeconds(1704067200);  // 2024-01-01T00:00:00Z
  int ids_ = 0;
  int assignments_ = 0;
};

// The reason code a segregation-of-duties refusal carries.
std::string Reason(const absl::Status& s) {
  auto v = status::GetFieldViolations(s);
  return v.empty() ? "" : v[0].description;
}

TEST_F(AppraisalsTest, CreateComputesExpectedAndDemonstrated) {
  v1::Appraisal a = Create();
  EXPECT_EQ(a.state(), v1::APPRAISAL_STATE_DRAFT);
  EXPECT_EQ(a.etag(), "v1");
  EXPECT_EQ(a.framework_id(), "sf-hsa-2944-anchors");
  EXPECT_EQ(a.tenure_months(), 35);
  EXPECT_EQ(a.expected_level(), v1::PROFICIENCY_LEVEL_DEVELOPING);
  EXPECT_EQ(a.assessments(0).demonstrated_level(), v1::PROFICIENCY_LEVEL_UNSPECIFIED);
  EXPECT_EQ(a.assessments(0).comparison(), v1::COMPARISON_BELOW);
  ASSERT_EQ(a.history_size(), 1);
  EXPECT_EQ(a.history(0).actor_id(), "sup-1");
  EXPECT_FALSE(a.development_plan().empty());
}

TEST_F(AppraisalsTest, ExpectedProficiencyTwoYearsIsDeveloping) {
  v1::GetExpectedProficiencyRequest r;
  r.set_class_code("2944");
  *r.mutable_date_entered_class() = D(2020, 2, 29);
  *r.mutable_as_of() = D(2022, 2, 28);
  auto got = domain_->GetExpectedProficiency(kEmp, r);
  ASSERT_TRUE(got.ok()) << got.status();
  EXPECT_EQ(got->expected_level(), v1::PROFICIENCY_LEVEL_DEVELOPING);
  EXPECT_EQ(got->level_name(), "Developing");
  *r.mutable_as_of() = D(2022, 2, 27);
  EXPECT_EQ(domain_->GetExpectedProficiency(kEmp, r)->expected_level(),
            v1::PROFICIENCY_LEVEL_EMERGING);
}

TEST_F(AppraisalsTest, BadInputNamesFieldsAndWritesNothing) {
  v1::CreateAppraisalRequest r = NewRequest();
  auto* as = r.mutable_appraisal()->mutable_assessments(0);
  as->add_observed_indicator_ids("pe.zzz.99");                     // unknown
  as->add_observed_indicator_ids("k-leadership");                  // not an indicator anywhere
  *r.mutable_appraisal()->mutable_period_end() = D(2022, 12, 31);  // before start
  auto got = domain_->CreateAppraisal(kSup, r);
  ASSERT_EQ(got.status().code(), absl::StatusCode::kInvalidArgument);
  std::set<std::string> fields;
  for (const auto& v : status::GetFieldViolations(got.status())) fields.insert(v.field);
  EXPECT_TRUE(fields.count("appraisal.assessments[0].observed_indicator_ids[1]"));
  EXPECT_TRUE(fields.count("appraisal.period_end"));
  EXPECT_EQ(got.status().message().find("emp-1"), std::string::npos);  // no personal values
  EXPECT_TRUE(store_->ListAppraisals({})->empty());
}

TEST_F(AppraisalsTest, IndicatorFromAnotherFrameworkIsRefused) {
  v1::Framework other = *store_->GetFramework("sf-hsa-2944-anchors", 0);
  other.set_id("other-anchors");
  other.clear_class_codes();
  auto* ind =
      other.mutable_clusters(0)->mutable_competencies(0)->mutable_levels(0)->add_indicators();
  ind->set_id("zz.emg.01");
  ind->set_text("x");
  ASSERT_TRUE(store_->PutFramework(other).ok());
  v1::CreateAppraisalRequest r = NewRequest();
  r.mutable_appraisal()->mutable_assessments(0)->add_observed_indicator_ids("zz.emg.01");
  auto got = domain_->CreateAppraisal(kSup, r);
  ASSERT_EQ(got.status().code(), absl::StatusCode::kInvalidArgument);
  auto v = status::GetFieldViolations(got.status());
  ASSERT_EQ(v.size(), 1u);
  EXPECT_EQ(v[0].description, "indicator belongs to another framework");
}

// Every (state, action, actor) and whether it is allowed.
TEST_F(AppraisalsTest, TransitionMatrix) {
  using S = v1::AppraisalState;
  struct Case {
    S from;
    const char* action;
    const Principal* who;
    absl::StatusCode want;
    S to;
  };
  const auto ok = absl::StatusCode::kOk;
  const auto pre = absl::StatusCode::kFailedPrecondition;
  const auto denied = absl::StatusCode::kPermissionDenied;
  const std::vector<Case> cases = {
      {v1::APPRAISAL_STATE_DRAFT, "submit", &kSup, ok, v1::APPRAISAL_STATE_SUBMITTED},
      {v1::APPRAISAL_STATE_DRAFT, "submit", &kHr, ok, v1::APPRAISAL_STATE_SUBMITTED},
      {v1::APPRAISAL_STATE_DRAFT, "submit", &kEmp, absl::StatusCode::kNotFound, {}},
      {v1::APPRAISAL_STATE_SUBMITTED, "submit", &kEmp, denied, {}},
      // A draft does not exist for its employee.
      {v1::APPRAISAL_STATE_DRAFT, "acknowledge", &kEmp, absl::StatusCode::kNotFound, {}},
      {v1::APPRAISAL_STATE_DRAFT, "decline", &kEmp, absl::StatusCode::kNotFound, {}},
      {v1::APPRAISAL_STATE_SUBMITTED, "decline", &kEmp, ok, v1::APPRAISAL_STATE_DECLINED},
      {v1::APPRAISAL_STATE_SUBMITTED, "decline", &kSup, denied, {}},
      {v1::APPRAISAL_STATE_ACKNOWLEDGED, "decline", &kEmp, pre, {}},
      {v1::APPRAISAL_STATE_DECLINED, "finalize", &kHr, ok, v1::APPRAISAL_STATE_FINALIZED},
      {v1::APPRAISAL_STATE_DECLINED, "finalize", &kSup, pre, {}},
      {v1::APPRAISAL_STATE_DECLINED, "return", &kSup, ok, v1::APPRAISAL_STATE_RETURNED},
      {v1::APPRAISAL_STATE_DECLINED, "acknowledge", &kEmp, pre, {}},
      {v1::APPRAISAL_STATE_DRAFT, "void", &kHr, ok, v1::APPRAISAL_STATE_VOIDED},
      {v1::APPRAISAL_STATE_FINALIZED, "void", &kHr, ok, v1::APPRAISAL_STATE_VOIDED},
      {v1::APPRAISAL_STATE_SUBMITTED, "void", &kSup, denied, {}},
      {v1::APPRAISAL_STATE_VOIDED, "void", &kHr, pre, {}},
      {v1::APPRAISAL_STATE_VOIDED, "submit", &kHr, pre, {}},
      {v1::APPRAISAL_STATE_VOIDED, "submit", &kSup, absl::StatusCode::kNotFound, {}},
      {v1::APPRAISAL_STATE_DRAFT, "return", &kSup, pre, {}},
      {v1::APPRAISAL_STATE_DRAFT, "finalize", &kSup, pre, {}},
      {v1::APPRAISAL_STATE_SUBMITTED, "acknowledge", &kEmp, ok, v1::APPRAISAL_STATE_ACKNOWLEDGED},
      {v1::APPRAISAL_STATE_SUBMITTED, "acknowledge", &kSup, denied, {}},
      {v1::APPRAISAL_STATE_SUBMITTED, "acknowledge", &kOtherEmp, denied, {}},
      {v1::APPRAISAL_STATE_SUBMITTED, "submit", &kSup, pre, {}},
      {v1::APPRAISAL_STATE_SUBMITTED, "return", &kSup, ok, v1::APPRAISAL_STATE_RETURNED},
      {v1::APPRAISAL_STATE_SUBMITTED, "return", &kEmp, ok, v1::APPRAISAL_STATE_RETURNED},
      {v1::APPRAISAL_STATE_SUBMITTED, "finalize", &kSup, pre, {}},
      {v1::APPRAISAL_STATE_ACKNOWLEDGED, "finalize", &kSup, ok, v1::APPRAISAL_STATE_FINALIZED},
      {v1::APPRAISAL_STATE_ACKNOWLEDGED, "finalize", &kHr, ok, v1::APPRAISAL_STATE_FINALIZED},
      {v1::APPRAISAL_STATE_ACKNOWLEDGED, "finalize", &kEmp, denied, {}},
      {v1::APPRAISAL_STATE_ACKNOWLEDGED, "return", &kSup, ok, v1::APPRAISAL_STATE_RETURNED},
      {v1::APPRAISAL_STATE_ACKNOWLEDGED, "return", &kEmp, pre, {}},
      {v1::APPRAISAL_STATE_ACKNOWLEDGED, "acknowledge", &kEmp, pre, {}},
      {v1::APPRAISAL_STATE_RETURNED, "submit", &kSup, ok, v1::APPRAISAL_STATE_SUBMITTED},
      {v1::APPRAISAL_STATE_RETURNED, "acknowledge", &kEmp, pre, {}},
      {v1::APPRAISAL_STATE_RETURNED, "finalize", &kSup, pre, {}},
      {v1::APPRAISAL_STATE_FINALIZED, "return", &kSup, pre, {}},
      {v1::APPRAISAL_STATE_FINALIZED, "submit", &kHr, pre, {}},
      {v1::APPRAISAL_STATE_FINALIZED, "finalize", &kSup, pre, {}},
      {v1::APPRAISAL_STATE_FINALIZED, "acknowledge", &kEmp, pre, {}},
  };
  for (const auto& c : cases) {
    SCOPED_TRACE(std::string(c.action) + " from " + v1::AppraisalState_Name(c.from) + " by " +
                 c.who->id);
    v1::Appraisal a = InState(c.from);
    ASSERT_EQ(a.state(), c.from);
    auto got = Do(*c.who, c.action, a);
    ASSERT_EQ(got.status().code(), c.want) << got.status();
    auto stored = store_->GetAppraisal(a.id());
    if (c.want == ok) {
      EXPECT_EQ(got->state(), c.to);
      EXPECT_EQ(got->history().rbegin()->actor_id(), c.who->id);
      EXPECT_EQ(got->history().rbegin()->time().seconds(), 1704067200);
      EXPECT_EQ(stored->appraisal.state(), c.to);
      EXPECT_EQ(got->history_size(), a.history_size() + 1);
    } else {
      EXPECT_EQ(stored->appraisal.state(), c.from);  // nothing written
      EXPECT_EQ(stored->appraisal.history_size(), a.history_size());
      if (c.want == pre) {
        EXPECT_EQ(status::GetFieldViolations(got.status()).at(0).field, "state");
      }
    }
  }
}

TEST_F(AppraisalsTest, StaleEtagIsAborted) {
  v1::Appraisal a = Create();
  v1::Appraisal stale = a;
  a = *Do(kSup, "submit", a);
  a = *Do(kSup, "return", a);
  EXPECT_EQ(Do(kSup, "submit", stale).status().code(), absl::StatusCode::kAborted);
  v1::UpdateAppraisalRequest u;
  *u.mutable_appraisal() = stale;
  u.mutable_update_mask()->add_paths("supervisor_comments");
  EXPECT_EQ(domain_->UpdateAppraisal(kSup, u).status().code(), absl::StatusCode::kAborted);
}

TEST_F(AppraisalsTest, FinalizedNeverChanges) {
  v1::Appraisal a = InState(v1::APPRAISAL_STATE_FINALIZED);
  v1::UpdateAppraisalRequest u;
  *u.mutable_appraisal() = a;
  u.mutable_appraisal()->set_supervisor_comments("changed");
  u.mutable_update_mask()->add_paths("supervisor_comments");
  EXPECT_EQ(domain_->UpdateAppraisal(kSup, u).status().code(),
            absl::StatusCode::kFailedPrecondition);
  EXPECT_EQ(domain_->UpdateAppraisal(kHr, u).status().code(),
            absl::StatusCode::kFailedPrecondition);
  EXPECT_EQ(store_->GetAppraisal(a.id())->appraisal.supervisor_comments(), "");
}

TEST_F(AppraisalsTest, AccessByRole) {
  v1::Appraisal a = Create();
  v1::GetAppraisalRequest g;
  g.set_appraisal_id(a.id());
  EXPECT_TRUE(domain_->GetAppraisal(kSup, g).ok());
  EXPECT_TRUE(domain_->GetAppraisal(kHr, g).ok());
  // The employee sees it once submitted.
  EXPECT_EQ(domain_->GetAppraisal(kEmp, g).status().code(), absl::StatusCode::kNotFound);
  EXPECT_EQ(domain_->GetAppraisal(kOtherSup, g).status().code(),
            absl::StatusCode::kPermissionDenied);
  EXPECT_EQ(domain_->GetAppraisal(kOtherEmp, g).status().code(),
            absl::StatusCode::kPermissionDenied);
  // A draft is hidden from its employee whatever roles their key holds.
  EXPECT_EQ(domain_->GetAppraisal(Principal{"emp-1", {Role::kSupervisor}}, g).status().code(),
            absl::StatusCode::kNotFound);
  EXPECT_EQ(domain_->GetAppraisal(Principal{}, g).status().code(),
            absl::StatusCode::kUnauthenticated);
  // Supervisors create only for their own staff.
  EXPECT_EQ(domain_->CreateAppraisal(kOtherSup, NewRequest()).status().code(),
            absl::StatusCode::kPermissionDenied);
  EXPECT_EQ(domain_->CreateAppraisal(kEmp, NewRequest()).status().code(),
            absl::StatusCode::kPermissionDenied);
  // Edits: the supervisor and HR, not the employee or another supervisor.
  v1::UpdateAppraisalRequest u;
  *u.mutable_appraisal() = a;
  u.mutable_update_mask()->add_paths("supervisor_comments");
  EXPECT_EQ(domain_->UpdateAppraisal(kOtherSup, u).status().code(),
            absl::StatusCode::kPermissionDenied);
  EXPECT_EQ(domain_->UpdateAppraisal(kEmp, u).status().code(),
            absl::StatusCode::kNotFound);  // a draft, hidden from its employee
  EXPECT_TRUE(domain_->UpdateAppraisal(kSup, u).ok());
  // Lists are filtered.
  v1::ListAppraisalsRequest l;
  EXPECT_EQ(domain_->ListAppraisals(kOtherSup, l)->appraisals_size(), 0);
  EXPECT_EQ(domain_->ListAppraisals(kSup, l)->appraisals_size(), 1);
  EXPECT_EQ(domain_->ListAppraisals(kEmp, l)->appraisals_size(), 0);  // a draft
  EXPECT_EQ(domain_->ListAppraisals(kHr, l)->appraisals_size(), 1);
  l.set_supervisor_id("sup-1");
  EXPECT_EQ(domain_->ListAppraisals(kOtherSup, l).status().code(),
            absl::StatusCode::kPermissionDenied);
  // Team views: own team or HR.
  v1::ListDueAppraisalsRequest d;
  d.set_supervisor_id("sup-1");
  EXPECT_TRUE(domain_->ListDueAppraisals(kSup, d).ok());
  EXPECT_TRUE(domain_->ListDueAppraisals(kHr, d).ok());
  EXPECT_EQ(domain_->ListDueAppraisals(kOtherSup, d).status().code(),
            absl::StatusCode::kPermissionDenied);
  EXPECT_EQ(domain_->ListDueAppraisals(kEmp, d).status().code(),
            absl::StatusCode::kPermissionDenied);
}

TEST_F(AppraisalsTest, DueListAndTeamSummary) {
  InState(v1::APPRAISAL_STATE_FINALIZED);  // emp-1, finalized 2024-01-01
  v1::ListDueAppraisalsRequest d;
  d.set_supervisor_id("sup-1");
  d.add_employee_ids("emp-new");
  *d.mutable_as_of() = D(2024, 12, 31);
  auto due = domain_->ListDueAppraisals(kSup, d);
  ASSERT_TRUE(due.ok()) << due.status();
  ASSERT_EQ(due->employees_size(), 1);
  EXPECT_EQ(due->employees(0).employee_id(), "emp-new");
  *d.mutable_as_of() = D(2025, 1, 1);  // twelve months later: due again
  due = domain_->ListDueAppraisals(kSup, d);
  ASSERT_EQ(due->employees_size(), 2);
  EXPECT_EQ(due->employees(0).employee_id(), "emp-1");
  EXPECT_EQ(due->employees(0).last_finalized_on().year(), 2024);

  v1::GetTeamSummaryRequest t;
  t.set_supervisor_id("sup-1");
  t.set_framework_id("sf-hsa-2944-anchors");
  auto sum = domain_->GetTeamSummary(kSup, t);
  ASSERT_TRUE(sum.ok()) << sum.status();
  EXPECT_EQ(sum->employees(), 1);
  ASSERT_EQ(sum->competencies_size(), 8);
  EXPECT_EQ(sum->competencies(0).competency_id(), "pe");
  EXPECT_EQ(sum->competencies(0).below(), 1);
  EXPECT_EQ(sum->competencies(1).unknown(), 1);
}

TEST_F(AppraisalsTest, SupervisorNamingNoSupervisorMeansThemselves) {
  // Behind the gateway a supervisor knows only their key; an empty supervisor_id is theirs.
  v1::CreateAppraisalRequest r = NewRequest();
  r.mutable_appraisal()->clear_supervisor_id();
  auto got = domain_->CreateAppraisal(kSup, r);
  ASSERT_TRUE(got.ok()) << got.status();
  EXPECT_EQ(got->appraisal().supervisor_id(), "sup-1");
  // HR (not a supervisor) must still name one.
  EXPECT_EQ(domain_->CreateAppraisal(kHr, r).status().code(), absl::StatusCode::kInvalidArgument);
  // Team views without supervisor or unit: the supervisor's own team; HR must say which.
  v1::ListDueAppraisalsRequest d;
  d.add_employee_ids("emp-new");
  auto due = domain_->ListDueAppraisals(kSup, d);
  ASSERT_TRUE(due.ok()) << due.status();
  EXPECT_EQ(due->employees_size(), 2);  // emp-1 (never finalized) and emp-new
  EXPECT_EQ(domain_->ListDueAppraisals(kOtherSup, d)->employees_size(), 1);  // only emp-new
  EXPECT_EQ(domain_->ListDueAppraisals(kHr, d).status().code(), absl::StatusCode::kInvalidArgument);
  v1::GetTeamSummaryRequest t;
  t.set_framework_id("sf-hsa-2944-anchors");
  auto sum = domain_->GetTeamSummary(kSup, t);
  ASSERT_TRUE(sum.ok()) << sum.status();
  EXPECT_EQ(sum->employees(), 1);
  EXPECT_EQ(domain_->GetTeamSummary(kOtherSup, t)->employees(), 0);
}

TEST_F(AppraisalsTest, DueListRevealsNothingOfAnotherSupervisorsRecords) {
  InState(v1::APPRAISAL_STATE_FINALIZED);  // emp-1 under sup-1, finalized 2024-01-01
  v1::ListDueAppraisalsRequest d;
  d.add_employee_ids("emp-1");
  *d.mutable_as_of() = D(2024, 6, 30);
  // sup-1 sees emp-1 as not due; HR (naming sup-2's team) and sup-2 see only what is theirs.
  auto mine = domain_->ListDueAppraisals(kSup, d);
  ASSERT_TRUE(mine.ok()) << mine.status();
  EXPECT_EQ(mine->employees_size(), 0);
  auto other = domain_->ListDueAppraisals(kOtherSup, d);
  ASSERT_TRUE(other.ok()) << other.status();
  ASSERT_EQ(other->employees_size(), 1);
  EXPECT_FALSE(other->employees(0).has_last_finalized_on());
  EXPECT_TRUE(other->employees(0).open_appraisal_id().empty());
  d.set_supervisor_id("sup-2");
  auto hr = domain_->ListDueAppraisals(kHr, d);
  ASSERT_TRUE(hr.ok()) << hr.status();
  EXPECT_EQ(hr->employees_size(), 0);  // HR sees the finalized record wherever it is
}

// Each write and transition leaves exactly one event; each appraisal read one; refusals none.
TEST_F(AppraisalsTest, EveryWriteAndReadIsOnTheAuditTrail) {
  v1::Appraisal a = Create();
  auto events = Events("appraisal");
  ASSERT_EQ(events.size(), 1u);
  EXPECT_EQ(events[0].principal(), "sup-1");
  EXPECT_EQ(events[0].resource_type(), "appraisal");
  EXPECT_EQ(events[0].resource_id(), a.id());
  EXPECT_EQ(events[0].etag_before(), "");
  EXPECT_EQ(events[0].etag_after(), "v1");

  // Refused: a stale etag, an actor outside the workflow, a bad update.
  v1::Appraisal stale = a;
  a = *Do(kSup, "submit", a);
  EXPECT_TRUE(absl::IsAborted(Do(kSup, "submit", stale).status()));
  EXPECT_FALSE(Do(kOtherEmp, "acknowledge", a).ok());
  v1::UpdateAppraisalRequest bad;
  *bad.mutable_appraisal() = a;
  bad.mutable_update_mask()->add_paths("employee_id");
  EXPECT_TRUE(absl::IsInvalidArgument(domain_->UpdateAppraisal(kSup, bad).status()));
  events = Events("appraisal");
  ASSERT_EQ(events.size(), 2u);
  EXPECT_EQ(events[1].etag_before(), "v1");
  EXPECT_EQ(events[1].etag_after(), "v2");

  a = *Do(kSup, "return", a);
  v1::UpdateAppraisalRequest u;
  *u.mutable_appraisal() = a;
  u.mutable_appraisal()->set_supervisor_comments("confidential words");
  u.mutable_update_mask()->add_paths("supervisor_comments");
  auto updated = domain_->UpdateAppraisal(kSup, u);
  ASSERT_TRUE(updated.ok()) << updated.status();
  a = updated->appraisal();
  a = *Do(kSup, "submit", a);
  a = *Do(kEmp, "acknowledge", a);
  a = *Do(kSup, "finalize", a);
  events = Events("appraisal");
  ASSERT_EQ(events.size(), 7u);  // create, submit, return, update, submit, acknowledge, finalize
  EXPECT_EQ(events[6].principal(), "sup-1");
  EXPECT_EQ(events[6].etag_after(), a.etag());
  EXPECT_EQ(events[5].principal(), "emp-1");
  for (const auto& e : events) {
    // Ids only: the return reason and comments stay in the record.
    EXPECT_EQ(e.reason(), "");
    EXPECT_EQ(e.DebugString().find("confidential"), std::string::npos);
    EXPECT_EQ(e.DebugString().find("fix"), std::string::npos);
  }

  // Reads: who read which appraisal; a refused read is not recorded.
  v1::GetAppraisalRequest g;
  g.set_appraisal_id(a.id());
  ASSERT_TRUE(domain_->GetAppraisal(kEmp, g).ok());
  EXPECT_FALSE(domain_->GetAppraisal(kOtherEmp, g).ok());
  Create();
  ASSERT_EQ(domain_->ListAppraisals(kSup, {}).value().appraisals_size(), 2);
  events = Events("appraisal");
  ASSERT_EQ(events.size(), 11u);  // + read, create, two listed reads
  EXPECT_EQ(events[7].method(), "");
  EXPECT_EQ(events[7].principal(), "emp-1");
  EXPECT_EQ(events[7].resource_id(), a.id());
  EXPECT_EQ(events[7].etag_before(), a.etag());
  EXPECT_EQ(events[7].etag_after(), "");
  EXPECT_EQ(events[9].principal(), "sup-1");
  EXPECT_EQ(events[10].principal(), "sup-1");

  // The whole chain (the fixture's relationship included) verifies.
  std::vector<audit::Event> chain;
  for (const auto& e : Events()) chain.push_back(audit::FromProto(e));
  EXPECT_FALSE(audit::VerifyChain(chain).has_value());
}

TEST_F(AppraisalsTest, OnlyHrAdminListsTheAuditTrail) {
  Create();
  for (const Principal& p : {kSup, kEmp}) {
    EXPECT_TRUE(absl::IsPermissionDenied(domain_->ListAuditEvents(p, {}).status()));
  }
  EXPECT_TRUE(absl::IsUnauthenticated(domain_->ListAuditEvents(Principal{}, {}).status()));
  classplan::common::v1::ListAuditEventsRequest r;
  r.set_principal("nobody");
  auto page = domain_->ListAuditEvents(kHr, r);
  ASSERT_TRUE(page.ok()) << page.status();
  EXPECT_EQ(page->events_size(), 0);
}

TEST_F(AppraisalsTest, SubmittedIsVisibleToItsEmployeeOnlyWithTheEmployeeRole) {
  v1::Appraisal a = InState(v1::APPRAISAL_STATE_SUBMITTED);
  v1::GetAppraisalRequest g;
  g.set_appraisal_id(a.id());
  EXPECT_TRUE(domain_->GetAppraisal(kEmp, g).ok());
  EXPECT_EQ(domain_->ListAppraisals(kEmp, {})->appraisals_size(), 1);
  // An employee id matching without the employee role is not enough.
  EXPECT_EQ(domain_->GetAppraisal(Principal{"emp-1", {Role::kSupervisor}}, g).status().code(),
            absl::StatusCode::kPermissionDenied);
}

TEST_F(AppraisalsTest, NobodyCreatesTheirOwnAppraisalWhateverRoles) {
  const Principal both{"sup-1", {Role::kSupervisor, Role::kEmployee}};
  v1::CreateAppraisalRequest r = NewRequest();
  r.mutable_appraisal()->set_employee_id("sup-1");
  r.mutable_appraisal()->clear_supervisor_id();  // = the caller
  Assign("sup-1", "sup-1", D(2020, 1, 1));       // even a (bad) relationship does not help
  auto got = domain_->CreateAppraisal(both, r);
  ASSERT_EQ(got.status().code(), absl::StatusCode::kPermissionDenied);
  EXPECT_EQ(Reason(got.status()), "SELF_APPRAISAL");
  EXPECT_EQ(got.status().message().find("sup-1"), std::string::npos);  // no ids in messages
  // HR naming another supervisor for their own appraisal.
  const Principal hr_emp{"emp-1", {Role::kHrAdmin, Role::kEmployee}};
  got = domain_->CreateAppraisal(hr_emp, NewRequest());
  ASSERT_EQ(got.status().code(), absl::StatusCode::kPermissionDenied);
  EXPECT_EQ(Reason(got.status()), "SELF_APPRAISAL");
  EXPECT_EQ(status::GetFieldViolations(got.status()).at(0).field, "appraisal.employee_id");
  EXPECT_TRUE(store_->ListAppraisals({})->empty());
}

TEST_F(AppraisalsTest, SelfAppraisalRefusedAtSubmitAcknowledgeAndFinalize) {
  // Records written before the rule: the employee is their own supervisor.
  const Principal both{"boss", {Role::kSupervisor, Role::kEmployee}};
  const v1::Appraisal draft = Stored("s1", "boss", "boss", v1::APPRAISAL_STATE_DRAFT);
  const v1::Appraisal submitted = Stored("s2", "boss", "boss", v1::APPRAISAL_STATE_SUBMITTED);
  const v1::Appraisal acked = Stored("s3", "boss", "boss", v1::APPRAISAL_STATE_ACKNOWLEDGED);
  for (const auto& [action, a] :
       std::vector<std::pair<std::string, v1::Appraisal>>{{"submit", draft},
                                                          {"acknowledge", submitted},
                                                          {"decline", submitted},
                                                          {"finalize", acked}}) {
    SCOPED_TRACE(action);
    auto got = Do(both, action, a);
    ASSERT_EQ(got.status().code(), absl::StatusCode::kPermissionDenied);
    EXPECT_EQ(Reason(got.status()), "SELF_APPRAISAL");
    EXPECT_EQ(store_->GetAppraisal(a.id())->appraisal.state(), a.state());
  }
  // HR finalizing (or submitting) their own appraisal, supervised by someone else.
  const Principal hr_emp{"emp-9", {Role::kHrAdmin, Role::kEmployee}};
  const v1::Appraisal own = Stored("s4", "emp-9", "sup-1", v1::APPRAISAL_STATE_ACKNOWLEDGED);
  auto got = Do(hr_emp, "finalize", own);
  ASSERT_EQ(got.status().code(), absl::StatusCode::kPermissionDenied);
  EXPECT_EQ(Reason(got.status()), "SELF_APPRAISAL");
  EXPECT_EQ(
      Reason(
          Do(hr_emp, "submit", Stored("s5", "emp-9", "sup-1", v1::APPRAISAL_STATE_DRAFT)).status()),
      "SELF_APPRAISAL");
  // ... but acknowledging it, as its employee, is theirs to do.
  EXPECT_TRUE(
      Do(hr_emp, "acknowledge", Stored("s6", "emp-9", "sup-1", v1::APPRAISAL_STATE_SUBMITTED))
          .ok());
  // Another HR administrator may void the self-appraisal record.
  EXPECT_TRUE(Do(kHr, "void", submitted).ok());
}

TEST_F(AppraisalsTest, SupervisorOpensAppraisalsOnlyUnderAReportingRelationship) {
  // Inside (the fixture assigns emp-1 to sup-1 from 2020): accepted.
  EXPECT_TRUE(domain_->CreateAppraisal(kSup, NewRequest()).ok());
  // Outside: sup-2 is nobody's supervisor; neither they nor HR naming them may open one.
  v1::CreateAppraisalRequest r = NewRequest();
  r.mutable_appraisal()->set_supervisor_id("sup-2");
  auto got = domain_->CreateAppraisal(kOtherSup, r);
  ASSERT_EQ(got.status().code(), absl::StatusCode::kPermissionDenied);
  EXPECT_EQ(Reason(got.status()), "NOT_ASSIGNED");
  EXPECT_EQ(got.status().message().find("emp-1"), std::string::npos);
  EXPECT_EQ(Reason(domain_->CreateAppraisal(kHr, r).status()), "NOT_ASSIGNED");
  // A relationship that ended before today (2024-01-01): refused; one starting later: refused.
  const dates::Date ended = D(2023, 12, 31);
  Assign("emp-1", "sup-2", D(2022, 1, 1), &ended);
  Assign("emp-1", "sup-2", D(2024, 1, 2));
  EXPECT_EQ(Reason(domain_->CreateAppraisal(kOtherSup, r).status()), "NOT_ASSIGNED");
  // In force today (its last day): accepted.
  const dates::Date today = D(2024, 1, 1);
  Assign("emp-1", "sup-2", D(2024, 1, 1), &today);
  EXPECT_TRUE(domain_->CreateAppraisal(kOtherSup, r).ok());
}

TEST_F(AppraisalsTest, AssignmentsAreHrsAndFollowTheirRules) {
  v1::AssignSupervisorRequest r;
  auto* in = r.mutable_assignment();
  in->set_employee_id("emp-2");
  in->set_supervisor_id("sup-2");
  *in->mutable_from_date() = D(2024, 1, 1);
  EXPECT_EQ(domain_->AssignSupervisor(kSup, r).status().code(),
            absl::StatusCode::kPermissionDenied);
  auto made = domain_->AssignSupervisor(kHr, r);
  ASSERT_TRUE(made.ok()) << made.status();
  EXPECT_EQ(made->assignment().assigned_by(), "hr-1");
  EXPECT_EQ(made->assignment().etag(), "v1");
  // The same pair again over overlapping dates: already exists.
  *in->mutable_from_date() = D(2025, 6, 1);
  EXPECT_EQ(domain_->AssignSupervisor(kHr, r).status().code(), absl::StatusCode::kAlreadyExists);
  // Bad dates, or the employee as their own supervisor: invalid, naming the fields.
  v1::AssignSupervisorRequest bad = r;
  *bad.mutable_assignment()->mutable_to_date() = D(2025, 5, 31);
  bad.mutable_assignment()->set_supervisor_id("emp-2");
  auto refused = domain_->AssignSupervisor(kHr, bad);
  ASSERT_EQ(refused.status().code(), absl::StatusCode::kInvalidArgument);
  std::set<std::string> fields;
  for (const auto& v : status::GetFieldViolations(refused.status())) fields.insert(v.field);
  EXPECT_TRUE(fields.count("assignment.to_date"));
  EXPECT_TRUE(fields.count("assignment.supervisor_id"));
  // HR never maintains a relationship naming themselves.
  v1::AssignSupervisorRequest own = r;
  own.mutable_assignment()->set_employee_id("hr-1");
  EXPECT_EQ(Reason(domain_->AssignSupervisor(kHr, own).status()), "SELF_ASSIGNMENT");
  // Ending it: then a new relationship of the pair after the end is accepted.
  v1::EndSupervisorAssignmentRequest end;
  end.set_assignment_id(made->assignment().id());
  *end.mutable_to_date() = D(2023, 12, 31);  // before from_date
  EXPECT_EQ(domain_->EndSupervisorAssignment(kHr, end).status().code(),
            absl::StatusCode::kInvalidArgument);
  *end.mutable_to_date() = D(2025, 5, 31);
  EXPECT_EQ(domain_->EndSupervisorAssignment(kSup, end).status().code(),
            absl::StatusCode::kPermissionDenied);
  auto ended = domain_->EndSupervisorAssignment(kHr, end);
  ASSERT_TRUE(ended.ok()) << ended.status();
  EXPECT_EQ(ended->assignment().ended_by(), "hr-1");
  EXPECT_EQ(domain_->EndSupervisorAssignment(kHr, end).status().code(),
            absl::StatusCode::kFailedPrecondition);
  EXPECT_TRUE(domain_->AssignSupervisor(kHr, r).ok());  // from 2025-06-01
  // Lists: HR everything, a supervisor their staff's, an employee their own.
  v1::ListSupervisorAssignmentsRequest l;
  EXPECT_EQ(domain_->ListSupervisorAssignments(kHr, l)->assignments_size(), 3);
  EXPECT_EQ(domain_->ListSupervisorAssignments(kOtherSup, l)->assignments_size(), 2);
  EXPECT_EQ(domain_->ListSupervisorAssignments(kOtherEmp, l)->assignments_size(), 2);
  EXPECT_EQ(domain_->ListSupervisorAssignments(kEmp, l)->assignments_size(), 1);
  *l.mutable_as_of() = D(2025, 6, 1);
  EXPECT_EQ(domain_->ListSupervisorAssignments(kHr, l)->assignments_size(), 2);
  l.set_supervisor_id("sup-1");
  EXPECT_EQ(domain_->ListSupervisorAssignments(kOtherSup, l).status().code(),
            absl::StatusCode::kPermissionDenied);
}

TEST_F(AppraisalsTest, DraftsAreHiddenFromTheEmployeeUntilSubmitted) {
  v1::Appraisal a = Create();
  v1::GetAppraisalRequest g;
  g.set_appraisal_id(a.id());
  EXPECT_EQ(domain_->GetAppraisal(kEmp, g).status().code(), absl::StatusCode::kNotFound);
  EXPECT_EQ(domain_->ListAppraisals(kEmp, {})->appraisals_size(), 0);
  a = *Do(kSup, "submit", a);
  EXPECT_TRUE(domain_->GetAppraisal(kEmp, g).ok());
  EXPECT_EQ(domain_->ListAppraisals(kEmp, {})->appraisals_size(), 1);
  a = *Do(kSup, "return", a);  // seen once: stays visible while it is reworked
  EXPECT_TRUE(domain_->GetAppraisal(kEmp, g).ok());
}

TEST_F(AppraisalsTest, DeclinedIsFinalizedByHrWithANote) {
  v1::Appraisal a = InState(v1::APPRAISAL_STATE_SUBMITTED);
  v1::DeclineAppraisalRequest d;
  d.set_appraisal_id(a.id());
  d.set_etag(a.etag());
  EXPECT_EQ(domain_->DeclineAppraisal(kEmp, d).status().code(),
            absl::StatusCode::kInvalidArgument);  // a comment is required
  d.set_comments("the evidence is from another period");
  auto declined = domain_->DeclineAppraisal(kEmp, d);
  ASSERT_TRUE(declined.ok()) << declined.status();
  a = declined->appraisal();
  EXPECT_EQ(a.state(), v1::APPRAISAL_STATE_DECLINED);
  EXPECT_TRUE(a.employee_declined());
  EXPECT_EQ(a.employee_comments(), "the evidence is from another period");
  v1::FinalizeAppraisalRequest f;
  f.set_appraisal_id(a.id());
  f.set_etag(a.etag());
  auto got = domain_->FinalizeAppraisal(kHr, f);
  ASSERT_EQ(got.status().code(), absl::StatusCode::kInvalidArgument);  // the note is required
  EXPECT_EQ(status::GetFieldViolations(got.status()).at(0).field, "note");
  f.set_note("employee declined to acknowledge; finalized by HR");
  got = domain_->FinalizeAppraisal(kHr, f);
  ASSERT_TRUE(got.ok()) << got.status();
  const auto& t = *got->appraisal().history().rbegin();
  EXPECT_EQ(t.from_state(), v1::APPRAISAL_STATE_DECLINED);
  EXPECT_EQ(t.to_state(), v1::APPRAISAL_STATE_FINALIZED);
  EXPECT_EQ(t.actor_role(), "hr_admin");
  EXPECT_EQ(t.comment(), "employee declined to acknowledge; finalized by HR");
  EXPECT_TRUE(got->appraisal().employee_declined());
  EXPECT_EQ(store_->GetAppraisal(a.id())->appraisal.state(), v1::APPRAISAL_STATE_FINALIZED);
}

TEST_F(AppraisalsTest, AddendumOnFinalizedIsAppendedAndShown) {
  v1::Appraisal a = InState(v1::APPRAISAL_STATE_FINALIZED);
  v1::AddAppraisalAddendumRequest r;
  r.set_appraisal_id(a.id());
  r.set_reason("wrong period end");
  r.set_text("the period ended on 2023-11-30");
  EXPECT_EQ(domain_->AddAppraisalAddendum(kEmp, r).status().code(),
            absl::StatusCode::kPermissionDenied);
  EXPECT_EQ(domain_->AddAppraisalAddendum(kOtherSup, r).status().code(),
            absl::StatusCode::kPermissionDenied);
  auto got = domain_->AddAppraisalAddendum(kSup, r);
  ASSERT_TRUE(got.ok()) << got.status();
  now_ += absl::Hours(1);
  r.set_text("and the unit was unit-b");
  ASSERT_TRUE(domain_->AddAppraisalAddendum(kHr, r).ok());
  v1::GetAppraisalRequest g;
  g.set_appraisal_id(a.id());
  auto shown = domain_->GetAppraisal(kEmp, g);
  ASSERT_TRUE(shown.ok()) << shown.status();
  ASSERT_EQ(shown->appraisal().addenda_size(), 2);
  EXPECT_EQ(shown->appraisal().addenda(0).author_id(), "sup-1");
  EXPECT_EQ(shown->appraisal().addenda(0).author_role(), "supervisor");
  EXPECT_EQ(shown->appraisal().addenda(0).reason(), "wrong period end");
  EXPECT_EQ(shown->appraisal().addenda(1).author_role(), "hr_admin");
  EXPECT_EQ(shown->appraisal().addenda(1).time().seconds(), 1704067200 + 3600);
  // The finalized content is as it was.
  EXPECT_EQ(shown->appraisal().period_end().month(), 12);
  EXPECT_EQ(shown->appraisal().history_size(), a.history_size());
  EXPECT_EQ(domain_->ListAppraisals(kEmp, {})->appraisals(0).addenda_size(), 2);
  // Only finalized appraisals take addenda; the reason and text are required.
  v1::Appraisal draft = Create();
  r.set_appraisal_id(draft.id());
  auto refused = domain_->AddAppraisalAddendum(kSup, r);
  ASSERT_EQ(refused.status().code(), absl::StatusCode::kFailedPrecondition);
  r.clear_reason();
  EXPECT_EQ(domain_->AddAppraisalAddendum(kSup, r).status().code(),
            absl::StatusCode::kInvalidArgument);
}

TEST_F(AppraisalsTest, VoidedIsKeptForHrAndLeftOutOfDueListAndSummary) {
  v1::Appraisal a = InState(v1::APPRAISAL_STATE_FINALIZED);  // emp-1, finalized 2024-01-01
  v1::ListDueAppraisalsRequest d;
  d.set_supervisor_id("sup-1");
  *d.mutable_as_of() = D(2024, 6, 30);
  ASSERT_EQ(domain_->ListDueAppraisals(kSup, d)->employees_size(), 0);  // not due
  v1::GetTeamSummaryRequest t;
  t.set_supervisor_id("sup-1");
  t.set_framework_id("sf-hsa-2944-anchors");
  ASSERT_EQ(domain_->GetTeamSummary(kSup, t)->employees(), 1);
  v1::VoidAppraisalRequest v;
  v.set_appraisal_id(a.id());
  v.set_etag(a.etag());
  EXPECT_EQ(domain_->VoidAppraisal(kHr, v).status().code(),
            absl::StatusCode::kInvalidArgument);  // the reason is required
  v.set_reason("appraised the wrong employee");
  EXPECT_EQ(domain_->VoidAppraisal(kSup, v).status().code(), absl::StatusCode::kPermissionDenied);
  auto voided = domain_->VoidAppraisal(kHr, v);
  ASSERT_TRUE(voided.ok()) << voided.status();
  EXPECT_EQ(voided->appraisal().state(), v1::APPRAISAL_STATE_VOIDED);
  EXPECT_EQ(voided->appraisal().history().rbegin()->comment(), "appraised the wrong employee");
  // Due again (still assigned to sup-1, and the voided one counts for nothing); the summary
  // leaves it out.
  auto due = domain_->ListDueAppraisals(kSup, d);
  ASSERT_EQ(due->employees_size(), 1);
  EXPECT_FALSE(due->employees(0).has_last_finalized_on());
  EXPECT_TRUE(due->employees(0).open_appraisal_id().empty());
  EXPECT_EQ(domain_->GetTeamSummary(kSup, t)->employees(), 0);
  // Kept and readable by HR only.
  v1::GetAppraisalRequest g;
  g.set_appraisal_id(a.id());
  EXPECT_TRUE(domain_->GetAppraisal(kHr, g).ok());
  EXPECT_EQ(domain_->GetAppraisal(kSup, g).status().code(), absl::StatusCode::kNotFound);
  EXPECT_EQ(domain_->GetAppraisal(kEmp, g).status().code(), absl::StatusCode::kNotFound);
  EXPECT_EQ(domain_->ListAppraisals(kSup, {})->appraisals_size(), 0);
  EXPECT_EQ(domain_->ListAppraisals(kHr, {})->appraisals_size(), 1);
  // And never changes again.
  v.set_etag(voided->appraisal().etag());
  EXPECT_EQ(domain_->VoidAppraisal(kHr, v).status().code(), absl::StatusCode::kFailedPrecondition);
}

// The writes of the segregation of duties (decline, finalize with a note, addendum, void,
// relationships) each leave exactly one event with ids and etags only; refusals none.
TEST_F(AppraisalsTest, DutiesWritesAreOnTheAuditTrail) {
  const size_t before = Events().size();  // the fixture's relationship
  auto added = [&] { return Events().size() - before; };
  auto last = [&] { return *Events().rbegin(); };

  // Relationships: assign and end; refused (not HR, overlapping, naming oneself, already
  // ended) leave nothing.
  v1::AssignSupervisorRequest as;
  as.mutable_assignment()->set_employee_id("emp-2");
  as.mutable_assignment()->set_supervisor_id("sup-2");
  *as.mutable_assignment()->mutable_from_date() = D(2023, 1, 1);
  auto made = domain_->AssignSupervisor(kHr, as);
  ASSERT_TRUE(made.ok()) << made.status();
  ASSERT_EQ(added(), 1u);
  auto e = last();
  EXPECT_EQ(e.principal(), "hr-1");
  EXPECT_EQ(e.resource_type(), "supervisor_assignment");
  EXPECT_EQ(e.resource_id(), made->assignment().id());
  EXPECT_EQ(e.etag_before(), "");
  EXPECT_EQ(e.etag_after(), "v1");
  EXPECT_FALSE(domain_->AssignSupervisor(kSup, as).ok());
  EXPECT_TRUE(absl::IsAlreadyExists(domain_->AssignSupervisor(kHr, as).status()));
  v1::AssignSupervisorRequest own = as;
  own.mutable_assignment()->set_employee_id("hr-1");
  EXPECT_FALSE(domain_->AssignSupervisor(kHr, own).ok());
  EXPECT_EQ(added(), 1u);
  v1::EndSupervisorAssignmentRequest end;
  end.set_assignment_id(made->assignment().id());
  *end.mutable_to_date() = D(2023, 12, 31);
  ASSERT_TRUE(domain_->EndSupervisorAssignment(kHr, end).ok());
  EXPECT_FALSE(domain_->EndSupervisorAssignment(kHr, end).ok());  // already ended
  ASSERT_EQ(added(), 2u);
  e = last();
  EXPECT_EQ(e.resource_type(), "supervisor_assignment");
  EXPECT_EQ(e.resource_id(), made->assignment().id());
  EXPECT_EQ(e.etag_before(), "v1");
  EXPECT_EQ(e.etag_after(), "v2");

  // Decline, then HR finalizes with a note.
  v1::Appraisal a = InState(v1::APPRAISAL_STATE_SUBMITTED);
  size_t n = added();
  EXPECT_FALSE(Do(kOtherEmp, "decline", a).ok());
  EXPECT_EQ(added(), n);
  a = *Do(kEmp, "decline", a);
  ASSERT_EQ(added(), n + 1);
  e = last();
  EXPECT_EQ(e.principal(), "emp-1");
  EXPECT_EQ(e.resource_type(), "appraisal");
  EXPECT_EQ(e.resource_id(), a.id());
  EXPECT_EQ(e.etag_after(), a.etag());
  a = *Do(kHr, "finalize", a);
  ASSERT_EQ(added(), n + 2);
  EXPECT_EQ(last().principal(), "hr-1");
  EXPECT_EQ(last().etag_after(), a.etag());

  // Addenda: one event each, the versions read and written; refused ones none.
  v1::AddAppraisalAddendumRequest r;
  r.set_appraisal_id(a.id());
  r.set_reason("confidential reason");
  r.set_text("confidential correction");
  EXPECT_FALSE(domain_->AddAppraisalAddendum(kEmp, r).ok());
  EXPECT_EQ(added(), n + 2);
  auto corrected = domain_->AddAppraisalAddendum(kSup, r);
  ASSERT_TRUE(corrected.ok()) << corrected.status();
  ASSERT_EQ(added(), n + 3);
  e = last();
  EXPECT_EQ(e.principal(), "sup-1");
  EXPECT_EQ(e.resource_id(), a.id());
  EXPECT_EQ(e.etag_before(), a.etag());
  EXPECT_EQ(e.etag_after(), corrected->appraisal().etag());
  a = corrected->appraisal();

  // Void: once; a second void (and a void by a supervisor) leaves nothing.
  v1::VoidAppraisalRequest v;
  v.set_appraisal_id(a.id());
  v.set_etag(a.etag());
  v.set_reason("confidential void reason");
  EXPECT_FALSE(domain_->VoidAppraisal(kSup, v).ok());
  auto voided = domain_->VoidAppraisal(kHr, v);
  ASSERT_TRUE(voided.ok()) << voided.status();
  ASSERT_EQ(added(), n + 4);
  e = last();
  EXPECT_EQ(e.principal(), "hr-1");
  EXPECT_EQ(e.etag_before(), a.etag());
  EXPECT_EQ(e.etag_after(), voided->appraisal().etag());
  v.set_etag(voided->appraisal().etag());
  EXPECT_TRUE(absl::IsFailedPrecondition(domain_->VoidAppraisal(kHr, v).status()));
  EXPECT_EQ(added(), n + 4);

  // Self-appraisal, refused at creation: nothing.
  const Principal both{"sup-1", {Role::kSupervisor, Role::kEmployee}};
  v1::CreateAppraisalRequest self = NewRequest();
  self.mutable_appraisal()->set_employee_id("sup-1");
  EXPECT_FALSE(domain_->CreateAppraisal(both, self).ok());
  EXPECT_EQ(added(), n + 4);

  const auto events = Events();
  for (const auto& x : events) {
    // Ids and etags only: no comment, note, reason or addendum text.
    EXPECT_EQ(x.reason(), "");
    EXPECT_EQ(x.DebugString().find("confidential"), std::string::npos);
    EXPECT_EQ(x.DebugString().find("disagree"), std::string::npos);
    EXPECT_EQ(x.DebugString().find("declined"), std::string::npos);
  }
  std::vector<audit::Event> chain;
  chain.reserve(events.size());
  for (const auto& x : events) chain.push_back(audit::FromProto(x));
  EXPECT_FALSE(audit::VerifyChain(chain).has_value());
}

}  // namespace
}  // namespace classplan::appraisal

// Issue 12: nothing malformed gets in, and every list pages within a byte budget.
namespace classplan::appraisal {
namespace {

std::set<std::string> FieldsOf(const absl::Status& s) {
  std::set<std::string> out;
  for (const auto& v : status::GetFieldViolations(s)) out.insert(v.field);
  return out;
}

TEST_F(AppraisalsTest, CreateRefusesYearOneAndAThousandYearPeriodAndWritesNothing) {
  auto r = NewRequest();
  *r.mutable_appraisal()->mutable_date_entered_class() = D(1, 1, 1);
  *r.mutable_appraisal()->mutable_period_end() = D(3123, 1, 1);
  auto got = domain_->CreateAppraisal(kSup, r);
  ASSERT_EQ(got.status().code(), absl::StatusCode::kInvalidArgument) << got.status();
  EXPECT_EQ(FieldsOf(got.status()),
            (std::set<std::string>{"appraisal.date_entered_class", "appraisal.period_end"}));
  // 1,100 years inside the accepted range of years is still too long a period.
  r = NewRequest();
  *r.mutable_appraisal()->mutable_period_start() = D(1900, 1, 1);
  *r.mutable_appraisal()->mutable_period_end() = D(2199, 1, 1);
  got = domain_->CreateAppraisal(kSup, r);
  ASSERT_EQ(got.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(FieldsOf(got.status()), (std::set<std::string>{"appraisal.period_end"}));
  // 60 months is the longest period.
  r = NewRequest();
  *r.mutable_appraisal()->mutable_period_start() = D(2019, 1, 1);
  *r.mutable_appraisal()->mutable_period_end() = D(2024, 1, 2);
  EXPECT_EQ(FieldsOf(domain_->CreateAppraisal(kSup, r).status()),
            (std::set<std::string>{"appraisal.period_end"}));
  *r.mutable_appraisal()->mutable_period_end() = D(2024, 1, 1);
  EXPECT_TRUE(domain_->CreateAppraisal(kSup, r).ok());
  EXPECT_EQ(store_->ListAppraisals({})->size(), 1u);
}

TEST_F(AppraisalsTest, CountsAreBoundedOnCreateAndUpdate) {
  auto r = NewRequest();
  auto* as = r.mutable_appraisal()->mutable_assessments(0);
  for (int i = 0; i < 10000; ++i) as->add_evidence("e");
  for (int i = 0; i < 5000; ++i) {
    auto* g = r.mutable_appraisal()->add_goals();
    g->set_specific("s");
    g->set_measure("m");
    *g->mutable_target_date() = D(2024, 6, 1);
    g->set_competency_id("pe");
  }
  auto got = domain_->CreateAppraisal(kSup, r);
  ASSERT_EQ(got.status().code(), absl::StatusCode::kInvalidArgument);
  const auto violations = status::GetFieldViolations(got.status());
  EXPECT_EQ(FieldsOf(got.status()),
            (std::set<std::string>{"appraisal.assessments[0].evidence", "appraisal.goals"}));
  EXPECT_EQ(violations.size(), 2u);  // not one per item
  EXPECT_TRUE(store_->ListAppraisals({})->empty());
  // The same through an update: refused, the stored appraisal unchanged.
  v1::Appraisal a = Create();
  v1::UpdateAppraisalRequest u;
  *u.mutable_appraisal() = a;
  *u.mutable_appraisal()->mutable_goals() = r.appraisal().goals();
  u.mutable_update_mask()->add_paths("goals");
  EXPECT_EQ(domain_->UpdateAppraisal(kSup, u).status().code(), absl::StatusCode::kInvalidArgument);
  v1::GetAppraisalRequest g;
  g.set_appraisal_id(a.id());
  auto after = domain_->GetAppraisal(kSup, g);
  ASSERT_TRUE(after.ok());
  EXPECT_EQ(after->appraisal().goals_size(), 0);
  EXPECT_EQ(after->appraisal().etag(), a.etag());
}

TEST_F(AppraisalsTest, UnknownStateFilterIsInvalidArgument) {
  Create();
  v1::ListAppraisalsRequest l;
  l.set_state(static_cast<v1::AppraisalState>(99));
  auto got = domain_->ListAppraisals(kHr, l);
  ASSERT_EQ(got.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(FieldsOf(got.status()), (std::set<std::string>{"state"}));
}

TEST_F(AppraisalsTest, FrameworksAndDueEmployeesPage) {
  v1::ListFrameworksRequest all_req;
  all_req.set_page_size(1000);  // lowered to the maximum, not refused
  auto all = domain_->ListFrameworks(kSup, all_req);
  ASSERT_TRUE(all.ok()) << all.status();
  ASSERT_GE(all->frameworks_size(), 2);
  v1::ListFrameworksRequest req;
  req.set_page_size(1);
  std::vector<std::string> ids;
  do {
    auto page = domain_->ListFrameworks(kSup, req);
    ASSERT_TRUE(page.ok()) << page.status();
    ASSERT_EQ(page->frameworks_size(), 1);
    ids.push_back(page->frameworks(0).id());
    req.set_page_token(page->next_page_token());
  } while (!req.page_token().empty());
  ASSERT_EQ(ids.size(), static_cast<size_t>(all->frameworks_size()));
  for (int i = 0; i < all->frameworks_size(); ++i) EXPECT_EQ(ids[i], all->frameworks(i).id());

  v1::ListDueAppraisalsRequest due;
  due.set_supervisor_id("sup-1");
  for (const char* e : {"emp-1", "emp-3", "emp-4"}) due.add_employee_ids(e);
  due.set_page_size(2);
  std::vector<std::string> employees;
  do {
    auto page = domain_->ListDueAppraisals(kSup, due);
    ASSERT_TRUE(page.ok()) << page.status();
    ASSERT_LE(page->employees_size(), 2);
    for (const auto& d : page->employees()) employees.push_back(d.employee_id());
    due.set_page_token(page->next_page_token());
  } while (!due.page_token().empty());
  EXPECT_EQ(employees, (std::vector<std::string>{"emp-1", "emp-3", "emp-4"}));
  for (int i = 0; i < 1001; ++i) due.add_employee_ids("x" + std::to_string(i));
  EXPECT_EQ(FieldsOf(domain_->ListDueAppraisals(kSup, due).status()),
            (std::set<std::string>{"employee_ids"}));
}

TEST_F(AppraisalsTest, ListAppraisalsPageStaysWithinTheByteBudget) {
  // Five appraisals of about 300 KB each (and the five small ones Stored() creates first):
  // more than a 1 MiB page holds.
  for (int i = 0; i < 5; ++i) {
    v1::Appraisal a =
        Stored("big-" + std::to_string(i), "emp-1", "sup-1", v1::APPRAISAL_STATE_DRAFT);
    (void)a;
  }
  for (int i = 0; i < 5; ++i) {
    auto s = store_->GetAppraisal("big-" + std::to_string(i));
    ASSERT_TRUE(s.ok());
    v1::Appraisal a = s->appraisal;
    a.set_supervisor_comments(std::string(300 * 1000, 'c'));
    ASSERT_TRUE(store_->UpdateAppraisal(a, s->version, audit::Event()).ok());
  }
  v1::ListAppraisalsRequest l;
  l.set_page_size(200);
  size_t seen = 0;
  int pages = 0;
  do {
    auto page = domain_->ListAppraisals(kHr, l);
    ASSERT_TRUE(page.ok()) << page.status();
    EXPECT_LE(page->ByteSizeLong(), api::kPageBudgetBytes + 64);
    seen += page->appraisals_size();
    l.set_page_token(page->next_page_token());
    ++pages;
  } while (!l.page_token().empty());
  EXPECT_EQ(seen, 10u);
  EXPECT_GE(pages, 2);
}

TEST_F(AppraisalsTest, AnAppraisalNeverOutgrowsItsByteLimit) {
  auto r = NewRequest();
  r.mutable_appraisal()->set_supervisor_comments(std::string(kMaxTextLength, 'c'));
  for (int i = 0; i < kMaxEvidence; ++i)
    r.mutable_appraisal()->mutable_assessments(0)->add_evidence(std::string(kMaxTextLength, 'e'));
  // 51 x 8000 bytes = 408 KB: accepted.
  auto got = domain_->CreateAppraisal(kSup, r);
  ASSERT_TRUE(got.ok()) << got.status();
  v1::UpdateAppraisalRequest u;
  *u.mutable_appraisal() = got->appraisal();
  for (int i = 0; i < 20; ++i) {
    auto* g = u.mutable_appraisal()->add_goals();
    g->set_specific(std::string(kMaxTextLength, 's'));
    g->set_measure("m");
    *g->mutable_target_date() = D(2024, 6, 1);
    g->set_competency_id("pe");
  }
  u.mutable_update_mask()->add_paths("goals");
  auto upd = domain_->UpdateAppraisal(kSup, u);
  ASSERT_EQ(upd.status().code(), absl::StatusCode::kFailedPrecondition) << upd.status();
  EXPECT_EQ(FieldsOf(upd.status()), (std::set<std::string>{"appraisal"}));
}

}  // namespace
}  // namespace classplan::appraisal
