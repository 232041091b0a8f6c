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
