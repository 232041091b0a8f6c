#ifndef CLASSPLAN_COMMON_SQLITE_BLOB_H_
#define CLASSPLAN_COMMON_SQLITE_BLOB_H_

// Stores keep resources as serialized protobuf blobs beside the columns they query.

#include "common/storage/rows.h"

namespace classplan::sqlite {

using storage::ParseBlob;  // shared with PostgreSQL stores

}  // namespace classplan::sqlite

#endif  // CLASSPLAN_COMMON_SQLITE_BLOB_H_
