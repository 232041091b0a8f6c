#ifndef CLASSPLAN_COMMON_AUDIT_SQLITE_AUDIT_H_
#define CLASSPLAN_COMMON_AUDIT_SQLITE_AUDIT_H_

// The audit trail in a service's own SQLite file: the table (a migration of the store), an
// Append to call inside the store's write transaction, so the write and its event commit or
// roll back together, and the reads behind ListAuditEvents and verification.

#include <optional>
#include <string>

#include "absl/status/statusor.h"
#include "common/audit/audit.h"
#include "common/sqlite/database.h"

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

}  // namespace classplan::audit

#endif  // CLASSPLAN_COMMON_AUDIT_SQLITE_AUDIT_H_
