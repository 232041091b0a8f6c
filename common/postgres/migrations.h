#ifndef CLASSPLAN_COMMON_POSTGRES_MIGRATIONS_H_
#define CLASSPLAN_COMMON_POSTGRES_MIGRATIONS_H_

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "common/postgres/database.h"
#include "common/postgres/pool.h"
#include "common/storage/migration.h"

namespace classplan::postgres {

using Migration = storage::Migration;

// The advisory lock key migrations hold (pg_advisory_lock): one per database.
inline constexpr int64_t kMigrationLockKey = 0x636c617373706c61;  // "classpla"

// Brings `db` up to the last migration, as sqlite::Migrate does, holding
// pg_advisory_lock(kMigrationLockKey) throughout: replicas starting together take turns, and
// the second finds the work done. Applied versions are recorded in
//   schema_migrations(version INTEGER PRIMARY KEY, name TEXT NOT NULL,
//                     applied_at TIMESTAMPTZ NOT NULL)
// each in the transaction of its migration (PostgreSQL's DDL is transactional). A database
// holding a version this list doesn't know (a newer binary's) is FailedPrecondition, saying so:
// the binary must not start on it.
absl::Status Migrate(Database& db, const std::vector<Migration>& migrations);

// A pool of `size` connections to `conninfo`, the database migrated through its first one.
absl::StatusOr<std::unique_ptr<ConnectionPool>> OpenMigrated(
    const std::string& conninfo, int size, const std::vector<Migration>& migrations,
    const ConnectOptions& options = {});

// The highest applied version, 0 for a fresh database.
absl::StatusOr<int> SchemaVersion(Database& db);

}  // namespace classplan::postgres

#endif  // CLASSPLAN_COMMON_POSTGRES_MIGRATIONS_H_
