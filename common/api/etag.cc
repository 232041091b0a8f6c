#include "common/api/etag.h"

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"

namespace classplan::api {

std::string EtagOf(int64_t version) { return absl::StrCat("v", version); }

int64_t VersionOfEtag(absl::string_view etag) {
  int64_t v = 0;
  if (etag.size() < 2 || etag[0] != 'v' || !absl::SimpleAtoi(etag.substr(1), &v) || v < 1 ||
      EtagOf(v) != etag) {
    return 0;
  }
  return v;
}

bool EtagMatches(absl::string_view etag, int64_t version) { return etag == EtagOf(version); }

}  // namespace classplan::api
