#include "services/payband/domain/pay_math.h"

#include <limits>
#include <optional>
#include <string>

#include "absl/strings/str_cat.h"
#include "common/status/field_violations.h"

namespace classplan::payband {

Int128 DivRoundHalfAway(Int128 num, Int128 den) {
  if (den == 0) return 0;  // a missed divisor check must not crash a server (SIGFPE)
  if (den < 0) {
    num = -num;
    den = -den;
  }
  const bool negative = num < 0;
  const Int128 magnitude = negative ? -num : num;
  // floor((2|n| + d) / 2d) = |n|/d rounded half up; the sign is applied after.
  const Int128 rounded = (2 * magnitude + den) / (2 * den);
  return negative ? -rounded : rounded;
}

int64_t PeriodsPerYear(pb::RateUnit unit, int32_t hours_per_year) {
  switch (unit) {
    case pb::RATE_UNIT_HOURLY:
      return hours_per_year;
    case pb::RATE_UNIT_BIWEEKLY:
      return 26;
    case pb::RATE_UNIT_SEMIMONTHLY:
      return 24;
    case pb::RATE_UNIT_MONTHLY:
      return 12;
    case pb::RATE_UNIT_ANNUAL:
      return 1;
    default:
      return 0;
  }
}

absl::StatusOr<Converted> ConvertCents(int64_t cents, pb::RateUnit from, pb::RateUnit to,
                                       int32_t hours_per_year) {
  status::Violations v;
  if (cents < 0) v.Add("amount.cents", "must not be negative");
  if (cents > kMaxCents) v.Add("amount.cents", absl::StrCat("must be at most ", kMaxCents));
  if (hours_per_year < 1 || hours_per_year > 8784) {
    v.Add("hours_per_year", "must be 1..8784 (0 in a request means 2080)");
  }
  const int64_t pf = PeriodsPerYear(from, hours_per_year);
  const int64_t pt = PeriodsPerYear(to, hours_per_year);
  if (PeriodsPerYear(from, 1) == 0) {
    v.Add("from_unit", "must be HOURLY, BIWEEKLY, SEMIMONTHLY, MONTHLY or ANNUAL");
  }
  if (PeriodsPerYear(to, 1) == 0) {
    v.Add("to_unit", "must be HOURLY, BIWEEKLY, SEMIMONTHLY, MONTHLY or ANNUAL");
  }
  if (!v.empty()) return v.ToStatus();
  const Int128 num = static_cast<Int128>(cents) * pf;
  Converted out;
  out.cents = static_cast<int64_t>(DivRoundHalfAway(num, pt));
  out.exact = pt != 0 && num % pt == 0;  // pt != 0 after the checks; the analyzer cannot tell
  return out;
}

AnnualRange ToAnnualRange(const pb::BandFigures& given, pb::MidpointRule rule, int32_t hours) {
  const int64_t k = given.unit() == pb::RATE_UNIT_HOURLY ? hours : 1;
  AnnualRange r;
  r.min = given.minimum().cents() * k;
  r.max = given.maximum().cents() * k;
  r.mid2 = rule == pb::MIDPOINT_RULE_GIVEN ? 2 * given.midpoint().cents() * k : r.min + r.max;
  return r;
}

namespace {

classplan::common::v1::Money MakeMoney(int64_t cents, const std::string& currency) {
  classplan::common::v1::Money m;
  m.set_currency_code(currency);
  m.set_cents(cents);
  return m;
}

// Figures in `unit` from the exact annual range: each value is annual / periods, rounded.
pb::BandFigures FromAnnual(const AnnualRange& r, pb::RateUnit unit, int32_t hours,
                           const std::string& currency) {
  const int64_t p = PeriodsPerYear(unit, hours);
  pb::BandFigures f;
  f.set_unit(unit);
  *f.mutable_minimum() = MakeMoney(static_cast<int64_t>(DivRoundHalfAway(r.min, p)), currency);
  *f.mutable_midpoint() = MakeMoney(
      static_cast<int64_t>(DivRoundHalfAway(r.mid2, 2 * static_cast<Int128>(p))), currency);
  *f.mutable_maximum() = MakeMoney(static_cast<int64_t>(DivRoundHalfAway(r.max, p)), currency);
  return f;
}

}  // namespace

void DeriveFigures(pb::PayBand* band, pb::MidpointRule rule, int32_t hours,
                   const std::string& currency) {
  band->clear_annual();
  band->clear_hourly();
  if (band->figures_status() != pb::FIGURES_STATUS_ON_FILE) return;
  const AnnualRange r = ToAnnualRange(band->given(), rule, hours);
  // The given unit's figures come out unchanged: annual given -> /1; hourly given -> the
  // annual is hourly x hours exactly, and dividing back is exact.
  *band->mutable_annual() = FromAnnual(r, pb::RATE_UNIT_ANNUAL, hours, currency);
  *band->mutable_hourly() = FromAnnual(r, pb::RATE_UNIT_HOURLY, hours, currency);
  *band->mutable_given()->mutable_midpoint() = band->given().unit() == pb::RATE_UNIT_HOURLY
                                                   ? band->hourly().midpoint()
                                                   : band->annual().midpoint();
}

absl::Status Place(const AnnualRange& r, int64_t s, pb::Placement* out) {
  // compa-ratio = s / (mid2 / 2) = 2s / mid2.
  const Int128 compa =
      r.mid2 == 0 ? 0 : DivRoundHalfAway(static_cast<Int128>(s) * 2 * kBasisPoints, r.mid2);
  const Int128 width = static_cast<Int128>(r.max) - r.min;
  const Int128 into = static_cast<Int128>(s) - r.min;
  const std::optional<Int128> penetration =
      width > 0 ? std::optional<Int128>(DivRoundHalfAway(into * kBasisPoints, width))
                : std::nullopt;
  // A tiny band and a huge salary can give a ratio beyond int64 basis points.
  auto fits = [](Int128 v) {
    return v >= std::numeric_limits<int64_t>::min() && v <= std::numeric_limits<int64_t>::max();
  };
  if (!fits(compa) || (penetration && !fits(*penetration))) {
    return absl::OutOfRangeError(
        absl::StrCat("salary ", s, " cents a year is too far from the band (", r.min, "-", r.max,
                     " cents a year): its ", fits(compa) ? "range penetration" : "compa-ratio",
                     " in basis points does not fit a 64-bit integer"));
  }
  out->set_compa_ratio_bp(static_cast<int64_t>(compa));
  if (penetration) {
    out->set_range_penetration_bp(static_cast<int64_t>(*penetration));
  } else {
    out->clear_range_penetration_bp();
  }
  if (s < r.min) {
    out->set_position(pb::RANGE_POSITION_BELOW_MINIMUM);
    out->set_quartile(0);
  } else if (s > r.max) {
    out->set_position(pb::RANGE_POSITION_ABOVE_MAXIMUM);
    out->set_quartile(0);
  } else {
    out->set_position(pb::RANGE_POSITION_IN_RANGE);
    int q = 0;
    if (width > 0)
      q = into * 4 < width ? 1 : into * 4 < 2 * width ? 2 : into * 4 < 3 * width ? 3 : 4;
    out->set_quartile(q);
  }
  return absl::OkStatus();
}

}  // namespace classplan::payband
