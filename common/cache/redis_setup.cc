#include "common/cache/redis_setup.h"

#include "common/log/log.h"

namespace classplan::cache {

RedisCacheSetup SetUpRedisCache(const std::string& host, int port, std::string ns,
                                absl::Duration ttl) {
  RedisOptions options;
  options.host = host;
  options.port = port;
  RedisCacheSetup out;
  out.client = std::make_unique<RedisClient>(options);
  out.cache = std::make_unique<Cache>(out.client.get(), std::move(ns), ttl);
  out.subscriber = options;
  log::Info("redis cache", {{"host", options.host}, {"port", int64_t{options.port}}});
  return out;
}

}  // namespace classplan::cache
