// Study periods (issue 18 §3): a period credited as education is not credited again as
// experience, or the reverse; the engine chooses the better assignment and explains it.
#include <gtest/gtest.h>

#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <random>
#include <sstream>
#include <string>

#include "common/dates/dates.h"
#include "google/protobuf/text_format.h"
#include "google/protobuf/util/json_util.h"
#include "services/eligibility/domain/engine.h"
#include "services/eligibility/domain/months.h"
#include "services/eligibility/domain/profile.h"
#include "services/eligibility/domain/test_rules.h"

namespace classplan::eligibility {
namespace {

using testing::ApplicantBuilder;
using testing::D;
using testing::Evaluated;
using testing::EvaluatedWith;
using testing::Lines;
using testing::Outcome;

constexpr auto kBachelor = cv1::EDUCATION_LEVEL_BACHELOR;
constexpr auto kMaster = cv1::EDUCATION_LEVEL_MASTER;
constexpr auto kCaseWork = cv1::EXPERIENCE_KIND_PROFESSIONAL_SOCIAL_CASE_WORK;
constexpr auto kCoordinator = cv1::EXPERIENCE_KIND_SOCIAL_OR_COMMUNITY_COORDINATOR;
constexpr auto kAssistant = cv1::EXPERIENCE_KIND_SOCIAL_WORKER_ASSISTANT;

// Gives the last education entry a study period.
ApplicantBuilder& Studied(ApplicantBuilder& b, const char* start, const char* end) {
  v1::Applicant* a = b.mutable_applicant();
  v1::Education* e = a->mutable_education(a->education_size() - 1);
  *e->mutable_study_start() = D(start);
  *e->mutable_study_end() = D(end);
  return b;
}

bool Says(const Outcome& o, const std::string& text) {
  return Lines(o).find(text) != std::string::npos;
}

// --- Validation -------------------------------------------------------------------------------

std::string Violations(const v1::Applicant& a) {
  status::Violations v;
  ValidateApplicant(a, "applicant", &v);
  std::string out;
  for (const auto& f : v.list()) out += f.field + ": " + f.description + "\n";
  return out;
}

TEST(StudyPeriod, InvalidPeriodsAreRefusedNamingEachProblem) {
  ApplicantBuilder b;
  b.CipDegree(kMaster, "44.0701", "2025-06-30");
  Studied(b, "2024-01-01", "2023-12-31");
  EXPECT_EQ(Violations(b.Build()),
            "applicant.education[0].study_end: must not be before study_start\n");

  Studied(b, "2023-07-01", "2025-07-01");
  EXPECT_EQ(Violations(b.Build()),
            "applicant.education[0].study_end: must not be after completed\n");

  // One end without the other.
  b.mutable_applicant()->mutable_education(0)->clear_study_end();
  EXPECT_EQ(Violations(b.Build()),
            "applicant.education[0].study_end: required when study_start is given\n");
  b.mutable_applicant()->mutable_education(0)->clear_study_start();
  *b.mutable_applicant()->mutable_education(0)->mutable_study_end() = D("2025-06-30");
  EXPECT_EQ(Violations(b.Build()),
            "applicant.education[0].study_start: required when study_end is given\n");

  // Outside the suite's years, and not a real day: each end named.
  *b.mutable_applicant()->mutable_education(0)->mutable_study_start() = dates::Ymd(1850, 1, 1);
  *b.mutable_applicant()->mutable_education(0)->mutable_study_end() = dates::Ymd(2025, 2, 30);
  const std::string v = Violations(b.Build());
  EXPECT_NE(v.find("applicant.education[0].study_start: "), std::string::npos) << v;
  EXPECT_NE(v.find("applicant.education[0].study_end: "), std::string::npos) << v;
  EXPECT_EQ(v.find("1850"), std::string::npos) << "values are never echoed: " << v;

  // Credit hours stay bounded with a period.
  ApplicantBuilder c;
  c.CipCredits(1001, "45.1101");
  Studied(c, "2024-01-01", "2024-12-31");
  EXPECT_EQ(Violations(c.Build()),
            "applicant.education[0].credit_hours: must be between 0 and 1000 semester hours\n");

  ApplicantBuilder ok;
  ok.CipDegree(kMaster, "44.0701", "2025-06-30");
  Studied(ok, "2023-07-01", "2025-06-30");
  EXPECT_EQ(Violations(ok.Build()), "");
}

// --- Crediting ---------------------------------------------------------------------------------

CompiledProfile Compile(const v1::Applicant& a, const char* as_of = "2026-01-31") {
  CompiledProfile p;
  CompileProfile(a, dates::ToCivilDay(D(as_of)), CreditSettings{}, &p);
  return p;
}

TEST(StudyPeriod, HalfTimeStudyAgainstFullTimeWork) {
  // 12 months of education spread over 24 months (half time) against full-time work: the 24
  // months hold 12 months too many, whichever side gives them up.
  ApplicantBuilder b;
  b.CipCredits(30, "45.1101");
  Studied(b, "2024-01-01", "2025-12-31");
  b.Job("2023-01-01", "2025-12-31", 40, {kCoordinator});
  const CompiledProfile p = Compile(b.Build());
  ASSERT_EQ(p.studies.size(), 1u);
  const int64_t w[kMaxEducationEntries] = {StudyWeight(p, 0, Months(12))};
  EXPECT_EQ(w[0], p.full_weight / 2);
  StudyOverlap o = OverlapUnits(p, ~0u, 0, w);
  EXPECT_EQ(o.education_lost, Months(12));
  EXPECT_EQ(o.experience_lost, Months(12));
  EXPECT_EQ(p.segment_days[o.first_segment].first, absl::CivilDay(2024, 1, 1));
  EXPECT_EQ(p.segment_days[o.last_segment].second, absl::CivilDay(2025, 12, 31));
  // Experience alone is unchanged by the extra cut in the timeline.
  EXPECT_EQ(CreditedUnits(p, ~0u, 0), Months(36));

  // Half-time work beside half-time study fills each day exactly: nothing overlaps.
  b.mutable_applicant()->mutable_experience(0)->set_hours_per_week(20);
  const CompiledProfile half = Compile(b.Build());
  o = OverlapUnits(half, ~0u, 0, w);
  EXPECT_EQ(o.education_lost, 0);
  EXPECT_EQ(o.first_segment, -1);
}

TEST(StudyPeriod, UndatedPartialStudyCountsOnceItsPeriodIsOver) {
  ApplicantBuilder b;
  b.CipCredits(30, "45.1101");
  Studied(b, "2025-01-01", "2026-06-30");
  EXPECT_EQ(Compile(b.Build()).partial.size(), 0u);
  EXPECT_EQ(Compile(b.Build(), "2026-06-30").partial.size(), 1u);
}

// The issue's case: a master's studied half time over two years while working full time in
// case work. Without its period the master's year is added to the 30 months worked; with it,
// the two years are credited once.
ApplicantBuilder HalfTimeMaster(bool with_period) {
  ApplicantBuilder b;
  b.CipDegree(kBachelor, "44.0701", "2018-05-15")
      .CipDegree(kMaster, "44.0701", "2025-06-30")
      .Job("2023-07-01", "2025-12-31", 40, {kCaseWork}, false, true)
      .DriversLicence();
  if (with_period) Studied(b, "2023-07-01", "2025-06-30");
  return b;
}

TEST(StudyPeriod, HalfTimeStudyWhileWorkingFullTimeIsNotCreditedTwice) {
  Outcome o = Evaluated("CA2459", HalfTimeMaster(false).Build());
  EXPECT_EQ(o.state, State::kQualified) << Lines(o);  // as before: 30 months + the master's

  o = Evaluated("CA2459", HalfTimeMaster(true).Build());
  EXPECT_EQ(o.state, State::kNotQualified) << Lines(o);
  ASSERT_EQ(o.explained.shortfalls_size(), 1);
  EXPECT_EQ(o.explained.shortfalls(0).missing_month_hundredths(), 600) << Lines(o);
  // Either way 6 months are missing: as experience, the master's year is all overlap; as
  // education, 12 of the 30 months worked give way. A tie goes to experience.
  EXPECT_TRUE(Says(o,
                   "mq/experience: Study and work overlap from 2023-07-01 to 2025-06-30 "
                   "(education[1] studied 2023-07-01 to 2025-06-30): each day is credited once, "
                   "as education and experience together at most full time; the overlap is "
                   "credited as experience, so 12 months of education are not credited here; "
                   "either way leaves 6 months missing; on a tie the overlap is credited as "
                   "experience"))
      << Lines(o);
  EXPECT_EQ(o.explained.substitutions_size(), 0) << Lines(o);
}

TEST(StudyPeriod, TheBetterAssignmentIsChosenAndExplained) {
  // With a state-approved field placement too, crediting the overlap as experience leaves the
  // placement to supply the substituted year: QUALIFIED. As education, the 30 months worked
  // would lose 12 and the year's cap would leave 6 months missing.
  ApplicantBuilder b = HalfTimeMaster(true);
  b.Placement(true, cv1::PLACEMENT_SETTING_COUNTY_SOCIAL_SERVICES, "2019-05-01");
  const Outcome o = Evaluated("CA2459", b.Build());
  EXPECT_EQ(o.state, State::kQualified) << Lines(o);
  EXPECT_TRUE(Says(o,
                   "the overlap is credited as experience, so 12 months of education are not "
                   "credited here; crediting it as education instead would leave 6 months "
                   "missing, this way nothing missing"))
      << Lines(o);
  ASSERT_EQ(o.explained.substitutions_size(), 1) << Lines(o);
  EXPECT_NE(o.explained.substitutions(0).source_text().find("field placement"), std::string::npos)
      << Lines(o);
}

TEST(StudyPeriod, EachSubstitutionSaysWhatItSupplied) {
  // The master's half-time study overlaps the first 12 of the 24 months worked: as
  // experience, the master's keeps 6 of its 12 months and the field placement supplies the
  // other 6 of the year that is needed.
  ApplicantBuilder b;
  b.CipDegree(kBachelor, "44.0701", "2018-05-15").CipDegree(kMaster, "44.0701", "2024-12-31");
  Studied(b, "2023-01-01", "2024-12-31");
  b.Job("2024-01-01", "2025-12-31", 40, {kCaseWork}, false, true)
      .DriversLicence()
      .Placement(true, cv1::PLACEMENT_SETTING_COUNTY_SOCIAL_SERVICES, "2019-05-01");
  const Outcome o = Evaluated("CA2459", b.Build());
  EXPECT_EQ(o.state, State::kQualified) << Lines(o);
  ASSERT_EQ(o.explained.substitutions_size(), 2) << Lines(o);
  EXPECT_EQ(o.explained.substitutions(0).month_hundredths(), 600) << Lines(o);
  EXPECT_EQ(o.explained.substitutions(1).month_hundredths(), 600) << Lines(o);
  EXPECT_TRUE(Says(o, "Study and work overlap from 2024-01-01 to 2024-12-31")) << Lines(o);
}

std::shared_ptr<const CompiledRules> Combination() {
  cv1::QualificationRules r;
  EXPECT_TRUE(google::protobuf::TextFormat::ParseFromString(
      R"pb(rule_version: 1
           root {
             id: "c"
             source_text: "any combination totaling four (4) years"
             combination {
               months: 48
               kinds: EXPERIENCE_KIND_SOCIAL_WORKER_ASSISTANT
               related_cip_fields { name: "Social Sciences" cip: "45" }
               associate_months: 24
               bachelor_months: 48
               credit_hours_per_year: 30
             }
           })pb",
      &r));
  auto compiled = CompileRules(r);
  EXPECT_TRUE(compiled.ok()) << compiled.status();
  return compiled.ok() ? *compiled : nullptr;
}

TEST(StudyPeriod, CombinationCreditsTheOverlapAsEducationWhenThatGivesMore) {
  // A bachelor's (48 months of education) studied in 36 months while working half time: each
  // day of study is already more than full time. As experience, the degree would give up 30
  // months (36 - 18 + 48 = 36 in all); as education, the 18 months worked give way (48).
  ApplicantBuilder b;
  b.CipDegree(kBachelor, "45.1101", "2022-08-31");
  Studied(b, "2019-09-01", "2022-08-31");
  b.Job("2019-09-01", "2022-08-31", 20, {kAssistant});
  const auto rules = Combination();
  ASSERT_NE(rules, nullptr);
  const Outcome o = EvaluatedWith(*rules, b.Build());
  EXPECT_EQ(o.state, State::kQualified) << Lines(o);
  EXPECT_EQ(o.eval.nodes[0].overlap, Overlap::kAsEducation);
  EXPECT_EQ(o.explained.result().credited_month_hundredths(), 4800) << Lines(o);
  EXPECT_TRUE(Says(o,
                   "the overlap is credited as education, so 18 months of experience are not "
                   "credited here; crediting it as experience instead would leave 12 months "
                   "missing, this way nothing missing"))
      << Lines(o);
}

TEST(StudyPeriod, G1099aHalfTimeCreditsWhileWorkingFullTime) {
  // 30 semester hours (a year, at the class's 30 a year) over two years beside 36 months of
  // full-time work: 48 months without the period, 36 with it.
  ApplicantBuilder b;
  b.CipCredits(30, "45.1101").Job("2023-01-01", "2025-12-31", 40, {kCoordinator});
  EXPECT_EQ(Evaluated("G1099A", b.Build()).state, State::kQualified);
  Studied(b, "2024-01-01", "2025-12-31");
  const Outcome o = Evaluated("G1099A", b.Build());
  EXPECT_EQ(o.state, State::kNotQualified) << Lines(o);
  EXPECT_EQ(o.explained.decided_path(), "path-2");
  ASSERT_EQ(o.explained.shortfalls_size(), 1);
  EXPECT_EQ(o.explained.shortfalls(0).missing_month_hundredths(), 1200) << Lines(o);
  EXPECT_TRUE(Says(o,
                   "Study and work overlap from 2024-01-01 to 2025-12-31 (education[0] "
                   "studied 2024-01-01 to 2025-12-31)"))
      << Lines(o);
}

TEST(StudyPeriod, StudyAndWorkThatDoNotOverlapAreUnchanged) {
  // The master's studied before the work began: the same evaluation as without a period.
  ApplicantBuilder dated;
  dated.CipDegree(kBachelor, "44.0701", "2018-05-15")
      .CipDegree(kMaster, "44.0701", "2023-06-30")
      .Job("2023-07-01", "2025-12-31", 40, {kCaseWork}, false, true)
      .DriversLicence();
  ApplicantBuilder undated = dated;
  Studied(dated, "2021-07-01", "2023-06-30");
  const Outcome a = Evaluated("CA2459", dated.Build());
  const Outcome b = Evaluated("CA2459", undated.Build());
  EXPECT_EQ(a.state, State::kQualified) << Lines(a);
  EXPECT_EQ(a.explained.SerializeAsString(), b.explained.SerializeAsString()) << Lines(a);
  EXPECT_EQ(a.eval.nodes[2].overlap, Overlap::kNone);
}

TEST(StudyPeriod, ARequiredDegreeCreditsNoMonthsSoWorkDuringItCountsInFull) {
  // SPCP23: a bachelor's and 24 months. The degree is a requirement, not months of credit, so
  // its period takes nothing from the work done during it (docs/eligibility.md).
  ApplicantBuilder b;
  b.CipDegree(kBachelor, "44.0701", "2024-05-15")
      .Job("2022-01-01", "2023-12-31", 40, {cv1::EXPERIENCE_KIND_SOCIAL_WORK_CASE_MANAGEMENT});
  const Outcome before = Evaluated("SPCP23", b.Build());
  Studied(b, "2020-09-01", "2024-05-15");
  const Outcome after = Evaluated("SPCP23", b.Build());
  EXPECT_EQ(after.state, State::kQualified) << Lines(after);
  EXPECT_EQ(after.explained.SerializeAsString(), before.explained.SerializeAsString());
}

std::string Day(int y, int m, int d) {
  char buf[16];
  std::snprintf(buf, sizeof buf, "%04d-%02d-%02d", y, m, d);
  return buf;
}

TEST(StudyPeriod, APeriodNeverMakesAResultBetter) {
  // Giving study periods can only take credit away (the same days counted once), never add:
  // on every class and track the determination is never better, and a NOT QUALIFIED result
  // never misses fewer months, than for the same profile without the periods.
  const char* const codes[] = {"SPPS26", "SPCP20", "SPCP23", "G1099B",
                               "G1099O", "G1099A", "CA2459", "CA2460"};
  const cv1::ExperienceKind kinds[] = {kCaseWork, kCoordinator, kAssistant,
                                       cv1::EXPERIENCE_KIND_SOCIAL_WORKER,
                                       cv1::EXPERIENCE_KIND_SOCIAL_WORK_CASE_MANAGEMENT};
  const char* const fields[] = {"44.0701", "45.1101", "42.0101", "51.1508", "52.0101"};
  std::mt19937 rng(20261207);
  int overlaps = 0;
  for (int round = 0; round < 300; ++round) {
    ApplicantBuilder plain, dated;
    const int degrees = 1 + rng() % 2;
    for (int i = 0; i < degrees; ++i) {
      const int y = 2012 + rng() % 13;
      const std::string done = Day(y, 1 + rng() % 12, 1 + rng() % 28);
      const auto level = static_cast<cv1::EducationLevel>(3 + rng() % 2);  // bachelor's, master's
      const char* field = fields[rng() % 5];
      plain.CipDegree(level, field, done.c_str());
      dated.CipDegree(level, field, done.c_str());
      Studied(dated, Day(y - 1 - rng() % 5, 1 + rng() % 12, 1 + rng() % 28).c_str(), done.c_str());
    }
    if (rng() % 2 == 0) {
      const int hours = 1 + rng() % 90;
      const int y = 2015 + rng() % 10;
      plain.CipCredits(hours, "45.1101");
      dated.CipCredits(hours, "45.1101");
      Studied(dated, Day(y - 1 - rng() % 3, 1 + rng() % 12, 1).c_str(),
              Day(y, 1 + rng() % 12, 28).c_str());
    }
    const int jobs = 1 + rng() % 3;
    for (int i = 0; i < jobs; ++i) {
      const int y = 2010 + rng() % 15;
      const std::string start = Day(y, 1 + rng() % 12, 1 + rng() % 28);
      const std::string end = Day(y + 1 + rng() % 6, 1 + rng() % 12, 28);
      const double hours = 10 + rng() % 40;
      const auto kind = kinds[rng() % 5];
      const bool placement = rng() % 2 == 0;
      plain.Job(start.c_str(), end.c_str(), hours, {kind}, false, placement);
      dated.Job(start.c_str(), end.c_str(), hours, {kind}, false, placement);
    }
    plain.DriversLicence();
    dated.DriversLicence();
    if (rng() % 3 == 0) {
      plain.Placement(true, cv1::PLACEMENT_SETTING_COUNTY_SOCIAL_SERVICES);
      dated.Placement(true, cv1::PLACEMENT_SETTING_COUNTY_SOCIAL_SERVICES);
    }
    for (const char* code : codes) {
      const Outcome before = Evaluated(code, plain.Build());
      const Outcome after = Evaluated(code, dated.Build());
      EXPECT_GE(after.state, before.state) << code << " round " << round << "\n" << Lines(after);
      if (before.state == State::kNotQualified && after.state == State::kNotQualified) {
        EXPECT_GE(after.eval.missing(), before.eval.missing()) << code << " round " << round;
      }
      for (const auto& n : after.eval.nodes) overlaps += n.overlap != Overlap::kNone ? 1 : 0;
    }
  }
  EXPECT_GT(overlaps, 50);  // the property was exercised
}

TEST(StudyPeriod, TheShippedExampleIsTheIssuesCase) {
  // examples/applicants/half-time-masters.json is HalfTimeMaster(true), as JSON.
  const char* src = std::getenv("CLASSPLAN_SOURCE_DIR");
#ifdef CLASSPLAN_DEFAULT_SOURCE_DIR
  if (src == nullptr) src = CLASSPLAN_DEFAULT_SOURCE_DIR;
#endif
  std::ifstream in(std::string(src != nullptr ? src : ".") +
                   "/examples/applicants/half-time-masters.json");
  ASSERT_TRUE(in.good());
  std::stringstream json;
  json << in.rdbuf();
  v1::Applicant a;
  ASSERT_TRUE(google::protobuf::util::JsonStringToMessage(json.str(), &a).ok());
  v1::Applicant expected = HalfTimeMaster(true).Build();
  expected.set_applicant_ref("example-half-time-masters");
  for (auto& e : *expected.mutable_education()) e.set_field_name("Social Work");
  expected.mutable_drivers_licence()->set_state("CO");
  EXPECT_EQ(a.SerializeAsString(), expected.SerializeAsString()) << a.DebugString();
}

}  // namespace
}  // namespace classplan::eligibility
