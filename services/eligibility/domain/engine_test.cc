#include "services/eligibility/domain/engine.h"

#include <gtest/gtest.h>

#include <random>

#include "services/eligibility/domain/months.h"
#include "services/eligibility/domain/test_rules.h"

namespace classplan::eligibility {
namespace {

using testing::ApplicantBuilder;
using testing::Evaluated;
using testing::Lines;

constexpr auto kBachelor = cv1::EDUCATION_LEVEL_BACHELOR;
constexpr auto kMaster = cv1::EDUCATION_LEVEL_MASTER;
constexpr auto kCase = cv1::EXPERIENCE_KIND_SOCIAL_WORK_CASE_MANAGEMENT;
constexpr auto kSocialService = cv1::EXPERIENCE_KIND_HEALTH_OR_SOCIAL_SERVICE;
constexpr auto kCaseWork = cv1::EXPERIENCE_KIND_PROFESSIONAL_SOCIAL_CASE_WORK;
constexpr auto kCoordinator = cv1::EXPERIENCE_KIND_SOCIAL_OR_COMMUNITY_COORDINATOR;
constexpr auto kAssistant = cv1::EXPERIENCE_KIND_SOCIAL_WORKER_ASSISTANT;

// The as-of date is 2026-01-31; jobs end 2025-12-31 so that whole months are easy to read.

// --- Worked examples (issue 3, section 5) -----------------------------------------------------

TEST(WorkedExamples, PsychologyBachelorNoExperience) {
  ApplicantBuilder b;
  b.Degree(kBachelor, cv1::FIELD_OF_STUDY_PSYCHOLOGY);
  EXPECT_EQ(Evaluated("SPCP20", b.Build()).state, State::kQualified);
  const auto o = Evaluated("SPCP23", b.Build());
  EXPECT_EQ(o.state, State::kNotQualified);
  ASSERT_EQ(o.explained.shortfalls_size(), 1);
  EXPECT_EQ(o.explained.shortfalls(0).missing_month_hundredths(), 2400);
  EXPECT_EQ(
      o.explained.shortfalls(0).description(),
      "needs 24 more months of experience: two (2) years of any combination of experience "
      "including working with communities, working on health or social service related matters, "
      "social work/case management experience, behavioral health and/or health care");
}

ApplicantBuilder SocialWorker(const char* start) {
  ApplicantBuilder b;
  b.Degree(kBachelor, cv1::FIELD_OF_STUDY_SOCIAL_WORK).Job(start, "2025-12-31", 40, {kCase});
  return b;
}

TEST(WorkedExamples, Spps26ThreeWays) {
  auto licensed = SocialWorker("2022-01-01");  // 48 months
  licensed.Licence(cv1::LICENCE_TYPE_LBSW);
  auto o = Evaluated("SPPS26", licensed.Build());
  EXPECT_EQ(o.state, State::kQualified) << Lines(o);
  EXPECT_EQ(o.explained.decided_path(), "path-1");

  o = Evaluated("SPPS26", SocialWorker("2022-01-01").Build());
  EXPECT_EQ(o.state, State::kNeedsReview) << Lines(o);
  EXPECT_EQ(o.explained.decided_path(), "path-1");
  EXPECT_NE(Lines(o).find("eligibility for such licensure must be confirmed"), std::string::npos);

  o = Evaluated("SPPS26", SocialWorker("2020-01-01").Build());  // 72 months, no licence
  EXPECT_EQ(o.state, State::kQualified) << Lines(o);
  EXPECT_EQ(o.explained.decided_path(), "path-2");
}

TEST(WorkedExamples, SociologyAndSocialServiceWork) {
  ApplicantBuilder b;
  b.Degree(kBachelor, cv1::FIELD_OF_STUDY_SOCIOLOGY)
      .Job("2020-01-01", "2025-12-31", 40, {kSocialService});
  const auto o = Evaluated("SPPS26", b.Build());
  EXPECT_EQ(o.state, State::kQualified) << Lines(o);
  EXPECT_EQ(o.explained.decided_path(), "path-2");
}

TEST(WorkedExamples, BusinessDegreeIsTheWrongField) {
  ApplicantBuilder b;
  b.Degree(kBachelor, cv1::FIELD_OF_STUDY_BUSINESS).Job("2016-01-01", "2025-12-31", 40, {kCase});
  const auto o = Evaluated("SPCP20", b.Build());
  EXPECT_EQ(o.state, State::kNotQualified);
  EXPECT_NE(Lines(o).find("field of study is not one the class accepts"), std::string::npos);
  ASSERT_EQ(o.explained.shortfalls_size(), 1);
  EXPECT_EQ(o.explained.shortfalls(0).description().rfind(
                "needs a bachelor's degree or higher in a field the class accepts: ", 0),
            0u)
      << o.explained.shortfalls(0).description();
}

ApplicantBuilder Coordinator(int placement_months, bool drivers) {
  ApplicantBuilder b;
  b.Degree(kBachelor, cv1::FIELD_OF_STUDY_PSYCHOLOGY);
  // 36 months of professional social case work, the last `placement_months` of them placement.
  b.Job("2023-01-01", "2025-12-31", 40, {kCaseWork});
  if (placement_months > 0) {
    b.mutable_applicant()->mutable_experience(0)->mutable_end()->set_year(2025);
    // Split: non-placement first, placement after.
    const int first = 36 - placement_months;
    auto* x = b.mutable_applicant()->mutable_experience(0);
    x->mutable_end()->set_year(2023 + (first - 1) / 12);
    x->mutable_end()->set_month((first - 1) % 12 + 1);
    x->mutable_end()->set_day(DaysInMonth(x->end().year(), x->end().month()));
    auto* y = b.mutable_applicant()->add_experience();
    y->mutable_start()->set_year(2023 + first / 12);
    y->mutable_start()->set_month(first % 12 + 1);
    y->mutable_start()->set_day(1);
    *y->mutable_end() = testing::D("2025-12-31");
    y->set_hours_per_week(40);
    y->add_kinds(kCaseWork);
    y->set_out_of_home_placement(true);
  }
  if (drivers) b.DriversLicence();
  return b;
}

TEST(WorkedExamples, Ca2459PlacementExperience) {
  auto o = Evaluated("CA2459", Coordinator(24, true).Build());
  EXPECT_EQ(o.state, State::kQualified) << Lines(o);
  EXPECT_EQ(o.explained.result().children(1).credited_month_hundredths(), 3600);
  EXPECT_EQ(o.explained.result().children(1).parts(0).credited_month_hundredths(), 2400);

  o = Evaluated("CA2459", Coordinator(12, true).Build());
  EXPECT_EQ(o.state, State::kNotQualified) << Lines(o);
  ASSERT_EQ(o.explained.shortfalls_size(), 1);
  EXPECT_EQ(o.explained.shortfalls(0).missing_month_hundredths(), 1200);
  EXPECT_EQ(o.explained.shortfalls(0).attribute(), cv1::EXPERIENCE_ATTRIBUTE_OUT_OF_HOME_PLACEMENT);
  EXPECT_EQ(o.explained.shortfalls(0).description(),
            "needs 12 more months of experience involving out-of-home placement");

  o = Evaluated("CA2459", Coordinator(24, false).Build());
  EXPECT_EQ(o.state, State::kNotQualified);
  ASSERT_EQ(o.explained.shortfalls_size(), 1);
  EXPECT_EQ(o.explained.shortfalls(0).kind(), "drivers_licence");
}

TEST(WorkedExamples, Ca2459MastersSubstitutesForOneYear) {
  ApplicantBuilder b;
  b.Degree(kMaster, cv1::FIELD_OF_STUDY_SOCIAL_WORK)
      .Job("2024-01-01", "2025-12-31", 40, {kCaseWork}, false, /*placement=*/true)
      .DriversLicence();
  const auto o = Evaluated("CA2459", b.Build());
  EXPECT_EQ(o.state, State::kQualified) << Lines(o);
  ASSERT_EQ(o.explained.substitutions_size(), 1);
  EXPECT_EQ(o.explained.substitutions(0).month_hundredths(), 1200);
  EXPECT_EQ(o.explained.result().children(1).substituted_month_hundredths(), 1200);
}

TEST(Rules, ExperienceOfAnotherKindIsShownWhyItDidNotCount) {
  // Four years of case management are not G1099B's kinds: the shortfall quotes the clause
  // naming the kinds that count.
  ApplicantBuilder b;
  b.Degree(kBachelor, cv1::FIELD_OF_STUDY_SOCIAL_WORK).Job("2022-01-01", "2025-12-31", 40, {kCase});
  const auto o = Evaluated("G1099B", b.Build());
  EXPECT_EQ(o.state, State::kNotQualified);
  ASSERT_EQ(o.explained.shortfalls_size(), 1);
  EXPECT_EQ(o.explained.shortfalls(0).description(),
            "needs 6 more months of experience: six (6) months experience as a social or "
            "community coordinator and/or social worker assistant");
}

TEST(WorkedExamples, G1099bSixMonths) {
  ApplicantBuilder six;
  six.Degree(cv1::EDUCATION_LEVEL_HIGH_SCHOOL_OR_GED, cv1::FIELD_OF_STUDY_UNSPECIFIED)
      .Job("2025-07-01", "2025-12-31", 40, {kAssistant});
  EXPECT_EQ(Evaluated("G1099B", six.Build()).state, State::kQualified);
  ApplicantBuilder five;
  five.Degree(cv1::EDUCATION_LEVEL_HIGH_SCHOOL_OR_GED, cv1::FIELD_OF_STUDY_UNSPECIFIED)
      .Job("2025-08-01", "2025-12-31", 40, {kAssistant});
  const auto o = Evaluated("G1099B", five.Build());
  EXPECT_EQ(o.state, State::kNotQualified);
  EXPECT_EQ(o.explained.shortfalls(0).description(),
            "needs 1 more month of experience: six (6) months experience as a social or community "
            "coordinator and/or social worker assistant");
}

TEST(WorkedExamples, G1099aFourYearCombination) {
  ApplicantBuilder b;
  b.Degree(cv1::EDUCATION_LEVEL_HIGH_SCHOOL_OR_GED, cv1::FIELD_OF_STUDY_UNSPECIFIED)
      .Job("2022-01-01", "2025-12-31", 40, {kCoordinator});
  const auto o = Evaluated("G1099A", b.Build());
  EXPECT_EQ(o.state, State::kQualified) << Lines(o);
  EXPECT_EQ(o.explained.decided_path(), "path-2");
}

TEST(WorkedExamples, PartTimeTwentyFourMonthsAtTwentyHours) {
  ApplicantBuilder b;
  b.Degree(kBachelor, cv1::FIELD_OF_STUDY_PSYCHOLOGY).Job("2024-01-01", "2025-12-31", 20, {kCase});
  const auto o = Evaluated("SPCP23", b.Build());
  EXPECT_EQ(o.state, State::kNotQualified);
  EXPECT_EQ(o.explained.result().children(1).credited_month_hundredths(), 1200);
  EXPECT_EQ(o.explained.shortfalls(0).missing_month_hundredths(), 1200);
}

// --- More rules -----------------------------------------------------------------------------

TEST(Rules, SupervisoryPartShortfallWording) {
  // SPPS26 recommended: 72 months, 24 of them supervisory, and a licence.
  ApplicantBuilder b;
  b.Degree(kBachelor, cv1::FIELD_OF_STUDY_SOCIAL_WORK)
      .Job("2020-09-01", "2024-12-31", 40, {kCase})                        // 52 months
      .Job("2025-01-01", "2025-12-31", 40, {kCase}, /*supervisory=*/true)  // 12 months
      .Licence(cv1::LICENCE_TYPE_LISW);
  auto o = Evaluated("SPPS26", b.Build(), "2026-01-31", /*recommended=*/true);
  EXPECT_EQ(o.state, State::kNotQualified);
  ASSERT_EQ(o.explained.shortfalls_size(), 1);
  EXPECT_EQ(o.explained.shortfalls(0).description(),
            "needs 12 more months of supervisory experience");
  // 8 months short in total, all of which must be supervisory.
  ApplicantBuilder c;
  c.Degree(kBachelor, cv1::FIELD_OF_STUDY_SOCIAL_WORK)
      .Job("2021-01-01", "2023-12-31", 40, {kCase})        // 36
      .Job("2024-01-01", "2025-04-30", 40, {kCase}, true)  // 16 supervisory
      .Licence(cv1::LICENCE_TYPE_LISW);
  c.Job("2016-01-01", "2016-12-31", 40, {kCase});  // +12 = 64 in total
  o = Evaluated("SPPS26", c.Build(), "2026-01-31", true);
  ASSERT_EQ(o.explained.shortfalls_size(), 1);
  EXPECT_EQ(o.explained.shortfalls(0).description(),
            "needs 8 more months of experience, all of it supervisory");
}

TEST(Rules, HigherDegreeSatisfiesLowerLevelInTheSameField) {
  ApplicantBuilder b;
  b.Degree(kMaster, cv1::FIELD_OF_STUDY_COUNSELING);
  EXPECT_EQ(Evaluated("SPCP20", b.Build()).state, State::kQualified);
  ApplicantBuilder c;
  c.Degree(cv1::EDUCATION_LEVEL_ASSOCIATE, cv1::FIELD_OF_STUDY_COUNSELING);
  EXPECT_EQ(Evaluated("SPCP20", c.Build()).state, State::kNotQualified);
}

TEST(Rules, Accreditation) {
  ApplicantBuilder unknown;
  unknown.Degree(kBachelor, cv1::FIELD_OF_STUDY_EDUCATION, "2010-05-15", v1::ACCREDITATION_UNKNOWN);
  EXPECT_EQ(Evaluated("SPCP20", unknown.Build()).state, State::kNeedsReview);
  ApplicantBuilder no;
  no.Degree(kBachelor, cv1::FIELD_OF_STUDY_EDUCATION, "2010-05-15",
            v1::ACCREDITATION_NOT_ACCREDITED);
  const auto o = Evaluated("SPCP20", no.Build());
  EXPECT_EQ(o.state, State::kNotQualified);
  ASSERT_EQ(o.explained.shortfalls_size(), 1);
  EXPECT_EQ(
      o.explained.shortfalls(0).description().rfind(
          "needs a bachelor's degree or higher from an accredited college or university: ", 0),
      0u)
      << o.explained.shortfalls(0).description();
  // Denver does not ask for accreditation.
  ApplicantBuilder den = Coordinator(24, true);
  den.mutable_applicant()->mutable_education(0)->set_accreditation(
      v1::ACCREDITATION_NOT_ACCREDITED);
  EXPECT_EQ(Evaluated("CA2459", den.Build()).state, State::kQualified);
}

TEST(Rules, CloselyRelatedFieldNeedsReview) {
  ApplicantBuilder b = Coordinator(24, true);
  b.mutable_applicant()->mutable_education(0)->set_field(cv1::FIELD_OF_STUDY_CRIMINAL_JUSTICE);
  const auto o = Evaluated("CA2459", b.Build());
  EXPECT_EQ(o.state, State::kNeedsReview);
  EXPECT_NE(Lines(o).find("closely related"), std::string::npos);
}

TEST(Rules, FieldPlacementOnlyWhereNamedAndCapped) {
  // Denver: an approved county placement substitutes for one year.
  ApplicantBuilder b;
  b.Degree(kBachelor, cv1::FIELD_OF_STUDY_SOCIOLOGY)
      .Job("2024-01-01", "2025-12-31", 40, {kCaseWork}, false, true)
      .Placement(true, cv1::PLACEMENT_SETTING_COUNTY_SOCIAL_SERVICES)
      .DriversLicence();
  EXPECT_EQ(Evaluated("CA2459", b.Build()).state, State::kQualified);
  // Not approved, or elsewhere: no credit.
  b.mutable_applicant()->mutable_field_placements(0)->set_state_approved(false);
  EXPECT_EQ(Evaluated("CA2459", b.Build()).state, State::kNotQualified);
  // A master's and a placement together still credit one year only.
  ApplicantBuilder c;
  c.Degree(kMaster, cv1::FIELD_OF_STUDY_SOCIAL_WORK)
      .Job("2025-01-01", "2025-12-31", 40, {kCaseWork}, false, true)
      .Placement(true, cv1::PLACEMENT_SETTING_COUNTY_SOCIAL_SERVICES)
      .DriversLicence();
  const auto o = Evaluated("CA2459", c.Build());
  EXPECT_EQ(o.state, State::kNotQualified);
  EXPECT_EQ(o.explained.result().children(1).substituted_month_hundredths(), 1200);
  // NM classes never count a placement as experience.
  ApplicantBuilder nm;
  nm.Degree(kBachelor, cv1::FIELD_OF_STUDY_PSYCHOLOGY)
      .Placement(true, cv1::PLACEMENT_SETTING_COUNTY_SOCIAL_SERVICES);
  EXPECT_EQ(Evaluated("SPCP23", nm.Build()).state, State::kNotQualified);
}

TEST(Rules, SubstitutionReportsOnlyWhatItSupplied) {
  // CA2459: a master's, 30 months of case work without placement. The master's year covers
  // the 6 months missing from the three years, never the placement part: 6 months used.
  ApplicantBuilder b;
  b.Degree(kMaster, cv1::FIELD_OF_STUDY_SOCIAL_WORK)
      .Job("2023-07-01", "2025-12-31", 40, {kCaseWork})
      .DriversLicence();
  const auto o = Evaluated("CA2459", b.Build());
  EXPECT_EQ(o.state, State::kNotQualified) << Lines(o);
  EXPECT_EQ(o.explained.result().children(1).substituted_month_hundredths(), 600);
  ASSERT_EQ(o.explained.substitutions_size(), 1);
  EXPECT_EQ(o.explained.substitutions(0).month_hundredths(), 600);
  ASSERT_EQ(o.explained.shortfalls_size(), 1);
  EXPECT_EQ(o.explained.shortfalls(0).description(),
            "needs 24 more months of experience involving out-of-home placement");
}

TEST(Rules, Ca2460MastersReducesThePlacementRequirement) {
  ApplicantBuilder b;
  b.Degree(kMaster, cv1::FIELD_OF_STUDY_PSYCHOLOGY)
      .Job("2024-01-01", "2025-12-31", 40, {kCaseWork}, false, true)
      .DriversLicence();
  EXPECT_EQ(Evaluated("CA2460", b.Build()).state, State::kQualified);
  ApplicantBuilder c = Coordinator(24, true);  // bachelor's, 24 of 36 placement
  EXPECT_EQ(Evaluated("CA2460", c.Build()).state, State::kNotQualified);
}

TEST(Rules, G1099aCombinationCountsEducationByYears) {
  // Associate in Human Services (2 years) + 24 months: path 1 and the combination.
  ApplicantBuilder a;
  a.Degree(cv1::EDUCATION_LEVEL_ASSOCIATE, cv1::FIELD_OF_STUDY_HUMAN_SERVICES)
      .Job("2024-01-01", "2025-12-31", 40, {cv1::EXPERIENCE_KIND_SOCIAL_WORKER});
  EXPECT_EQ(Evaluated("G1099A", a.Build()).state, State::kQualified);
  // 60 semester hours in Social Sciences (2 years) + 24 months.
  ApplicantBuilder p;
  p.Credits(60, cv1::FIELD_OF_STUDY_SOCIAL_SCIENCES)
      .Job("2024-01-01", "2025-12-31", 40, {kCoordinator});
  auto o = Evaluated("G1099A", p.Build());
  EXPECT_EQ(o.state, State::kQualified) << Lines(o);
  EXPECT_EQ(o.explained.decided_path(), "path-2");
  // 45 hours (1.5 years) + 24 months: 6 months short.
  p.mutable_applicant()->mutable_education(0)->set_credit_hours(45);
  o = Evaluated("G1099A", p.Build());
  EXPECT_EQ(o.state, State::kNotQualified);
  EXPECT_EQ(o.explained.decided_path(), "path-2");
  EXPECT_EQ(o.explained.shortfalls(0).missing_month_hundredths(), 600);
  // A bachelor's in an unnamed field: only a person can say it is related.
  ApplicantBuilder u;
  u.Degree(kBachelor, cv1::FIELD_OF_STUDY_BUSINESS);
  EXPECT_EQ(Evaluated("G1099A", u.Build()).state, State::kNeedsReview);
  // A bachelor's in Human Services alone is four years.
  ApplicantBuilder h;
  h.Degree(kBachelor, cv1::FIELD_OF_STUDY_HUMAN_SERVICES);
  EXPECT_EQ(Evaluated("G1099A", h.Build()).state, State::kQualified);
}

TEST(Rules, ExpiredAndOutOfStateLicences) {
  auto b = SocialWorker("2022-01-01");
  b.Licence(cv1::LICENCE_TYPE_LMSW, "NM", "2026-01-30");  // expired the day before
  EXPECT_EQ(Evaluated("SPPS26", b.Build()).state, State::kNeedsReview);
  auto c = SocialWorker("2022-01-01");
  c.Licence(cv1::LICENCE_TYPE_LMSW, "CO");
  EXPECT_EQ(Evaluated("SPPS26", c.Build()).state, State::kNeedsReview);
  auto d = SocialWorker("2022-01-01");
  d.Licence(cv1::LICENCE_TYPE_LMSW, "NM", "2026-01-31");  // expires on the as-of date
  EXPECT_EQ(Evaluated("SPPS26", d.Build()).state, State::kQualified);
}

TEST(Rules, ALicenceWithoutItsStateNeedsReview) {
  // SPPS26 recommended asks for NM licensure; an LISW whose state is not given is for a person
  // to confirm, not "no accepted licence".
  ApplicantBuilder b;
  b.Degree(kBachelor, cv1::FIELD_OF_STUDY_SOCIAL_WORK)
      .Job("2018-01-01", "2023-12-31", 40, {kCase})
      .Job("2024-01-01", "2025-12-31", 40, {kCase}, /*supervisory=*/true)
      .Licence(cv1::LICENCE_TYPE_LISW, "");
  auto o = Evaluated("SPPS26", b.Build(), "2026-01-31", /*recommended=*/true);
  EXPECT_EQ(o.state, State::kNeedsReview) << Lines(o);
  EXPECT_NE(Lines(o).find("a person must confirm it was issued in NM"), std::string::npos)
      << Lines(o);
  EXPECT_EQ(o.explained.result().reason(), "no part is unmet, but some need review");
  // Another state is still not NM; an unaccepted type with no state is still no licence.
  b.mutable_applicant()->mutable_licences(0)->set_state("CO");
  EXPECT_EQ(Evaluated("SPPS26", b.Build(), "2026-01-31", true).state, State::kNotQualified);
  b.mutable_applicant()->mutable_licences(0)->set_state("");
  b.mutable_applicant()->mutable_licences(0)->set_type(cv1::LICENCE_TYPE_OTHER);
  EXPECT_EQ(Evaluated("SPPS26", b.Build(), "2026-01-31", true).state, State::kNotQualified);
}

TEST(Rules, LicenceShortfallQuotesTheClause) {
  ApplicantBuilder b;
  b.Degree(kBachelor, cv1::FIELD_OF_STUDY_SOCIAL_WORK)
      .Job("2018-01-01", "2025-12-31", 40, {kCase}, /*supervisory=*/true)
      .Licence(cv1::LICENCE_TYPE_LISW, "CO");
  const auto o = Evaluated("SPPS26", b.Build(), "2026-01-31", /*recommended=*/true);
  EXPECT_EQ(o.state, State::kNotQualified);
  ASSERT_EQ(o.explained.shortfalls_size(), 1);
  EXPECT_EQ(o.explained.shortfalls(0).description(),
            "needs an accepted licence active on the as-of date: Must possess licensure by the NM "
            "Board of Social Work Examiners at the LBSW, LMSW, or LISW level.");
}

TEST(Rules, AnAlternativeThatNeedsReviewIsNotCalledMet) {
  const auto o = Evaluated("SPPS26", SocialWorker("2022-01-01").Build());  // no licence
  EXPECT_EQ(o.state, State::kNeedsReview);
  EXPECT_EQ(o.explained.result().reason(), "needs review on alternative path-1");
}

TEST(Rules, DegreeCompletedAfterTheAsOfDate) {
  ApplicantBuilder b;
  b.Degree(kBachelor, cv1::FIELD_OF_STUDY_PSYCHOLOGY, "2026-02-01");
  const auto o = Evaluated("SPCP20", b.Build());
  EXPECT_EQ(o.state, State::kNotQualified);
  EXPECT_NE(Lines(o).find("a degree completed after it does not count"), std::string::npos);
  b.mutable_applicant()->mutable_education(0)->mutable_completed()->set_month(1);
  b.mutable_applicant()->mutable_education(0)->mutable_completed()->set_day(31);
  EXPECT_EQ(Evaluated("SPCP20", b.Build()).state, State::kQualified);
}

// --- Boundaries -----------------------------------------------------------------------------

TEST(Boundaries, ExactlyTheRequiredMonths) {
  ApplicantBuilder b;
  b.Degree(kBachelor, cv1::FIELD_OF_STUDY_PSYCHOLOGY);
  b.Job("2024-01-01", "2025-12-31", 40, {kCase});  // exactly 24 months, with a leap February
  EXPECT_EQ(Evaluated("SPCP23", b.Build()).state, State::kQualified);
  b.mutable_applicant()->mutable_experience(0)->mutable_end()->set_day(30);  // one day short
  const auto o = Evaluated("SPCP23", b.Build());
  EXPECT_EQ(o.state, State::kNotQualified);
  EXPECT_EQ(o.explained.shortfalls(0).missing_month_hundredths(), 4);  // 1/31, rounded up
  // Ongoing, counted up to the as-of date: from 2024-02-01 to 2026-01-31 is 24 months.
  ApplicantBuilder c;
  c.Degree(kBachelor, cv1::FIELD_OF_STUDY_PSYCHOLOGY).Job("2024-02-01", nullptr, 40, {kCase});
  EXPECT_EQ(Evaluated("SPCP23", c.Build()).state, State::kQualified);
  EXPECT_EQ(Evaluated("SPCP23", c.Build(), "2026-01-30").state, State::kNotQualified);
}

TEST(Boundaries, HalfTimeYearSplitInFebruaryIsStillSixMonths) {
  // G1099B needs 6 months; a half-time year as two jobs split on 2025-02-15 is exactly that.
  ApplicantBuilder b;
  b.Degree(cv1::EDUCATION_LEVEL_HIGH_SCHOOL_OR_GED, cv1::FIELD_OF_STUDY_UNSPECIFIED)
      .Job("2025-01-01", "2025-02-15", 20, {kAssistant})
      .Job("2025-02-16", "2025-12-31", 20, {kAssistant});
  const auto o = Evaluated("G1099B", b.Build());
  EXPECT_EQ(o.state, State::kQualified) << Lines(o);
  EXPECT_EQ(o.explained.result().children(1).credited_month_hundredths(), 600);
}

// --- Determinism ----------------------------------------------------------------------------

TEST(Determinism, SameInputSameBytes) {
  auto b = SocialWorker("2022-01-01");
  const auto a1 = Evaluated("SPPS26", b.Build()).explained.SerializeAsString();
  const auto a2 = Evaluated("SPPS26", b.Build()).explained.SerializeAsString();
  EXPECT_EQ(a1, a2);
  EXPECT_FALSE(a1.empty());
}

// --- Properties -----------------------------------------------------------------------------

const char* const kCodes[] = {"SPPS26", "SPCP20", "SPCP23", "G1099B",
                              "G1099O", "G1099A", "CA2459", "CA2460"};

cv1::ExperienceKind RandomKind(std::mt19937& rng) {
  return static_cast<cv1::ExperienceKind>(1 + rng() % 10);
}

std::string Day(int y, int m, int d) {
  char buf[16];
  std::snprintf(buf, sizeof buf, "%04d-%02d-%02d", y, m, d);
  return buf;
}

ApplicantBuilder RandomApplicant(std::mt19937& rng) {
  ApplicantBuilder b;
  const int degrees = rng() % 3;
  for (int i = 0; i < degrees; ++i) {
    b.Degree(static_cast<cv1::EducationLevel>(1 + rng() % 5),
             static_cast<cv1::FieldOfStudy>(1 + rng() % 12),
             Day(2000 + rng() % 27, 1 + rng() % 12, 1 + rng() % 28).c_str(),
             static_cast<v1::Accreditation>(rng() % 3));
  }
  if (rng() % 3 == 0) b.Credits(1 + rng() % 120, static_cast<cv1::FieldOfStudy>(1 + rng() % 12));
  const int jobs = rng() % 6;
  for (int i = 0; i < jobs; ++i) {
    const int y = 2010 + rng() % 16;
    const std::string start = Day(y, 1 + rng() % 12, 1 + rng() % 28);
    const std::string end = Day(y + rng() % 6, 1 + rng() % 12, 28);
    const bool ongoing = rng() % 4 == 0;
    if (!ongoing && end < start) continue;
    b.Job(start.c_str(), ongoing ? nullptr : end.c_str(), 10 + rng() % 40,
          {RandomKind(rng), RandomKind(rng)}, rng() % 2 == 0, rng() % 2 == 0);
  }
  if (rng() % 2 == 0) b.Licence(static_cast<cv1::LicenceType>(1 + rng() % 4));
  if (rng() % 2 == 0) b.DriversLicence();
  if (rng() % 4 == 0) b.Placement(rng() % 2 == 0, cv1::PLACEMENT_SETTING_COUNTY_SOCIAL_SERVICES);
  return b;
}

TEST(Properties, AddingQualificationsNeverUndoesQualified) {
  std::mt19937 rng(20260131);
  int qualified_seen = 0;
  for (int round = 0; round < 400; ++round) {
    const ApplicantBuilder base = RandomApplicant(rng);
    for (const char* code : kCodes) {
      for (bool rec : {false, true}) {
        if (rec && (code[0] == 'C')) continue;  // Denver has no recommended track
        if (Evaluated(code, base.Build(), "2026-01-31", rec).state != State::kQualified) continue;
        ++qualified_seen;
        ApplicantBuilder more = base;
        switch (rng() % 4) {
          case 0:
            more.Job("2005-01-01", "2030-01-01", 10 + rng() % 40, {RandomKind(rng)}, rng() % 2 == 0,
                     rng() % 2 == 0);
            break;
          case 1:
            more.Licence(static_cast<cv1::LicenceType>(1 + rng() % 4));
            break;
          case 2:
            more.Degree(static_cast<cv1::EducationLevel>(1 + rng() % 5),
                        static_cast<cv1::FieldOfStudy>(1 + rng() % 12), "2015-06-01",
                        static_cast<v1::Accreditation>(rng() % 3));
            break;
          default:
            more.DriversLicence().Placement(true, cv1::PLACEMENT_SETTING_OTHER);
        }
        EXPECT_EQ(Evaluated(code, more.Build(), "2026-01-31", rec).state, State::kQualified)
            << code << (rec ? " recommended" : "") << " round " << round;
      }
    }
  }
  EXPECT_GT(qualified_seen, 50);  // the property was exercised
}

// The result without its wording: determination, path, months and shortfalls of every node.
// (Wording may mention that a later degree was left out.)
std::string Substance(const v1::Evaluation& e) {
  v1::Evaluation copy = e;
  copy.clear_explanation();
  std::vector<v1::NodeResult*> stack = {copy.mutable_result()};
  while (!stack.empty()) {
    auto* n = stack.back();
    stack.pop_back();
    n->clear_reason();
    for (auto& c : *n->mutable_children()) stack.push_back(&c);
  }
  return copy.SerializeAsString();
}

TEST(Properties, EntriesAfterTheAsOfDateChangeNothing) {
  std::mt19937 rng(7);
  for (int round = 0; round < 300; ++round) {
    const ApplicantBuilder base = RandomApplicant(rng);
    ApplicantBuilder later = base;
    later.Job("2026-02-01", nullptr, 40, {RandomKind(rng)}, true, true)
        .Degree(cv1::EDUCATION_LEVEL_DOCTORATE, cv1::FIELD_OF_STUDY_SOCIAL_WORK, "2026-03-01")
        .Placement(true, cv1::PLACEMENT_SETTING_COUNTY_SOCIAL_SERVICES, "2026-02-15");
    auto* l = later.mutable_applicant()->add_licences();
    l->set_type(cv1::LICENCE_TYPE_LISW);
    l->set_state("NM");
    *l->mutable_issued() = testing::D("2026-02-01");
    for (const char* code : kCodes) {
      const auto a = Evaluated(code, base.Build());
      const auto b = Evaluated(code, later.Build());
      EXPECT_EQ(a.state, b.state) << code;
      EXPECT_EQ(Substance(a.explained), Substance(b.explained)) << code;
    }
  }
}

// Found by fuzz/rules_fuzz: an experience part with an attribute the enum does not know
// (proto3 keeps unknown values) was shifted past the 32-bit mask (undefined behaviour).
TEST(RulesTest, RefusesAPartWithAnUnknownAttribute) {
  cv1::QualificationRules rules;
  auto* e = rules.mutable_root()->mutable_experience();
  e->set_months(24);
  e->add_kinds(cv1::EXPERIENCE_KIND_SOCIAL_WORKER);
  auto* part = e->add_parts();
  part->set_months(12);
  part->set_attribute(static_cast<cv1::ExperienceAttribute>(63));
  auto compiled = CompileRules(rules);
  EXPECT_EQ(compiled.status().code(), absl::StatusCode::kInvalidArgument);
}

}  // namespace
}  // namespace classplan::eligibility
