#include "common/sqlite/database.h"

#include <fcntl.h>
#include <sqlite3.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <climits>
#include <cstring>
#include <utility>

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "common/sqlite/error.h"

namespace classplan::sqlite {
namespace {

using internal::FromSqlite;
using internal::Origin;

// Rolls back if the transaction is still open when the scope ends without a commit (e.g. the
// body threw), so a connection never goes back to a pool holding the write lock.
class RollbackGuard {
 public:
  explicit RollbackGuard(sqlite3* db) : db_(db) {}
  ~RollbackGuard() {
    if (db_ != nullptr && sqlite3_get_autocommit(db_) == 0) {
      sqlite3_exec(db_, "ROLLBACK", nullptr, nullptr, nullptr);
    }
  }
  void Dismiss() { db_ = nullptr; }

 private:
  sqlite3* db_;
};

// Database files hold personnel records: only the service's own user may read them. SQLite
// creates a file 0644 (less the umask), so the file is made 0600 before SQLite opens it, and
// a file made by an older version is narrowed. Its -wal and -shm files take the database
// file's mode when SQLite creates them; ones left over are narrowed too.
absl::Status MakeOwnerOnly(const std::string& path) {
  if (path.empty() || path == ":memory:" || path.rfind("file:", 0) == 0) return absl::OkStatus();
  const int fd = ::open(path.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0600);
  if (fd < 0) {
    // SQLite's own open reports the problem with its path (a missing directory, say).
    return absl::OkStatus();
  }
  struct stat st {};
  absl::Status status;
  if (::fstat(fd, &st) == 0 && (st.st_mode & 077) != 0 && ::fchmod(fd, st.st_mode & 0700) != 0) {
    status = absl::PermissionDeniedError(
        absl::StrCat("sqlite open ", path, ": cannot make it owner-only: ", std::strerror(errno)));
  }
  ::close(fd);
  for (const char* suffix : {"-wal", "-shm"}) {
    const std::string side = path + suffix;
    if (::stat(side.c_str(), &st) == 0 && (st.st_mode & 077) != 0) {
      ::chmod(side.c_str(), st.st_mode & 0700);
    }
  }
  return status;
}

}  // namespace

absl::StatusOr<std::unique_ptr<Database>> Database::Open(const std::string& path,
                                                         const OpenOptions& options) {
  if (!options.read_only) {
    if (absl::Status s = MakeOwnerOnly(path); !s.ok()) return s;
  }
  int flags = SQLITE_OPEN_NOMUTEX;
  flags |= options.read_only ? SQLITE_OPEN_READONLY : (SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE);
  sqlite3* raw = nullptr;
  int rc = sqlite3_open_v2(path.c_str(), &raw, flags, nullptr);
  if (rc != SQLITE_OK) {
    // The path is configuration, not personal data, and is what an operator needs to see.
    absl::Status status = FromSqlite(rc, raw, Origin::kOpen, absl::StrCat("open ", path));
    sqlite3_close_v2(raw);
    return status;
  }
  std::unique_ptr<Database> db(new Database(raw, path));
  if (absl::Status s = db->Configure(options); !s.ok()) return s;
  return db;
}

absl::Status Database::Configure(const OpenOptions& options) {
  sqlite3_extended_result_codes(db_, 1);
  // Set first so that the pragmas below wait for, rather than fail on, another writer.
  int64_t ms = absl::ToInt64Milliseconds(options.busy_timeout);
  if (ms > INT_MAX) ms = INT_MAX;
  if (ms < 0) ms = 0;
  sqlite3_busy_timeout(db_, static_cast<int>(ms));

  // In-memory and temporary databases have no file name and cannot use WAL.
  const char* file = sqlite3_db_filename(db_, "main");
  bool on_disk = file != nullptr && file[0] != '\0';
  if (on_disk) {
    absl::StatusOr<std::string> mode = QueryText("PRAGMA journal_mode");
    if (!mode.ok()) return mode.status();
    // WAL is a property of the file: set it once (needs a write lock), and a read-only
    // connection must find it already set by a writer or live without it.
    if (absl::AsciiStrToLower(*mode) != "wal" && !options.read_only) {
      mode = QueryText("PRAGMA journal_mode=WAL");
      if (!mode.ok()) return mode.status();
      if (absl::AsciiStrToLower(*mode) != "wal") {
        return absl::FailedPreconditionError(absl::StrCat(
            "sqlite open ", path_, ": could not enable WAL journal mode (got ", *mode, ")"));
      }
    }
  }
  // WAL makes synchronous=NORMAL durable against application crashes; only an OS crash or
  // power loss can drop the last transactions, never corrupt the file.
  return Exec("PRAGMA synchronous=NORMAL; PRAGMA foreign_keys=ON;");
}

Database::~Database() {
  // close_v2 defers the close if a Statement is still alive instead of failing.
  sqlite3_close_v2(db_);
}

absl::Status Database::Exec(std::string_view sql) {
  std::string copy(sql);  // sqlite3_exec wants a NUL-terminated string.
  int rc = sqlite3_exec(db_, copy.c_str(), nullptr, nullptr, nullptr);
  if (rc != SQLITE_OK) return FromSqlite(rc, db_, Origin::kExec, "exec");
  return absl::OkStatus();
}

absl::StatusOr<Statement> Database::Prepare(std::string_view sql) {
  if (sql.size() >= INT_MAX) return absl::InvalidArgumentError("sqlite prepare: SQL too long");
  sqlite3_stmt* raw = nullptr;
  const char* tail = nullptr;
  int rc = sqlite3_prepare_v2(db_, sql.data(), static_cast<int>(sql.size()), &raw, &tail);
  if (rc != SQLITE_OK) return FromSqlite(rc, db_, Origin::kPrepare, "prepare");
  Statement stmt(db_, raw);
  if (raw == nullptr) return absl::InvalidArgumentError("sqlite prepare: no SQL statement");

  // Whatever follows must compile to nothing (whitespace, comments); silently ignoring a second
  // statement would hide bugs.
  const char* end = sql.data() + sql.size();
  if (tail != nullptr && tail < end) {
    sqlite3_stmt* extra = nullptr;
    rc = sqlite3_prepare_v2(db_, tail, static_cast<int>(end - tail), &extra, nullptr);
    sqlite3_finalize(extra);
    if (rc != SQLITE_OK || extra != nullptr) {
      return absl::InvalidArgumentError(
          "sqlite prepare: SQL holds more than one statement; use Exec for scripts");
    }
  }
  return stmt;
}

absl::Status Database::Transaction(absl::FunctionRef<absl::Status()> body) {
  if (InTransaction()) {
    return absl::FailedPreconditionError("sqlite transaction: already inside a transaction");
  }
  if (absl::Status s = Exec("BEGIN IMMEDIATE"); !s.ok()) return s;
  RollbackGuard guard(db_);
  absl::Status status = body();
  if (!status.ok()) return status;  // The guard rolls back.
  // SQLite may already have rolled back on its own (e.g. SQLITE_FULL); COMMIT then fails,
  // which is the right answer.
  if (absl::Status s = Exec("COMMIT"); !s.ok()) return s;
  guard.Dismiss();
  return absl::OkStatus();
}

bool Database::InTransaction() const { return sqlite3_get_autocommit(db_) == 0; }

int64_t Database::LastInsertRowId() const { return sqlite3_last_insert_rowid(db_); }

int Database::Changes() const { return sqlite3_changes(db_); }

absl::StatusOr<int64_t> Database::DataVersion() {
  absl::StatusOr<Statement> stmt = Prepare("PRAGMA data_version");
  if (!stmt.ok()) return stmt.status();
  absl::StatusOr<bool> row = stmt->Step();
  if (!row.ok()) return row.status();
  if (!*row) return absl::InternalError("sqlite: PRAGMA data_version returned no row");
  return stmt->ColumnInt(0);
}

absl::StatusOr<std::string> Database::QueryText(std::string_view sql) {
  absl::StatusOr<Statement> stmt = Prepare(sql);
  if (!stmt.ok()) return stmt.status();
  absl::StatusOr<bool> row = stmt->Step();
  if (!row.ok()) return row.status();
  if (!*row) return std::string();
  return stmt->ColumnText(0);
}

}  // namespace classplan::sqlite
