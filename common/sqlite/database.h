#ifndef CLASSPLAN_COMMON_SQLITE_DATABASE_H_
#define CLASSPLAN_COMMON_SQLITE_DATABASE_H_

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <utility>

#include "absl/functional/function_ref.h"
#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "common/sqlite/statement.h"

struct sqlite3;

namespace classplan::sqlite {

struct OpenOptions {
  bool read_only = false;
  // How long a statement waits for another connection's lock before failing (Unavailable).
  absl::Duration busy_timeout = absl::Seconds(5);
};

// One SQLite connection. Not thread-safe: it is opened with SQLITE_OPEN_NOMUTEX and must be
// used by one thread at a time (ConnectionPool guarantees that). Share a file between threads
// with a ConnectionPool, not by sharing a Database.
class Database {
 public:
  // Opens (creating unless read_only) the database file at `path`. For files the connection
  // uses WAL journaling (so readers don't block the writer), synchronous=NORMAL, foreign_keys=ON
  // and `busy_timeout`. ":memory:" opens a private in-memory database (no WAL). A file opened
  // for writing is created, or narrowed to, mode 0600 (owner only), its -wal/-shm files too.
  static absl::StatusOr<std::unique_ptr<Database>> Open(const std::string& path,
                                                        const OpenOptions& options = {});

  ~Database();
  Database(const Database&) = delete;
  Database& operator=(const Database&) = delete;

  // Runs one or more ';'-separated statements without parameters, discarding result rows.
  // Meant for schema and pragmas; use Prepare for anything with values.
  absl::Status Exec(std::string_view sql);

  // Compiles exactly one statement (a trailing ';' or comment is fine).
  absl::StatusOr<Statement> Prepare(std::string_view sql);

  // Runs `body` inside BEGIN IMMEDIATE ... COMMIT. The write lock is taken up front so a
  // transaction never fails half-way on lock upgrade. If `body` returns an error the
  // transaction is rolled back and that error returned. Nesting is not supported
  // (FailedPrecondition).
  absl::Status Transaction(absl::FunctionRef<absl::Status()> body);

  // True while an explicit transaction is open on this connection.
  bool InTransaction() const;

  int64_t LastInsertRowId() const;
  // Rows changed by the most recent INSERT/UPDATE/DELETE on this connection.
  int Changes() const;

  // PRAGMA data_version: changes whenever *another* connection (in this or another process)
  // commits to the file. Only comparable across calls on the same connection.
  absl::StatusOr<int64_t> DataVersion();

  const std::string& path() const { return path_; }

 private:
  Database(sqlite3* db, std::string path) : db_(db), path_(std::move(path)) {}

  // Runs a statement returning one text value (a pragma).
  absl::StatusOr<std::string> QueryText(std::string_view sql);
  absl::Status Configure(const OpenOptions& options);

  sqlite3* db_;
  std::string path_;
};

}  // namespace classplan::sqlite

#endif  // CLASSPLAN_COMMON_SQLITE_DATABASE_H_
