#include "services/appraisal/domain/model.h"

#include "gtest/gtest.h"

namespace classplan::appraisal {
namespace {

v1::Framework Anchors(int threshold) {
  v1::Framework f;
  f.set_id("test");
  f.set_version(1);
  f.set_title("t");
  f.set_kind(v1::FRAMEWORK_KIND_INDICATOR_LEVELS);
  auto* c = f.add_clusters()->add_competencies();
  f.mutable_clusters(0)->set_id("cl");
  f.mutable_clusters(0)->set_name("cl");
  c->set_id("pe");
  c->set_name("PE");
  const char* abbr[] = {"emg", "dev", "acq", "acc", "mas"};
  for (int l = 1; l <= 5; ++l) {
    auto* lv = c->add_levels();
    lv->set_level(static_cast<v1::ProficiencyLevel>(l));
    for (int n = 1; n <= 2; ++n) {
      auto* ind = lv->add_indicators();
      ind->set_id(std::string("pe.") + abbr[l - 1] + "." + std::to_string(n));
      ind->set_text("x");
    }
  }
  const int from[] = {0, 24, 36, 48};
  const int until[] = {24, 36, 48, 0};
  for (int l = 1; l <= 5; ++l) {
    auto* d = f.add_levels();
    d->set_level(static_cast<v1::ProficiencyLevel>(l));
    d->set_name(abbr[l - 1]);
    if (l < 5) {
      d->set_expected_by_tenure(true);
      d->set_tenure_from_months(from[l - 1]);
      d->set_tenure_until_months(until[l - 1]);
    }
  }
  if (threshold > 0) {
    f.mutable_demonstration_rule()->set_basis(v1::RULE_BASIS_AGENCY_CONFIGURED);
    f.mutable_demonstration_rule()->set_threshold_percent(threshold);
  }
  return f;
}

int Months(absl::CivilDay a, absl::CivilDay b) { return *CompletedMonths(a, b); }

TEST(Tenure, LeapDaysAndMonthEnds) {
  EXPECT_EQ(AddMonthsClamped(absl::CivilDay(2020, 2, 29), 12), absl::CivilDay(2021, 2, 28));
  EXPECT_EQ(AddMonthsClamped(absl::CivilDay(2020, 2, 29), 48), absl::CivilDay(2024, 2, 29));
  EXPECT_EQ(AddMonthsClamped(absl::CivilDay(2021, 1, 31), 1), absl::CivilDay(2021, 2, 28));
  EXPECT_EQ(Months(absl::CivilDay(2020, 2, 29), absl::CivilDay(2022, 2, 27)), 23);
  EXPECT_EQ(Months(absl::CivilDay(2020, 2, 29), absl::CivilDay(2022, 2, 28)), 24);
  EXPECT_EQ(Months(absl::CivilDay(2022, 5, 1), absl::CivilDay(2024, 4, 30)), 23);
  EXPECT_EQ(Months(absl::CivilDay(2022, 5, 1), absl::CivilDay(2024, 5, 1)), 24);
  EXPECT_EQ(Months(absl::CivilDay(2022, 5, 1), absl::CivilDay(2022, 5, 1)), 0);
  EXPECT_FALSE(CompletedMonths(absl::CivilDay(2022, 5, 2), absl::CivilDay(2022, 5, 1)).ok());
}

TEST(Tenure, ExpectedLevelBoundaries) {
  const v1::Framework f = Anchors(0);
  auto level = [&](absl::CivilDay in, absl::CivilDay at) {
    return ExpectedLevel(f, Months(in, at));
  };
  const absl::CivilDay in(2020, 2, 29);
  EXPECT_EQ(level(in, absl::CivilDay(2022, 2, 27)), v1::PROFICIENCY_LEVEL_EMERGING);
  EXPECT_EQ(level(in, absl::CivilDay(2022, 2, 28)), v1::PROFICIENCY_LEVEL_DEVELOPING);  // 2 years
  EXPECT_EQ(level(in, absl::CivilDay(2023, 8, 29)), v1::PROFICIENCY_LEVEL_ACQUIRED);    // 3.5 years
  EXPECT_EQ(level(in, absl::CivilDay(2024, 2, 28)), v1::PROFICIENCY_LEVEL_ACQUIRED);
  EXPECT_EQ(level(in, absl::CivilDay(2024, 2, 29)), v1::PROFICIENCY_LEVEL_ACCOMPLISHED);  // 4
  EXPECT_EQ(level(in, absl::CivilDay(2040, 1, 1)),
            v1::PROFICIENCY_LEVEL_ACCOMPLISHED);  // never Mastery
  EXPECT_EQ(level(absl::CivilDay(2022, 5, 1), absl::CivilDay(2022, 5, 1)),
            v1::PROFICIENCY_LEVEL_EMERGING);
}

v1::Appraisal WithObserved(const std::vector<std::string>& ids) {
  v1::Appraisal a;
  a.mutable_date_entered_class()->set_year(2020);
  a.mutable_date_entered_class()->set_month(1);
  a.mutable_date_entered_class()->set_day(1);
  a.mutable_period_end()->set_year(2022);  // 24 months: Developing expected
  a.mutable_period_end()->set_month(1);
  a.mutable_period_end()->set_day(1);
  auto* as = a.add_assessments();
  as->set_competency_id("pe");
  for (auto& id : ids) as->add_observed_indicator_ids(id);
  return a;
}

TEST(Demonstrated, CumulativeAtThreshold) {
  const v1::Framework f = Anchors(50);
  const FrameworkIndex index(f);
  // Emerging and Developing at 50%, Acquired none: Developing; Accomplished ignored (gap).
  v1::Appraisal a = WithObserved({"pe.emg.1", "pe.dev.2", "pe.acc.1", "pe.acc.2"});
  Evaluate(index, &a);
  EXPECT_EQ(a.expected_level(), v1::PROFICIENCY_LEVEL_DEVELOPING);
  EXPECT_EQ(a.assessments(0).demonstrated_level(), v1::PROFICIENCY_LEVEL_DEVELOPING);
  EXPECT_EQ(a.assessments(0).comparison(), v1::COMPARISON_AT);
  EXPECT_EQ(a.assessments(0).gap(), 0);
  ASSERT_EQ(a.development_plan_size(), 2);  // both Acquired indicators
  EXPECT_EQ(a.development_plan(0).indicator_id(), "pe.acq.1");
  EXPECT_EQ(a.development_plan(0).target_level(), v1::PROFICIENCY_LEVEL_ACQUIRED);

  a = WithObserved({"pe.dev.1", "pe.dev.2"});  // nothing at Emerging: none demonstrated
  Evaluate(index, &a);
  EXPECT_EQ(a.assessments(0).demonstrated_level(), v1::PROFICIENCY_LEVEL_UNSPECIFIED);
  EXPECT_EQ(a.assessments(0).comparison(), v1::COMPARISON_BELOW);
  EXPECT_EQ(a.assessments(0).gap(), -2);
}

TEST(Demonstrated, FullThresholdAndMastery) {
  const v1::Framework f = Anchors(100);
  const FrameworkIndex index(f);
  v1::Appraisal a = WithObserved({"pe.emg.1", "pe.emg.2", "pe.dev.1"});
  Evaluate(index, &a);
  EXPECT_EQ(a.assessments(0).demonstrated_level(), v1::PROFICIENCY_LEVEL_EMERGING);
  EXPECT_EQ(a.assessments(0).gap(), -1);
  std::vector<std::string> all;
  for (const char* l : {"emg", "dev", "acq", "acc", "mas"}) {
    for (int n = 1; n <= 2; ++n) all.push_back(std::string("pe.") + l + "." + std::to_string(n));
  }
  a = WithObserved(all);
  Evaluate(index, &a);
  EXPECT_EQ(a.assessments(0).demonstrated_level(), v1::PROFICIENCY_LEVEL_MASTERY);
  EXPECT_EQ(a.assessments(0).comparison(), v1::COMPARISON_ABOVE);
  EXPECT_EQ(a.development_plan_size(), 0);
}

TEST(Demonstrated, NoThresholdMeansNotComputed) {
  const v1::Framework f = Anchors(0);
  const FrameworkIndex index(f);
  v1::Appraisal a = WithObserved({"pe.emg.1", "pe.emg.2", "pe.dev.1"});
  Evaluate(index, &a);
  EXPECT_EQ(a.assessments(0).demonstrated_level(), v1::PROFICIENCY_LEVEL_UNSPECIFIED);
  EXPECT_EQ(a.assessments(0).comparison(), v1::COMPARISON_UNSPECIFIED);
  EXPECT_NE(a.assessments(0).demonstrated_level_note().find("no threshold"), std::string::npos);
  ASSERT_EQ(a.development_plan_size(), 1);  // the unobserved Developing indicator
  EXPECT_EQ(a.development_plan(0).indicator_id(), "pe.dev.2");
  EXPECT_EQ(a.overall_rating(), 0);
}

TEST(OverallRating, FrameworkWithoutCompetenciesIsNotComputed) {
  // Validation accepts a cluster with no competencies; the mean must not divide by zero.
  v1::Framework f;
  f.set_kind(v1::FRAMEWORK_KIND_SCALE_RATED);
  f.add_clusters()->set_id("cl");
  f.mutable_overall_rating_rule()->set_basis(v1::RULE_BASIS_AGENCY_CONFIGURED);
  f.mutable_overall_rating_rule()->set_method(v1::OverallRatingRule::METHOD_MEAN_ROUNDED_HALF_UP);
  f.mutable_rating_scale()->set_basis(v1::RULE_BASIS_AGENCY_CONFIGURED);
  f.mutable_rating_scale()->add_points()->set_value(1);
  const FrameworkIndex index(f);
  v1::Appraisal a;
  Evaluate(index, &a);
  EXPECT_EQ(a.overall_rating(), 0);
  EXPECT_EQ(a.overall_rating_note(), "not computed: the framework has no competencies");
}

TEST(ValidateFramework, RejectsMasteryExpectation) {
  v1::Framework f = Anchors(50);
  status::Violations v;
  ValidateFramework(f, "f", &v);
  EXPECT_TRUE(v.empty());
  f.mutable_levels(4)->set_expected_by_tenure(true);
  ValidateFramework(f, "f", &v);
  ASSERT_FALSE(v.empty());
  EXPECT_EQ(v.list()[0].field, "f.levels[4].expected_by_tenure");
}

}  // namespace
}  // namespace classplan::appraisal
