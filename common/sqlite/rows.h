#ifndef CLASSPLAN_COMMON_SQLITE_ROWS_H_
#define CLASSPLAN_COMMON_SQLITE_ROWS_H_

// Reading a query's rows: the step loop every store needs, written once.
//
//   auto st = db.Prepare("SELECT data FROM bands WHERE schedule_id = ?1");
//   if (!st.ok()) return st.status();
//   st->Bind(1, schedule_id);
//   return sqlite::CollectBlobs<pb::PayBand>(*st);

#include <optional>
#include <utility>
#include <vector>

#include "absl/functional/function_ref.h"
#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "common/sqlite/blob.h"
#include "common/sqlite/statement.h"

namespace classplan::sqlite {

// Steps `st` to its end and calls `row` at each row (it reads the columns from `st`). The
// first error, SQLite's or `row`'s, stops the loop and is returned.
inline absl::Status ForEachRow(Statement& st, absl::FunctionRef<absl::Status()> row) {
  for (;;) {
    absl::StatusOr<bool> more = st.Step();
    if (!more.ok()) return more.status();
    if (!*more) return absl::OkStatus();
    if (absl::Status s = row(); !s.ok()) return s;
  }
}

// The blob in `column` of every row, parsed as a Msg (ParseBlob), in row order.
template <typename Msg>
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

}  // namespace classplan::sqlite

#endif  // CLASSPLAN_COMMON_SQLITE_ROWS_H_
