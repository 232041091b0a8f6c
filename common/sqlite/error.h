#ifndef CLASSPLAN_COMMON_SQLITE_ERROR_H_
#define CLASSPLAN_COMMON_SQLITE_ERROR_H_

// Internal to classplan_sqlite: turns SQLite result codes into absl::Status.

#include <string_view>

#include "absl/status/status.h"

struct sqlite3;

namespace classplan::sqlite::internal {

// Where the failing call came from; step-time messages get extra redaction because they can
// echo text derived from bound values (e.g. an FTS5 MATCH query).
enum class Origin { kOpen, kPrepare, kExec, kStep, kOther };

// Maps an (extended) SQLite result code to a canonical code:
//   UNIQUE / PRIMARY KEY constraint -> AlreadyExists; other constraints -> FailedPrecondition;
//   BUSY / LOCKED -> Unavailable; malformed FTS5 query at step time -> InvalidArgument;
//   READONLY / CANTOPEN -> FailedPrecondition; CORRUPT / NOTADB -> DataLoss; ...
// The message is "sqlite <what>: <errmsg> (code N)"; `db` (may be null) supplies errmsg.
absl::Status FromSqlite(int rc, sqlite3* db, Origin origin, std::string_view what);

}  // namespace classplan::sqlite::internal

#endif  // CLASSPLAN_COMMON_SQLITE_ERROR_H_
