#ifndef CLASSPLAN_COMMON_API_PAGE_TOKEN_H_
#define CLASSPLAN_COMMON_API_PAGE_TOKEN_H_

// Opaque page tokens. A token carries the position to resume after and a fingerprint of the
// query it belongs to, so a token reused with another filter is rejected rather than silently
// paging through different results.

#include <string>
#include <string_view>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"

namespace classplan::api {

// Builds a token resuming after `position` for the query identified by `query`.
std::string EncodePageToken(absl::string_view query, absl::string_view position);

// The position in `token`; "" for an empty token. INVALID_ARGUMENT (field violation on
// "page_token") when malformed or made for another query.
absl::StatusOr<std::string> DecodePageToken(absl::string_view token, absl::string_view query);

// page_size → the size to use: 0 → default; 1..max as given; otherwise INVALID_ARGUMENT.
absl::StatusOr<int> PageSize(int requested, int default_size, int max_size);

}  // namespace classplan::api

#endif  // CLASSPLAN_COMMON_API_PAGE_TOKEN_H_
