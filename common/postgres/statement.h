#ifndef CLASSPLAN_COMMON_POSTGRES_STATEMENT_H_
#define CLASSPLAN_COMMON_POSTGRES_STATEMENT_H_

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"

struct pg_result;

namespace classplan::postgres {

class Database;

// One parameterized statement, shaped like sqlite::Statement so a store's two implementations
// read alike. Parameters are $1, $2, ... (bound 1-based); columns are 0-based.
//
//   auto st = db.Prepare("SELECT version, data FROM appraisals WHERE id = $1");
//   st->Bind(1, id);
//   while (*st->Step()) ... st->ColumnInt(0) ... st->ColumnBlob(1) ...
//
// The first Step() sends the statement (a server-side prepared statement, cached per connection:
// Database::Prepare; values never spliced into SQL) and keeps the whole result; later Steps walk
// its rows. Integers and text go as text parameters (int64 typed bigint), blobs as binary bytea;
// results come back in binary format, so a bytea column is its raw bytes and integer columns of any
// width read with ColumnInt. A statement must not outlive its Database (nor, with a pool, its
// Lease).
class Statement {
 public:
  Statement() = default;
  ~Statement();
  Statement(Statement&& other) noexcept;
  Statement& operator=(Statement&& other) noexcept;
  Statement(const Statement&) = delete;
  Statement& operator=(const Statement&) = delete;

  Statement& Bind(int index, int64_t value);
  Statement& Bind(int index, std::string_view text);
  Statement& BindBlob(int index, std::string_view bytes);
  Statement& BindNull(int index);

  // True when a row is available, false when done. Errors as FromResult (error.h) maps them;
  // messages never contain bound values.
  absl::StatusOr<bool> Step();

  // Columns of the current row; NULL reads as 0 / "". A bool column reads as 0/1.
  int64_t ColumnInt(int column) const;
  std::string ColumnText(int column) const;
  std::string ColumnBlob(int column) const { return ColumnText(column); }
  bool ColumnIsNull(int column) const;
  int ColumnCount() const;

  // Rows the statement inserted, updated or deleted (after its first Step).
  int64_t Changes() const { return changes_; }

  // Drops the result and every binding, to run it again with new values.
  void Reset();

 private:
  friend class Database;
  struct Param {
    std::optional<std::string> value;  // nullopt: NULL
    unsigned int type = 0;             // an OID, 0: let the server infer it
    bool binary = false;
  };
  // The bound parameters in libpq's arrays (pointing into params_).
  struct Args {
    std::vector<unsigned int> types;
    std::vector<const char*> values;
    std::vector<int> lengths;
    std::vector<int> formats;
    int count() const { return static_cast<int>(types.size()); }
  };
  Statement(Database* db, std::string sql) : db_(db), sql_(std::move(sql)) {}
  Args MakeArgs() const;
  // Takes `result` (owning it) as this statement's; its error if it failed.
  absl::Status Accept(pg_result* result);
  Param& At(int index);
  const char* Cell(int column) const;

  Database* db_ = nullptr;
  std::string sql_;
  std::vector<Param> params_;
  absl::Status bind_status_;
  struct ResultDeleter {
    void operator()(pg_result* r) const;
  };
  std::unique_ptr<pg_result, ResultDeleter> result_;
  int row_ = -1;
  int rows_ = 0;
  int64_t changes_ = 0;
};

}  // namespace classplan::postgres

#endif  // CLASSPLAN_COMMON_POSTGRES_STATEMENT_H_
