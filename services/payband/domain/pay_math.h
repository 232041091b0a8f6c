#ifndef CLASSPLAN_SERVICES_PAYBAND_DOMAIN_PAY_MATH_H_
#define CLASSPLAN_SERVICES_PAYBAND_DOMAIN_PAY_MATH_H_

// The pay arithmetic: rate conversion, band figures, placement. Integer cents and basis points
// only; intermediate products are Int128 so nothing overflows for any accepted amount.
//
// Rounding rule (the only one): a quotient that is not a whole number of cents (or basis
// points) is rounded to the nearest one, halves away from zero (5867.5 -> 5868). Every
// conversion goes through one exact rational and rounds once.

#include <cstdint>
#include <optional>

#include "absl/status/statusor.h"
#include "classplan/payband/v1/resources.pb.h"
#include "services/payband/domain/amounts.h"  // kMaxCents

namespace classplan::payband {

namespace pb = ::classplan::payband::v1;

// 128-bit intermediate for products of cents (a GCC/Clang extension; __extension__ keeps
// -Wpedantic quiet).
__extension__ typedef __int128 Int128;

inline constexpr int32_t kDefaultHoursPerYear = 2080;
inline constexpr int64_t kBasisPoints = 10'000;

// num / den rounded half away from zero; 0 when den is 0 (as a compa-ratio against a zero
// midpoint is 0). Callers check their divisors first; this only keeps a missed check harmless.
Int128 DivRoundHalfAway(Int128 num, Int128 den);

// How many of `unit` make a year: hourly -> hours_per_year, biweekly 26, semimonthly 24,
// monthly 12, annual 1; 0 for RATE_UNIT_UNSPECIFIED or an unknown value.
int64_t PeriodsPerYear(pb::RateUnit unit, int32_t hours_per_year);

struct Converted {
  int64_t cents = 0;
  bool exact = true;  // false when rounding happened
};

// cents per `from` -> per `to`: round(cents * PeriodsPerYear(from) / PeriodsPerYear(to)).
// Converting to a larger period (hourly -> annual) is exact, so hourly -> annual -> hourly
// returns the original. INVALID_ARGUMENT (fields "amount", "from_unit", "to_unit",
// "hours_per_year") for a negative or too large amount, an unknown unit or hours outside
// 1..8784.
absl::StatusOr<Converted> ConvertCents(int64_t cents, pb::RateUnit from, pb::RateUnit to,
                                       int32_t hours_per_year);

// A band's range per year, exact. The midpoint is kept doubled so that a middle-of-range
// midpoint of an odd number of cents stays exact: midpoint = mid2 / 2.
struct AnnualRange {
  int64_t min = 0;
  int64_t max = 0;
  int64_t mid2 = 0;
};

// The exact annual range of a band whose figures are on file (given hourly or annually), on
// the schedule's hours basis and midpoint rule. Requires valid figures (see ValidateFigures).
AnnualRange ToAnnualRange(const pb::BandFigures& given, pb::MidpointRule rule, int32_t hours);

// Fills band->annual and band->hourly from band->given: the given unit is copied, the other is
// derived (annual = hourly x hours exactly; hourly = annual / hours rounded). A middle-of-range
// midpoint is (min + max) / 2 computed exactly and shown rounded half away from zero.
void DeriveFigures(pb::PayBand* band, pb::MidpointRule rule, int32_t hours,
                   const std::string& currency);

// Where `annual_salary` sits in `range`: compa-ratio, penetration, quartile, position (see
// pb::Placement for the definitions). Fills only those four fields. OUT_OF_RANGE (and `out`
// untouched) when the compa-ratio or penetration in basis points does not fit int64, which
// only an extreme salary against a tiny band (e.g. $0.00-$0.01) can cause.
absl::Status Place(const AnnualRange& range, int64_t annual_salary, pb::Placement* out);

}  // namespace classplan::payband

#endif  // CLASSPLAN_SERVICES_PAYBAND_DOMAIN_PAY_MATH_H_
