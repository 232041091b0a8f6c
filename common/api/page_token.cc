#include "common/api/page_token.h"

#include "absl/strings/escaping.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "common/status/field_violations.h"

namespace classplan::api {
namespace {

constexpr char kVersion[] = "p1";

std::string Fingerprint(absl::string_view query) {
  // FNV-1a: stable across processes and replicas (absl::Hash is seeded per process). Not a
  // security boundary: it only catches tokens reused with a different query.
  uint32_t h = 2166136261u;
  for (unsigned char c : query) h = (h ^ c) * 16777619u;
  return absl::StrCat(absl::Hex(h));
}

absl::Status Bad(absl::string_view why) {
  return status::InvalidField("page_token", std::string(why));
}

}  // namespace

std::string EncodePageToken(absl::string_view query, absl::string_view position) {
  return absl::WebSafeBase64Escape(absl::StrCat(kVersion, "|", Fingerprint(query), "|", position));
}

absl::StatusOr<std::string> DecodePageToken(absl::string_view token, absl::string_view query) {
  if (token.empty()) return std::string();
  std::string raw;
  if (!absl::WebSafeBase64Unescape(token, &raw)) return Bad("not a page token from this API");
  size_t a = raw.find('|');
  size_t b = a == std::string::npos ? a : raw.find('|', a + 1);
  if (b == std::string::npos || raw.substr(0, a) != kVersion) {
    return Bad("not a page token from this API");
  }
  if (raw.substr(a + 1, b - a - 1) != Fingerprint(query)) {
    return Bad("the page token belongs to a different query or filter");
  }
  return raw.substr(b + 1);
}

absl::StatusOr<int> PageSize(int requested, int default_size, int max_size) {
  if (requested == 0) return default_size;
  if (requested < 0) {
    return status::InvalidField("page_size", absl::StrCat("must be between 0 and ", max_size));
  }
  return requested > max_size ? max_size : requested;
}

bool PageBudget::Fits(size_t item_bytes, absl::string_view position) {
  // Each item costs a few bytes of framing on the wire beyond ByteSizeLong (tag and length).
  const size_t cost = item_bytes + 8;
  if (full_ || items_left_ <= 0 || (!empty_ && cost > bytes_left_)) {
    full_ = true;
    return false;
  }
  --items_left_;
  bytes_left_ = cost > bytes_left_ ? 0 : bytes_left_ - cost;
  empty_ = false;
  position_.assign(position.data(), position.size());
  return true;
}

std::string PageBudget::NextPageToken(absl::string_view query) const {
  return full_ ? EncodePageToken(query, position_) : std::string();
}

}  // namespace classplan::api
