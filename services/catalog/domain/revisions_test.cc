#include "services/catalog/domain/revisions.h"

#include "absl/strings/str_cat.h"
#include "gtest/gtest.h"

namespace classplan::catalog {
namespace {

pb::ClassRevision Adopted(int n, int y, int m, int d) {
  pb::ClassRevision r;
  r.set_revision(n);
  r.set_state(pb::REVISION_STATE_ADOPTED);
  if (y > 0) {
    r.mutable_effective_date()->set_year(y);
    r.mutable_effective_date()->set_month(m);
    r.mutable_effective_date()->set_day(d);
  }
  r.mutable_job_class()->set_title(absl::StrCat("rev ", n));
  return r;
}

TEST(RevisionsTest, PicksHighestRevisionInForce) {
  pb::ClassRecord rec;
  rec.set_code("X1");
  *rec.add_revisions() = Adopted(1, 2011, 9, 20);
  *rec.add_revisions() = Adopted(2, 2018, 8, 24);
  auto r = RevisionInForce(rec, absl::CivilDay(2015, 1, 1), true);
  ASSERT_TRUE(r.ok());
  EXPECT_EQ((*r)->revision(), 1);
  r = RevisionInForce(rec, absl::CivilDay(2018, 8, 24), true);
  ASSERT_TRUE(r.ok());
  EXPECT_EQ((*r)->revision(), 2);
  r = RevisionInForce(rec, absl::CivilDay(2011, 9, 19), true);
  EXPECT_EQ(r.status().code(), absl::StatusCode::kNotFound);
  EXPECT_NE(r.status().message().find("2011-09-20"), std::string::npos);
}

TEST(RevisionsTest, PendingRevisionsAreNeverInForce) {
  pb::ClassRecord rec;
  rec.set_code("X1");
  *rec.add_revisions() = Adopted(1, 2011, 9, 20);
  pb::ClassRevision pending;
  pending.set_revision(2);
  pending.set_state(pb::REVISION_STATE_PENDING);
  *rec.add_revisions() = pending;
  auto r = RevisionInForce(rec, absl::CivilDay(2030, 1, 1), false);
  ASSERT_TRUE(r.ok());
  EXPECT_EQ((*r)->revision(), 1);
}

TEST(RevisionsTest, UnknownAndPartialDatesAreHonest) {
  pb::ClassRecord rec;
  rec.set_code("CA2459");
  pb::ClassRevision year_only = Adopted(1, 0, 0, 0);
  year_only.mutable_effective_date()->set_year(2011);
  *rec.add_revisions() = year_only;
  // Today: in force (it was adopted in 2011).
  EXPECT_TRUE(RevisionInForce(rec, absl::CivilDay(2026, 1, 1), false).ok());
  // A certain answer after the year ends.
  EXPECT_TRUE(RevisionInForce(rec, absl::CivilDay(2012, 1, 1), true).ok());
  // Within the year: cannot tell.
  EXPECT_EQ(RevisionInForce(rec, absl::CivilDay(2011, 6, 1), true).status().code(),
            absl::StatusCode::kFailedPrecondition);
  // Before it: not in force.
  EXPECT_EQ(RevisionInForce(rec, absl::CivilDay(2010, 6, 1), true).status().code(),
            absl::StatusCode::kNotFound);

  pb::ClassRecord unknown;
  unknown.set_code("2944");
  *unknown.add_revisions() = Adopted(1, 0, 0, 0);
  EXPECT_TRUE(RevisionInForce(unknown, absl::CivilDay(2026, 1, 1), false).ok());
  EXPECT_EQ(RevisionInForce(unknown, absl::CivilDay(2026, 1, 1), true).status().code(),
            absl::StatusCode::kFailedPrecondition);
}

TEST(RevisionsTest, NextWorkWeekStartsStrictlyAfterApproval) {
  // 2011-12-15 was a Thursday.
  EXPECT_EQ(StartOfNextWorkWeek(absl::CivilDay(2011, 12, 15), pb::DAY_OF_WEEK_MONDAY),
            absl::CivilDay(2011, 12, 19));
  EXPECT_EQ(StartOfNextWorkWeek(absl::CivilDay(2011, 12, 15), pb::DAY_OF_WEEK_SUNDAY),
            absl::CivilDay(2011, 12, 18));
  // Approved on a Monday with Monday weeks: the next Monday.
  EXPECT_EQ(StartOfNextWorkWeek(absl::CivilDay(2011, 12, 19), pb::DAY_OF_WEEK_MONDAY),
            absl::CivilDay(2011, 12, 26));
}

}  // namespace
}  // namespace classplan::catalog
