#ifndef CLASSPLAN_COMMON_DATES_DATES_H_
#define CLASSPLAN_COMMON_DATES_DATES_H_

// Civil dates: classplan.common.v1.Date on the wire, absl::CivilDay inside.
// A Date may be partial (month/day 0) when a source gives only part of it.

#include <optional>
#include <string>
#include <string_view>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/time/civil_time.h"
#include "classplan/common/v1/types.pb.h"
#include "common/status/field_violations.h"

namespace classplan::dates {

using Date = classplan::common::v1::Date;

// True when year, month and day are all set and form a real calendar day.
bool IsFull(const Date& d);

// OK for a full date or a valid partial one (year only, or year and month); the description
// says what is wrong otherwise. Use for data files that may hold partial dates.
absl::Status ValidatePartial(const Date& d);
// OK only for a full, real calendar day.
absl::Status ValidateFull(const Date& d);

// Years a date the suite stores may have, in every service (effective dates, notices and
// hearings, class history, pay schedules and assignments, appraisals, and `as_of` on reads):
// 1900 to 2199. Earlier or later is a typing error, not a classification or pay plan.
// Documented once for clients in docs/architecture.md (Validation) and on
// classplan.common.v1.Date; the services' docs and protos refer there.
inline constexpr int kMinYear = 1900;
inline constexpr int kMaxYear = 2199;

// OK when `d` is a real calendar date with its year in [kMinYear, kMaxYear]; `full`: year,
// month and day all given (else a partial date, year or year and month, will do). The
// description says what is wrong otherwise.
absl::Status ValidateInRange(const Date& d, bool full);
bool InRange(const Date& d, bool full);
// Adds a violation on `field` unless ValidateInRange(d, full) is OK.
void CheckDate(const Date& d, bool full, const std::string& field, status::Violations& v);

// The full day; requires IsFull(d).
absl::CivilDay ToCivilDay(const Date& d);
Date FromCivilDay(absl::CivilDay day);
// The Date with exactly these fields, not checked or normalized (0 leaves a field unset, so
// partial and invalid dates can be built too, e.g. for tests).
Date Ymd(int year, int month, int day);

// The first and last calendar day a (possibly partial) date can stand for.
absl::CivilDay EarliestDay(const Date& d);
absl::CivilDay LatestDay(const Date& d);

// "2011-11-30", "2011-11", "2011".
std::string Format(const Date& d);
// Parses "YYYY-MM-DD" (full dates only).
absl::StatusOr<Date> ParseFull(absl::string_view text);

// Today in the given IANA time zone (falls back to UTC when it cannot be loaded).
absl::CivilDay Today(absl::string_view time_zone = "UTC");

}  // namespace classplan::dates

#endif  // CLASSPLAN_COMMON_DATES_DATES_H_
