#ifndef CLASSPLAN_COMMON_AUDIT_POSTGRES_AUDIT_H_
#define CLASSPLAN_COMMON_AUDIT_POSTGRES_AUDIT_H_

// The audit trail in a service's PostgreSQL database: the same table, chain and reads as
// sqlite_audit.h. Several replicas append to one chain, so Append serializes appenders with a
// transaction-scoped advisory lock: two can never read the same tail and fork the chain.

#include <cstdint>
#include <optional>
#include <string>

#include "absl/status/statusor.h"
#include "common/audit/audit.h"
#include "common/postgres/database.h"

namespace classplan::audit {

// The schema, for a store's migration list.
inline constexpr char kPostgresSchemaSql[] = R"sql(
  CREATE TABLE audit_events (
    seq BIGINT PRIMARY KEY,
    time_us BIGINT NOT NULL,
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

// The advisory lock key appenders take (pg_advisory_xact_lock), held until the write's
// transaction ends.
inline constexpr int64_t kAppendLockKey = 0x6175646974636861;  // "auditcha"

// Both appends read the chain's tail after taking the lock, which only a READ COMMITTED
// transaction sees up to date: in a REPEATABLE READ or SERIALIZABLE one they fail
// (FailedPrecondition, the transaction rolled back) before storing anything.
//
// As the SQLite Append: must run inside the write's transaction (FailedPrecondition otherwise);
// waits for the append lock, reads the tail, inserts the next link.
absl::StatusOr<Event> Append(postgres::Database& db, Event event);

// As Append, deferred to the transaction's end (postgres::Deferred): the events of a
// transaction (of a whole WriteGrouped group) are linked and inserted together right before
// its COMMIT, in the order they were appended, taking the append lock only then. So the lock is
// held for two round trips and the commit (the lock with the tail read, then one multi-row
// INSERT with the COMMIT, each pair pipelined), not for the whole transaction, and nothing
// after it waits for another lock (no deadlock with row locks the bodies took). A failed
// insert fails the transaction: still no write without its event. The event's sequence and
// hash are set only when it is stored, so nothing is returned. Inside a transaction run by
// Database::Transaction (or the pool's Write / WriteGrouped); FailedPrecondition otherwise.
absl::Status AppendAtCommit(postgres::Database& db, Event event);

// As the SQLite List and Verify.
absl::StatusOr<Page> List(postgres::Database& db, const Filter& filter, int page_size,
                          const std::string& page_token);
absl::StatusOr<std::optional<Break>> Verify(postgres::Database& db);

}  // namespace classplan::audit

#endif  // CLASSPLAN_COMMON_AUDIT_POSTGRES_AUDIT_H_
