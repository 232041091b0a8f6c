#include "services/gateway/domain/rate_limiter.h"

#include <algorithm>
#include <cmath>

#include "common/log/log.h"
#include "services/gateway/telemetry/counters.h"

namespace classplan::gateway {

TokenBucket::TokenBucket(double per_second, int64_t burst, absl::Time now)
    : per_second_(per_second), burst_(static_cast<double>(burst)), tokens_(burst_), last_(now) {}

Grant TokenBucket::Take(int64_t want, absl::Time now) {
  absl::MutexLock lock(&mu_);
  if (now > last_) {
    tokens_ = std::min(burst_, tokens_ + absl::ToDoubleSeconds(now - last_) * per_second_);
    last_ = now;
  }
  Grant g;
  g.granted = std::min<int64_t>(want, static_cast<int64_t>(std::floor(tokens_)));
  tokens_ -= static_cast<double>(g.granted);
  if (g.granted == 0) {
    g.retry_after = absl::Seconds((1.0 - tokens_) / per_second_);
  }
  return g;
}

RateLimiter::RateLimiter(RateLimitSettings settings, const KeyStore& keys, SharedBuckets* shared,
                         absl::Time now)
    : settings_(settings), shared_(shared) {
  for (size_t i = 0; i < keys.principals().size(); ++i) {
    states_.push_back(std::make_unique<State>(settings_, now));
  }
}

bool RateLimiter::TakeOne(State& s, absl::Time now) {
  if (absl::ToUnixNanos(now) >= s.lease_expires_ns.load(std::memory_order_acquire)) {
    if (s.tokens.load(std::memory_order_relaxed) > 0) s.tokens.store(0, std::memory_order_relaxed);
    return false;
  }
  int64_t t = s.tokens.load(std::memory_order_relaxed);
  while (t > 0) {
    if (s.tokens.compare_exchange_weak(t, t - 1, std::memory_order_relaxed)) return true;
  }
  return false;
}

RateLimiter::Fast RateLimiter::TryAdmit(const Principal& p, absl::Time now,
                                        absl::Duration* retry_after, bool* prefetch) {
  *prefetch = false;
  if (!settings_.enabled) return Fast::kAdmitted;
  State& s = *states_[p.index];
  if (TakeOne(s, now)) {
    if (s.tokens.load(std::memory_order_relaxed) <= settings_.lease_batch / 4 &&
        !s.refilling.exchange(true, std::memory_order_acq_rel)) {
      *prefetch = true;
    }
    return Fast::kAdmitted;
  }
  const int64_t empty_until = s.empty_until_ns.load(std::memory_order_relaxed);
  if (absl::ToUnixNanos(now) < empty_until) {
    *retry_after = absl::FromUnixNanos(empty_until) - now;
    return Fast::kRejected;
  }
  return Fast::kNeedLease;
}

Grant RateLimiter::Lease(const Principal& p, State& s, absl::Time now) {
  const int64_t want = settings_.lease_batch;
  if (shared_ != nullptr) {
    auto g = shared_->Take(p, want, settings_.per_second, settings_.burst);
    if (g.ok()) {
      if (fallback_.exchange(false)) log::Info("rate limits shared through redis again");
      return *g;
    }
    Counters().redis_fallback.Increment();
    if (!fallback_.exchange(true)) {
      log::Warn("rate limits fall back to this replica's local buckets",
                {{"error", std::string(g.status().message())}});
    }
  }
  return s.local.Take(want, now);
}

bool RateLimiter::AdmitSlow(const Principal& p, absl::Time now, absl::Duration* retry_after) {
  if (!settings_.enabled) return true;
  State& s = *states_[p.index];
  absl::MutexLock lock(&s.mu);
  // Another call may have refilled the lease while this one waited.
  if (TakeOne(s, now)) return true;
  const int64_t empty_until = s.empty_until_ns.load(std::memory_order_relaxed);
  if (absl::ToUnixNanos(now) < empty_until) {
    *retry_after = absl::FromUnixNanos(empty_until) - now;
    return false;
  }
  Grant g = Lease(p, s, now);
  if (g.granted == 0) {
    s.empty_until_ns.store(absl::ToUnixNanos(now + g.retry_after), std::memory_order_relaxed);
    *retry_after = g.retry_after;
    return false;
  }
  s.lease_expires_ns.store(absl::ToUnixNanos(now + settings_.lease_ttl), std::memory_order_release);
  s.tokens.fetch_add(g.granted - 1, std::memory_order_relaxed);  // one is this call's
  return true;
}

void RateLimiter::Refill(const Principal& p, absl::Time now) {
  State& s = *states_[p.index];
  {
    absl::MutexLock lock(&s.mu);
    if (s.tokens.load(std::memory_order_relaxed) <= settings_.lease_batch / 4) {
      Grant g = Lease(p, s, now);
      if (g.granted > 0) {
        s.lease_expires_ns.store(absl::ToUnixNanos(now + settings_.lease_ttl),
                                 std::memory_order_release);
        s.tokens.fetch_add(g.granted, std::memory_order_relaxed);
      } else {
        s.empty_until_ns.store(absl::ToUnixNanos(now + g.retry_after), std::memory_order_relaxed);
      }
    }
  }
  s.refilling.store(false, std::memory_order_release);
}

}  // namespace classplan::gateway
