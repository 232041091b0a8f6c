#include "services/appraisal/domain/appraisals.h"

#include <cstdlib>

#include "common/audit/audit_proto.h"
#include "common/dates/dates.h"
#include "common/status/field_violations.h"
#include "gtest/gtest.h"
#include "services/appraisal/data/loader.h"
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
      return Act(v1::FinalizeAppraisalRequest(), a,
                 [&](const auto& r) { return domain_->FinalizeAppraisal(p, r); });
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
    step(kEmp, "acknowledge");
    if (state == v1::APPRAISAL_STATE_ACKNOWLEDGED) return a;
    step(kSup, "finalize");
    return a;
  }

  // Every audit event, as hr_admin reads them.
  std::vector<classplan::common::v1::AuditEvent> Events() {
    auto page = domain_->ListAuditEvents(kHr, {});
    EXPECT_TRUE(page.ok()) << page.status();
    if (!page.ok()) return {};
    return {page->events().begin(), page->events().end()};
  }

  std::unique_ptr<SqliteAppraisalStore> store_;
  std::unique_ptr<Appraisals> domain_;
  absl::Time now_ = absl::FromUnixSeconds(1704067200);  // 2024-01-01T00:00:00Z
  int ids_ = 0;
};

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
      {v1::APPRAISAL_STATE_DRAFT, "submit", &kEmp, denied, {}},
      {v1::APPRAISAL_STATE_DRAFT, "acknowledge", &kEmp, pre, {}},
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
  EXPECT_TRUE(domain_->GetAppraisal(kEmp, g).ok());
  EXPECT_TRUE(domain_->GetAppraisal(kHr, g).ok());
  EXPECT_EQ(domain_->GetAppraisal(kOtherSup, g).status().code(),
            absl::StatusCode::kPermissionDenied);
  EXPECT_EQ(domain_->GetAppraisal(kOtherEmp, g).status().code(),
            absl::StatusCode::kPermissionDenied);
  // An employee id matching without the employee role is not enough.
  EXPECT_EQ(domain_->GetAppraisal(Principal{"emp-1", {Role::kSupervisor}}, g).status().code(),
            absl::StatusCode::kPermissionDenied);
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
  EXPECT_EQ(domain_->UpdateAppraisal(kEmp, u).status().code(), absl::StatusCode::kPermissionDenied);
  EXPECT_TRUE(domain_->UpdateAppraisal(kSup, u).ok());
  // Lists are filtered.
  v1::ListAppraisalsRequest l;
  EXPECT_EQ(domain_->ListAppraisals(kOtherSup, l)->appraisals_size(), 0);
  EXPECT_EQ(domain_->ListAppraisals(kSup, l)->appraisals_size(), 1);
  EXPECT_EQ(domain_->ListAppraisals(kEmp, l)->appraisals_size(), 1);
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
  auto events = Events();
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
  events = Events();
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
  events = Events();
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
  events = Events();
  ASSERT_EQ(events.size(), 11u);  // + read, create, two listed reads
  EXPECT_EQ(events[7].method(), "");
  EXPECT_EQ(events[7].principal(), "emp-1");
  EXPECT_EQ(events[7].resource_id(), a.id());
  EXPECT_EQ(events[7].etag_before(), a.etag());
  EXPECT_EQ(events[7].etag_after(), "");
  EXPECT_EQ(events[9].principal(), "sup-1");
  EXPECT_EQ(events[10].principal(), "sup-1");

  std::vector<audit::Event> chain;
  chain.reserve(events.size());
  for (const auto& e : events) chain.push_back(audit::FromProto(e));
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

}  // namespace
}  // namespace classplan::appraisal
