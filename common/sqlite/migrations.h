#ifndef CLASSPLAN_COMMON_SQLITE_MIGRATIONS_H_
#define CLASSPLAN_COMMON_SQLITE_MIGRATIONS_H_

#include <memory>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "common/sqlite/database.h"
#include "common/sqlite/pool.h"
#include "common/storage/migration.h"

namespace classplan::sqlite {

// A schema step (shared with PostgreSQL). For SQLite, `sql` must not contain VACUUM or PRAGMA
// journal_mode either. Foreign-key enforcement is off while it runs (the SQLite-recommended way
// to rebuild a table), and `PRAGMA foreign_key_check` must come back clean before it commits.
using Migration = storage::Migration;

// Brings `db` up to the last migration. Applied versions are recorded in
//   schema_migrations(version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at TEXT NOT NULL)
// Each pending migration runs in its own transaction together with its schema_migrations row,
// so a failure leaves the database at the previous version. Running it again is a no-op; two
// processes migrating at once are safe (each step re-checks under the write lock).
//
// FailedPrecondition when the list is malformed (versions < 1 or not strictly increasing), when
// the database holds a version this list doesn't know (written by a newer binary, or a
// migration was removed), or when a known migration is missing below an applied one.
absl::Status Migrate(Database& db, const std::vector<Migration>& migrations);

// A store's start: a pool of `size` connections to `path` (ConnectionPool::Create) with the
// database migrated through its first connection. Errors of either step are returned as is.
absl::StatusOr<std::unique_ptr<ConnectionPool>> OpenMigrated(
    const std::string& path, int size, const std::vector<Migration>& migrations);

// The highest applied version, 0 for a fresh database.
absl::StatusOr<int> SchemaVersion(Database& db);

}  // namespace classplan::sqlite

#endif  // CLASSPLAN_COMMON_SQLITE_MIGRATIONS_H_
