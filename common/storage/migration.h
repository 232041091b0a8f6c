#ifndef CLASSPLAN_COMMON_STORAGE_MIGRATION_H_
#define CLASSPLAN_COMMON_STORAGE_MIGRATION_H_

// What the SQLite and PostgreSQL migrators share: a store's list of schema steps and the
// checks made on it before anything runs, so both refuse the same things with the same words.

#include <cstdint>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include "absl/status/status.h"

namespace classplan::storage {

// One schema step. `sql` may hold several statements; it runs inside a transaction together
// with its schema_migrations row, so it must not contain BEGIN/COMMIT.
struct Migration {
  int version;  // >= 1, strictly increasing in the list, never reused.
  std::string name;
  std::string sql;
};

// FailedPrecondition when versions are < 1 or not strictly increasing. `who` prefixes the
// message ("sqlite migrate", "postgres migrate").
absl::Status ValidateMigrations(std::string_view who, const std::vector<Migration>& migrations);

// Checks the versions a database holds against the list: FailedPrecondition when it holds one
// the list does not know (a newer binary wrote it: this one must not start on it) or when a
// known migration is missing below an applied one.
absl::Status CheckApplied(std::string_view who, const std::set<int64_t>& applied,
                          const std::vector<Migration>& migrations);

}  // namespace classplan::storage

#endif  // CLASSPLAN_COMMON_STORAGE_MIGRATION_H_
