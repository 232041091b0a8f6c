// Hand-computed expectations for the pay arithmetic (docs/payband.md, "Formulas").
#include "services/payband/domain/pay_math.h"

#include "common/status/field_violations.h"
#include "gtest/gtest.h"

namespace classplan::payband {
namespace {

TEST(DivRoundHalfAwayTest, RoundsHalvesAwayFromZero) {
  EXPECT_EQ(DivRoundHalfAway(5, 2), 3);    // 2.5 -> 3
  EXPECT_EQ(DivRoundHalfAway(-5, 2), -3);  // -2.5 -> -3
  EXPECT_EQ(DivRoundHalfAway(7, 3), 2);    // 2.33 -> 2
  EXPECT_EQ(DivRoundHalfAway(8, 3), 3);    // 2.67 -> 3
  EXPECT_EQ(DivRoundHalfAway(-7, 3), -2);
  EXPECT_EQ(DivRoundHalfAway(6, -4), -2);  // -1.5 -> -2
}

TEST(DivRoundHalfAwayTest, ZeroDivisorGivesZero) {
  EXPECT_EQ(DivRoundHalfAway(5, 0), 0);
  EXPECT_EQ(DivRoundHalfAway(-5, 0), 0);
  EXPECT_EQ(DivRoundHalfAway(0, 0), 0);
}

TEST(ConvertTest, HourlyToAnnualOn2080IsExact) {
  auto c = ConvertCents(2550, pb::RATE_UNIT_HOURLY, pb::RATE_UNIT_ANNUAL, 2080);
  ASSERT_TRUE(c.ok()) << c.status();
  EXPECT_EQ(c->cents, 5304000);  // $25.50 x 2080 = $53,040.00
  EXPECT_TRUE(c->exact);
}

TEST(ConvertTest, HourlyAnnualHourlyRoundTripIsExactForEveryCentOnSeveralBases) {
  for (int32_t hours : {2080, 2087, 1950}) {
    for (int64_t cents : {1, 99, 2550, 4600, 5868, 123457}) {
      auto annual = ConvertCents(cents, pb::RATE_UNIT_HOURLY, pb::RATE_UNIT_ANNUAL, hours);
      ASSERT_TRUE(annual.ok());
      auto back = ConvertCents(annual->cents, pb::RATE_UNIT_ANNUAL, pb::RATE_UNIT_HOURLY, hours);
      ASSERT_TRUE(back.ok());
      EXPECT_EQ(back->cents, cents) << hours << " " << cents;
      EXPECT_TRUE(back->exact);
    }
  }
}

TEST(ConvertTest, AnnualToHourlyRoundsHalfUpLikeSanFrancisco2940) {
  // SF 2940 class spec: $122,044 a year and $58.68 an hour; 12204400 / 2080 = 5867.5.
  auto c = ConvertCents(12204400, pb::RATE_UNIT_ANNUAL, pb::RATE_UNIT_HOURLY, 2080);
  ASSERT_TRUE(c.ok());
  EXPECT_EQ(c->cents, 5868);
  EXPECT_FALSE(c->exact);
  // ... and $95,680 -> $46.00 exactly.
  EXPECT_EQ(ConvertCents(9568000, pb::RATE_UNIT_ANNUAL, pb::RATE_UNIT_HOURLY, 2080)->cents, 4600);
}

TEST(ConvertTest, PeriodsPerYear) {
  // $52,000.00 a year: biweekly /26 = 2000.00, semimonthly /24 = 2166.666 -> 2166.67,
  // monthly /12 = 4333.333 -> 4333.33.
  EXPECT_EQ(ConvertCents(5200000, pb::RATE_UNIT_ANNUAL, pb::RATE_UNIT_BIWEEKLY, 2080)->cents,
            200000);
  EXPECT_EQ(ConvertCents(5200000, pb::RATE_UNIT_ANNUAL, pb::RATE_UNIT_SEMIMONTHLY, 2080)->cents,
            216667);
  EXPECT_EQ(ConvertCents(5200000, pb::RATE_UNIT_ANNUAL, pb::RATE_UNIT_MONTHLY, 2080)->cents,
            433333);
  // Biweekly $2,000.00 -> hourly: 2000.00 x 26 / 2080 = $25.00.
  EXPECT_EQ(ConvertCents(200000, pb::RATE_UNIT_BIWEEKLY, pb::RATE_UNIT_HOURLY, 2080)->cents, 2500);
  // Federal basis: $52,000 / 2087 = 24.9161 -> $24.92.
  EXPECT_EQ(ConvertCents(5200000, pb::RATE_UNIT_ANNUAL, pb::RATE_UNIT_HOURLY, 2087)->cents, 2492);
}

TEST(ConvertTest, RejectsBadInputNamingFields) {
  auto c = ConvertCents(-1, pb::RATE_UNIT_UNSPECIFIED, static_cast<pb::RateUnit>(99), 0);
  ASSERT_EQ(c.status().code(), absl::StatusCode::kInvalidArgument);
  std::set<std::string> fields;
  for (const auto& v : status::GetFieldViolations(c.status())) fields.insert(v.field);
  EXPECT_EQ(fields,
            (std::set<std::string>{"amount.cents", "from_unit", "to_unit", "hours_per_year"}));
}

pb::BandFigures Annual(int64_t lo, int64_t hi) {
  pb::BandFigures g;
  g.set_unit(pb::RATE_UNIT_ANNUAL);
  g.mutable_minimum()->set_cents(lo);
  g.mutable_maximum()->set_cents(hi);
  return g;
}

TEST(BandFiguresTest, Denver806AMiddleOfRange) {
  pb::PayBand b;
  b.set_code("806-A");
  b.set_figures_status(pb::FIGURES_STATUS_ON_FILE);
  *b.mutable_given() = Annual(4291700, 6845400);
  DeriveFigures(&b, pb::MIDPOINT_RULE_MIDDLE_OF_RANGE, 2080, "USD");
  EXPECT_EQ(b.annual().midpoint().cents(), 5568550);  // ($42,917 + $68,454) / 2 = $55,685.50
  EXPECT_EQ(b.given().midpoint().cents(), 5568550);
  EXPECT_EQ(b.annual().minimum().cents(), 4291700);
  EXPECT_EQ(b.hourly().minimum().cents(), 2063);   // 42917 / 2080 = 20.6332
  EXPECT_EQ(b.hourly().maximum().cents(), 3291);   // 68454 / 2080 = 32.9106
  EXPECT_EQ(b.hourly().midpoint().cents(), 2677);  // 55685.50 / 2080 = 26.7719
  EXPECT_EQ(b.annual().minimum().currency_code(), "USD");
}

TEST(BandFiguresTest, HourlyGivenDerivesAnnualExactly) {
  pb::PayBand b;
  b.set_figures_status(pb::FIGURES_STATUS_ON_FILE);
  b.mutable_given()->set_unit(pb::RATE_UNIT_HOURLY);
  b.mutable_given()->mutable_minimum()->set_cents(4600);
  b.mutable_given()->mutable_maximum()->set_cents(5868);
  DeriveFigures(&b, pb::MIDPOINT_RULE_MIDDLE_OF_RANGE, 2080, "USD");
  EXPECT_EQ(b.annual().minimum().cents(), 9568000);
  EXPECT_EQ(b.annual().maximum().cents(), 12205440);  // 58.68 x 2080
  EXPECT_EQ(b.hourly().minimum().cents(), 4600);
  EXPECT_EQ(b.hourly().midpoint().cents(), 5234);  // (4600 + 5868) / 2
}

TEST(BandFiguresTest, NotOnFileDerivesNothing) {
  pb::PayBand b;
  b.set_figures_status(pb::FIGURES_STATUS_NOT_ON_FILE);
  DeriveFigures(&b, pb::MIDPOINT_RULE_MIDDLE_OF_RANGE, 2080, "USD");
  EXPECT_FALSE(b.has_annual());
  EXPECT_FALSE(b.has_hourly());
}

TEST(PlaceTest, Denver806AAt50000) {
  const AnnualRange r =
      ToAnnualRange(Annual(4291700, 6845400), pb::MIDPOINT_RULE_MIDDLE_OF_RANGE, 2080);
  EXPECT_EQ(r.mid2, 11137100);
  pb::Placement p;
  ASSERT_TRUE(Place(r, 5000000, &p).ok());
  EXPECT_EQ(p.compa_ratio_bp(), 8979);        // 50000 / 55685.50 = 0.897901
  EXPECT_EQ(p.range_penetration_bp(), 2774);  // 7083 / 25537 = 0.277362
  EXPECT_EQ(p.quartile(), 2);
  EXPECT_EQ(p.position(), pb::RANGE_POSITION_IN_RANGE);
}

TEST(PlaceTest, EdgesAndOutside) {
  const AnnualRange r =
      ToAnnualRange(Annual(4000000, 6000000), pb::MIDPOINT_RULE_MIDDLE_OF_RANGE, 2080);
  pb::Placement p;
  ASSERT_TRUE(Place(r, 4000000, &p).ok());
  EXPECT_EQ(p.quartile(), 1);
  EXPECT_EQ(p.range_penetration_bp(), 0);
  EXPECT_EQ(p.compa_ratio_bp(), 8000);
  ASSERT_TRUE(Place(r, 4500000, &p).ok());  // exactly 25 %: second quartile starts there
  EXPECT_EQ(p.quartile(), 2);
  ASSERT_TRUE(Place(r, 5500000, &p).ok());
  EXPECT_EQ(p.quartile(), 4);
  ASSERT_TRUE(Place(r, 6000000, &p).ok());
  EXPECT_EQ(p.quartile(), 4);
  EXPECT_EQ(p.range_penetration_bp(), 10000);
  ASSERT_TRUE(Place(r, 3900000, &p).ok());
  EXPECT_EQ(p.position(), pb::RANGE_POSITION_BELOW_MINIMUM);
  EXPECT_EQ(p.quartile(), 0);
  EXPECT_EQ(p.range_penetration_bp(), -500);
  ASSERT_TRUE(Place(r, 6100000, &p).ok());
  EXPECT_EQ(p.position(), pb::RANGE_POSITION_ABOVE_MAXIMUM);
  EXPECT_EQ(p.range_penetration_bp(), 10500);
  EXPECT_EQ(p.compa_ratio_bp(), 12200);
}

TEST(PlaceTest, FlatRangeHasNoPenetration) {
  const AnnualRange r =
      ToAnnualRange(Annual(5000000, 5000000), pb::MIDPOINT_RULE_MIDDLE_OF_RANGE, 2080);
  pb::Placement p;
  ASSERT_TRUE(Place(r, 5000000, &p).ok());
  EXPECT_FALSE(p.has_range_penetration_bp());
  EXPECT_EQ(p.quartile(), 0);
  EXPECT_EQ(p.compa_ratio_bp(), 10000);
}

TEST(PlaceTest, RatioBeyondInt64IsOutOfRange) {
  // A $0.00-$0.01 band and $100 billion an hour on 2080 hours (2.08e16 cents a year): the
  // compa-ratio would be ~4.2e20 basis points.
  const AnnualRange r = ToAnnualRange(Annual(0, 1), pb::MIDPOINT_RULE_MIDDLE_OF_RANGE, 2080);
  pb::Placement p;
  const absl::Status s = Place(r, kMaxCents * 2080, &p);
  EXPECT_EQ(s.code(), absl::StatusCode::kOutOfRange) << s;
  EXPECT_EQ(p.compa_ratio_bp(), 0);
  // The largest annual salary still fits: 1e13 x 2 x 10^4 = 2e17.
  EXPECT_TRUE(Place(r, kMaxCents, &p).ok());
  EXPECT_EQ(p.compa_ratio_bp(), 200'000'000'000'000'000);
}

TEST(PlaceTest, GivenMidpointIsUsed) {
  pb::BandFigures g = Annual(4000000, 6000000);
  g.mutable_midpoint()->set_cents(4800000);
  const AnnualRange r = ToAnnualRange(g, pb::MIDPOINT_RULE_GIVEN, 2080);
  pb::Placement p;
  ASSERT_TRUE(Place(r, 6000000, &p).ok());
  EXPECT_EQ(p.compa_ratio_bp(), 12500);  // 60000 / 48000
}

}  // namespace
}  // namespace classplan::payband
