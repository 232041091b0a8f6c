// "At the time of application" (issue 18 §3): clauses that speak of it are judged on the
// applicant's application date, else on the as-of date, and the explanation says which.
#include <gtest/gtest.h>

#include "common/dates/dates.h"
#include "services/eligibility/domain/engine.h"
#include "services/eligibility/domain/test_rules.h"

namespace classplan::eligibility {
namespace {

using testing::ApplicantBuilder;
using testing::D;
using testing::Evaluated;
using testing::Lines;
using testing::Outcome;

// Meets all of CA2459 but the driver's licence, which expired on 2026-01-15; the posting
// closed (the as-of date) on 2026-01-31.
ApplicantBuilder Applicant() {
  ApplicantBuilder b;
  b.CipDegree(cv1::EDUCATION_LEVEL_BACHELOR, "44.0701");
  b.Job("2023-01-01", "2025-12-31", 40, {cv1::EXPERIENCE_KIND_PROFESSIONAL_SOCIAL_CASE_WORK}, false,
        true);
  b.DriversLicence("2026-01-15");
  return b;
}

TEST(ApplicationDate, DefaultsToTheAsOfDateAndSaysSo) {
  const Outcome o = Evaluated("CA2459", Applicant().Build());
  EXPECT_EQ(o.state, State::kNotQualified) << Lines(o);
  EXPECT_NE(Lines(o).find("[not met] drivers_licence: no driver's licence valid on the as-of date "
                          "(no application date given)"),
            std::string::npos)
      << Lines(o);
  EXPECT_EQ(dates::Format(o.explained.application_date()), "2026-01-31");
}

TEST(ApplicationDate, ALicenceValidWhenTheApplicantAppliedCounts) {
  ApplicantBuilder b = Applicant();
  *b.mutable_applicant()->mutable_application_date() = D("2026-01-10");
  Outcome o = Evaluated("CA2459", b.Build());
  EXPECT_EQ(o.state, State::kQualified) << Lines(o);
  EXPECT_NE(Lines(o).find("[met] drivers_licence: holds a driver's licence valid on the "
                          "application date, 2026-01-10"),
            std::string::npos)
      << Lines(o);
  EXPECT_EQ(dates::Format(o.explained.application_date()), "2026-01-10");
  EXPECT_EQ(dates::Format(o.explained.as_of()), "2026-01-31");
  // A licence that had expired when the applicant applied does not count.
  *b.mutable_applicant()->mutable_application_date() = D("2026-01-20");
  o = Evaluated("CA2459", b.Build());
  EXPECT_EQ(o.state, State::kNotQualified) << Lines(o);
}

TEST(ApplicationDate, IsAFullDateNotAfterTheAsOfDate) {
  v1::Applicant a;
  *a.mutable_application_date() = D("2026-02-01");
  const common::v1::Date as_of = D("2026-01-31");
  status::Violations v;
  ValidateApplicant(a, "applicant", &v, &as_of);
  ASSERT_EQ(v.list().size(), 1u);
  EXPECT_EQ(v.list()[0].field, "applicant.application_date");
  EXPECT_EQ(v.list()[0].description, "must not be after the as-of date");
  a.mutable_application_date()->set_day(0);
  status::Violations partial;
  ValidateApplicant(a, "applicant", &partial, &as_of);
  ASSERT_EQ(partial.list().size(), 1u);
  EXPECT_EQ(partial.list()[0].field, "applicant.application_date");
  *a.mutable_application_date() = D("2026-01-31");
  status::Violations same_day;
  ValidateApplicant(a, "applicant", &same_day, &as_of);
  EXPECT_TRUE(same_day.empty());
}

}  // namespace
}  // namespace classplan::eligibility
