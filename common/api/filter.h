#ifndef CLASSPLAN_COMMON_API_FILTER_H_
#define CLASSPLAN_COMMON_API_FILTER_H_

// The list filters of every classplan API: a small AIP-160 subset.
//   filter     := comparison { "AND" comparison }
//   comparison := FIELD "=" VALUE
// VALUE is bare ([A-Za-z0-9_.:/-]+) or double-quoted (\" and \\ escapes). Each field may
// appear once. Anything else is INVALID_ARGUMENT with a field violation on "filter".

#include <map>
#include <set>
#include <string>
#include <string_view>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"

namespace classplan::api {

using Filter = std::map<std::string, std::string>;  // field → value

// Parses `text`, accepting only the fields in `allowed`.
absl::StatusOr<Filter> ParseFilter(absl::string_view text, const std::set<std::string>& allowed);

}  // namespace classplan::api

#endif  // CLASSPLAN_COMMON_API_FILTER_H_
