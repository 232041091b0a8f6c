#ifndef CLASSPLAN_COMMON_API_PAGE_TOKEN_H_
#define CLASSPLAN_COMMON_API_PAGE_TOKEN_H_

// Opaque page tokens. A token carries the position to resume after and a fingerprint of the
// query it belongs to, so a token reused with another filter is rejected rather than silently
// paging through different results.

#include <cstddef>
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

// page_size → the size to use (AIP-158): 0 → default; 1..max as given; above max → max, so a
// client asking for "everything" gets the largest page rather than an error; negative →
// INVALID_ARGUMENT.
absl::StatusOr<int> PageSize(int requested, int default_size, int max_size);

// The bytes one page of a list may hold. Far below every message limit in the suite (the 4 MiB
// that gRPC clients accept by default, the gateway's --max_message_bytes), so a list answer is
// never refused for its size, whatever its items hold.
inline constexpr size_t kPageBudgetBytes = size_t{1} << 20;

// Bounds a page in bytes as well as in items. A list adds items while Take(item.ByteSizeLong())
// says yes; on the first no it stops and hands out a next_page_token positioned before that
// item. The first item always fits: one item is bounded by its message's per-field limits.
class PageBudget {
 public:
  explicit PageBudget(size_t budget_bytes = kPageBudgetBytes) : left_(budget_bytes) {}

  // True when an item of `item_bytes` fits on the page (and counts it); false when the page is
  // full and the item belongs on the next one.
  bool Take(size_t item_bytes);

 private:
  size_t left_;
  bool empty_ = true;
};

}  // namespace classplan::api

#endif  // CLASSPLAN_COMMON_API_PAGE_TOKEN_H_
