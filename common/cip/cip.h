#ifndef CLASSPLAN_COMMON_CIP_CIP_H_
#define CLASSPLAN_COMMON_CIP_CIP_H_

// CIP 2020 (Classification of Instructional Programs, NCES): the US standard codes for fields
// of study. Codes are strings as CIP prints them ("42", "44.07", "44.0701"), never numbers:
// "44.0000" and "45.10" keep their zeros. Inside classplan a code is also a range of 6-digit
// codes packed as integers (family * 10000 + the rest), so that matching a degree against a
// family, a series or a code is two integer comparisons.
//
// The shipped list (data/cip/cip2020.csv, docs/cip.md) is compiled into the binary; it holds
// the codes the shipped classes name, each row copied from NCES's CIPCode2020.csv. The parser
// reads NCES's own file too (its ="01.0101" escapes, quoted commas, any extra columns), so an
// agency that wants every code puts that file in its place and rebuilds.

#include <cstdint>
#include <map>
#include <optional>
#include <string>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"

namespace classplan::cip {

// A family, series or code as the range of 6-digit codes it covers.
struct Range {
  int32_t lo = 0;
  int32_t hi = 0;
  int digits = 0;  // 2, 4 or 6
  bool Contains(int32_t code) const { return code >= lo && code <= hi; }
  // The 2-digit family or 4-digit series this range sits in (itself if wider).
  Range Family() const;
  Range Series() const;
};

// "NN", "NN.NN" or "NN.NNNN" (digits only); nullopt otherwise.
std::optional<Range> Parse(absl::string_view code);
// A 6-digit code "NN.NNNN" packed; -1 when `code` is not one.
int32_t ParseSixDigit(absl::string_view code);
// The code a range stands for, as CIP prints it ("42", "44.07", "44.0701").
std::string Format(const Range& r);

class CipList {
 public:
  // Parses a CSV with at least the columns CIPCode and CIPTitle (found by header name; a UTF-8
  // BOM, CRLF, quoted fields and NCES's ="..." escapes are accepted). Rows whose Action column
  // (if any) is "Moved from" or "Deleted" are CIP 2010 codes, not 2020 ones, and are left out.
  // INVALID_ARGUMENT naming the line of the first bad row.
  static absl::StatusOr<CipList> ParseCsv(absl::string_view csv);

  // The published title ("Social Work."), or nullptr when the list does not hold the code.
  const std::string* Title(absl::string_view code) const;
  bool Contains(absl::string_view code) const { return Title(code) != nullptr; }
  size_t size() const { return titles_.size(); }

 private:
  std::map<std::string, std::string, std::less<>> titles_;
};

// The shipped list (data/cip/cip2020.csv as built in).
const CipList& Shipped();

}  // namespace classplan::cip

#endif  // CLASSPLAN_COMMON_CIP_CIP_H_
