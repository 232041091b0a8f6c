#include "services/eligibility/domain/eligibility.h"

#include <gtest/gtest.h>

#include <map>

#include "common/status/field_violations.h"
#include "services/eligibility/domain/test_rules.h"

namespace classplan::eligibility {
namespace {

using testing::ApplicantBuilder;
using testing::D;

// The shipped classes as a RuleSource.
class ShippedSource : public RuleSource {
 public:
  absl::StatusOr<ClassRulesPtr> Get(const std::string& code, absl::CivilDay) override {
    ++gets;
    if (unavailable) return absl::UnavailableError("catalog unavailable (test)");
    for (const char* c : kCodes) {
      if (code == c) {
        auto cls = testing::ShippedClass(code);
        cls.set_revision(1);
        if (code == broken) {
          // As an older version may have stored it: an empty group in the minimum rules.
          cls.mutable_minimum_qualification_rules()->mutable_root()->mutable_all_of()->Clear();
        }
        return BuildClassRules(cls);
      }
    }
    return absl::NotFoundError("no class " + code);
  }
  absl::StatusOr<std::vector<ClassRulesPtr>> All(absl::CivilDay day) override {
    std::vector<ClassRulesPtr> out;
    for (const char* c : kCodes) {
      auto r = Get(c, day);
      if (!r.ok()) return r.status();
      out.push_back(*r);
    }
    return out;
  }
  static constexpr const char* kCodes[] = {"2944",   "CA2459", "CA2460", "G1099A", "G1099B",
                                           "G1099O", "SPCP20", "SPCP23", "SPPS26"};
  int gets = 0;
  bool unavailable = false;
  std::string broken;  // this class's stored minimum rules are invalid
};

class EligibilityTest : public ::testing::Test {
 protected:
  ShippedSource source;
  Eligibility eligibility{&source, CreditSettings{}};
};

v1::Applicant Psychologist() {
  ApplicantBuilder b;
  b.Degree(cv1::EDUCATION_LEVEL_BACHELOR, cv1::FIELD_OF_STUDY_PSYCHOLOGY);
  return b.Build();
}

TEST_F(EligibilityTest, AnApplicationDateAfterTheAsOfDateIsRefused) {
  v1::EvaluateRequest req;
  *req.mutable_applicant() = Psychologist();
  *req.mutable_applicant()->mutable_application_date() = D("2026-02-01");
  req.set_class_code("SPCP23");
  *req.mutable_as_of() = D("2026-01-31");
  auto e = eligibility.Evaluate(req);
  ASSERT_EQ(e.status().code(), absl::StatusCode::kInvalidArgument) << e.status();
  const auto violations = status::GetFieldViolations(e.status());
  ASSERT_EQ(violations.size(), 1u);
  EXPECT_EQ(violations[0].field, "applicant.application_date");
  // In a screening too, per applicant.
  v1::ScreenHeader h;
  h.set_class_code("SPCP23");
  *h.mutable_as_of() = D("2026-01-31");
  auto screening = eligibility.StartScreening(h);
  ASSERT_TRUE(screening.ok()) << screening.status();
  Scratch scratch;
  v1::ScreenResult result;
  eligibility.ScreenOne(*screening, req.applicant(), 0, &scratch, &result);
  ASSERT_EQ(result.error().field_violations_size(), 1);
  EXPECT_EQ(result.error().field_violations(0).field(), "applicant.application_date");
}

TEST_F(EligibilityTest, EvaluateNamesRevisionAndRules) {
  v1::EvaluateRequest req;
  *req.mutable_applicant() = Psychologist();
  req.set_class_code("SPCP23");
  *req.mutable_as_of() = D("2026-01-31");
  auto e = eligibility.Evaluate(req);
  ASSERT_TRUE(e.ok()) << e.status();
  EXPECT_EQ(e->determination(), v1::DETERMINATION_NOT_QUALIFIED);
  EXPECT_EQ(e->class_revision(), 1);
  EXPECT_EQ(e->rule_version(), 2);  // v2: CIP codes (docs/cip.md)
  EXPECT_EQ(e->track(), v1::TRACK_MINIMUM);
  EXPECT_EQ(e->class_title(), "CPS Permanency Planning Senior Worker");
  // Byte-identical on repeat.
  EXPECT_EQ(eligibility.Evaluate(req)->SerializeAsString(), e->SerializeAsString());
}

TEST_F(EligibilityTest, MalformedProfileNamesEveryFieldAndEvaluatesNothing) {
  v1::EvaluateRequest req;
  req.set_class_code("SPCP23");  // no as_of
  ApplicantBuilder b;
  b.Job("2022-01-01", "2021-01-01", -1, {cv1::EXPERIENCE_KIND_HEALTH_CARE});
  *req.mutable_applicant() = b.Build();
  req.mutable_applicant()->mutable_experience(0)->add_kinds(static_cast<cv1::ExperienceKind>(77));
  auto e = eligibility.Evaluate(req);
  ASSERT_EQ(e.status().code(), absl::StatusCode::kInvalidArgument);
  std::vector<std::string> fields;
  for (const auto& f : status::GetFieldViolations(e.status())) fields.push_back(f.field);
  EXPECT_EQ(fields, (std::vector<std::string>{"as_of", "applicant.experience[0].end",
                                              "applicant.experience[0].hours_per_week",
                                              "applicant.experience[0].kinds[1]"}));
  EXPECT_EQ(source.gets, 0) << "nothing is evaluated";
  // No value of the profile in the message.
  EXPECT_EQ(std::string(e.status().message()).find("2021"), std::string::npos);
}

TEST_F(EligibilityTest, RecommendedTrackAndMissingRules) {
  v1::EvaluateRequest req;
  *req.mutable_applicant() = Psychologist();
  req.set_class_code("CA2459");
  req.set_track(v1::TRACK_RECOMMENDED);
  *req.mutable_as_of() = D("2026-01-31");
  EXPECT_EQ(eligibility.Evaluate(req).status().code(), absl::StatusCode::kFailedPrecondition);
  req.set_class_code("SPCP20");
  auto e = eligibility.Evaluate(req);
  ASSERT_TRUE(e.ok());
  EXPECT_EQ(e->track(), v1::TRACK_RECOMMENDED);
  EXPECT_EQ(e->determination(), v1::DETERMINATION_NOT_QUALIFIED);  // recommended: 2 years
  req.set_class_code("NOPE");
  EXPECT_EQ(eligibility.Evaluate(req).status().code(), absl::StatusCode::kNotFound);
  source.unavailable = true;
  EXPECT_EQ(eligibility.Evaluate(req).status().code(), absl::StatusCode::kUnavailable);
}

TEST_F(EligibilityTest, InvalidStoredRulesAreReportedNeverInternalNorLeftOut) {
  source.broken = "SPCP20";
  v1::EvaluateRequest req;
  *req.mutable_applicant() = Psychologist();
  req.set_class_code("SPCP20");
  *req.mutable_as_of() = D("2026-01-31");
  auto e = eligibility.Evaluate(req);
  ASSERT_EQ(e.status().code(), absl::StatusCode::kFailedPrecondition) << e.status();
  const std::string why(e.status().message());
  EXPECT_NE(why.find("class SPCP20"), std::string::npos) << why;
  EXPECT_NE(why.find("a group needs at least one rule"), std::string::npos) << why;
  // The other track is still good.
  req.set_track(v1::TRACK_RECOMMENDED);
  EXPECT_TRUE(eligibility.Evaluate(req).ok());

  v1::FindQualifyingClassesRequest find;
  *find.mutable_applicant() = Psychologist();
  *find.mutable_as_of() = D("2026-01-31");
  auto r = eligibility.FindQualifyingClasses(find);
  ASSERT_TRUE(r.ok()) << r.status();
  ASSERT_EQ(r->not_evaluated_size(), 1);
  EXPECT_EQ(r->not_evaluated(0).class_code(), "SPCP20");
  EXPECT_EQ(r->not_evaluated(0).reason(), why);
  for (const auto& q : r->qualifying()) EXPECT_NE(q.class_code(), "SPCP20");
}

TEST_F(EligibilityTest, FindQualifyingClassesWithNearestMisses) {
  v1::FindQualifyingClassesRequest req;
  *req.mutable_applicant() = Psychologist();
  *req.mutable_as_of() = D("2026-01-31");
  auto r = eligibility.FindQualifyingClasses(req);
  ASSERT_TRUE(r.ok()) << r.status();
  ASSERT_EQ(r->qualifying_size(), 1);
  EXPECT_EQ(r->qualifying(0).class_code(), "SPCP20");
  // G1099A: a bachelor's in Psychology may be a related field for the combination.
  ASSERT_EQ(r->needs_review_size(), 1);
  EXPECT_EQ(r->needs_review(0).class_code(), "G1099A");
  // ... and says what a person must check; a qualifying class or a miss has nothing to review.
  ASSERT_EQ(r->needs_review(0).review_reasons_size(), 1);
  EXPECT_EQ(r->needs_review(0).review_reasons(0).rfind("combination: 48 months required", 0), 0u)
      << r->needs_review(0).review_reasons(0);
  EXPECT_NE(r->needs_review(0).review_reasons(0).find("met only if a person accepts the education"),
            std::string::npos);
  EXPECT_EQ(r->qualifying(0).review_reasons_size(), 0);
  ASSERT_EQ(r->nearest_misses_size(), 3);
  // The career ladder: G1099B needs 6 months, G1099O and SPCP23 24 months.
  EXPECT_EQ(r->nearest_misses(0).class_code(), "G1099B");
  EXPECT_EQ(r->nearest_misses(0).missing_month_hundredths(), 600);
  EXPECT_EQ(r->nearest_misses(1).class_code(), "G1099O");
  EXPECT_EQ(r->nearest_misses(2).class_code(), "SPCP23");
  EXPECT_EQ(
      r->nearest_misses(2).shortfalls(0).description(),
      "needs 24 more months of experience: two (2) years of any combination of experience "
      "including working with communities, working on health or social service related matters, "
      "social work/case management experience, behavioral health and/or health care");
  // A missing degree or licence is not months: CA2459 misses a driver's licence and 36 months.
  req.set_max_nearest_misses(20);
  r = eligibility.FindQualifyingClasses(req);
  ASSERT_TRUE(r.ok());
  for (const auto& m : r->nearest_misses()) {
    if (m.class_code() == "CA2459") {
      EXPECT_EQ(m.missing_month_hundredths(), 3600);
    }
  }
  // SPPS26 (72 months short) ranks before the Denver classes, which also need a driver's
  // licence.
  ASSERT_EQ(r->nearest_misses_size(), 6);
  EXPECT_EQ(r->nearest_misses(3).class_code(), "SPPS26");
  EXPECT_EQ(r->nearest_misses(3).missing_month_hundredths(), 7200);
  EXPECT_EQ(r->nearest_misses(4).class_code(), "CA2459");
  EXPECT_EQ(r->nearest_misses(5).class_code(), "CA2460");
  r = eligibility.FindQualifyingClasses(req);
  ASSERT_TRUE(r.ok());
  // Every class with rules appears once: 2944 has none.
  EXPECT_EQ(r->qualifying_size() + r->needs_review_size() + r->nearest_misses_size(), 8);
}

TEST_F(EligibilityTest, FullTimeIsAPerJurisdictionSetting) {
  // 36 months of placement case work at 20 hours a week: 18 months at 40 hours full time,
  // 36 where the jurisdiction's full time is 20 hours.
  ApplicantBuilder b;
  b.Degree(cv1::EDUCATION_LEVEL_BACHELOR, cv1::FIELD_OF_STUDY_SOCIAL_WORK)
      .Job("2023-01-01", "2025-12-31", 20, {cv1::EXPERIENCE_KIND_PROFESSIONAL_SOCIAL_CASE_WORK},
           false, true)
      .DriversLicence();
  v1::EvaluateRequest req;
  *req.mutable_applicant() = b.Build();
  req.set_class_code("CA2459");
  *req.mutable_as_of() = D("2026-01-31");
  auto e = eligibility.Evaluate(req);
  ASSERT_TRUE(e.ok());
  EXPECT_EQ(e->result().children(1).credited_month_hundredths(), 1800);
  JurisdictionSettings settings;
  settings.by_jurisdiction["denver-csa"].full_time_centihours = 2000;
  Eligibility denver_part_time(&source, settings);
  e = denver_part_time.Evaluate(req);
  ASSERT_TRUE(e.ok());
  EXPECT_EQ(e->result().children(1).credited_month_hundredths(), 3600);
  EXPECT_EQ(e->determination(), v1::DETERMINATION_QUALIFIED);
  // New Mexico keeps the default: 24 months at 20 hours are 12.
  ApplicantBuilder nm;
  nm.Degree(cv1::EDUCATION_LEVEL_BACHELOR, cv1::FIELD_OF_STUDY_SOCIAL_WORK)
      .Job("2024-01-01", "2025-12-31", 20, {cv1::EXPERIENCE_KIND_HEALTH_CARE});
  *req.mutable_applicant() = nm.Build();
  req.set_class_code("SPCP23");
  e = denver_part_time.Evaluate(req);
  ASSERT_TRUE(e.ok());
  EXPECT_EQ(e->result().children(1).credited_month_hundredths(), 1200);
}

TEST_F(EligibilityTest, ScreeningOneAtATime) {
  v1::ScreenHeader h;
  h.set_class_code("G1099B");
  *h.mutable_as_of() = D("2026-01-31");
  auto sc = eligibility.StartScreening(h);
  ASSERT_TRUE(sc.ok()) << sc.status();
  Scratch scratch;
  ApplicantBuilder good;
  good.Degree(cv1::EDUCATION_LEVEL_HIGH_SCHOOL_OR_GED, cv1::FIELD_OF_STUDY_UNSPECIFIED)
      .Job("2025-01-01", nullptr, 40, {cv1::EXPERIENCE_KIND_SOCIAL_WORKER_ASSISTANT});
  good.mutable_applicant()->set_applicant_ref("a-1");
  v1::ScreenResult out;
  eligibility.ScreenOne(*sc, good.Build(), 0, &scratch, &out);
  EXPECT_EQ(out.applicant_ref(), "a-1");
  EXPECT_EQ(out.determination(), v1::DETERMINATION_QUALIFIED);
  EXPECT_FALSE(out.has_evaluation());
  ApplicantBuilder bad;
  bad.Job("2025-01-01", nullptr, 0, {cv1::EXPERIENCE_KIND_SOCIAL_WORKER_ASSISTANT});
  eligibility.ScreenOne(*sc, bad.Build(), 1, &scratch, &out);
  EXPECT_EQ(out.index(), 1);
  EXPECT_EQ(out.determination(), v1::DETERMINATION_UNSPECIFIED);
  ASSERT_EQ(out.error().field_violations_size(), 1);
  EXPECT_EQ(out.error().field_violations(0).field(), "applicant.experience[0].hours_per_week");
  h.clear_as_of();
  EXPECT_EQ(eligibility.StartScreening(h).status().code(), absl::StatusCode::kInvalidArgument);
}

}  // namespace
}  // namespace classplan::eligibility
