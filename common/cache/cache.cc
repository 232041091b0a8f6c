#include "common/cache/cache.h"

#include <algorithm>
#include <utility>

#include "absl/random/distributions.h"
#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "common/log/log.h"
#include "common/metrics/metrics.h"

namespace classplan::cache {

Cache::Cache(RedisClient* client, std::string ns, absl::Duration base_ttl, double jitter)
    : client_(client),
      ns_(std::move(ns)),
      key_base_(absl::StrCat(client->options().key_prefix, ":v", client->options().key_version, ":",
                             ns_, ":")),
      base_ttl_(base_ttl),
      // Clamped so the TTL stays positive whatever the configuration says.
      jitter_(std::clamp(jitter, 0.0, 0.9)),
      fallback_(metrics::GetCounter("cache.redis.fallback")),
      put_failed_(metrics::GetCounter("cache.redis.put_failed")),
      invalidate_failed_(metrics::GetCounter("cache.redis.invalidate_failed")) {}

std::string Cache::FullKey(std::string_view key) const {
  std::string full = key_base_;
  full.append(key);
  return full;
}

std::string Cache::InvalidationChannel() const { return absl::StrCat(key_base_, "invalidate"); }

absl::Duration Cache::NextTtl() {
  if (jitter_ == 0.0) return base_ttl_;
  double factor;
  {
    absl::MutexLock lock(&rng_mu_);
    factor = absl::Uniform(absl::IntervalClosed, rng_, 1.0 - jitter_, 1.0 + jitter_);
  }
  return base_ttl_ * factor;
}

std::optional<std::string> Cache::Get(std::string_view key) {
  absl::StatusOr<std::optional<std::string>> value = client_->Get(FullKey(key));
  if (!value.ok()) {
    fallback_.Increment();
    return std::nullopt;
  }
  return *std::move(value);
}

bool Cache::Put(std::string_view key, std::string_view value) {
  absl::Status status = client_->Set(FullKey(key), value, NextTtl());
  if (!status.ok()) put_failed_.Increment();
  return status.ok();
}

void Cache::PutIfAbsent(std::string_view key, std::string_view value) {
  if (!client_->SetIfAbsent(FullKey(key), value, NextTtl()).ok()) put_failed_.Increment();
}

bool Cache::Replace(std::string_view key, std::string_view value) {
  absl::Status set = client_->Set(FullKey(key), value, NextTtl());
  if (!set.ok()) {
    // The old copy may survive until its TTL; drop it if Redis is still reachable. Before
    // the notice, as Invalidate does: a replica that drops its copy on the notice must not
    // find the old one in Redis.
    set = client_->Del({FullKey(key)});
  }
  absl::StatusOr<int64_t> published = client_->Publish(InvalidationChannel(), key);
  if (set.ok() && published.ok()) return true;
  invalidate_failed_.Increment();
  return false;
}

bool Cache::Invalidate(std::string_view key) {
  // Both steps run even if the first fails: a replica that can still be told to drop its
  // copy should be.
  absl::Status del = client_->Del({FullKey(key)});
  absl::StatusOr<int64_t> published = client_->Publish(InvalidationChannel(), key);
  if (del.ok() && published.ok()) return true;
  {
    invalidate_failed_.Increment();
    // A lost invalidation leaves a stale entry for up to one TTL, so it is worth a line;
    // but while the breaker is open its own warning already says Redis is down.
    if (client_->breaker_state() != CircuitBreaker::State::kOpen) {
      const absl::Status& err = !del.ok() ? del : published.status();
      log::Warn("cache invalidation failed",
                {{"namespace", ns_}, {"code", absl::StatusCodeToString(err.code())}});
    }
  }
  return false;
}

}  // namespace classplan::cache
