#include "common/postgres/conninfo.h"

#include <sys/stat.h>

#include <fstream>
#include <sstream>

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "common/files/secret_file.h"

namespace classplan::postgres {

bool IsUrl(const std::string& db) {
  return absl::StartsWith(db, "postgresql://") || absl::StartsWith(db, "postgres://");
}

bool HasPassword(const std::string& conninfo) {
  if (IsUrl(conninfo)) {
    const size_t start = conninfo.find("://") + 3;
    const size_t at = conninfo.find('@', start);
    const size_t slash = conninfo.find('/', start);
    if (at != std::string::npos && (slash == std::string::npos || at < slash) &&
        conninfo.substr(start, at - start).find(':') != std::string::npos) {
      return true;
    }
    return absl::StrContains(conninfo, "password=");
  }
  return absl::StrContains(conninfo, "password");
}

absl::StatusOr<std::string> ReadUrlFile(const std::string& path) {
  std::ifstream in(path);
  if (!in) return absl::NotFoundError(absl::StrCat("cannot read database URL file ", path));
  std::stringstream buffer;
  buffer << in.rdbuf();
  std::string url(absl::StripAsciiWhitespace(buffer.str()));
  if (url.empty()) return absl::InvalidArgumentError(absl::StrCat(path, " is empty"));
  struct stat st {};
  if (HasPassword(url) && ::stat(path.c_str(), &st) == 0 && files::ExposedToOthers(st)) {
    return absl::PermissionDeniedError(
        absl::StrCat(path,
                     " holds a database password and others may read it (group only when it is "
                     "this process's own); chmod 600 it"));
  }
  return url;
}

}  // namespace classplan::postgres
