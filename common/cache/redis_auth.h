#ifndef CLASSPLAN_COMMON_CACHE_REDIS_AUTH_H_
#define CLASSPLAN_COMMON_CACHE_REDIS_AUTH_H_

// Redis credentials: read from a file (never a command-line value, which `ps` shows), sent
// with AUTH on every new connection, pooled or pub/sub. A refusal is logged once per change
// (refused / accepted again) and counted in cache.redis.auth_failed; the caller then treats
// Redis as down (its store serves).

#include <string>
#include <string_view>

#include "absl/status/status.h"
#include "common/cache/redis_options.h"

struct redisContext;

namespace classplan::cache {

// Reads `path` into options->user / options->password. The file holds one line,
// "<user> <password>" (an ACL user), or just "<password>" for Redis's default user; an
// empty path leaves both empty (no AUTH). NOT_FOUND when it cannot be read, INVALID_ARGUMENT
// when it is empty. The password never appears in a status or log.
absl::Status ReadRedisCredentials(const std::string& path, RedisOptions* options);

// AUTH on a fresh connection when options carry a password; OK when none is set.
// UNAUTHENTICATED when Redis refuses (the reply's error code only, e.g. WRONGPASS),
// UNAVAILABLE on an I/O error. Counts and logs a refusal (see above).
absl::Status AuthenticateRedis(redisContext* c, const RedisOptions& options);

// For a command's error reply: NOAUTH / WRONGPASS mean our credentials are missing or
// refused (counted and logged like a refused AUTH); true for those.
bool NoteRedisAuthError(std::string_view error_code);

}  // namespace classplan::cache

#endif  // CLASSPLAN_COMMON_CACHE_REDIS_AUTH_H_
