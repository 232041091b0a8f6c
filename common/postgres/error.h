#ifndef CLASSPLAN_COMMON_POSTGRES_ERROR_H_
#define CLASSPLAN_COMMON_POSTGRES_ERROR_H_

// Internal to classplan_postgres: turns libpq failures into absl::Status.

#include <string_view>

#include "absl/status/status.h"

struct pg_conn;
struct pg_result;

namespace classplan::postgres::internal {

// Maps a failed result (or, with `result` null, the connection's own failure) to a canonical
// code by SQLSTATE:
//   23505 unique, 23P01 exclusion -> AlreadyExists; other 23xxx -> FailedPrecondition;
//   40001 serialization, 40P01 deadlock -> Aborted; 57014 statement timeout -> DeadlineExceeded;
//   08xxx, 57P01-57P03, no SQLSTATE on a dead connection -> Unavailable; 53xxx ->
//   ResourceExhausted; 22xxx -> InvalidArgument; 42501 -> PermissionDenied; else Internal.
// The message is "postgres <what>: <primary message> (SQLSTATE xxxxx)". Primary messages of
// class 22 can echo a bound value, so theirs is replaced by "invalid value"; DETAIL (which
// repeats key values) is never used.
absl::Status FromResult(pg_conn* conn, const pg_result* result, std::string_view what);

// True when the SQLSTATE of `result` (or the connection's state) says the connection is gone:
// the pool must drop it and a read may be retried on a new one.
bool ConnectionLost(pg_conn* conn, const pg_result* result);

}  // namespace classplan::postgres::internal

#endif  // CLASSPLAN_COMMON_POSTGRES_ERROR_H_
