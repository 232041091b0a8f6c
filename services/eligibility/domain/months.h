#ifndef CLASSPLAN_SERVICES_ELIGIBILITY_DOMAIN_MONTHS_H_
#define CLASSPLAN_SERVICES_ELIGIBILITY_DOMAIN_MONTHS_H_

// Calendar months as people count them, in exact integer units.
//
// A month is kUnitsPerMonth units, the least common multiple of 28, 29, 30 and 31, so every
// day of every month is a whole number of units: a day of a month with L days is
// kUnitsPerMonth / L units. An interval of days is worth the sum of its days, so
//   - from the first of a month through the last day of the month N-1 later is exactly N
//     months, whatever the leap days (two full years are 24 months, never 23.98);
//   - a partial month counts as the share of that month's days (15 days of June = 0.5);
//   - adjacent intervals add up exactly to their union.
// No floating point anywhere; display rounds to hundredths (down for credit, up for what is
// missing).

#include <cstdint>
#include <string>

#include "absl/time/civil_time.h"

namespace classplan::eligibility {

inline constexpr int64_t kUnitsPerMonth = 377'580;  // lcm(28, 29, 30, 31)

inline constexpr int64_t Months(int64_t months) { return months * kUnitsPerMonth; }

int DaysInMonth(int64_t year, int month);

// Units of the days first..last inclusive; 0 when last < first.
int64_t MonthUnits(absl::CivilDay first, absl::CivilDay last);

// Units → hundredths of a month, rounded down / up.
int64_t FloorHundredths(int64_t units);
int64_t CeilHundredths(int64_t units);
// Hundredths of a month as text: "24", "12.5", "0.97".
std::string FormatHundredths(int64_t hundredths);

}  // namespace classplan::eligibility

#endif  // CLASSPLAN_SERVICES_ELIGIBILITY_DOMAIN_MONTHS_H_
