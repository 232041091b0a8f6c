// Rulings end to end in the domain: recorded through RulingService into a real SQLite store,
// applied by Eligibility through the RulingCache.
#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <string>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "common/status/field_violations.h"
#include "services/eligibility/domain/eligibility.h"
#include "services/eligibility/domain/ruling_service.h"
#include "services/eligibility/domain/test_rules.h"
#include "services/eligibility/store/sqlite_ruling_store.h"

namespace classplan::eligibility {
namespace {

using testing::ApplicantBuilder;
using testing::D;

// SPPS26 from the shipped data as the only class.
class OneClassSource : public RuleSource {
 public:
  absl::StatusOr<ClassRulesPtr> Get(const std::string& code, absl::CivilDay) override {
    if (code != "SPPS26") return absl::NotFoundError("no class " + code);
    auto cls = testing::ShippedClass(code);
    cls.set_revision(1);
    return BuildClassRules(cls);
  }
  absl::StatusOr<std::vector<ClassRulesPtr>> All(absl::CivilDay day) override {
    auto r = Get("SPPS26", day);
    if (!r.ok()) return r.status();
    return std::vector<ClassRulesPtr>{*r};
  }
};

// A social worker with 48 months of case management and no licence: SPPS26's path-1 asks
// for a licence "or eligibility for such licensure", which a person must confirm.
v1::Applicant Unlicensed(const std::string& ref) {
  ApplicantBuilder b;
  b.Degree(cv1::EDUCATION_LEVEL_BACHELOR, cv1::FIELD_OF_STUDY_SOCIAL_WORK)
      .Job("2022-01-01", "2025-12-31", 40, {cv1::EXPERIENCE_KIND_SOCIAL_WORK_CASE_MANAGEMENT});
  v1::Applicant a = b.Build();
  a.set_applicant_ref(ref);
  return a;
}

identity::Caller As(identity::Role role, const std::string& who = "analyst-1") {
  return identity::Caller{who, {role}, "req-1", "RecordRuling"};
}

class RulingsTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = std::filesystem::temp_directory_path() /
           absl::StrCat("rulings_test_", ::getpid(), "_",
                        ::testing::UnitTest::GetInstance()->current_test_info()->name());
    std::filesystem::remove_all(dir_);
    std::filesystem::create_directories(dir_);
    auto store = SqliteRulingStore::Open((dir_ / "rulings.db").string());
    ASSERT_TRUE(store.ok()) << store.status();
    store_ = *std::move(store);
    cache_ = std::make_unique<RulingCache>(store_.get());
    service_ = std::make_unique<RulingService>(
        store_.get(), clock::Clock::Fixed(absl::FromUnixSeconds(1767225600)));  // 2026-01-01
    eligibility_ = std::make_unique<Eligibility>(&source_, JurisdictionSettings{}, cache_.get());
  }
  void TearDown() override { std::filesystem::remove_all(dir_); }

  v1::Evaluation Evaluate(const v1::Applicant& a) {
    v1::EvaluateRequest req;
    *req.mutable_applicant() = a;
    req.set_class_code("SPPS26");
    *req.mutable_as_of() = D("2026-01-31");
    auto e = eligibility_->Evaluate(req);
    EXPECT_TRUE(e.ok()) << e.status();
    return e.ok() ? *e : v1::Evaluation();
  }

  // The review reason id the unlicensed applicant's evaluation reports.
  std::string LicenceReasonId() {
    v1::Evaluation e = Evaluate(Unlicensed("probe"));
    EXPECT_EQ(e.determination(), v1::DETERMINATION_NEEDS_REVIEW);
    EXPECT_EQ(e.review_reasons_size(), 1);
    if (e.review_reasons_size() != 1) return "";
    EXPECT_EQ(e.review_reasons(0).code(), "licence_eligibility");
    EXPECT_NE(e.review_reasons(0).text().find("eligibility for such licensure"), std::string::npos);
    return e.review_reasons(0).id();
  }

  v1::RecordRulingRequest Request(const std::string& ref, v1::RulingDecision decision) {
    v1::RecordRulingRequest req;
    v1::Ruling* r = req.mutable_ruling();
    r->set_class_code("SPPS26");
    if (ref.empty()) {
      r->set_standing(true);
      *r->mutable_effective_from() = D("2026-01-01");
    } else {
      r->set_applicant_ref(ref);
    }
    r->set_review_reason_id(LicenceReasonId());
    r->set_decision(decision);
    r->set_reason("licence eligibility is confirmed by a passed ASWB exam");
    r->set_evidence_ref("case-file-17");
    return req;
  }

  // Every screening result's determination, counted by name.
  std::map<v1::Determination, int> Screen(int n, std::vector<v1::ScreenResult>* results) {
    v1::ScreenHeader h;
    h.set_class_code("SPPS26");
    *h.mutable_as_of() = D("2026-01-31");
    auto screening = eligibility_->StartScreening(h);
    EXPECT_TRUE(screening.ok()) << screening.status();
    std::map<v1::Determination, int> out;
    if (!screening.ok()) return out;
    Scratch scratch;
    results->resize(n);
    for (int i = 0; i < n; ++i) {
      eligibility_->ScreenOne(*screening, Unlicensed(absl::StrCat("a-", i)), i, &scratch,
                              &(*results)[i]);
      ++out[(*results)[i].determination()];
    }
    return out;
  }

  size_t AuditEvents() {
    auto page = store_->ListAuditEvents({}, 0, "");
    EXPECT_TRUE(page.ok()) << page.status();
    return page.ok() ? page->events.size() : 0;
  }

  std::filesystem::path dir_;
  OneClassSource source_;
  std::unique_ptr<SqliteRulingStore> store_;
  std::unique_ptr<RulingCache> cache_;
  std::unique_ptr<RulingService> service_;
  std::unique_ptr<Eligibility> eligibility_;
};

TEST_F(RulingsTest, APerDeterminationRulingDecidesThatApplicantOnly) {
  auto ruling = service_->Record(As(identity::Role::kHrAnalyst),
                                 Request("app-1", v1::RULING_DECISION_QUALIFIED));
  ASSERT_TRUE(ruling.ok()) << ruling.status();
  EXPECT_EQ(ruling->author(), "analyst-1");
  EXPECT_EQ(ruling->etag(), "v1");

  v1::Evaluation e = Evaluate(Unlicensed("app-1"));
  EXPECT_EQ(e.determination(), v1::DETERMINATION_QUALIFIED);
  ASSERT_EQ(e.applied_rulings_size(), 1);
  EXPECT_EQ(e.applied_rulings(0).ruling_id(), ruling->id());
  EXPECT_FALSE(e.applied_rulings(0).standing());
  const std::string lines = absl::StrJoin(e.explanation(), "\n");
  EXPECT_NE(lines.find(absl::StrCat("By ruling ", ruling->id(), " (ruling for this applicant")),
            std::string::npos)
      << lines;
  // The ruled rule's own line says a ruling met it, not its figures alone.
  EXPECT_NE(lines.find("[met by ruling] licence: "), std::string::npos) << lines;
  EXPECT_EQ(e.review_reasons_size(), 0);

  // Another applicant with the same record still needs review.
  EXPECT_EQ(Evaluate(Unlicensed("app-2")).determination(), v1::DETERMINATION_NEEDS_REVIEW);

  // FindQualifyingClasses applies it too.
  v1::FindQualifyingClassesRequest f;
  *f.mutable_applicant() = Unlicensed("app-1");
  *f.mutable_as_of() = D("2026-01-31");
  auto found = eligibility_->FindQualifyingClasses(f);
  ASSERT_TRUE(found.ok()) << found.status();
  ASSERT_EQ(found->qualifying_size(), 1);
  EXPECT_EQ(found->qualifying(0).applied_rulings(0).ruling_id(), ruling->id());
  *f.mutable_applicant() = Unlicensed("app-2");
  found = eligibility_->FindQualifyingClasses(f);
  ASSERT_TRUE(found.ok()) << found.status();
  ASSERT_EQ(found->needs_review_size(), 1);
  EXPECT_EQ(found->needs_review(0).review_reason_ids(0), LicenceReasonId());

  // A NOT QUALIFIED ruling fails the path: with 48 months the other path (72) is not met.
  ASSERT_TRUE(service_
                  ->Record(As(identity::Role::kHrAdmin, "admin-1"),
                           Request("app-3", v1::RULING_DECISION_NOT_QUALIFIED))
                  .ok());
  e = Evaluate(Unlicensed("app-3"));
  EXPECT_EQ(e.determination(), v1::DETERMINATION_NOT_QUALIFIED);
  EXPECT_EQ(e.applied_rulings(0).decision(), v1::RULING_DECISION_NOT_QUALIFIED);
  // The closest path is now the other one; the ruling still says what it decided.
  EXPECT_NE(absl::StrJoin(e.explanation(), "\n").find("ruled NOT QUALIFIED by admin-1"),
            std::string::npos)
      << absl::StrJoin(e.explanation(), "\n");
}

TEST_F(RulingsTest, AStandingRulingDecidesAScreeningOf5000UntilWithdrawn) {
  constexpr int kApplicants = 5000;
  std::vector<v1::ScreenResult> results;
  auto before = Screen(kApplicants, &results);
  EXPECT_EQ(before[v1::DETERMINATION_NEEDS_REVIEW], kApplicants);
  ASSERT_EQ(results[0].review_reasons_size(), 1);
  EXPECT_EQ(results[0].review_reasons(0).id(), LicenceReasonId());

  auto ruling =
      service_->Record(As(identity::Role::kHrAdmin), Request("", v1::RULING_DECISION_QUALIFIED));
  ASSERT_TRUE(ruling.ok()) << ruling.status();
  auto ruled = Screen(kApplicants, &results);
  EXPECT_EQ(ruled[v1::DETERMINATION_QUALIFIED], kApplicants);
  for (const auto& r : results) {
    ASSERT_EQ(r.applied_rulings_size(), 1);
    EXPECT_EQ(r.applied_rulings(0).ruling_id(), ruling->id());
    EXPECT_TRUE(r.applied_rulings(0).standing());
  }
  v1::Evaluation e = Evaluate(Unlicensed("app-9"));
  EXPECT_NE(absl::StrJoin(e.explanation(), "\n")
                .find(absl::StrCat("By ruling ", ruling->id(), " (standing ruling")),
            std::string::npos);

  v1::WithdrawRulingRequest w;
  w.set_id(ruling->id());
  w.set_reason("the exam no longer confirms eligibility");
  w.set_etag("v9");
  EXPECT_EQ(service_->Withdraw(As(identity::Role::kHrAdmin), w).status().code(),
            absl::StatusCode::kAborted);
  w.set_etag(ruling->etag());
  auto withdrawn = service_->Withdraw(As(identity::Role::kHrAdmin), w);
  ASSERT_TRUE(withdrawn.ok()) << withdrawn.status();
  EXPECT_TRUE(withdrawn->withdrawn());
  EXPECT_EQ(service_->Withdraw(As(identity::Role::kHrAdmin), w).status().code(),
            absl::StatusCode::kAborted);  // its etag changed

  auto after = Screen(kApplicants, &results);
  EXPECT_EQ(after[v1::DETERMINATION_NEEDS_REVIEW], kApplicants);

  // Withdrawn rulings stay listed, marked, when asked for.
  v1::ListRulingsRequest list;
  list.set_class_code("SPPS26");
  auto listed = service_->List(As(identity::Role::kHrAnalyst), list);
  ASSERT_TRUE(listed.ok()) << listed.status();
  EXPECT_EQ(listed->rulings_size(), 0);
  list.set_include_withdrawn(true);
  listed = service_->List(As(identity::Role::kHrAnalyst), list);
  ASSERT_TRUE(listed.ok()) << listed.status();
  ASSERT_EQ(listed->rulings_size(), 1);
  EXPECT_TRUE(listed->rulings(0).withdrawn());
  EXPECT_EQ(listed->rulings(0).withdrawn_by(), "analyst-1");
  EXPECT_EQ(AuditEvents(), 2U);

  // The same two writes through the service's ListAuditEvents, for hr_admin only.
  auto events = service_->ListAuditEvents(As(identity::Role::kHrAdmin), {});
  ASSERT_TRUE(events.ok()) << events.status();
  ASSERT_EQ(events->events_size(), 2);
  EXPECT_EQ(events->events(0).resource_id(), ruling->id());
  EXPECT_EQ(events->events(1).resource_id(), ruling->id());
  EXPECT_NE(events->events(0).etag_after(), events->events(1).etag_after());
  EXPECT_EQ(service_->ListAuditEvents(As(identity::Role::kHrAnalyst), {}).status().code(),
            absl::StatusCode::kPermissionDenied);
}

TEST_F(RulingsTest, AStandingRulingAppliesOnlyOnItsDays) {
  auto req = Request("", v1::RULING_DECISION_QUALIFIED);
  *req.mutable_ruling()->mutable_effective_from() = D("2026-02-01");
  ASSERT_TRUE(service_->Record(As(identity::Role::kHrAnalyst), req).ok());
  EXPECT_EQ(Evaluate(Unlicensed("x")).determination(), v1::DETERMINATION_NEEDS_REVIEW);
  req = Request("", v1::RULING_DECISION_QUALIFIED);
  *req.mutable_ruling()->mutable_effective_from() = D("2025-01-01");
  *req.mutable_ruling()->mutable_effective_until() = D("2026-01-31");
  ASSERT_TRUE(service_->Record(As(identity::Role::kHrAnalyst), req).ok());
  EXPECT_EQ(Evaluate(Unlicensed("x")).determination(), v1::DETERMINATION_QUALIFIED);
}

TEST_F(RulingsTest, OnlyHrMayRecordListOrWithdraw) {
  for (identity::Role role :
       {identity::Role::kEmployee, identity::Role::kSupervisor, identity::Role::kAgencySystem}) {
    EXPECT_EQ(
        service_->Record(As(role), Request("app-1", v1::RULING_DECISION_QUALIFIED)).status().code(),
        absl::StatusCode::kPermissionDenied);
    EXPECT_EQ(service_->List(As(role), {}).status().code(), absl::StatusCode::kPermissionDenied);
    v1::WithdrawRulingRequest w;
    w.set_id("rul-1");
    w.set_reason("r");
    EXPECT_EQ(service_->Withdraw(As(role), w).status().code(), absl::StatusCode::kPermissionDenied);
  }
  EXPECT_EQ(service_->Record(identity::Caller{}, Request("app-1", v1::RULING_DECISION_QUALIFIED))
                .status()
                .code(),
            absl::StatusCode::kUnauthenticated);
  EXPECT_EQ(AuditEvents(), 0U);
  EXPECT_EQ(Evaluate(Unlicensed("app-1")).determination(), v1::DETERMINATION_NEEDS_REVIEW);
}

TEST_F(RulingsTest, BadInputIsRefusedWithFieldViolationsAndNothingWritten) {
  v1::RecordRulingRequest req;
  req.set_ruling_id("Rul_1");
  v1::Ruling* r = req.mutable_ruling();
  r->set_standing(true);
  r->set_applicant_ref("app-1");
  r->set_review_reason_id("path-1/licence|made_up");
  r->set_reason(std::string(kMaxRulingReason + 1, 'x'));
  *r->mutable_effective_from() = D("2026-02-01");
  *r->mutable_effective_until() = D("2026-01-01");
  auto out = service_->Record(As(identity::Role::kHrAnalyst), req);
  ASSERT_EQ(out.status().code(), absl::StatusCode::kInvalidArgument) << out.status();
  std::vector<std::string> fields;
  for (const auto& v : status::GetFieldViolations(out.status())) fields.push_back(v.field);
  EXPECT_EQ(absl::StrJoin(fields, ","),
            "ruling_id,ruling.class_code,ruling.applicant_ref,ruling.effective_until,"
            "ruling.review_reason_id,ruling.decision,ruling.reason");
  // The applicant reference is not echoed in the error.
  EXPECT_EQ(std::string(out.status().message()).find("app-1"), std::string::npos);

  v1::WithdrawRulingRequest w;
  w.set_id("rul-none");
  EXPECT_EQ(service_->Withdraw(As(identity::Role::kHrAnalyst), w).status().code(),
            absl::StatusCode::kInvalidArgument);
  w.set_reason("r");
  EXPECT_EQ(service_->Withdraw(As(identity::Role::kHrAnalyst), w).status().code(),
            absl::StatusCode::kNotFound);
  EXPECT_EQ(AuditEvents(), 0U);
  auto listed = store_->ListRulings(RulingQuery{"", "", RulingKind::kAny, true, "", 0});
  ASSERT_TRUE(listed.ok());
  EXPECT_TRUE(listed->empty());
}

TEST_F(RulingsTest, ARetryWithTheSameIdIsIdempotent) {
  auto req = Request("app-1", v1::RULING_DECISION_QUALIFIED);
  req.set_ruling_id("rul-client-1");
  auto first = service_->Record(As(identity::Role::kHrAnalyst), req);
  ASSERT_TRUE(first.ok()) << first.status();
  auto again = service_->Record(As(identity::Role::kHrAnalyst), req);
  ASSERT_TRUE(again.ok()) << again.status();
  EXPECT_EQ(again->id(), "rul-client-1");
  EXPECT_EQ(AuditEvents(), 1U);
  req.mutable_ruling()->set_decision(v1::RULING_DECISION_NOT_QUALIFIED);
  EXPECT_EQ(service_->Record(As(identity::Role::kHrAnalyst), req).status().code(),
            absl::StatusCode::kAlreadyExists);
}

TEST_F(RulingsTest, ListPages) {
  for (int i = 0; i < 3; ++i) {
    ASSERT_TRUE(service_
                    ->Record(As(identity::Role::kHrAnalyst),
                             Request(absl::StrCat("app-", i), v1::RULING_DECISION_QUALIFIED))
                    .ok());
  }
  v1::ListRulingsRequest list;
  list.set_page_size(2);
  auto page = service_->List(As(identity::Role::kHrAnalyst), list);
  ASSERT_TRUE(page.ok()) << page.status();
  EXPECT_EQ(page->rulings_size(), 2);
  ASSERT_FALSE(page->next_page_token().empty());
  list.set_page_token(page->next_page_token());
  auto rest = service_->List(As(identity::Role::kHrAnalyst), list);
  ASSERT_TRUE(rest.ok()) << rest.status();
  EXPECT_EQ(rest->rulings_size(), 1);
  EXPECT_TRUE(rest->next_page_token().empty());
  list.set_class_code("OTHER");  // a token for another query
  EXPECT_EQ(service_->List(As(identity::Role::kHrAnalyst), list).status().code(),
            absl::StatusCode::kInvalidArgument);
}

}  // namespace
}  // namespace classplan::eligibility
