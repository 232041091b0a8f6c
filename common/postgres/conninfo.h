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
// others may read it (mode & 077).
absl::StatusOr<std::string> ReadUrlFile(const std::string& path);

// What a service's --db and --db_url_file flags select: the connection string held in
// `db_url_file` when one is named (ReadUrlFile), else `db` (a SQLite path or a postgresql://
// URL). InvalidArgument, to report as a bad flag, when --db is a URL holding a password (it
// would show in ps): "--db holds a password; put the URL in --db_url_file instead". Errors of
// ReadUrlFile as it returns them.
absl::StatusOr<std::string> DatabaseFromFlags(const std::string& db,
                                              const std::string& db_url_file);

}  // namespace classplan::postgres

#endif  // CLASSPLAN_COMMON_POSTGRES_CONNINFO_H_
