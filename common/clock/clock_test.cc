#include "common/clock/clock.h"

#include "gtest/gtest.h"

namespace classplan::clock {
namespace {

absl::TimeZone Zone(const char* name) {
  absl::TimeZone tz;
  EXPECT_TRUE(absl::LoadTimeZone(name, &tz)) << name;
  return tz;
}

TEST(ClockTest, SystemClockReadsNow) {
  const absl::Time before = absl::Now();
  const absl::Time now = Clock::System().Now();
  EXPECT_GE(now, before);
  EXPECT_LE(now, absl::Now());
  EXPECT_EQ(Clock().time_zone(), absl::UTCTimeZone());
}

TEST(ClockTest, SystemClockByNameFallsBackToUtc) {
  EXPECT_EQ(Clock::System("America/Denver").time_zone(), Zone("America/Denver"));
  EXPECT_EQ(Clock::System("Not/AZone").time_zone(), absl::UTCTimeZone());
}

TEST(ClockTest, TodayIsCountedInTheClocksZone) {
  // 2026-11-24 03:00 UTC is still the 23rd in Denver.
  const absl::Time t = absl::FromCivil(absl::CivilHour(2026, 11, 24, 3), absl::UTCTimeZone());
  EXPECT_EQ(Clock::Fixed(t).Today(), absl::CivilDay(2026, 11, 24));
  EXPECT_EQ(Clock::Fixed(t, Zone("America/Denver")).Today(), absl::CivilDay(2026, 11, 23));
}

TEST(ClockTest, FixedDayStandsForItsFirstMoment) {
  const absl::TimeZone denver = Zone("America/Denver");
  const Clock c = Clock::Fixed(absl::CivilDay(2026, 3, 10), denver);
  EXPECT_EQ(c.Today(), absl::CivilDay(2026, 3, 10));
  EXPECT_EQ(c.Now(), absl::FromCivil(absl::CivilDay(2026, 3, 10), denver));
}

TEST(ClockTest, ALambdaStandsForAClock) {
  absl::Time now = absl::FromUnixSeconds(1704067200);
  Clock c = [&now] { return now; };
  EXPECT_EQ(c.Now(), now);
  now += absl::Hours(30);
  EXPECT_EQ(c.Now(), absl::FromUnixSeconds(1704067200) + absl::Hours(30));
  EXPECT_EQ(c.Today(), absl::CivilDay(2024, 1, 2));
}

TEST(ClockTest, AnEmptyFunctionMeansTheSystemClock) {
  const Clock c{Clock::NowFn()};
  const absl::Time before = absl::Now();
  EXPECT_GE(c.Now(), before);
}

TEST(ManualClockTest, SetAndAdvanceMoveTheClocksItHandsOut) {
  ManualClock manual(absl::CivilDay(2026, 11, 23));
  const Clock c = manual.clock();
  EXPECT_EQ(c.Today(), absl::CivilDay(2026, 11, 23));
  manual.Advance(absl::Hours(25));
  EXPECT_EQ(c.Today(), absl::CivilDay(2026, 11, 24));
  manual.Set(absl::CivilDay(2027, 1, 1));
  EXPECT_EQ(c.Now(), absl::FromCivil(absl::CivilDay(2027, 1, 1), absl::UTCTimeZone()));
  manual.Set(absl::FromUnixSeconds(0));
  EXPECT_EQ(manual.Now(), absl::UnixEpoch());
  EXPECT_EQ(c.Today(), absl::CivilDay(1970, 1, 1));
}

TEST(ManualClockTest, DaysAreCountedInItsZone) {
  const absl::TimeZone denver = Zone("America/Denver");
  ManualClock manual(absl::CivilDay(2026, 11, 23), denver);
  EXPECT_EQ(manual.clock().time_zone(), denver);
  EXPECT_EQ(manual.Now(), absl::FromCivil(absl::CivilDay(2026, 11, 23), denver));
  manual.Advance(absl::Hours(23));
  EXPECT_EQ(manual.clock().Today(), absl::CivilDay(2026, 11, 23));
}

}  // namespace
}  // namespace classplan::clock
