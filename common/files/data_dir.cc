#include "common/files/data_dir.h"

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <system_error>

#include "absl/strings/str_cat.h"

namespace classplan::files {

absl::StatusOr<std::vector<NamedFile>> ReadTextprotoDir(const std::string& dir) {
  std::error_code ec;
  std::vector<std::filesystem::path> paths;
  for (const auto& entry : std::filesystem::directory_iterator(dir, ec)) {
    if (entry.is_regular_file() && entry.path().extension() == ".textproto") {
      paths.push_back(entry.path());
    }
  }
  if (ec) {
    return absl::NotFoundError(
        absl::StrCat("cannot read data directory ", dir, ": ", ec.message()));
  }
  std::sort(paths.begin(), paths.end());
  std::vector<NamedFile> out;
  out.reserve(paths.size());
  for (const auto& p : paths) {
    std::ifstream in(p, std::ios::binary);
    std::stringstream ss;
    ss << in.rdbuf();
    if (!in.good() && !in.eof())
      return absl::DataLossError(absl::StrCat("cannot read ", p.string()));
    out.push_back({p.filename().string(), ss.str()});
  }
  return out;
}

}  // namespace classplan::files
