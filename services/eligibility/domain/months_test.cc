#include "services/eligibility/domain/months.h"

#include <gtest/gtest.h>

namespace classplan::eligibility {
namespace {

using absl::CivilDay;

TEST(MonthUnits, WholeCalendarMonthsAreExact) {
  EXPECT_EQ(MonthUnits(CivilDay(2025, 1, 1), CivilDay(2025, 1, 31)), Months(1));
  EXPECT_EQ(MonthUnits(CivilDay(2025, 2, 1), CivilDay(2025, 2, 28)), Months(1));
  EXPECT_EQ(MonthUnits(CivilDay(2024, 2, 1), CivilDay(2024, 2, 29)), Months(1));  // leap
  EXPECT_EQ(MonthUnits(CivilDay(2025, 4, 1), CivilDay(2025, 4, 30)), Months(1));
  // First of a month through the last day of the month N-1 later is exactly N months.
  EXPECT_EQ(MonthUnits(CivilDay(2023, 1, 1), CivilDay(2024, 12, 31)),
            Months(24));  // has 2024-02-29
  EXPECT_EQ(MonthUnits(CivilDay(2024, 3, 1), CivilDay(2026, 2, 28)), Months(24));
  EXPECT_EQ(MonthUnits(CivilDay(1999, 12, 1), CivilDay(2000, 11, 30)), Months(12));  // 2000 leap
  EXPECT_EQ(MonthUnits(CivilDay(2100, 2, 1), CivilDay(2100, 2, 28)), Months(1));     // not leap
  EXPECT_EQ(MonthUnits(CivilDay(2020, 1, 1), CivilDay(2025, 12, 31)), Months(72));
}

TEST(MonthUnits, PartialMonthsAreTheShareOfTheirDays) {
  EXPECT_EQ(MonthUnits(CivilDay(2025, 6, 1), CivilDay(2025, 6, 15)), Months(1) / 2);
  EXPECT_EQ(MonthUnits(CivilDay(2025, 6, 16), CivilDay(2025, 6, 30)), Months(1) / 2);
  EXPECT_EQ(MonthUnits(CivilDay(2025, 1, 1), CivilDay(2025, 1, 1)), Months(1) / 31);
  EXPECT_EQ(MonthUnits(CivilDay(2025, 2, 28), CivilDay(2025, 2, 28)), Months(1) / 28);
  EXPECT_EQ(MonthUnits(CivilDay(2024, 2, 29), CivilDay(2024, 2, 29)), Months(1) / 29);
  // Mid-month to mid-month: 17 days of January (of 31) + 14 of February (of 28).
  EXPECT_EQ(MonthUnits(CivilDay(2025, 1, 15), CivilDay(2025, 2, 14)),
            17 * (Months(1) / 31) + 14 * (Months(1) / 28));
  // The 15th to the 14th a year later, both in 31-day months: 17/31 + 11 + 14/31 = 12.
  EXPECT_EQ(MonthUnits(CivilDay(2025, 1, 15), CivilDay(2026, 1, 14)), Months(12));
  // Across months of different lengths the shares differ: 16/31 + 15/28 is more than one.
  EXPECT_EQ(MonthUnits(CivilDay(2025, 1, 16), CivilDay(2025, 2, 15)),
            16 * (Months(1) / 31) + 15 * (Months(1) / 28));
  EXPECT_GT(MonthUnits(CivilDay(2025, 1, 16), CivilDay(2025, 2, 15)), Months(1));
}

TEST(MonthUnits, EdgesAndAdditivity) {
  EXPECT_EQ(MonthUnits(CivilDay(2025, 3, 2), CivilDay(2025, 3, 1)), 0);  // empty
  // One day short of a whole month is less than a month.
  EXPECT_EQ(MonthUnits(CivilDay(2025, 1, 1), CivilDay(2025, 1, 30)), Months(1) - Months(1) / 31);
  // One day more starts the next month's share.
  EXPECT_EQ(MonthUnits(CivilDay(2025, 1, 1), CivilDay(2025, 2, 1)), Months(1) + Months(1) / 28);
  // Year end.
  EXPECT_EQ(MonthUnits(CivilDay(2025, 12, 31), CivilDay(2026, 1, 1)),
            Months(1) / 31 + Months(1) / 31);
  // Any split of an interval adds up to the whole.
  const CivilDay a(2021, 5, 17), b(2024, 2, 29);
  for (CivilDay cut = a; cut < b; cut += 37) {
    EXPECT_EQ(MonthUnits(a, cut) + MonthUnits(cut + 1, b), MonthUnits(a, b)) << cut;
  }
}

TEST(Hundredths, RoundDownForCreditUpForMissing) {
  EXPECT_EQ(FloorHundredths(Months(24)), 2400);
  EXPECT_EQ(CeilHundredths(Months(24)), 2400);
  EXPECT_EQ(FloorHundredths(Months(1) / 31), 3);
  EXPECT_EQ(CeilHundredths(Months(1) / 31), 4);
  EXPECT_EQ(CeilHundredths(1), 1);
  EXPECT_EQ(FloorHundredths(-5), 0);
  EXPECT_EQ(FormatHundredths(2400), "24");
  EXPECT_EQ(FormatHundredths(1250), "12.5");
  EXPECT_EQ(FormatHundredths(97), "0.97");
  EXPECT_EQ(FormatHundredths(5), "0.05");
}

}  // namespace
}  // namespace classplan::eligibility
