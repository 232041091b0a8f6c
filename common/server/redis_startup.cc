#include "common/server/redis_startup.h"

#include <utility>

#include "common/log/log.h"

namespace classplan::server {

cache::RedisCacheSetup RedisCacheFromFlag(const std::optional<HostPort>& address, std::string ns,
                                          absl::Duration ttl, absl::string_view off_warning) {
  if (!address.has_value()) {
    log::Warn(off_warning);
    return {};
  }
  return cache::SetUpRedisCache(address->host, address->port, std::move(ns), ttl);
}

}  // namespace classplan::server
