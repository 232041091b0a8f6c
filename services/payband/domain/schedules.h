#ifndef CLASSPLAN_SERVICES_PAYBAND_DOMAIN_SCHEDULES_H_
#define CLASSPLAN_SERVICES_PAYBAND_DOMAIN_SCHEDULES_H_

// Effective periods of pay schedules and validation of schedules and bands.
//
// A schedule is *dated* when effective_from is set (full, or partial in shipped data). A dated
// schedule runs to effective_to (inclusive) or, when absent, until the day before the
// jurisdiction's next dated start. Undated schedules (start not in the sources) take no part
// in the chain.

#include <optional>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/strings/string_view.h"
#include "absl/time/civil_time.h"
#include "classplan/payband/v1/resources.pb.h"
#include "common/dates/dates.h"
#include "common/status/field_violations.h"

namespace classplan::payband {

namespace pb = ::classplan::payband::v1;

enum class Coverage { kNo, kPossibly, kCertainly };

// Whether dated schedule `s` (one of `all`, the jurisdiction's schedules) is in force on
// `day`. Partial dates make the answer kPossibly near their edges. kNo for undated ones.
Coverage CoversDay(const pb::PaySchedule& s, const std::vector<pb::PaySchedule>& all,
                   absl::CivilDay day);

// OK when `candidate`'s period does not overlap any of `existing` (same jurisdiction):
// dated starts must be strictly ordered (a partial date must not straddle another start) and
// an explicit effective_to must end before the next start. INVALID_ARGUMENT on field
// "effective_from" naming the other schedule.
absl::Status CheckNoOverlap(const std::vector<pb::PaySchedule>& existing,
                            const pb::PaySchedule& candidate);

// Validation limits of everything the service stores (docs/payband.md, "Validation limits";
// the same numbers are in the proto comments). Plain functions without gRPC types, so a fuzz
// target can call them.
inline constexpr size_t kMaxNameBytes = 200;     // schedule name
inline constexpr size_t kMaxNoteBytes = 2000;    // dates_note, band note, assignment reason
inline constexpr size_t kMaxSourceBytes = 1000;  // source.document and source.detail each
inline constexpr size_t kMaxClassCodeBytes = 32;
inline constexpr int kMaxStepsPerBand = 100;
inline constexpr int kMaxBandsPerSchedule = 2000;
inline constexpr size_t kMaxCsvBytes = 512 * 1024;

// ISO 4217 codes a schedule may be in: currencies whose minor unit is the hundredth (ISO 4217
// exponent 2), because amounts are held in cents. A fixed list; see docs/payband.md.
bool IsKnownCurrency(absl::string_view code);

// A jurisdiction slug: 2-32 characters of [a-z0-9-], starting with a letter.
bool IsJurisdictionSlug(const std::string& id);

// Dates are checked by dates::CheckDate (real, years dates::kMinYear..kMaxYear; partial ones
// allowed in a schedule, full ones in an assignment).

// Checks a schedule's own fields (paths under `prefix`): jurisdiction slug, name, dates,
// hours, currency, midpoint rule, source, text lengths.
void CheckSchedule(const pb::PaySchedule& s, const std::string& prefix, status::Violations& v);

// Checks an alternative band assignment (paths under `prefix`).
void CheckAlternativeAssignment(const pb::AlternativeBandAssignment& a, const std::string& prefix,
                                status::Violations& v);

// Checks a band (paths under `prefix`): code, status, unit HOURLY/ANNUAL, 0 <= min <= mid <=
// max, max > 0, midpoint present iff the rule is GIVEN, currencies equal to `currency`, steps
// (at most kMaxStepsPerBand, numbered 1, 2, ..., amounts 0..kMaxCents), note and source
// lengths; a NOT_ON_FILE band must carry no figures.
void CheckBand(const pb::PayBand& b, pb::MidpointRule rule, const std::string& currency,
               const std::string& prefix, status::Violations& v);

// Band codes: 1-16 of [A-Za-z0-9-], starting with a letter or digit.
bool IsBandCode(const std::string& code);

// The effective hours basis (0 -> 2080) and midpoint rule (unspecified -> middle of range).
int32_t HoursOf(const pb::PaySchedule& s);
pb::MidpointRule MidpointRuleOf(const pb::PaySchedule& s);

// The day one year after `d` (29 Feb -> 28 Feb).
absl::CivilDay OneYearAfter(absl::CivilDay d);

}  // namespace classplan::payband

#endif  // CLASSPLAN_SERVICES_PAYBAND_DOMAIN_SCHEDULES_H_
