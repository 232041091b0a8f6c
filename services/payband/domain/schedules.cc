#include "services/payband/domain/schedules.h"

#include <algorithm>

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "common/dates/dates.h"
#include "services/payband/domain/pay_math.h"

namespace classplan::payband {
namespace {

using status::CheckCount;
using status::CheckLength;

// The earliest dated start of `all` (other than `s`) that is certainly after `s`'s start.
std::optional<absl::CivilDay> NextStart(const pb::PaySchedule& s,
                                        const std::vector<pb::PaySchedule>& all) {
  std::optional<absl::CivilDay> best;
  const absl::CivilDay mine = dates::LatestDay(s.effective_from());
  for (const auto& o : all) {
    if (o.id() == s.id() || !o.has_effective_from()) continue;
    const absl::CivilDay start = dates::EarliestDay(o.effective_from());
    if (start > mine && (!best || start < *best)) best = start;
  }
  return best;
}

}  // namespace

int32_t HoursOf(const pb::PaySchedule& s) {
  return s.hours_per_year() == 0 ? kDefaultHoursPerYear : s.hours_per_year();
}

pb::MidpointRule MidpointRuleOf(const pb::PaySchedule& s) {
  return s.midpoint_rule() == pb::MIDPOINT_RULE_GIVEN ? pb::MIDPOINT_RULE_GIVEN
                                                      : pb::MIDPOINT_RULE_MIDDLE_OF_RANGE;
}

absl::CivilDay OneYearAfter(absl::CivilDay d) {
  const int day = (d.month() == 2 && d.day() == 29) ? 28 : d.day();
  return absl::CivilDay(d.year() + 1, d.month(), day);
}

Coverage CoversDay(const pb::PaySchedule& s, const std::vector<pb::PaySchedule>& all,
                   absl::CivilDay day) {
  if (!s.has_effective_from()) return Coverage::kNo;
  // Possible span [earliest start, latest end]; certain span [latest start, earliest end].
  const absl::CivilDay start_lo = dates::EarliestDay(s.effective_from());
  const absl::CivilDay start_hi = dates::LatestDay(s.effective_from());
  std::optional<absl::CivilDay> end_lo, end_hi;
  if (s.has_effective_to()) {
    end_lo = dates::EarliestDay(s.effective_to());
    end_hi = dates::LatestDay(s.effective_to());
  } else if (auto next = NextStart(s, all)) {
    end_lo = end_hi = *next - 1;
  }
  if (day < start_lo || (end_hi && day > *end_hi)) return Coverage::kNo;
  if (day >= start_hi && (!end_lo || day <= *end_lo)) return Coverage::kCertainly;
  return Coverage::kPossibly;
}

absl::Status CheckNoOverlap(const std::vector<pb::PaySchedule>& existing,
                            const pb::PaySchedule& c) {
  if (!c.has_effective_from()) return absl::OkStatus();
  const absl::CivilDay c_lo = dates::EarliestDay(c.effective_from());
  const absl::CivilDay c_hi = dates::LatestDay(c.effective_from());
  for (const auto& o : existing) {
    if (o.id() == c.id() || !o.has_effective_from() || o.jurisdiction_id() != c.jurisdiction_id())
      continue;
    const absl::CivilDay o_lo = dates::EarliestDay(o.effective_from());
    const absl::CivilDay o_hi = dates::LatestDay(o.effective_from());
    std::string problem;
    if (!(c_hi < o_lo || o_hi < c_lo)) {
      problem = "starts on (or may start on) the same day as";
    } else if (c_hi < o_lo && c.has_effective_to() && dates::LatestDay(c.effective_to()) >= o_lo) {
      problem = "would still be in force when it is replaced by";
    } else if (o_hi < c_lo && o.has_effective_to() && dates::LatestDay(o.effective_to()) >= c_lo) {
      problem = "starts before the end of";
    }
    if (!problem.empty()) {
      return status::InvalidField(
          "effective_from",
          absl::StrCat("the effective period overlaps: it ", problem, " schedule ", o.id(), " (",
                       dates::Format(o.effective_from()), " to ",
                       o.has_effective_to() ? dates::Format(o.effective_to()) : "superseded", ")"));
    }
  }
  return absl::OkStatus();
}

bool IsBandCode(const std::string& code) {
  if (code.empty() || code.size() > 16 || !absl::ascii_isalnum(code[0])) return false;
  return std::all_of(code.begin(), code.end(),
                     [](char ch) { return absl::ascii_isalnum(ch) || ch == '-'; });
}

bool IsKnownCurrency(absl::string_view code) {
  // Active ISO 4217 codes with exponent 2: the US dollar (also the currency of the US
  // territories and freely associated states) and the currencies of the countries a US agency
  // most often pays or reimburses in. Extend with care: the code must have exponent 2.
  static constexpr absl::string_view kCodes[] = {"AUD", "BRL", "CAD", "CHF", "CNY", "DKK", "EUR",
                                                 "GBP", "HKD", "ILS", "INR", "MXN", "NOK", "NZD",
                                                 "PHP", "PLN", "SEK", "SGD", "USD", "ZAR"};
  return std::find(std::begin(kCodes), std::end(kCodes), code) != std::end(kCodes);
}

bool IsJurisdictionSlug(const std::string& j) {
  return j.size() >= 2 && j.size() <= 32 && absl::ascii_islower(j[0]) &&
         std::all_of(j.begin(), j.end(), [](char ch) {
           return absl::ascii_islower(ch) || absl::ascii_isdigit(ch) || ch == '-';
         });
}

namespace {

void CheckSource(const classplan::common::v1::SourceRef& src, const std::string& prefix,
                 bool required, status::Violations& v) {
  if (required && src.document().empty()) v.Add(prefix + "document", "is required");
  CheckLength(src.document(), kMaxSourceBytes, prefix + "document", v);
  CheckLength(src.detail(), kMaxSourceBytes, prefix + "detail", v);
}

}  // namespace

void CheckSchedule(const pb::PaySchedule& s, const std::string& prefix, status::Violations& v) {
  if (!IsJurisdictionSlug(s.jurisdiction_id()))
    v.Add(prefix + "jurisdiction_id", "must be a jurisdiction slug such as nm-spo");
  if (s.name().empty()) v.Add(prefix + "name", "is required");
  CheckLength(s.name(), kMaxNameBytes, prefix + "name", v);
  CheckLength(s.dates_note(), kMaxNoteBytes, prefix + "dates_note", v);
  if (s.has_effective_from())
    dates::CheckDate(s.effective_from(), false, prefix + "effective_from", v);
  if (s.has_effective_to()) {
    dates::CheckDate(s.effective_to(), false, prefix + "effective_to", v);
    if (!s.has_effective_from()) {
      v.Add(prefix + "effective_to", "needs effective_from");
    } else if (dates::InRange(s.effective_from(), false) &&
               dates::InRange(s.effective_to(), false) &&
               dates::LatestDay(s.effective_to()) < dates::EarliestDay(s.effective_from())) {
      v.Add(prefix + "effective_to", "is before effective_from");
    }
  }
  if (s.has_published_on()) dates::CheckDate(s.published_on(), false, prefix + "published_on", v);
  if (s.hours_per_year() < 0 || s.hours_per_year() > 8784)
    v.Add(prefix + "hours_per_year", "must be 1..8784, or 0 for 2080");
  if (!IsKnownCurrency(s.currency_code()))
    v.Add(prefix + "currency_code",
          "must be an ISO 4217 code of a currency with cents, such as USD (see docs/payband.md)");
  if (!pb::MidpointRule_IsValid(s.midpoint_rule()))
    v.Add(prefix + "midpoint_rule", "must be UNSPECIFIED, GIVEN or MIDDLE_OF_RANGE");
  CheckSource(s.source(), prefix + "source.", true, v);
}

void CheckAlternativeAssignment(const pb::AlternativeBandAssignment& a, const std::string& prefix,
                                status::Violations& v) {
  if (!IsJurisdictionSlug(a.jurisdiction_id()))
    v.Add(prefix + "jurisdiction_id", "must be a jurisdiction slug such as nm-spo");
  if (a.class_code().empty()) v.Add(prefix + "class_code", "is required");
  CheckLength(a.class_code(), kMaxClassCodeBytes, prefix + "class_code", v);
  if (!IsBandCode(a.band_code())) v.Add(prefix + "band_code", "must be a band code");
  CheckLength(a.reason(), kMaxNoteBytes, prefix + "reason", v);
  dates::CheckDate(a.assigned_on(), true, prefix + "assigned_on", v);
  if (a.has_last_reviewed_on()) {
    dates::CheckDate(a.last_reviewed_on(), true, prefix + "last_reviewed_on", v);
    if (dates::InRange(a.assigned_on(), true) && dates::InRange(a.last_reviewed_on(), true) &&
        dates::ToCivilDay(a.last_reviewed_on()) < dates::ToCivilDay(a.assigned_on()))
      v.Add(prefix + "last_reviewed_on", "must not be before assigned_on");
  }
  CheckSource(a.source(), prefix + "source.", true, v);
}

void CheckBand(const pb::PayBand& b, pb::MidpointRule rule, const std::string& currency,
               const std::string& prefix, status::Violations& v) {
  if (!IsBandCode(b.code()))
    v.Add(prefix + "code", "must be 1-16 letters, digits or '-', starting with a letter or digit");
  CheckLength(b.note(), kMaxNoteBytes, prefix + "note", v);
  CheckSource(b.source(), prefix + "source.", false, v);
  if (b.figures_status() == pb::FIGURES_STATUS_NOT_ON_FILE) {
    if (b.has_given() || b.steps_size() > 0)
      v.Add(prefix + "given", "must be empty when the figures are not on file");
    return;
  }
  if (b.figures_status() != pb::FIGURES_STATUS_ON_FILE) {
    v.Add(prefix + "figures_status", "must be ON_FILE or NOT_ON_FILE");
    return;
  }
  const pb::BandFigures& g = b.given();
  if (g.unit() != pb::RATE_UNIT_HOURLY && g.unit() != pb::RATE_UNIT_ANNUAL)
    v.Add(prefix + "given.unit", "must be HOURLY or ANNUAL");
  const bool has_mid = g.has_midpoint();
  if (rule == pb::MIDPOINT_RULE_GIVEN && !has_mid)
    v.Add(prefix + "given.midpoint", "is required: the schedule's midpoints are given");
  if (rule != pb::MIDPOINT_RULE_GIVEN && has_mid)
    v.Add(prefix + "given.midpoint",
          "must be empty: the schedule's midpoint is the middle of the range");
  for (const auto* m : {&g.minimum(), &g.midpoint(), &g.maximum()}) {
    if (m == &g.midpoint() && !has_mid) continue;
    if (m->currency_code() != currency)
      v.Add(prefix + "given",
            absl::StrCat("amounts must be in the schedule's currency ", currency));
    if (m->cents() < 0 || m->cents() > kMaxCents)
      v.Add(prefix + "given", absl::StrCat("amounts must be 0..", kMaxCents, " cents"));
  }
  const int64_t lo = g.minimum().cents(), hi = g.maximum().cents();
  if (lo > hi) v.Add(prefix + "given.minimum", "must not exceed the maximum");
  if (hi <= 0) v.Add(prefix + "given.maximum", "must be greater than zero");
  if (has_mid && (g.midpoint().cents() < lo || g.midpoint().cents() > hi))
    v.Add(prefix + "given.midpoint", "must lie between the minimum and the maximum");
  CheckCount(b.steps_size(), kMaxStepsPerBand, prefix + "steps", v);
  for (int i = 0; i < b.steps_size() && i < kMaxStepsPerBand; ++i) {
    const pb::PayStep& st = b.steps(i);
    const std::string sp = absl::StrCat(prefix, "steps[", i, "].");
    if (st.number() != i + 1) v.Add(sp + "number", absl::StrCat("must be ", i + 1));
    if (st.amount().cents() < 0 || st.amount().cents() > kMaxCents)
      v.Add(sp + "amount", absl::StrCat("must be 0..", kMaxCents, " cents"));
    if (st.amount().currency_code() != currency)
      v.Add(sp + "amount", absl::StrCat("must be in the schedule's currency ", currency));
  }
}

}  // namespace classplan::payband
