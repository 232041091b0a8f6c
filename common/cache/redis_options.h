#ifndef CLASSPLAN_COMMON_CACHE_REDIS_OPTIONS_H_
#define CLASSPLAN_COMMON_CACHE_REDIS_OPTIONS_H_

#include <string>

#include "absl/time/time.h"

namespace classplan::cache {

// Connection and keying settings for Redis. Parsing from flags/env lives with the services.
struct RedisOptions {
  std::string host = "127.0.0.1";
  int port = 6379;
  absl::Duration connect_timeout = absl::Milliseconds(200);
  // Per-command socket timeout, and also the longest a caller waits for a free pooled
  // connection.
  absl::Duration command_timeout = absl::Milliseconds(100);
  // AUTH on every new connection when the password is set (ReadRedisCredentials, from a
  // file); the user is an ACL user, empty for the default one.
  std::string user;
  std::string password;
  // Key of the HMAC that seals every cached value (Cache): set, a value written by anyone
  // without it is rejected; empty, values carry a plain SHA-256 checksum (corruption and
  // values moved between keys are caught, a deliberate forgery is not).
  std::string value_key;
  int pool_size = 4;
  // Consecutive failures that open the circuit breaker, and how long it then stays open.
  int breaker_failures = 3;
  absl::Duration breaker_open_for = absl::Seconds(2);
  // Keys are "<key_prefix>:v<key_version>:<namespace>:<key>"; bump the version on a
  // schema change so old entries are simply never read again.
  std::string key_prefix = "classplan";
  int key_version = 1;
};

}  // namespace classplan::cache

#endif  // CLASSPLAN_COMMON_CACHE_REDIS_OPTIONS_H_
