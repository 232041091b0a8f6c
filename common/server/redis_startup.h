#ifndef CLASSPLAN_COMMON_SERVER_REDIS_STARTUP_H_
#define CLASSPLAN_COMMON_SERVER_REDIS_STARTUP_H_

// The Redis cache a service with a cache wires up at start, from its parsed --redis flag
// (RedisFromFlags), written once for those services (catalog, payband, eligibility).

#include <optional>
#include <string>

#include "absl/strings/string_view.h"
#include "absl/time/time.h"
#include "common/cache/redis_setup.h"
#include "common/server/flags.h"

namespace classplan::server {

// The credentials in --redis_password_file (ReadRedisCredentials) into *options.
absl::Status RedisCredentialsFromFlags(cache::RedisOptions* options);

// The key in --cache_key_file (one line, at least 32 characters) into
// options->value_key; empty when the flag is.
absl::Status CacheKeyFromFlags(cache::RedisOptions* options);

// With an address, the client, the cache in namespace `ns` (keys living `ttl`) and the
// subscriber's options (SetUpRedisCache), authenticating with --redis_password_file and
// sealing values with --cache_key_file; a password file
// that cannot be read is logged and Redis is tried without credentials (it will refuse, and
// the service reads its store). With none (--redis=off), logs `off_warning` and
// returns an empty setup: no client, cache or subscriber, so the service caches in process.
cache::RedisCacheSetup RedisCacheFromFlag(const std::optional<HostPort>& address, std::string ns,
                                          absl::Duration ttl, absl::string_view off_warning);

}  // namespace classplan::server

#endif  // CLASSPLAN_COMMON_SERVER_REDIS_STARTUP_H_
