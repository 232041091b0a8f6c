#include "common/server/redis_startup.h"

#include <fstream>
#include <utility>

#include "absl/flags/flag.h"
#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "common/cache/redis_auth.h"
#include "common/log/log.h"

namespace classplan::server {

absl::Status RedisCredentialsFromFlags(cache::RedisOptions* options) {
  return cache::ReadRedisCredentials(absl::GetFlag(FLAGS_redis_password_file), options);
}

absl::Status CacheKeyFromFlags(cache::RedisOptions* options) {
  options->value_key.clear();
  const std::string path = absl::GetFlag(FLAGS_cache_key_file);
  if (path.empty()) return absl::OkStatus();
  std::ifstream in(path);
  std::string key;
  if (!in || !std::getline(in, key)) {
    return absl::NotFoundError(absl::StrCat("cannot read the cache key file ", path));
  }
  key = std::string(absl::StripAsciiWhitespace(key));
  if (key.size() < 32) {
    return absl::InvalidArgumentError(
        absl::StrCat("the cache key in ", path, " is shorter than 32 characters"));
  }
  options->value_key = std::move(key);
  return absl::OkStatus();
}

cache::RedisCacheSetup RedisCacheFromFlag(const std::optional<HostPort>& address, std::string ns,
                                          absl::Duration ttl, absl::string_view off_warning) {
  if (!address.has_value()) {
    log::Warn(off_warning);
    return {};
  }
  cache::RedisOptions options;
  options.host = address->host;
  options.port = address->port;
  if (absl::Status s = RedisCredentialsFromFlags(&options); !s.ok()) {
    // Like a wrong password: Redis will refuse this service, which then reads its store.
    log::Error("no redis credentials; connecting without them", {{"detail", s.message()}});
  }
  if (absl::Status s = CacheKeyFromFlags(&options); !s.ok()) {
    // Checksummed values still refuse corruption and values moved between keys.
    log::Error("no cache key; cached values are checksummed, not sealed",
               {{"detail", s.message()}});
  } else if (options.value_key.empty()) {
    log::Warn("--cache_key_file not set: cached values are checksummed, not sealed");
  }
  return cache::SetUpRedisCache(options, std::move(ns), ttl);
}

}  // namespace classplan::server
