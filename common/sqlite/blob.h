#ifndef CLASSPLAN_COMMON_SQLITE_BLOB_H_
#define CLASSPLAN_COMMON_SQLITE_BLOB_H_

// Stores keep resources as serialized protobuf blobs beside the columns they query.

#include <string>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"

namespace classplan::sqlite {

// Parses a stored blob into `msg`; DATA_LOSS ("stored <Message> is corrupt") when it does not
// parse.
template <typename Msg>
absl::Status ParseBlob(const std::string& blob, Msg* msg) {
  if (!msg->ParseFromString(blob)) {
    return absl::DataLossError(absl::StrCat("stored ", Msg::descriptor()->name(), " is corrupt"));
  }
  return absl::OkStatus();
}

}  // namespace classplan::sqlite

#endif  // CLASSPLAN_COMMON_SQLITE_BLOB_H_
