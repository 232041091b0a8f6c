#ifndef CLASSPLAN_COMMON_API_ETAG_H_
#define CLASSPLAN_COMMON_API_ETAG_H_

// Etags (AIP-154): the opaque token a read hands out for a resource's stored version and a
// write sends back, so a write made from a stale read is refused. One format for every
// service: "v<version>", compared exactly (a strong comparison).

#include <cstdint>
#include <string>

#include "absl/strings/string_view.h"

namespace classplan::api {

// The etag of stored version `version`.
std::string EtagOf(int64_t version);
// The version `etag` stands for; 0 when it is not an etag EtagOf makes for a version >= 1.
int64_t VersionOfEtag(absl::string_view etag);
// True when `etag` is the etag of `version`: a write sent with it may proceed.
bool EtagMatches(absl::string_view etag, int64_t version);

}  // namespace classplan::api

#endif  // CLASSPLAN_COMMON_API_ETAG_H_
