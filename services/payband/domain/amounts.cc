#include "services/payband/domain/amounts.h"

#include <string>
#include <vector>

#include "absl/strings/ascii.h"
#include "absl/strings/str_split.h"

namespace classplan::payband {

bool ParseDollars(absl::string_view text, int64_t* cents) {
  if (!text.empty() && text[0] == '$') text.remove_prefix(1);
  if (text.empty()) return false;
  std::string digits;
  size_t dot = text.find('.');
  absl::string_view whole = text.substr(0, dot);
  absl::string_view frac = dot == absl::string_view::npos ? "" : text.substr(dot + 1);
  if (whole.empty() || (dot != absl::string_view::npos && (frac.empty() || frac.size() > 2)))
    return false;
  // Thousands commas, when present, must group by three.
  if (whole.find(',') != absl::string_view::npos) {
    std::vector<absl::string_view> groups = absl::StrSplit(whole, ',');
    if (groups[0].empty() || groups[0].size() > 3) return false;
    for (size_t g = 1; g < groups.size(); ++g)
      if (groups[g].size() != 3) return false;
  }
  for (char c : whole) {
    if (c == ',') continue;
    if (!absl::ascii_isdigit(c)) return false;
    digits += c;
  }
  for (char c : frac)
    if (!absl::ascii_isdigit(c)) return false;
  if (digits.size() > 12) return false;
  int64_t value = 0;
  for (char c : digits) value = value * 10 + (c - '0');
  int64_t f = 0;
  for (size_t k = 0; k < 2; ++k) f = f * 10 + (k < frac.size() ? frac[k] - '0' : 0);
  *cents = value * 100 + f;
  return *cents <= kMaxCents;
}

}  // namespace classplan::payband
