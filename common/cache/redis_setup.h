#ifndef CLASSPLAN_COMMON_CACHE_REDIS_SETUP_H_
#define CLASSPLAN_COMMON_CACHE_REDIS_SETUP_H_

// The Redis pieces a server wires up at start: a client, the namespaced cache over it, and
// the options its invalidation subscriber connects with.

#include <memory>
#include <optional>
#include <string>

#include "absl/time/time.h"
#include "common/cache/cache.h"
#include "common/cache/redis_client.h"
#include "common/cache/redis_options.h"

namespace classplan::cache {

struct RedisCacheSetup {
  std::unique_ptr<RedisClient> client;
  std::unique_ptr<Cache> cache;
  std::optional<RedisOptions> subscriber;
};

// Connects lazily (Redis may be down at start) and logs where the cache lives. `options`
// carry the address and credentials; the client and the subscriber both use them.
RedisCacheSetup SetUpRedisCache(const RedisOptions& options, std::string ns, absl::Duration ttl);
RedisCacheSetup SetUpRedisCache(const std::string& host, int port, std::string ns,
                                absl::Duration ttl);

}  // namespace classplan::cache

#endif  // CLASSPLAN_COMMON_CACHE_REDIS_SETUP_H_
