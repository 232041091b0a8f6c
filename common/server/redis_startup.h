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

// With an address, the client, the cache in namespace `ns` (keys living `ttl`) and the
// subscriber's options (SetUpRedisCache). With none (--redis=off), logs `off_warning` and
// returns an empty setup: no client, cache or subscriber, so the service caches in process.
cache::RedisCacheSetup RedisCacheFromFlag(const std::optional<HostPort>& address, std::string ns,
                                          absl::Duration ttl, absl::string_view off_warning);

}  // namespace classplan::server

#endif  // CLASSPLAN_COMMON_SERVER_REDIS_STARTUP_H_
