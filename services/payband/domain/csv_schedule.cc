#include "services/payband/domain/csv_schedule.h"

#include <map>

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "common/status/field_violations.h"
#include "services/payband/domain/amounts.h"
#include "services/payband/domain/pay_math.h"
#include "services/payband/domain/schedules.h"

namespace classplan::payband {
namespace {

// Splits one CSV line: fields separated by ',', optionally double-quoted ("" inside quotes
// is a quote). False on an unterminated quote or text after a closing quote.
bool SplitCsvLine(absl::string_view line, std::vector<std::string>* out) {
  out->clear();
  std::string cur;
  size_t i = 0;
  while (true) {
    cur.clear();
    if (i < line.size() && line[i] == '"') {
      ++i;
      bool closed = false;
      while (i < line.size()) {
        if (line[i] == '"') {
          if (i + 1 < line.size() && line[i + 1] == '"') {
            cur += '"';
            i += 2;
            continue;
          }
          closed = true;
          ++i;
          break;
        }
        cur += line[i++];
      }
      if (!closed || (i < line.size() && line[i] != ',')) return false;
    } else {
      while (i < line.size() && line[i] != ',') cur += line[i++];
    }
    out->push_back(std::string(absl::StripAsciiWhitespace(cur)));
    if (i >= line.size()) return true;
    ++i;  // the comma
  }
}

classplan::common::v1::Money Money(int64_t cents, const std::string& currency) {
  classplan::common::v1::Money m;
  m.set_currency_code(currency);
  m.set_cents(cents);
  return m;
}

}  // namespace

absl::StatusOr<CsvSchedule> ParseScheduleCsv(absl::string_view csv, const std::string& currency,
                                             const std::string& field) {
  status::Violations v;
  auto bad = [&](int line, const std::string& why) {
    v.Add(field, absl::StrCat("line ", line, ": ", why));
  };
  if (!status::CheckLength(csv, kMaxCsvBytes, field, v)) return v.ToStatus("invalid schedule CSV");
  if (absl::StartsWith(csv, "\xEF\xBB\xBF")) csv.remove_prefix(3);
  std::vector<absl::string_view> lines = absl::StrSplit(csv, '\n');
  CsvSchedule out;
  std::map<std::string, int> seen;  // upper-cased code -> line
  int with_mid = 0, without_mid = 0;
  int first_with = 0, first_without = 0;
  bool header_seen = false;
  std::vector<std::string> cells;
  for (size_t n = 0; n < lines.size(); ++n) {
    const int line_no = static_cast<int>(n) + 1;
    absl::string_view line = lines[n];
    if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
    if (absl::StripAsciiWhitespace(line).empty()) continue;
    if (!SplitCsvLine(line, &cells)) {
      bad(line_no, "malformed quoting");
      continue;
    }
    if (!header_seen) {
      header_seen = true;
      std::vector<std::string> want = {"band", "minimum", "midpoint", "maximum", "unit"};
      bool ok = cells.size() == want.size();
      for (size_t k = 0; ok && k < want.size(); ++k)
        ok = absl::AsciiStrToLower(cells[k]) == want[k];
      if (!ok) {
        bad(line_no, "the header must be band,minimum,midpoint,maximum,unit");
        return v.ToStatus("invalid schedule CSV");
      }
      continue;
    }
    if (cells.size() != 5) {
      bad(line_no, absl::StrCat("expected 5 fields, found ", cells.size()));
      continue;
    }
    const size_t before = v.list().size();
    pb::PayBand band;
    band.set_code(cells[0]);
    band.set_figures_status(pb::FIGURES_STATUS_ON_FILE);
    if (!IsBandCode(cells[0])) {
      bad(line_no, "band must be 1-16 letters, digits or '-', starting with a letter or digit");
    } else {
      std::string key = absl::AsciiStrToUpper(cells[0]);
      auto [it, inserted] = seen.emplace(key, line_no);
      if (!inserted) bad(line_no, absl::StrCat("band ", cells[0], " repeats line ", it->second));
    }
    int64_t lo = 0, mid = 0, hi = 0;
    const bool lo_ok = ParseDollars(cells[1], &lo);
    const bool has_mid = !cells[2].empty();
    const bool mid_ok = !has_mid || ParseDollars(cells[2], &mid);
    const bool hi_ok = ParseDollars(cells[3], &hi);
    if (!lo_ok) bad(line_no, "minimum must be an amount in dollars such as 42917 or 46.00");
    if (!mid_ok) bad(line_no, "midpoint must be empty or an amount in dollars");
    if (!hi_ok) bad(line_no, "maximum must be an amount in dollars such as 68454 or 58.68");
    if (lo_ok && hi_ok) {
      if (lo > hi) bad(line_no, "minimum is greater than maximum");
      if (hi == 0) bad(line_no, "maximum must be greater than zero");
      if (has_mid && mid_ok && (mid < lo || mid > hi))
        bad(line_no, "midpoint must lie between minimum and maximum");
    }
    const std::string unit = absl::AsciiStrToLower(cells[4]);
    pb::RateUnit u = pb::RATE_UNIT_UNSPECIFIED;
    if (unit == "hourly") u = pb::RATE_UNIT_HOURLY;
    if (unit == "annual") u = pb::RATE_UNIT_ANNUAL;
    if (u == pb::RATE_UNIT_UNSPECIFIED) bad(line_no, "unit must be hourly or annual");
    if (has_mid) {
      if (with_mid++ == 0) first_with = line_no;
    } else if (without_mid++ == 0) {
      first_without = line_no;
    }
    if (v.list().size() != before) continue;
    pb::BandFigures* g = band.mutable_given();
    g->set_unit(u);
    *g->mutable_minimum() = Money(lo, currency);
    if (has_mid) *g->mutable_midpoint() = Money(mid, currency);
    *g->mutable_maximum() = Money(hi, currency);
    out.bands.push_back(std::move(band));
  }
  if (!header_seen)
    bad(1, "the file is empty; expected the header band,minimum,midpoint,maximum,unit");
  if (with_mid > 0 && without_mid > 0) {
    bad(std::max(first_with, first_without),
        absl::StrCat("midpoint must be given in every row or in none (line ",
                     std::min(first_with, first_without), " differs)"));
  }
  if (header_seen && with_mid + without_mid == 0) bad(1, "the file has no bands");
  if (with_mid + without_mid > kMaxBandsPerSchedule)
    v.Add(field, absl::StrCat("at most ", kMaxBandsPerSchedule, " bands a schedule"));
  if (!v.empty()) return v.ToStatus("invalid schedule CSV");
  out.midpoint_rule = with_mid > 0 ? pb::MIDPOINT_RULE_GIVEN : pb::MIDPOINT_RULE_MIDDLE_OF_RANGE;
  return out;
}

}  // namespace classplan::payband
