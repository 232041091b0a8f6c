#ifndef CLASSPLAN_COMMON_AUDIT_SQLITE_AUDIT_H_
#define CLASSPLAN_COMMON_AUDIT_SQLITE_AUDIT_H_

// The audit trail in a service's own SQLite file: the table (a migration of the store), an
// Append to call inside the store's write transaction, so the write and its event commit or
// roll back together, and the reads behind ListAuditEvents and verification.

#include <optional>
#include <string>

#include "absl/functional/function_ref.h"
#include "absl/status/statusor.h"
#include "common/audit/audit.h"
#include "common/sqlite/database.h"
#include "common/sqlite/pool.h"

namespace classplan::audit {

// The schema, for a store's migration list (a new migration in an existing store).
inline constexpr char kSchemaSql[] = R"sql(
  CREATE TABLE audit_events (
    seq INTEGER PRIMARY KEY,
    time_us INTEGER NOT NULL,
    principal TEXT NOT NULL,
    roles TEXT NOT NULL,
    request_id TEXT NOT NULL,
    method TEXT NOT NULL,
    resource_type TEXT NOT NULL,
    resource_id TEXT NOT NULL,
    etag_before TEXT NOT NULL,
    etag_after TEXT NOT NULL,
    reason TEXT NOT NULL,
    prev_hash TEXT NOT NULL,
    hash TEXT NOT NULL);
  CREATE INDEX audit_events_resource ON audit_events(resource_type, resource_id, seq);
  CREATE INDEX audit_events_principal ON audit_events(principal, seq);
)sql";

// Appends `event` as the next link: reads the last event's sequence and hash, sets sequence,
// prev_hash and hash, inserts it, and returns it as stored. Must run inside the write's
// transaction (FailedPrecondition otherwise), which also serializes appends.
absl::StatusOr<Event> Append(sqlite::Database& db, Event event);

// One page of the events `filter` selects, in sequence order. page_size 0 means
// kDefaultPageSize; over kMaxPageSize, or a token from another query, is INVALID_ARGUMENT
// naming the field.
absl::StatusOr<Page> List(sqlite::Database& db, const Filter& filter, int page_size,
                          const std::string& page_token);

// Walks the whole chain: nullopt when it holds, else the first broken link.
absl::StatusOr<std::optional<Break>> Verify(sqlite::Database& db);

// What a SQL store template needs of SQLite for records of people (appraisal, eligibility's
// rulings): reads and writes on a pooled connection with synchronous=FULL (connections open
// with NORMAL; an acknowledged personnel record must survive a power cut), writes in one
// BEGIN IMMEDIATE transaction, and the audit trail in it. A store's backend derives from it and
// adds its statements (`static const XSql& Sql()`).
struct SqliteAuditedBackend {
  using Database = sqlite::Database;
  using Pool = sqlite::ConnectionPool;
  // A pooled connection set to synchronous=FULL.
  static absl::StatusOr<Pool::Lease> Acquire(Pool& pool);
  static absl::Status Read(Pool& pool, absl::FunctionRef<absl::Status(Database&)> read);
  // BEGIN IMMEDIATE: one writer at a time, so every check inside holds until the commit.
  static absl::Status Write(Pool& pool, absl::FunctionRef<absl::Status(Database&)> write);
  static absl::StatusOr<Event> Append(Database& db, Event event);
  static absl::StatusOr<Page> List(Database& db, const Filter& filter, int page_size,
                                   const std::string& page_token);
};

}  // namespace classplan::audit

#endif  // CLASSPLAN_COMMON_AUDIT_SQLITE_AUDIT_H_
