#ifndef CLASSPLAN_COMMON_POSTGRES_CONNINFO_H_
#define CLASSPLAN_COMMON_POSTGRES_CONNINFO_H_

// Choosing PostgreSQL by configuration: what every service's --db / --db_url_file need.

#include <string>

#include "absl/status/statusor.h"

namespace classplan::postgres {

// True for a postgresql:// or postgres:// URL (anything else is a SQLite path).
bool IsUrl(const std::string& db);

// True when a URL carries a password (postgresql://user:secret@host/...) or a key=value string
// has password=...: such a string must come from a file, not a flag anyone can read in ps.
bool HasPassword(const std::string& conninfo);

// The connection string held in `path` (surrounding whitespace dropped). NotFound when
// unreadable; InvalidArgument when empty; PermissionDenied when the file holds a password and
// others may read it (files::ExposedToOthers: others, or a group not this process's own).
absl::StatusOr<std::string> ReadUrlFile(const std::string& path);

}  // namespace classplan::postgres

#endif  // CLASSPLAN_COMMON_POSTGRES_CONNINFO_H_
