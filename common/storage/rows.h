#ifndef CLASSPLAN_COMMON_STORAGE_ROWS_H_
#define CLASSPLAN_COMMON_STORAGE_ROWS_H_

// Reading a query's rows, written once for sqlite::Statement and postgres::Statement (both
// have Step() -> StatusOr<bool> and ColumnBlob(int)).

#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "absl/functional/function_ref.h"
#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/str_cat.h"

namespace classplan::storage {

// Parses a stored blob into `msg`; DATA_LOSS ("stored <Message> is corrupt") when it does not
// parse.
template <typename Msg>
absl::Status ParseBlob(const std::string& blob, Msg* msg) {
  if (!msg->ParseFromString(blob)) {
    return absl::DataLossError(absl::StrCat("stored ", Msg::descriptor()->name(), " is corrupt"));
  }
  return absl::OkStatus();
}

// Steps `st` to its end and calls `row` at each row (it reads the columns from `st`). The
// first error, the database's or `row`'s, stops the loop and is returned.
template <typename Statement>
absl::Status ForEachRow(Statement& st, absl::FunctionRef<absl::Status()> row) {
  for (;;) {
    absl::StatusOr<bool> more = st.Step();
    if (!more.ok()) return more.status();
    if (!*more) return absl::OkStatus();
    if (absl::Status s = row(); !s.ok()) return s;
  }
}

// The blob in `column` of every row, parsed as a Msg (ParseBlob), in row order.
template <typename Msg, typename Statement>
absl::StatusOr<std::vector<Msg>> CollectBlobs(Statement& st, int column = 0) {
  std::vector<Msg> out;
  absl::Status s = ForEachRow(st, [&] {
    Msg m;
    absl::Status parsed = ParseBlob(st.ColumnBlob(column), &m);
    if (parsed.ok()) out.push_back(std::move(m));
    return parsed;
  });
  if (!s.ok()) return s;
  return out;
}

// The first of a list read for one key (a query with a key's WHERE), or none when it is empty.
template <typename T>
absl::StatusOr<std::optional<T>> First(absl::StatusOr<std::vector<T>> list) {
  if (!list.ok()) return list.status();
  if (list->empty()) return std::optional<T>();
  return std::optional<T>(std::move(list->front()));
}

}  // namespace classplan::storage

#endif  // CLASSPLAN_COMMON_STORAGE_ROWS_H_
