#include "common/cip/cip.h"

#include <vector>

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"

namespace classplan::cip {

// Defined in the generated cip2020_data.cc (CMake embeds data/cip/cip2020.csv).
extern const char kShippedCsv[];

namespace {

bool Digits(absl::string_view s) {
  for (char c : s) {
    if (!absl::ascii_isdigit(static_cast<unsigned char>(c))) return false;
  }
  return true;
}

int32_t Num(absl::string_view s) {
  int32_t n = 0;
  for (char c : s) n = n * 10 + (c - '0');
  return n;
}

// Splits CSV text into records; quoted fields may hold commas, "" and line breaks. False on an
// unterminated quote.
bool SplitCsv(absl::string_view csv, std::vector<std::vector<std::string>>* rows,
              std::vector<int>* lines) {
  std::vector<std::string> row;
  std::string cell;
  bool quoted = false, any = false;
  int line = 1, row_line = 1;
  const auto end_row = [&] {
    if (any || !cell.empty() || !row.empty()) {
      row.push_back(std::move(cell));
      rows->push_back(std::move(row));
      lines->push_back(row_line);
    }
    row.clear();
    cell.clear();
    any = false;
  };
  for (size_t i = 0; i < csv.size(); ++i) {
    const char c = csv[i];
    if (quoted) {
      if (c == '"' && i + 1 < csv.size() && csv[i + 1] == '"') {
        cell.push_back('"');
        ++i;
      } else if (c == '"') {
        quoted = false;
      } else {
        if (c == '\n') ++line;
        cell.push_back(c);
      }
    } else if (c == '"') {
      quoted = true;
      any = true;
    } else if (c == ',') {
      row.push_back(std::move(cell));
      cell.clear();
      any = true;
    } else if (c == '\n') {
      end_row();
      row_line = ++line;
    } else if (c != '\r') {
      cell.push_back(c);
    }
  }
  if (quoted) return false;
  end_row();
  return true;
}

// NCES writes codes as ="01.0101" so that spreadsheets keep the zeros; after CSV unquoting the
// cell reads =01.0101.
absl::string_view Unescape(absl::string_view cell) {
  if (!cell.empty() && cell.front() == '=') cell.remove_prefix(1);
  if (cell.size() >= 2 && cell.front() == '"' && cell.back() == '"') {
    cell = cell.substr(1, cell.size() - 2);
  }
  return absl::StripAsciiWhitespace(cell);
}

}  // namespace

Range Range::Family() const {
  const int32_t f = lo / 10000 * 10000;
  return {f, f + 9999, 2};
}

Range Range::Series() const {
  if (digits == 2) return *this;
  const int32_t s = lo / 100 * 100;
  return {s, s + 99, 4};
}

std::optional<Range> Parse(absl::string_view code) {
  if (code.size() == 2 && Digits(code)) {
    const int32_t f = Num(code) * 10000;
    return Range{f, f + 9999, 2};
  }
  if (code.size() < 5 || code[2] != '.' || !Digits(code.substr(0, 2))) return std::nullopt;
  const absl::string_view rest = code.substr(3);
  if (!Digits(rest)) return std::nullopt;
  const int32_t f = Num(code.substr(0, 2)) * 10000;
  if (rest.size() == 2) {
    const int32_t s = f + Num(rest) * 100;
    return Range{s, s + 99, 4};
  }
  if (rest.size() == 4) return Range{f + Num(rest), f + Num(rest), 6};
  return std::nullopt;
}

int32_t ParseSixDigit(absl::string_view code) {
  const std::optional<Range> r = Parse(code);
  return r.has_value() && r->digits == 6 ? r->lo : -1;
}

std::string Format(const Range& r) {
  const int32_t family = r.lo / 10000;
  if (r.digits == 2) return absl::StrFormat("%02d", family);
  if (r.digits == 4) return absl::StrFormat("%02d.%02d", family, r.lo % 10000 / 100);
  return absl::StrFormat("%02d.%04d", family, r.lo % 10000);
}

absl::StatusOr<CipList> CipList::ParseCsv(absl::string_view csv) {
  if (absl::StartsWith(csv, "\xEF\xBB\xBF")) csv.remove_prefix(3);
  std::vector<std::vector<std::string>> rows;
  std::vector<int> lines;
  if (!SplitCsv(csv, &rows, &lines)) {
    return absl::InvalidArgumentError("CIP list: unterminated quoted field");
  }
  if (rows.empty()) return absl::InvalidArgumentError("CIP list: empty, no header");
  int code_col = -1, title_col = -1, action_col = -1;
  for (int i = 0; i < static_cast<int>(rows[0].size()); ++i) {
    const absl::string_view h = absl::StripAsciiWhitespace(rows[0][i]);
    if (h == "CIPCode") code_col = i;
    if (h == "CIPTitle") title_col = i;
    if (h == "Action") action_col = i;
  }
  if (code_col < 0 || title_col < 0) {
    return absl::InvalidArgumentError("CIP list: the header must name CIPCode and CIPTitle");
  }
  CipList list;
  for (size_t r = 1; r < rows.size(); ++r) {
    const auto& row = rows[r];
    const auto cell = [&](int col) -> absl::string_view {
      return col >= 0 && col < static_cast<int>(row.size()) ? absl::string_view(row[col])
                                                            : absl::string_view();
    };
    const absl::string_view action = absl::StripAsciiWhitespace(cell(action_col));
    if (action == "Moved from" || action == "Deleted") continue;
    const absl::string_view code = Unescape(cell(code_col));
    const std::optional<Range> parsed = Parse(code);
    if (!parsed.has_value()) {
      return absl::InvalidArgumentError(
          absl::StrCat("CIP list line ", lines[r], ": CIPCode must read NN, NN.NN or NN.NNNN"));
    }
    const absl::string_view title = absl::StripAsciiWhitespace(cell(title_col));
    if (title.empty()) {
      return absl::InvalidArgumentError(absl::StrCat("CIP list line ", lines[r], ": no CIPTitle"));
    }
    if (!list.titles_.emplace(std::string(code), std::string(title)).second) {
      return absl::InvalidArgumentError(
          absl::StrCat("CIP list line ", lines[r], ": code ", code, " listed twice"));
    }
  }
  return list;
}

const std::string* CipList::Title(absl::string_view code) const {
  auto it = titles_.find(code);
  return it == titles_.end() ? nullptr : &it->second;
}

const CipList& Shipped() {
  // The build embeds a checked file (cip_test parses it), so a failure here is a build error.
  static const CipList* const list = [] {
    auto parsed = CipList::ParseCsv(kShippedCsv);
    return new CipList(parsed.ok() ? *std::move(parsed) : CipList());
  }();
  return *list;
}

}  // namespace classplan::cip
