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

// Bounds a page in items (the page size from PageSize) and in bytes, and makes its
// next_page_token. A list is one loop:
//
//   api::PageBudget page(*size);
//   for (auto& item : items) {
//     if (!page.Fits(item.ByteSizeLong(), item.id())) break;
//     *out.add_items() = std::move(item);
//   }
//   out.set_next_page_token(page.NextPageToken(query));
//
// Fits counts the item and remembers its position when it goes on the page; on the first item
// that does not (the page holds max_items, or the item would overflow the bytes) the page is
// closed and NextPageToken resumes after the last item on it. Never called for an item past
// the end, the page stays open and the token is "" (the last page). The first item always
// fits, however large: one item is bounded by its message's per-field limits, and refusing it
// would leave the list stuck (so a max_items below 1 counts as 1).
class PageBudget {
 public:
  explicit PageBudget(int max_items, size_t budget_bytes = kPageBudgetBytes)
      : items_left_(max_items < 1 ? 1 : max_items), bytes_left_(budget_bytes) {}

  // True when an item of `item_bytes` goes on the page (counted; `position` is where the next
  // page resumes after it); false when the page is full and the item belongs on the next one.
  // Once false, always false.
  bool Fits(size_t item_bytes, absl::string_view position);

  // True once an item did not fit: there is a next page.
  bool full() const { return full_; }

  // The token of the next page ("" when the page is not full) for the query `query`
  // (EncodePageToken).
  std::string NextPageToken(absl::string_view query) const;

 private:
  int items_left_;
  size_t bytes_left_;
  bool empty_ = true;
  bool full_ = false;
  std::string position_;
};

}  // namespace classplan::api

#endif  // CLASSPLAN_COMMON_API_PAGE_TOKEN_H_
