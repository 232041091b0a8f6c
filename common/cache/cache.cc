#include "common/cache/cache.h"

#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <openssl/sha.h>

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
      invalidate_failed_(metrics::GetCounter("cache.redis.invalidate_failed")),
      rejected_(metrics::GetCounter("cache.redis.rejected")) {}

namespace {

constexpr std::string_view kSealTag = "cpv1";
constexpr size_t kMacBytes = 32;

// HMAC-SHA256(key, full_key NUL value), or SHA-256 of the same without a key. The key is in
// the MAC so a value sealed for one key (another class, an older schedule version's key) is
// not accepted under another.
std::string Mac(const std::string& mac_key, std::string_view full_key, std::string_view value) {
  std::string input;
  input.reserve(full_key.size() + 1 + value.size());
  input.append(full_key);
  input.push_back('\0');
  input.append(value);
  std::string out(kMacBytes, '\0');
  auto* md = reinterpret_cast<unsigned char*>(out.data());
  const auto* in = reinterpret_cast<const unsigned char*>(input.data());
  if (mac_key.empty()) {
    SHA256(in, input.size(), md);
  } else {
    unsigned int len = 0;
    HMAC(EVP_sha256(), mac_key.data(), static_cast<int>(mac_key.size()), in, input.size(), md,
         &len);
  }
  return out;
}

}  // namespace

std::string Cache::Seal(std::string_view full_key, std::string_view value) const {
  // Debian's Abseil has its own string_view, so the parts are appended by hand.
  std::string sealed(kSealTag);
  sealed.reserve(kSealTag.size() + kMacBytes + value.size());
  sealed.append(Mac(client_->options().value_key, full_key, value));
  sealed.append(value);
  return sealed;
}

std::optional<std::string> Cache::Unseal(std::string_view full_key, std::string_view sealed) const {
  if (sealed.size() < kSealTag.size() + kMacBytes ||
      sealed.substr(0, kSealTag.size()) != kSealTag) {
    return std::nullopt;
  }
  const std::string_view mac = sealed.substr(kSealTag.size(), kMacBytes);
  const std::string_view value = sealed.substr(kSealTag.size() + kMacBytes);
  const std::string expected = Mac(client_->options().value_key, full_key, value);
  if (CRYPTO_memcmp(expected.data(), mac.data(), kMacBytes) != 0) return std::nullopt;
  return std::string(value);
}

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
  const std::string full = FullKey(key);
  absl::StatusOr<std::optional<std::string>> value = client_->Get(full);
  if (!value.ok()) {
    fallback_.Increment();
    return std::nullopt;
  }
  if (!value->has_value()) return std::nullopt;
  std::optional<std::string> unsealed = Unseal(full, **value);
  if (!unsealed.has_value()) {
    // Never served. Deleted, so that the caller's fill from its store (SET NX) replaces it
    // rather than finding it there again.
    rejected_.Increment();
    // Logged on the 1st, 2nd, 4th, 8th, ... rejection: seen, without a writer to Redis being
    // able to flood the log.
    if (const int64_t n = rejected_.value(); (n & (n - 1)) == 0) {
      log::Warn("cache value rejected: not sealed for its key",
                {{"namespace", ns_}, {"rejected_so_far", n}});
    }
    (void)client_->Del({full});
  }
  return unsealed;
}

bool Cache::Put(std::string_view key, std::string_view value) {
  const std::string full = FullKey(key);
  absl::Status status = client_->Set(full, Seal(full, value), NextTtl());
  if (!status.ok()) put_failed_.Increment();
  return status.ok();
}

void Cache::PutIfAbsent(std::string_view key, std::string_view value) {
  const std::string full = FullKey(key);
  if (!client_->SetIfAbsent(full, Seal(full, value), NextTtl()).ok()) put_failed_.Increment();
}

bool Cache::Replace(std::string_view key, std::string_view value) {
  const std::string full = FullKey(key);
  absl::Status set = client_->Set(full, Seal(full, value), NextTtl());
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
