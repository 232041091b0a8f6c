#include "common/storage/migration.h"

#include "absl/strings/str_cat.h"

namespace classplan::storage {

absl::Status ValidateMigrations(std::string_view who, const std::vector<Migration>& migrations) {
  int previous = 0;
  for (const Migration& m : migrations) {
    if (m.version <= previous) {
      return absl::FailedPreconditionError(absl::StrCat(
          std::string(who), ": migration versions must be >= 1 and strictly increasing; ",
          "version ", m.version, " (", m.name, ") follows ", previous));
    }
    previous = m.version;
  }
  return absl::OkStatus();
}

absl::Status CheckApplied(std::string_view who, const std::set<int64_t>& applied,
                          const std::vector<Migration>& migrations) {
  std::set<int64_t> known;
  for (const Migration& m : migrations) known.insert(m.version);
  for (int64_t v : applied) {
    if (known.count(v) == 0) {
      return absl::FailedPreconditionError(
          absl::StrCat(std::string(who), ": database has schema version ", v,
                       " which this binary does not know (latest known: ",
                       migrations.empty() ? 0 : migrations.back().version,
                       "); it was written by a newer binary or a migration was removed"));
    }
  }
  const int64_t max_applied = applied.empty() ? 0 : *applied.rbegin();
  for (const Migration& m : migrations) {
    if (m.version < max_applied && applied.count(m.version) == 0) {
      return absl::FailedPreconditionError(
          absl::StrCat(std::string(who), ": migration ", m.version, " (", m.name,
                       ") is not applied but later version ", max_applied, " is"));
    }
  }
  return absl::OkStatus();
}

}  // namespace classplan::storage
