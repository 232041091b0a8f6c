#include "services/eligibility/domain/months.h"

#include "absl/strings/str_cat.h"

namespace classplan::eligibility {

int DaysInMonth(int64_t year, int month) {
  static constexpr int kDays[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  if (month == 2) {
    const bool leap = (year % 4 == 0 && year % 100 != 0) || year % 400 == 0;
    return leap ? 29 : 28;
  }
  return kDays[month - 1];
}

int64_t MonthUnits(absl::CivilDay first, absl::CivilDay last) {
  if (last < first) return 0;
  const int first_len = DaysInMonth(first.year(), first.month());
  if (first.year() == last.year() && first.month() == last.month()) {
    return (last.day() - first.day() + 1) * (kUnitsPerMonth / first_len);
  }
  const int last_len = DaysInMonth(last.year(), last.month());
  const int64_t head = (first_len - first.day() + 1) * (kUnitsPerMonth / first_len);
  const int64_t tail = last.day() * (kUnitsPerMonth / last_len);
  const int64_t between =
      (last.year() * 12 + last.month()) - (first.year() * 12 + first.month()) - 1;
  return head + between * kUnitsPerMonth + tail;
}

int64_t FloorHundredths(int64_t units) { return units <= 0 ? 0 : units * 100 / kUnitsPerMonth; }

int64_t CeilHundredths(int64_t units) {
  return units <= 0 ? 0 : (units * 100 + kUnitsPerMonth - 1) / kUnitsPerMonth;
}

std::string FormatHundredths(int64_t h) {
  const int64_t whole = h / 100;
  const int64_t frac = h % 100;
  if (frac == 0) return absl::StrCat(whole);
  if (frac % 10 == 0) return absl::StrCat(whole, ".", frac / 10);
  return absl::StrCat(whole, ".", frac < 10 ? "0" : "", frac);
}

}  // namespace classplan::eligibility
