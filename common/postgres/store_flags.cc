#include "common/postgres/store_flags.h"

#include "common/postgres/conninfo.h"

namespace classplan::postgres {

absl::StatusOr<StoreTarget> StoreTargetFromFlags(const std::string& db,
                                                 const std::string& db_url_file) {
  if (!db_url_file.empty()) {
    auto url = ReadUrlFile(db_url_file);
    if (!url.ok()) return url.status();
    return StoreTarget{true, *std::move(url)};
  }
  if (IsUrl(db) && HasPassword(db)) {
    return absl::InvalidArgumentError(
        "--db holds a password; put the URL in --db_url_file instead");
  }
  return StoreTarget{IsUrl(db), db};
}

}  // namespace classplan::postgres
