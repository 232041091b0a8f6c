#include "common/sqlite/error.h"

#include <sqlite3.h>

#include <string>

#include "absl/strings/str_cat.h"

namespace classplan::sqlite::internal {
namespace {

// Debian's Abseil has its own string_view type, so compare with std::string_view directly.
bool StartsWith(std::string_view s, std::string_view prefix) {
  return s.substr(0, prefix.size()) == prefix;
}

bool IsFts5QueryError(std::string_view msg) {
  return StartsWith(msg, "fts5:") || StartsWith(msg, "no such column") ||
         StartsWith(msg, "unterminated string") || StartsWith(msg, "expected integer");
}

// At step time the SQL has already been compiled, so quoted fragments ('near "x"',
// 'got "x"') and unknown column names can only come from data, such as an FTS5 query string.
// Drop them: they may be personal data.
std::string RedactStepMessage(std::string_view msg) {
  if (StartsWith(msg, "no such column")) return "no such column";
  size_t cut = msg.find(" near ");
  if (cut == std::string_view::npos) cut = msg.find('"');
  if (cut != std::string_view::npos) msg = msg.substr(0, cut);
  while (!msg.empty() && (msg.back() == ' ' || msg.back() == ',')) msg.remove_suffix(1);
  return std::string(msg);
}

absl::StatusCode CodeFor(int rc, Origin origin, std::string_view msg) {
  switch (rc) {
    case SQLITE_CONSTRAINT_PRIMARYKEY:
    case SQLITE_CONSTRAINT_UNIQUE:
    case SQLITE_CONSTRAINT_ROWID:
      return absl::StatusCode::kAlreadyExists;
    default:
      break;
  }
  switch (rc & 0xff) {
    case SQLITE_CONSTRAINT:
    case SQLITE_READONLY:
    case SQLITE_CANTOPEN:
      return absl::StatusCode::kFailedPrecondition;
    case SQLITE_BUSY:
    case SQLITE_LOCKED:
    case SQLITE_IOERR:
      return absl::StatusCode::kUnavailable;
    case SQLITE_PERM:
    case SQLITE_AUTH:
      return absl::StatusCode::kPermissionDenied;
    case SQLITE_CORRUPT:
    case SQLITE_NOTADB:
      return absl::StatusCode::kDataLoss;
    case SQLITE_FULL:
    case SQLITE_NOMEM:
    case SQLITE_TOOBIG:
      return absl::StatusCode::kResourceExhausted;
    case SQLITE_INTERRUPT:
      return absl::StatusCode::kCancelled;
    case SQLITE_MISMATCH:
    case SQLITE_RANGE:
      return absl::StatusCode::kInvalidArgument;
    case SQLITE_ERROR:
      if (origin == Origin::kStep && IsFts5QueryError(msg)) {
        return absl::StatusCode::kInvalidArgument;
      }
      return absl::StatusCode::kInternal;
    default:
      return absl::StatusCode::kInternal;
  }
}

}  // namespace

absl::Status FromSqlite(int rc, sqlite3* db, Origin origin, std::string_view what) {
  // sqlite3_errmsg describes the most recent failure on `db`, which is only meaningful when it
  // reports the same code; otherwise fall back to the generic text for `rc`.
  std::string_view msg = sqlite3_errstr(rc);
  if (db != nullptr && sqlite3_extended_errcode(db) == rc) msg = sqlite3_errmsg(db);
  std::string text = origin == Origin::kStep ? RedactStepMessage(msg) : std::string(msg);
  return absl::Status(CodeFor(rc, origin, msg),
                      absl::StrCat("sqlite ", std::string(what), ": ", text, " (code ", rc, ")"));
}

}  // namespace classplan::sqlite::internal
