#ifndef CLASSPLAN_COMMON_CACHE_CACHE_H_
#define CLASSPLAN_COMMON_CACHE_CACHE_H_

// The read-through cache layer services use. Redis is an optimisation, never a dependency:
// every Redis error is swallowed and counted, and Get() then reports a miss so the caller
// reads its store.
//
// Personal data rule: keys are class codes and the like, but key contents are still never
// logged; only the namespace and the kind of error are.
//
// Integrity: every value goes to Redis sealed, "cpv1" + a 32-byte MAC + the value, the MAC
// taken over the full key and the value (HMAC-SHA256 with RedisOptions::value_key, or a
// SHA-256 checksum without one). A value read back that is not sealed for its key is
// discarded and deleted, counted in "cache.redis.rejected", and reported as a miss: the
// caller reads its store. docs/security.md says what this does and does not stop.

#include <optional>
#include <string>
#include <string_view>

#include "absl/base/thread_annotations.h"
#include "absl/random/random.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/time.h"
#include "common/cache/redis_client.h"

namespace classplan::metrics {
class Counter;
}  // namespace classplan::metrics

namespace classplan::cache {

class Cache {
 public:
  // `client` must outlive the cache. `ns` names the data set ("catalog"). Entries live for
  // base_ttl +/- jitter (a fraction in [0, 1)), so entries written together don't all expire
  // in the same instant.
  Cache(RedisClient* client, std::string ns, absl::Duration base_ttl, double jitter = 0.1);

  Cache(const Cache&) = delete;
  Cache& operator=(const Cache&) = delete;

  // nullopt on a miss, on any Redis error ("cache.redis.fallback" counts the latter) and for
  // a value that is not sealed for this key ("cache.redis.rejected").
  std::optional<std::string> Get(std::string_view key);
  // Errors are counted ("cache.redis.put_failed"); false when the value may not be there.
  bool Put(std::string_view key, std::string_view value);
  // Deletes the key, then publishes `key` (as given, without prefix) on
  // InvalidationChannel() so other replicas drop their in-process copies. Errors are
  // swallowed and counted ("cache.redis.invalidate_failed").
  // Returns false when Redis could not be told (the caller may retry later).
  bool Invalidate(std::string_view key);
  // For filling after a store read: writes only if no copy exists, so a slow reader cannot
  // overwrite a newer copy that a writer put there meanwhile.
  void PutIfAbsent(std::string_view key, std::string_view value);
  // For writers after a commit: overwrites the copy and publishes the key on the
  // invalidation channel so other replicas drop their in-process copies.
  // Returns false when the copy may still be stale in Redis.
  bool Replace(std::string_view key, std::string_view value);

  // "<key_prefix>:v<key_version>:<namespace>:<key>"
  std::string FullKey(std::string_view key) const;
  // "<key_prefix>:v<key_version>:<namespace>:invalidate"
  std::string InvalidationChannel() const;

  // The sealed form of `value` under `full_key` (FullKey), and the value back from it
  // (nullopt when it is not sealed for that key). Public for tests that tamper with Redis.
  std::string Seal(std::string_view full_key, std::string_view value) const;
  std::optional<std::string> Unseal(std::string_view full_key, std::string_view sealed) const;

  const std::string& ns() const { return ns_; }
  absl::Duration base_ttl() const { return base_ttl_; }
  double jitter() const { return jitter_; }

 private:
  absl::Duration NextTtl();

  RedisClient* const client_;
  const std::string ns_;
  const std::string key_base_;  // "<key_prefix>:v<key_version>:<namespace>:"
  const absl::Duration base_ttl_;
  const double jitter_;
  metrics::Counter& fallback_;
  metrics::Counter& put_failed_;
  metrics::Counter& invalidate_failed_;
  metrics::Counter& rejected_;

  absl::Mutex rng_mu_;
  absl::BitGen rng_ ABSL_GUARDED_BY(rng_mu_);
};

}  // namespace classplan::cache

#endif  // CLASSPLAN_COMMON_CACHE_CACHE_H_
