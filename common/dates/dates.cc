#include "common/dates/dates.h"

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_split.h"
#include "absl/time/time.h"
#include "common/clock/clock.h"

namespace classplan::dates {

bool IsFull(const Date& d) { return ValidateFull(d).ok(); }

absl::Status ValidatePartial(const Date& d) {
  if (d.year() < 1 || d.year() > 9999) return absl::InvalidArgumentError("year must be 1..9999");
  if (d.month() < 0 || d.month() > 12) return absl::InvalidArgumentError("month must be 0..12");
  if (d.month() == 0 && d.day() != 0) {
    return absl::InvalidArgumentError("a day needs a month");
  }
  if (d.day() < 0) return absl::InvalidArgumentError("day must not be negative");
  if (d.day() > 0) {
    absl::CivilDay day(d.year(), d.month(), d.day());
    if (day.year() != d.year() || day.month() != d.month() || day.day() != d.day()) {
      return absl::InvalidArgumentError(
          absl::StrFormat("%04d-%02d-%02d is not a calendar day", d.year(), d.month(), d.day()));
    }
  }
  return absl::OkStatus();
}

absl::Status ValidateFull(const Date& d) {
  if (d.month() == 0 || d.day() == 0) {
    return absl::InvalidArgumentError("a full date (year, month and day) is required");
  }
  return ValidatePartial(d);
}

absl::Status ValidateInRange(const Date& d, bool full) {
  if (absl::Status s = full ? ValidateFull(d) : ValidatePartial(d); !s.ok()) return s;
  if (d.year() < kMinYear || d.year() > kMaxYear) {
    return absl::InvalidArgumentError(
        absl::StrCat("year must be between ", kMinYear, " and ", kMaxYear));
  }
  return absl::OkStatus();
}

bool InRange(const Date& d, bool full) { return ValidateInRange(d, full).ok(); }

void CheckDate(const Date& d, bool full, const std::string& field, status::Violations& v) {
  if (absl::Status s = ValidateInRange(d, full); !s.ok()) v.Add(field, std::string(s.message()));
}

absl::CivilDay ToCivilDay(const Date& d) { return absl::CivilDay(d.year(), d.month(), d.day()); }

Date Ymd(int year, int month, int day) {
  Date d;
  d.set_year(year);
  d.set_month(month);
  d.set_day(day);
  return d;
}

Date FromCivilDay(absl::CivilDay day) {
  Date d;
  d.set_year(static_cast<int32_t>(day.year()));
  d.set_month(day.month());
  d.set_day(day.day());
  return d;
}

absl::CivilDay EarliestDay(const Date& d) {
  return absl::CivilDay(d.year(), d.month() == 0 ? 1 : d.month(), d.day() == 0 ? 1 : d.day());
}

absl::CivilDay LatestDay(const Date& d) {
  if (d.month() == 0) return absl::CivilDay(d.year(), 12, 31);
  if (d.day() == 0) return absl::CivilDay(absl::CivilMonth(d.year(), d.month()) + 1) - 1;
  return ToCivilDay(d);
}

std::string Format(const Date& d) {
  if (d.month() == 0) return absl::StrFormat("%04d", d.year());
  if (d.day() == 0) return absl::StrFormat("%04d-%02d", d.year(), d.month());
  return absl::StrFormat("%04d-%02d-%02d", d.year(), d.month(), d.day());
}

absl::StatusOr<Date> ParseFull(absl::string_view text) {
  std::vector<absl::string_view> parts = absl::StrSplit(text, '-');
  int y = 0, m = 0, dd = 0;
  if (parts.size() != 3 || parts[0].size() != 4 || parts[1].size() != 2 || parts[2].size() != 2 ||
      !absl::SimpleAtoi(parts[0], &y) || !absl::SimpleAtoi(parts[1], &m) ||
      !absl::SimpleAtoi(parts[2], &dd)) {
    return absl::InvalidArgumentError("expected a date as YYYY-MM-DD");
  }
  Date d = Ymd(y, m, dd);
  if (absl::Status s = ValidateFull(d); !s.ok()) return s;
  return d;
}

absl::CivilDay Today(absl::string_view time_zone) {
  return clock::Clock::System(time_zone).Today();
}

}  // namespace classplan::dates
