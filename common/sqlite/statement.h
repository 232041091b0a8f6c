#ifndef CLASSPLAN_COMMON_SQLITE_STATEMENT_H_
#define CLASSPLAN_COMMON_SQLITE_STATEMENT_H_

#include <cstdint>
#include <string>
#include <string_view>

#include "absl/status/status.h"
#include "absl/status/statusor.h"

struct sqlite3;
struct sqlite3_stmt;

namespace classplan::sqlite {

// A prepared statement (RAII around sqlite3_stmt), created by Database::Prepare.
//
// It must not outlive the Database it came from, nor (with a ConnectionPool) the Lease.
// Parameters are 1-based; result columns are 0-based, as in SQLite.
//
// Bind calls are chainable; the first bind failure is remembered and returned by the next
// Step(), so callers check one status:
//
//   ASSIGN_OR_RETURN(Statement stmt, db.Prepare("INSERT INTO t(a, b) VALUES(?, ?)"));
//   stmt.Bind(1, id).Bind(2, name);
//   absl::StatusOr<bool> row = stmt.Step();
//
// A statement that returned a row keeps a read transaction open until it is stepped to the
// end, Reset() or destroyed; don't keep one around half-read.
class Statement {
 public:
  Statement() = default;
  ~Statement();
  Statement(Statement&& other) noexcept;
  Statement& operator=(Statement&& other) noexcept;
  Statement(const Statement&) = delete;
  Statement& operator=(const Statement&) = delete;

  Statement& Bind(int index, int64_t value);
  // Binds UTF-8 text (copied). An empty view binds '' (not NULL).
  Statement& Bind(int index, std::string_view text);
  Statement& BindDouble(int index, double value);
  // Binds arbitrary bytes (copied), NUL bytes included.
  Statement& BindBlob(int index, std::string_view bytes);
  Statement& BindNull(int index);

  // Runs the statement until the next row. Returns true when a row is available, false when
  // the statement is done. Returns a pending bind error, or the step error: UNIQUE/PRIMARY KEY
  // violations are AlreadyExists, other constraint violations FailedPrecondition, a lock held
  // past the busy timeout Unavailable. Messages never contain bound values.
  absl::StatusOr<bool> Step();

  // Column accessors for the current row; NULL reads as 0 / "".
  int64_t ColumnInt(int column) const;
  double ColumnDouble(int column) const;
  std::string ColumnText(int column) const;
  std::string ColumnBlob(int column) const;
  bool ColumnIsNull(int column) const;
  int ColumnCount() const;

  // Rewinds the statement and clears all bindings (and any pending bind error) so it can be
  // run again with new values.
  void Reset();

  bool valid() const { return stmt_ != nullptr; }

 private:
  friend class Database;
  Statement(sqlite3* db, sqlite3_stmt* stmt) : db_(db), stmt_(stmt) {}

  // Remembers the first failure among consecutive Bind calls.
  void RecordBind(int rc, int index);

  sqlite3* db_ = nullptr;
  sqlite3_stmt* stmt_ = nullptr;
  absl::Status bind_status_;
};

}  // namespace classplan::sqlite

#endif  // CLASSPLAN_COMMON_SQLITE_STATEMENT_H_
