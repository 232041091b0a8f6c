#include "common/dates/dates.h"

#include "gtest/gtest.h"

namespace classplan::dates {
namespace {

constexpr auto* D = &Ymd;

TEST(DatesTest, ValidatesCalendarDays) {
  EXPECT_TRUE(ValidateFull(D(2011, 11, 30)).ok());
  EXPECT_FALSE(ValidateFull(D(2011, 11, 31)).ok());
  EXPECT_FALSE(ValidateFull(D(2011, 2, 29)).ok());
  EXPECT_TRUE(ValidateFull(D(2012, 2, 29)).ok());
  EXPECT_FALSE(ValidateFull(D(2011, 0, 0)).ok());
  EXPECT_TRUE(ValidatePartial(D(2011, 0, 0)).ok());
  EXPECT_FALSE(ValidatePartial(D(2011, 0, 5)).ok());
  EXPECT_FALSE(ValidatePartial(D(0, 1, 1)).ok());
}

TEST(DatesTest, StoredDatesAreRealAndWithinTheYearRange) {
  EXPECT_TRUE(ValidateInRange(D(kMinYear, 1, 1), true).ok());
  EXPECT_TRUE(ValidateInRange(D(kMaxYear, 12, 31), true).ok());
  EXPECT_TRUE(ValidateInRange(D(2011, 0, 0), false).ok());  // partial, where allowed
  EXPECT_FALSE(ValidateInRange(D(2011, 0, 0), true).ok());
  EXPECT_FALSE(ValidateInRange(D(2011, 2, 29), false).ok());  // not a calendar day
  for (const Date& out : {D(1, 1, 1), D(kMinYear - 1, 12, 31), D(kMaxYear + 1, 1, 1)}) {
    absl::Status s = ValidateInRange(out, true);
    EXPECT_EQ(s.code(), absl::StatusCode::kInvalidArgument) << Format(out);
    EXPECT_EQ(s.message(), "year must be between 1900 and 2199");
    EXPECT_FALSE(InRange(out, false)) << Format(out);
  }
  EXPECT_TRUE(InRange(D(2026, 1, 31), true));

  status::Violations v;
  CheckDate(D(2026, 1, 31), true, "ok", v);
  CheckDate(D(1, 1, 1), true, "effective_date", v);
  CheckDate(D(2026, 2, 30), false, "as_of", v);
  ASSERT_EQ(v.list().size(), 2u);
  EXPECT_EQ(v.list()[0].field, "effective_date");
  EXPECT_EQ(v.list()[1].field, "as_of");
  EXPECT_EQ(v.list()[1].description, "2026-02-30 is not a calendar day");
}

TEST(DatesTest, PartialDatesSpanTheirPeriod) {
  EXPECT_EQ(EarliestDay(D(2011, 0, 0)), absl::CivilDay(2011, 1, 1));
  EXPECT_EQ(LatestDay(D(2011, 0, 0)), absl::CivilDay(2011, 12, 31));
  EXPECT_EQ(LatestDay(D(2012, 2, 0)), absl::CivilDay(2012, 2, 29));
  EXPECT_EQ(LatestDay(D(2012, 2, 3)), absl::CivilDay(2012, 2, 3));
}

TEST(DatesTest, FormatsAndParses) {
  EXPECT_EQ(Format(D(2011, 0, 0)), "2011");
  EXPECT_EQ(Format(D(2011, 9, 0)), "2011-09");
  EXPECT_EQ(Format(D(2011, 9, 20)), "2011-09-20");
  auto parsed = ParseFull("2018-08-24");
  ASSERT_TRUE(parsed.ok());
  EXPECT_EQ(parsed->day(), 24);
  EXPECT_FALSE(ParseFull("2018-8-24").ok());
  EXPECT_FALSE(ParseFull("2018-02-30").ok());
  EXPECT_FALSE(ParseFull("yesterday").ok());
}

}  // namespace
}  // namespace classplan::dates
