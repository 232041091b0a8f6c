#include "common/sqlite/statement.h"

#include <sqlite3.h>

#include <utility>

#include "absl/strings/str_cat.h"
#include "common/sqlite/error.h"

namespace classplan::sqlite {
namespace {

// SQLite treats a null data pointer as NULL; an empty view may have one.
const char* NonNull(std::string_view s) { return s.data() != nullptr ? s.data() : ""; }

}  // namespace

Statement::~Statement() { sqlite3_finalize(stmt_); }

Statement::Statement(Statement&& other) noexcept
    : db_(std::exchange(other.db_, nullptr)),
      stmt_(std::exchange(other.stmt_, nullptr)),
      bind_status_(std::move(other.bind_status_)) {}

Statement& Statement::operator=(Statement&& other) noexcept {
  if (this != &other) {
    sqlite3_finalize(stmt_);
    db_ = std::exchange(other.db_, nullptr);
    stmt_ = std::exchange(other.stmt_, nullptr);
    bind_status_ = std::move(other.bind_status_);
  }
  return *this;
}

void Statement::RecordBind(int rc, int index) {
  if (rc == SQLITE_OK || !bind_status_.ok()) return;
  // Name the parameter by position only; the value must not appear in logs.
  bind_status_ =
      internal::FromSqlite(rc, db_, internal::Origin::kOther, absl::StrCat("bind #", index));
}

Statement& Statement::Bind(int index, int64_t value) {
  if (stmt_ != nullptr) RecordBind(sqlite3_bind_int64(stmt_, index, value), index);
  return *this;
}

Statement& Statement::Bind(int index, std::string_view text) {
  if (stmt_ != nullptr) {
    RecordBind(sqlite3_bind_text64(stmt_, index, NonNull(text), text.size(), SQLITE_TRANSIENT,
                                   SQLITE_UTF8),
               index);
  }
  return *this;
}

Statement& Statement::BindDouble(int index, double value) {
  if (stmt_ != nullptr) RecordBind(sqlite3_bind_double(stmt_, index, value), index);
  return *this;
}

Statement& Statement::BindBlob(int index, std::string_view bytes) {
  if (stmt_ != nullptr) {
    RecordBind(sqlite3_bind_blob64(stmt_, index, NonNull(bytes), bytes.size(), SQLITE_TRANSIENT),
               index);
  }
  return *this;
}

Statement& Statement::BindNull(int index) {
  if (stmt_ != nullptr) RecordBind(sqlite3_bind_null(stmt_, index), index);
  return *this;
}

absl::StatusOr<bool> Statement::Step() {
  if (stmt_ == nullptr) return absl::FailedPreconditionError("sqlite step: empty statement");
  if (!bind_status_.ok()) return bind_status_;
  int rc = sqlite3_step(stmt_);
  if (rc == SQLITE_ROW) return true;
  if (rc == SQLITE_DONE) return false;
  absl::Status status = internal::FromSqlite(rc, db_, internal::Origin::kStep, "step");
  // Leave the statement ready to run again (sqlite3_reset repeats the error code; ignore it).
  sqlite3_reset(stmt_);
  return status;
}

int64_t Statement::ColumnInt(int column) const { return sqlite3_column_int64(stmt_, column); }

double Statement::ColumnDouble(int column) const { return sqlite3_column_double(stmt_, column); }

std::string Statement::ColumnText(int column) const {
  // Fetch the pointer before the size, as the SQLite docs require.
  const unsigned char* text = sqlite3_column_text(stmt_, column);
  if (text == nullptr) return std::string();
  return std::string(reinterpret_cast<const char*>(text), sqlite3_column_bytes(stmt_, column));
}

std::string Statement::ColumnBlob(int column) const {
  const void* blob = sqlite3_column_blob(stmt_, column);
  if (blob == nullptr) return std::string();
  return std::string(static_cast<const char*>(blob), sqlite3_column_bytes(stmt_, column));
}

bool Statement::ColumnIsNull(int column) const {
  return sqlite3_column_type(stmt_, column) == SQLITE_NULL;
}

int Statement::ColumnCount() const { return sqlite3_column_count(stmt_); }

void Statement::Reset() {
  if (stmt_ == nullptr) return;
  sqlite3_reset(stmt_);
  sqlite3_clear_bindings(stmt_);
  bind_status_ = absl::OkStatus();
}

}  // namespace classplan::sqlite
