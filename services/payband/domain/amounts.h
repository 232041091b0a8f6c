#ifndef CLASSPLAN_SERVICES_PAYBAND_DOMAIN_AMOUNTS_H_
#define CLASSPLAN_SERVICES_PAYBAND_DOMAIN_AMOUNTS_H_

// The one syntax for an amount of money written by a person: in a schedule CSV cell and on
// classplanctl's command line alike. Digits, optionally "$" first, optionally commas between
// groups of exactly three digits, optionally "." and one or two decimals:
//   "57000", "57,000", "57000.50", "$1,234.50"  -> 5700000, 5700000, 5700050, 123450 cents.
// Nothing else: no sign, no spaces, no "25,50" (a decimal comma) or "5,0000" (misgrouped).
// A plain function without gRPC types (a fuzz target's entry point).

#include <cstdint>

#include "absl/strings/string_view.h"

namespace classplan::payband {

// Largest accepted amount: $100 billion in cents, far above any salary; keeps every product
// well inside Int128 and every result inside int64.
inline constexpr int64_t kMaxCents = 10'000'000'000'000;

// Cents for `text`; false when it is not an amount of that syntax or exceeds kMaxCents.
bool ParseDollars(absl::string_view text, int64_t* cents);

// For error messages: the syntax ParseDollars accepts.
inline constexpr char kDollarsSyntax[] =
    "an amount such as 57000, 57,000, 57000.50 or $1,234.50 (commas only between groups of "
    "three digits, at most two decimals)";

}  // namespace classplan::payband

#endif  // CLASSPLAN_SERVICES_PAYBAND_DOMAIN_AMOUNTS_H_
