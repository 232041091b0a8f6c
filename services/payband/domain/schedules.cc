#include "services/payband/domain/schedules.h"

#include <algorithm>

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "common/dates/dates.h"
#include "services/payband/domain/pay_math.h"

namespace classplan::payband {
namespace {

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

void CheckSchedule(const pb::PaySchedule& s, const std::string& prefix, status::Violations& v) {
  const std::string& j = s.jurisdiction_id();
  if (j.size() < 2 || j.size() > 32 || !absl::ascii_islower(j[0]) ||
      !std::all_of(j.begin(), j.end(), [](char ch) {
        return absl::ascii_islower(ch) || absl::ascii_isdigit(ch) || ch == '-';
      })) {
    v.Add(prefix + "jurisdiction_id", "must be a jurisdiction slug such as nm-spo");
  }
  if (s.name().empty()) v.Add(prefix + "name", "is required");
  if (s.has_effective_from()) {
    if (auto st = dates::ValidatePartial(s.effective_from()); !st.ok())
      v.Add(prefix + "effective_from", std::string(st.message()));
  }
  if (s.has_effective_to()) {
    if (auto st = dates::ValidatePartial(s.effective_to()); !st.ok()) {
      v.Add(prefix + "effective_to", std::string(st.message()));
    } else if (!s.has_effective_from()) {
      v.Add(prefix + "effective_to", "needs effective_from");
    } else if (dates::ValidatePartial(s.effective_from()).ok() &&
               dates::LatestDay(s.effective_to()) < dates::EarliestDay(s.effective_from())) {
      v.Add(prefix + "effective_to", "is before effective_from");
    }
  }
  if (s.has_published_on()) {
    if (auto st = dates::ValidatePartial(s.published_on()); !st.ok())
      v.Add(prefix + "published_on", std::string(st.message()));
  }
  if (s.hours_per_year() < 0 || s.hours_per_year() > 8784)
    v.Add(prefix + "hours_per_year", "must be 1..8784, or 0 for 2080");
  const std::string& c = s.currency_code();
  if (c.size() != 3 || !std::all_of(c.begin(), c.end(), absl::ascii_isupper))
    v.Add(prefix + "currency_code", "must be a 3-letter ISO 4217 code such as USD");
  if (s.source().document().empty()) v.Add(prefix + "source.document", "is required");
}

void CheckBand(const pb::PayBand& b, pb::MidpointRule rule, const std::string& currency,
               const std::string& prefix, status::Violations& v) {
  if (!IsBandCode(b.code()))
    v.Add(prefix + "code", "must be 1-16 letters, digits or '-', starting with a letter or digit");
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
}

}  // namespace classplan::payband
