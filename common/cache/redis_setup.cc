#include "common/cache/redis_setup.h"

#include <utility>

#include "common/log/log.h"

namespace classplan::cache {

RedisCacheSetup SetUpRedisCache(const std::string& host, int port, std::string ns,
                                absl::Duration ttl) {
  RedisOptions options;
  options.host = host;
  options.port = port;
  return SetUpRedisCache(options, std::move(ns), ttl);
}

RedisCacheSetup SetUpRedisCache(const RedisOptions& options, std::string ns, absl::Duration ttl) {
  RedisCacheSetup out;
  out.client = std::make_unique<RedisClient>(options);
  out.cache = std::make_unique<Cache>(out.client.get(), std::move(ns), ttl);
  out.subscriber = options;
  log::Info("redis cache", {{"host", options.host},
                            {"port", int64_t{options.port}},
                            {"auth", !options.password.empty()}});
  return out;
}

}  // namespace classplan::cache
