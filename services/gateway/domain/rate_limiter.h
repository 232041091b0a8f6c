#ifndef CLASSPLAN_SERVICES_GATEWAY_DOMAIN_RATE_LIMITER_H_
#define CLASSPLAN_SERVICES_GATEWAY_DOMAIN_RATE_LIMITER_H_

// Per-principal token buckets, shared by every gateway replica.
//
// The bucket itself lives in Redis (SharedBuckets, updated atomically by a Lua script). A
// replica does not ask Redis per call: it leases up to `lease_batch` tokens at a time and
// spends them with one atomic decrement (TryAdmit, no lock, no I/O). When a lease runs low a
// refill is fetched in the background; only a call that finds the lease empty waits for one
// (AdmitSlow, on a worker thread). Unused leased tokens are dropped after `lease_ttl`.
//
// Over-admission: tokens are taken from the shared bucket before they are spent, so the
// total never exceeds what the bucket hands out; but a lease taken at t may be spent up to
// lease_ttl later, so in any window W the principal is admitted at most
//   burst + rate*W + replicas*lease_batch
// calls (the last term is the over-admission bound).
//
// When Redis fails, each replica leases from its own local bucket with the same rate and
// burst (so up to replicas times the limit), logs the switch once and counts every fallback
// refill in gateway.ratelimit.redis_fallback; it goes back to Redis when Redis answers.

#include <atomic>
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "absl/base/thread_annotations.h"
#include "absl/status/statusor.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/time.h"
#include "services/gateway/domain/api_keys.h"
#include "services/gateway/domain/settings.h"

namespace classplan::gateway {

struct Grant {
  int64_t granted = 0;
  absl::Duration retry_after;  // when granted == 0: when the next token is due
};

// The shared buckets (Redis). Blocking; called from worker threads only.
class SharedBuckets {
 public:
  virtual ~SharedBuckets() = default;
  virtual absl::StatusOr<Grant> Take(const Principal& principal, int64_t want, double per_second,
                                     int64_t burst) = 0;
};

// A plain token bucket (thread-safe), the local fallback.
class TokenBucket {
 public:
  TokenBucket(double per_second, int64_t burst, absl::Time now);
  Grant Take(int64_t want, absl::Time now);

 private:
  const double per_second_;
  const double burst_;
  absl::Mutex mu_;
  double tokens_ ABSL_GUARDED_BY(mu_);
  absl::Time last_ ABSL_GUARDED_BY(mu_);
};

class RateLimiter {
 public:
  // `shared` may be null (Redis off): then local buckets only, not counted as fallbacks.
  RateLimiter(RateLimitSettings settings, const KeyStore& keys, SharedBuckets* shared,
              absl::Time now);

  enum class Fast { kAdmitted, kRejected, kNeedLease };
  // No lock, no I/O. kAdmitted may set *prefetch: then call Refill() on a worker soon.
  // kRejected sets *retry_after. kNeedLease: call AdmitSlow() on a worker.
  Fast TryAdmit(const Principal& p, absl::Time now, absl::Duration* retry_after, bool* prefetch);
  // Blocking (may ask Redis). True when admitted; otherwise *retry_after is set.
  bool AdmitSlow(const Principal& p, absl::Time now, absl::Duration* retry_after);
  // Tops the lease up (after TryAdmit asked for a prefetch).
  void Refill(const Principal& p, absl::Time now);

  bool enabled() const { return settings_.enabled; }
  bool using_fallback() const { return fallback_.load(std::memory_order_relaxed); }

 private:
  struct State {
    State(const RateLimitSettings& s, absl::Time now) : local(s.per_second, s.burst, now) {}
    std::atomic<int64_t> tokens{0};
    std::atomic<int64_t> lease_expires_ns{0};
    std::atomic<int64_t> empty_until_ns{0};
    std::atomic<bool> refilling{false};
    absl::Mutex mu;  // one refill at a time
    TokenBucket local;
  };
  bool TakeOne(State& s, absl::Time now);
  // With s.mu held: takes a lease from Redis (or the local bucket); returns the grant.
  Grant Lease(const Principal& p, State& s, absl::Time now);

  const RateLimitSettings settings_;
  SharedBuckets* const shared_;
  std::vector<std::unique_ptr<State>> states_;
  std::atomic<bool> fallback_{false};
};

}  // namespace classplan::gateway

#endif  // CLASSPLAN_SERVICES_GATEWAY_DOMAIN_RATE_LIMITER_H_
