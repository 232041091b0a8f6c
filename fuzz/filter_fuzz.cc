// The list filter parser (common/api/filter.h).
// Property: a filter that parses, written back with every value quoted, parses to the same.

#include <set>
#include <string>

#include "absl/strings/str_cat.h"
#include "common/api/filter.h"
#include "fuzz/fuzz_check.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  static const std::set<std::string> kAllowed{"state", "jurisdiction_id", "code", "series_id"};
  auto filter = classplan::api::ParseFilter(classplan::fuzz::View(data, size), kAllowed);
  if (!filter.ok()) return 0;
  std::string text;
  for (const auto& [field, value] : *filter) {
    if (!text.empty()) text += " AND ";
    absl::StrAppend(&text, field, " = \"");
    for (char c : value) {
      if (c == '"' || c == '\\') text += '\\';
      text += c;
    }
    text += '"';
  }
  auto again = classplan::api::ParseFilter(text, kAllowed);
  FUZZ_CHECK(again.ok());
  FUZZ_CHECK(*again == *filter);
  return 0;
}
