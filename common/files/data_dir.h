#ifndef CLASSPLAN_COMMON_FILES_DATA_DIR_H_
#define CLASSPLAN_COMMON_FILES_DATA_DIR_H_

#include <string>
#include <vector>

#include "absl/status/statusor.h"

namespace classplan::files {

struct NamedFile {
  std::string name;  // the file name without its folder, used in messages and bookkeeping
  std::string content;
};

// Every regular *.textproto file directly in `dir`, in name order, so a load is the same on
// every machine. NOT_FOUND when the directory cannot be listed, DATA_LOSS when a file cannot
// be read (a half-read file must not be imported as if it were whole).
absl::StatusOr<std::vector<NamedFile>> ReadTextprotoDir(const std::string& dir);

}  // namespace classplan::files

#endif  // CLASSPLAN_COMMON_FILES_DATA_DIR_H_
