#ifndef CLASSPLAN_SERVICES_GATEWAY_DOMAIN_KEY_RING_H_
#define CLASSPLAN_SERVICES_GATEWAY_DOMAIN_KEY_RING_H_

// The keys in force, reloaded when the key file changes (rotation and revocation without a
// restart), and the per-thread cache of keys verified recently.
//
// Each load is a key set: a KeyStore and the RateLimiter for its principals (a principal
// points at its set's limiter). A reload publishes a new set with a new generation; every
// thread's cache of verified keys belongs to one generation and is dropped when it sees a
// newer one, so a revoked key stops at the next call. Replaced sets are kept (a few KB each,
// one per change of the file): calls in flight and rate-limit refills still point into them.

#include <atomic>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <thread>
#include <unordered_map>
#include <vector>

#include "absl/base/thread_annotations.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/synchronization/mutex.h"
#include "absl/synchronization/notification.h"
#include "absl/time/time.h"
#include "services/gateway/domain/api_keys.h"
#include "services/gateway/domain/rate_limiter.h"

namespace classplan::gateway {

class KeyRing {
 public:
  // Makes the rate limiter of a new key set.
  using LimiterFactory = std::function<std::unique_ptr<RateLimiter>(const KeyStore&)>;

  struct KeySet {
    std::unique_ptr<KeyStore> store;
    std::unique_ptr<RateLimiter> limiter;
    uint64_t generation = 0;
  };

  // Loads `path` (an error when it does not load: the gateway cannot start without keys).
  static absl::StatusOr<std::unique_ptr<KeyRing>> Load(const std::string& path,
                                                       LimiterFactory limiter);
  // A fixed set, never reloaded (tests).
  KeyRing(std::unique_ptr<KeyStore> store, LimiterFactory limiter);
  ~KeyRing();  // stops watching
  KeyRing(const KeyRing&) = delete;
  KeyRing& operator=(const KeyRing&) = delete;

  // The set in force. Never null; stays valid as long as the ring.
  const KeySet* Current() const { return current_.load(std::memory_order_acquire); }

  // Reads the file again. When its content changed and it loads, its keys replace the old
  // ones (true). A changed file that does not load keeps the old keys: logged once and
  // counted (gateway.keys.reload_failed), returned as the error. Unchanged: false.
  absl::StatusOr<bool> Reload();
  // Calls Reload every `interval` on a thread of its own until the ring is destroyed.
  void Watch(absl::Duration interval);

 private:
  KeyRing(std::string path, LimiterFactory limiter);
  void Publish(std::unique_ptr<KeyStore> store) ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_);

  const std::string path_;  // empty: not from a file
  const LimiterFactory limiter_;
  absl::Mutex mu_;
  std::vector<std::unique_ptr<KeySet>> sets_ ABSL_GUARDED_BY(mu_);  // every set, oldest first
  std::string loaded_text_ ABSL_GUARDED_BY(mu_);  // the file as last read (loaded or not)
  std::atomic<const KeySet*> current_{nullptr};
  absl::Notification stop_;
  std::thread watcher_;
};

// Keys verified recently, per thread (gRPC callback threads), so the hot path takes no lock
// and does no hashing. Entries expire after `ttl` (never after the key's own expiry); at most
// 4,096 per thread (then cleared); all of a thread's are dropped when the ring reloads.
class VerifiedKeyCache {
 public:
  VerifiedKeyCache(const KeyRing* ring, absl::Duration ttl);
  // The key's principal: from this thread's cache, else verified by the ring's current
  // store (one PBKDF2 run, CPU only) and remembered. `hit` tells which; `failure` (may be
  // null) why it was refused.
  absl::StatusOr<const Principal*> Authenticate(absl::string_view key, absl::Time now, bool* hit,
                                                KeyFailure* failure = nullptr) const;
  // A principal verified within ttl on this thread (in the current key set), or null.
  const Principal* Lookup(absl::string_view key, absl::Time now) const;

 private:
  const KeyRing* ring_;
  const absl::Duration ttl_;
  const uint64_t instance_;  // tells one cache's thread-local entries from another's
};

// Failed authentications per client address: a token bucket each (FailedAuthLimitConfig).
// Thread-safe; used only on the paths that verify a key (cache misses), never per call.
class FailedAuthLimiter {
 public:
  FailedAuthLimiter(double per_second, int burst);
  // True while `address` has no failure left; *retry_after: when it has one again.
  bool Blocked(absl::string_view address, absl::Time now, absl::Duration* retry_after);
  // Takes a token from the address's bucket.
  void Failed(absl::string_view address, absl::Time now);

 private:
  struct Bucket {
    double tokens;
    absl::Time last;
  };
  double Refilled(const Bucket& b, absl::Time now) const;

  const double per_second_;
  const double burst_;
  absl::Mutex mu_;
  std::unordered_map<std::string, Bucket> buckets_ ABSL_GUARDED_BY(mu_);
};

// The client's address from a gRPC peer string without its port: "ipv4:10.0.0.7:5123" ->
// "ipv4:10.0.0.7", "ipv6:[::1]:5123" -> "ipv6:[::1]"; anything else as it is.
std::string ClientAddress(absl::string_view peer);

}  // namespace classplan::gateway

#endif  // CLASSPLAN_SERVICES_GATEWAY_DOMAIN_KEY_RING_H_
