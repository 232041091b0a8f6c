#include "services/eligibility/domain/profile.h"

#include <gtest/gtest.h>

#include <algorithm>

#include "common/dates/dates.h"
#include "services/eligibility/domain/months.h"
#include "services/eligibility/domain/test_rules.h"

namespace classplan::eligibility {
namespace {

using testing::ApplicantBuilder;
using testing::D;

constexpr auto kCase = cv1::EXPERIENCE_KIND_SOCIAL_WORK_CASE_MANAGEMENT;
constexpr auto kHealth = cv1::EXPERIENCE_KIND_HEALTH_CARE;
constexpr uint32_t kAll = ~0u;

CompiledProfile Compile(const v1::Applicant& a, const char* as_of = "2026-01-31") {
  CompiledProfile p;
  CompileProfile(a, dates::ToCivilDay(D(as_of)), CreditSettings{}, &p);
  return p;
}

int64_t Credit(const ApplicantBuilder& b, const char* as_of = "2026-01-31", uint32_t kinds = kAll,
               uint32_t attrs = 0) {
  return CreditedUnits(Compile(b.Build(), as_of), kinds, attrs);
}

TEST(Crediting, FullTimeIsFortyHoursAndPartTimeIsProRata) {
  EXPECT_EQ(Credit(ApplicantBuilder().Job("2020-01-01", "2021-12-31", 40, {kCase})), Months(24));
  // The worked example: 24 months at 20 hours a week count as 12 months.
  EXPECT_EQ(Credit(ApplicantBuilder().Job("2020-01-01", "2021-12-31", 20, {kCase})), Months(12));
  EXPECT_EQ(Credit(ApplicantBuilder().Job("2020-01-01", "2020-12-31", 20, {kCase})), Months(6));
  EXPECT_EQ(Credit(ApplicantBuilder().Job("2020-01-01", "2020-12-31", 10, {kCase})), Months(3));
  // More than full time counts as full time.
  EXPECT_EQ(Credit(ApplicantBuilder().Job("2020-01-01", "2020-12-31", 60, {kCase})), Months(12));
  // A share of qualifying duties scales it too.
  ApplicantBuilder half;
  half.Job("2020-01-01", "2020-12-31", 40, {kCase});
  half.mutable_applicant()->mutable_experience(0)->set_qualifying_share_percent(50);
  EXPECT_EQ(Credit(half), Months(6));
}

TEST(Crediting, FullTimeIsASetting) {
  ApplicantBuilder b;
  b.Job("2020-01-01", "2020-12-31", 35, {kCase});
  CompiledProfile p;
  CompileProfile(b.Build(), absl::CivilDay(2026, 1, 31), CreditSettings{3500}, &p);
  EXPECT_EQ(CreditedUnits(p, kAll, 0), Months(12));
  EXPECT_EQ(Credit(b), Months(12) * 35 / 40);
}

TEST(Crediting, OverlapsNeverExceedFullTimeOnAnyDay) {
  // Two full-time jobs at once: still 12 months.
  EXPECT_EQ(Credit(ApplicantBuilder()
                       .Job("2020-01-01", "2020-12-31", 40, {kCase})
                       .Job("2020-01-01", "2020-12-31", 40, {kHealth})),
            Months(12));
  // Two half-time jobs at once add up to full time.
  EXPECT_EQ(Credit(ApplicantBuilder()
                       .Job("2020-01-01", "2020-12-31", 20, {kCase})
                       .Job("2020-01-01", "2020-12-31", 20, {kHealth})),
            Months(12));
  // 30 + 30 hours overlap for six months: capped there, pro rata elsewhere.
  EXPECT_EQ(Credit(ApplicantBuilder()
                       .Job("2020-01-01", "2020-12-31", 30, {kCase})
                       .Job("2020-07-01", "2021-06-30", 30, {kHealth})),
            Months(6) * 3 / 4 + Months(6) + Months(6) * 3 / 4);
  // Only the matching kinds count.
  EXPECT_EQ(Credit(ApplicantBuilder()
                       .Job("2020-01-01", "2020-12-31", 40, {kCase})
                       .Job("2021-01-01", "2021-12-31", 40, {kHealth}),
                   "2026-01-31", 1u << kCase),
            Months(12));
}

TEST(Crediting, PartTimeAddsUpExactlyAcrossAdjacentEntries) {
  // A half-time year listed as two jobs split on 2025-02-15 (February's days are 13,485 units,
  // an odd number) is still exactly 6 months: no rounding per piece of the timeline.
  EXPECT_EQ(Credit(ApplicantBuilder()
                       .Job("2025-01-01", "2025-02-15", 20, {kCase})
                       .Job("2025-02-16", "2025-12-31", 20, {kCase})),
            Months(6));
  // Likewise where a half-time job overlaps a quarter-time one for an odd number of days.
  EXPECT_EQ(Credit(ApplicantBuilder()
                       .Job("2025-01-01", "2025-12-31", 20, {kCase})
                       .Job("2025-02-01", "2025-02-15", 10, {kHealth})),
            Months(6) + 15 * (Months(1) / 28) / 4);
}

TEST(Crediting, BoundaryDaysAndOngoingWork) {
  // Two full-time jobs sharing one day (2025-06-30) credit that day once: exactly 12 months.
  EXPECT_EQ(Credit(ApplicantBuilder()
                       .Job("2025-01-01", "2025-06-30", 40, {kCase})
                       .Job("2025-06-30", "2025-12-31", 40, {kHealth})),
            Months(12));
  // Ongoing work up to a leap-day as-of date: 2022-03-01..2024-02-29 is exactly 24 months.
  EXPECT_EQ(Credit(ApplicantBuilder().Job("2022-03-01", nullptr, 40, {kCase}), "2024-02-29"),
            Months(24));
  // Up to a mid-month as-of date: two whole months and 15 of March's 31 days.
  EXPECT_EQ(Credit(ApplicantBuilder().Job("2025-01-01", nullptr, 40, {kCase}), "2025-03-15"),
            Months(2) + 15 * (Months(1) / 31));
  // A 60-hour job beside a 20-hour one is still full time on those days, and a share of
  // qualifying duties applies before the cap: 40 h at 50% + 20 h = full time.
  EXPECT_EQ(Credit(ApplicantBuilder()
                       .Job("2025-01-01", "2025-12-31", 60, {kCase})
                       .Job("2025-01-01", "2025-12-31", 20, {kHealth})),
            Months(12));
  ApplicantBuilder shared;
  shared.Job("2025-01-01", "2025-12-31", 40, {kCase})
      .Job("2025-01-01", "2025-12-31", 20, {kHealth});
  shared.mutable_applicant()->mutable_experience(0)->set_qualifying_share_percent(50);
  EXPECT_EQ(Credit(shared), Months(12));
  shared.mutable_applicant()->mutable_experience(1)->set_qualifying_share_percent(50);
  EXPECT_EQ(Credit(shared), Months(12) * 3 / 4);
}

TEST(Crediting, AttributesFilterEntries) {
  ApplicantBuilder b;
  b.Job("2020-01-01", "2021-12-31", 40, {kCase}, /*supervisory=*/true)
      .Job("2022-01-01", "2022-12-31", 40, {kCase});
  EXPECT_EQ(Credit(b), Months(36));
  EXPECT_EQ(Credit(b, "2026-01-31", kAll, 1u << cv1::EXPERIENCE_ATTRIBUTE_SUPERVISORY), Months(24));
  EXPECT_EQ(Credit(b, "2026-01-31", kAll, 1u << cv1::EXPERIENCE_ATTRIBUTE_OUT_OF_HOME_PLACEMENT),
            0);
}

TEST(Crediting, NothingAfterTheAsOfDateCounts) {
  // Ongoing work counts up to the as-of date, inclusive.
  EXPECT_EQ(Credit(ApplicantBuilder().Job("2024-01-01", nullptr, 40, {kCase}), "2025-12-31"),
            Months(24));
  // An end after the as-of date is cut there.
  EXPECT_EQ(Credit(ApplicantBuilder().Job("2024-01-01", "2030-01-01", 40, {kCase}), "2024-06-30"),
            Months(6));
  // Work that starts after it counts nothing.
  EXPECT_EQ(Credit(ApplicantBuilder().Job("2026-02-01", nullptr, 40, {kCase}), "2026-01-31"), 0);
  // Starting on the as-of date counts that one day.
  EXPECT_EQ(Credit(ApplicantBuilder().Job("2026-01-31", nullptr, 40, {kCase}), "2026-01-31"),
            Months(1) / 31);
}

TEST(Crediting, WorkWhileStudyingCountsAndFieldPlacementsDoNot) {
  ApplicantBuilder b;
  b.Degree(cv1::EDUCATION_LEVEL_BACHELOR, cv1::FIELD_OF_STUDY_PSYCHOLOGY, "2021-05-15")
      .Job("2019-06-01", "2021-05-31", 20, {kCase})
      .Placement(true, cv1::PLACEMENT_SETTING_COUNTY_SOCIAL_SERVICES, "2021-04-30");
  EXPECT_EQ(Credit(b), Months(12));
}

TEST(Compile, CutOffsForDegreesAndLicences) {
  ApplicantBuilder b;
  b.Degree(cv1::EDUCATION_LEVEL_BACHELOR, cv1::FIELD_OF_STUDY_SOCIAL_WORK, "2026-05-15")
      .Degree(cv1::EDUCATION_LEVEL_ASSOCIATE, cv1::FIELD_OF_STUDY_HUMAN_SERVICES, "2026-01-31")
      .Licence(cv1::LICENCE_TYPE_LBSW, "NM", "2026-01-30")
      .Licence(cv1::LICENCE_TYPE_LMSW, "nm", "2026-01-31")
      .DriversLicence("2026-01-30");
  const auto p = Compile(b.Build());
  ASSERT_EQ(p.degrees.size(), 1u);  // the bachelor's is completed after the as-of date
  EXPECT_EQ(p.degrees[0].level, cv1::EDUCATION_LEVEL_ASSOCIATE);
  EXPECT_TRUE(p.degree_after_as_of);
  ASSERT_EQ(p.licences.size(), 1u);  // expired the day before; the other expires that day
  EXPECT_EQ(p.licences[0].type, cv1::LICENCE_TYPE_LMSW);
  EXPECT_EQ(p.licences[0].state, PackState("NM"));
  EXPECT_FALSE(p.drivers_licence);
}

std::vector<std::string> Bad(const v1::Applicant& a) {
  status::Violations v;
  ValidateApplicant(a, "applicant", &v);
  std::vector<std::string> fields;
  for (const auto& f : v.list()) fields.push_back(f.field);
  return fields;
}

TEST(Validate, NamesEveryBadField) {
  ApplicantBuilder b;
  b.Job("2022-01-01", "2021-01-01", -5, {kCase});  // end before start, negative hours
  b.Job("2022-01-01", nullptr, 40, {});            // no kinds
  b.mutable_applicant()->mutable_experience(1)->add_kinds(static_cast<cv1::ExperienceKind>(99));
  b.mutable_applicant()->add_experience()->set_hours_per_week(40);  // no start, no kinds
  b.Degree(cv1::EDUCATION_LEVEL_BACHELOR, cv1::FIELD_OF_STUDY_SOCIOLOGY);
  b.mutable_applicant()->mutable_education(0)->clear_completed();
  b.mutable_applicant()->add_education();  // neither level nor credit hours
  b.Licence(cv1::LICENCE_TYPE_LBSW, "New Mexico");
  b.mutable_applicant()->mutable_licences(0)->mutable_issued()->set_year(2020);  // partial
  b.mutable_applicant()->add_field_placements();
  const auto fields = Bad(b.Build());
  const std::vector<std::string> expected = {
      "applicant.experience[0].end",      "applicant.experience[0].hours_per_week",
      "applicant.experience[1].kinds[0]", "applicant.experience[2].start",
      "applicant.experience[2].kinds",    "applicant.education[0].completed",
      "applicant.education[1].level",     "applicant.licences[0].state",
      "applicant.licences[0].issued",     "applicant.field_placements[0].completed"};
  for (const auto& f : expected) {
    EXPECT_NE(std::find(fields.begin(), fields.end(), f), fields.end()) << f;
  }
  EXPECT_EQ(fields.size(), expected.size());
}

TEST(Validate, AGoodProfileHasNoViolations) {
  ApplicantBuilder b;
  b.Degree(cv1::EDUCATION_LEVEL_HIGH_SCHOOL_OR_GED, cv1::FIELD_OF_STUDY_UNSPECIFIED)
      .Credits(45, cv1::FIELD_OF_STUDY_HUMAN_SERVICES)
      .Job("2020-01-01", nullptr, 37.5, {kCase, kHealth})
      .Licence(cv1::LICENCE_TYPE_LBSW)
      .DriversLicence()
      .Placement(true, cv1::PLACEMENT_SETTING_COUNTY_SOCIAL_SERVICES);
  EXPECT_TRUE(Bad(b.Build()).empty());
}

// The paths of fields outside the lists (built only when a violation names them).
TEST(Validate, NamesTopLevelAndDriversLicenceFields) {
  ApplicantBuilder b;
  b.Job("2020-01-01", nullptr, 40, {kCase}).DriversLicence();
  v1::Applicant a = b.Build();
  a.set_applicant_ref(std::string(129, 'r'));
  a.mutable_drivers_licence()->set_state("N1");
  a.mutable_drivers_licence()->mutable_expires()->set_year(2020);  // partial
  EXPECT_EQ(Bad(a),
            (std::vector<std::string>{"applicant.applicant_ref", "applicant.drivers_licence.state",
                                      "applicant.drivers_licence.expires"}));
}

TEST(Validate, TooManyEntries) {
  ApplicantBuilder b;
  for (int i = 0; i <= kMaxExperienceEntries; ++i) b.Job("2020-01-01", nullptr, 1, {kCase});
  EXPECT_EQ(Bad(b.Build()), std::vector<std::string>{"applicant.experience"});
}

}  // namespace
}  // namespace classplan::eligibility
