#include "common/postgres/statement.h"

#include <libpq-fe.h>

#include <utility>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "common/postgres/database.h"

namespace classplan::postgres {
namespace {

constexpr unsigned int kInt8Oid = 20;
constexpr unsigned int kByteaOid = 17;

}  // namespace

void Statement::ResultDeleter::operator()(pg_result* r) const { PQclear(r); }

Statement::~Statement() = default;
Statement::Statement(Statement&& other) noexcept = default;
Statement& Statement::operator=(Statement&& other) noexcept = default;

Statement::Param& Statement::At(int index) {
  if (index < 1) {
    static Param ignored;
    if (bind_status_.ok()) {
      bind_status_ = absl::InvalidArgumentError(
          absl::StrCat("postgres bind: parameter index ", index, " is not >= 1"));
    }
    return ignored;
  }
  if (params_.size() < static_cast<size_t>(index)) params_.resize(static_cast<size_t>(index));
  return params_[static_cast<size_t>(index) - 1];
}

Statement& Statement::Bind(int index, int64_t value) {
  At(index) = Param{absl::StrCat(value), kInt8Oid, false};
  return *this;
}

Statement& Statement::Bind(int index, std::string_view text) {
  At(index) = Param{std::string(text), 0, false};
  return *this;
}

Statement& Statement::BindBlob(int index, std::string_view bytes) {
  At(index) = Param{std::string(bytes), kByteaOid, true};
  return *this;
}

Statement& Statement::BindNull(int index) {
  At(index) = Param{std::nullopt, 0, false};
  return *this;
}

Statement::Args Statement::MakeArgs() const {
  Args args;
  for (const Param& p : params_) {
    args.types.push_back(p.type);
    args.values.push_back(p.value ? p.value->data() : nullptr);
    args.lengths.push_back(p.value ? static_cast<int>(p.value->size()) : 0);
    args.formats.push_back(p.binary ? 1 : 0);
  }
  return args;
}

absl::Status Statement::Accept(pg_result* result) {
  result_.reset(result);
  const ExecStatusType status = PQresultStatus(result_.get());
  if (status != PGRES_TUPLES_OK && status != PGRES_COMMAND_OK) {
    absl::Status failure = db_->Failure(result_.get(), "statement");
    result_.reset();
    return failure;
  }
  rows_ = status == PGRES_TUPLES_OK ? PQntuples(result_.get()) : 0;
  row_ = -1;
  changes_ = 0;
  if (!absl::SimpleAtoi(PQcmdTuples(result_.get()), &changes_)) changes_ = 0;
  db_->changes_ = changes_;
  return absl::OkStatus();
}

absl::StatusOr<bool> Statement::Step() {
  if (db_ == nullptr) return absl::FailedPreconditionError("postgres: statement not prepared");
  if (!result_) {
    if (!bind_status_.ok()) return bind_status_;
    if (!db_->queued_.empty()) {  // with the queued commands, in one round trip
      Statement* self = this;
      if (absl::Status s = db_->Pipelined(&self, 1); !s.ok()) return s;
      if (row_ < rows_) ++row_;
      return row_ < rows_;
    }
    const Args args = MakeArgs();
    // Binary results: bytea arrives as its bytes, with no hex decoding.
    if (absl::Status s = Accept(db_->Run(sql_, args.count(), args.types.data(), args.values.data(),
                                         args.lengths.data(), args.formats.data()));
        !s.ok()) {
      return s;
    }
  }
  if (row_ < rows_) ++row_;
  return row_ < rows_;
}

const char* Statement::Cell(int column) const {
  if (!result_ || row_ < 0 || row_ >= rows_ || column < 0 || column >= PQnfields(result_.get()) ||
      PQgetisnull(result_.get(), row_, column) != 0) {
    return nullptr;
  }
  return PQgetvalue(result_.get(), row_, column);
}

int64_t Statement::ColumnInt(int column) const {
  const char* cell = Cell(column);
  if (cell == nullptr) return 0;
  const int length = PQgetlength(result_.get(), row_, column);
  // Binary integers are big-endian, 1 (bool), 2, 4 or 8 bytes; sign-extend from the top byte.
  if (length < 1 || length > 8) return 0;
  const auto* bytes = reinterpret_cast<const unsigned char*>(cell);
  uint64_t value = (bytes[0] & 0x80) != 0 && length > 1 ? ~uint64_t{0} : 0;
  for (int i = 0; i < length; ++i) value = (value << 8) | bytes[i];
  return static_cast<int64_t>(value);
}

std::string Statement::ColumnText(int column) const {
  const char* cell = Cell(column);
  if (cell == nullptr) return std::string();
  return std::string(cell, static_cast<size_t>(PQgetlength(result_.get(), row_, column)));
}

bool Statement::ColumnIsNull(int column) const {
  return !result_ || row_ < 0 || row_ >= rows_ || PQgetisnull(result_.get(), row_, column) != 0;
}

int Statement::ColumnCount() const { return result_ ? PQnfields(result_.get()) : 0; }

void Statement::Reset() {
  result_.reset();
  params_.clear();
  bind_status_ = absl::OkStatus();
  row_ = -1;
  rows_ = 0;
}

}  // namespace classplan::postgres
