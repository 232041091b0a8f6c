#ifndef CLASSPLAN_COMMON_SQLITE_ROWS_H_
#define CLASSPLAN_COMMON_SQLITE_ROWS_H_

// Reading a query's rows: the step loop every store needs, written once.
//
//   auto st = db.Prepare("SELECT data FROM bands WHERE schedule_id = ?1");
//   if (!st.ok()) return st.status();
//   st->Bind(1, schedule_id);
//   return sqlite::CollectBlobs<pb::PayBand>(*st);

#include "common/sqlite/blob.h"
#include "common/sqlite/statement.h"
#include "common/storage/rows.h"

namespace classplan::sqlite {

// Written once for both databases (common/storage/rows.h).
using storage::CollectBlobs;
using storage::First;
using storage::ForEachRow;

}  // namespace classplan::sqlite

#endif  // CLASSPLAN_COMMON_SQLITE_ROWS_H_
