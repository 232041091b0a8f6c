#include "services/gateway/domain/key_ring.h"

#include <algorithm>
#include <utility>

#include "absl/container/flat_hash_map.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "common/log/log.h"
#include "services/gateway/domain/settings.h"
#include "services/gateway/telemetry/counters.h"

namespace classplan::gateway {

absl::StatusOr<std::unique_ptr<KeyRing>> KeyRing::Load(const std::string& path,
                                                       LimiterFactory limiter) {
  std::unique_ptr<KeyRing> ring(new KeyRing(path, std::move(limiter)));
  auto loaded = ring->Reload();
  if (!loaded.ok()) return loaded.status();
  return ring;
}

KeyRing::KeyRing(std::string path, LimiterFactory limiter)
    : path_(std::move(path)), limiter_(std::move(limiter)) {}

KeyRing::KeyRing(std::unique_ptr<KeyStore> store, LimiterFactory limiter)
    : limiter_(std::move(limiter)) {
  absl::MutexLock lock(&mu_);
  Publish(std::move(store));
}

KeyRing::~KeyRing() {
  stop_.Notify();
  if (watcher_.joinable()) watcher_.join();
}

void KeyRing::Publish(std::unique_ptr<KeyStore> store) {
  auto set = std::make_unique<KeySet>();
  set->limiter = limiter_(*store);
  for (const auto& p : store->principals()) p->limiter = set->limiter.get();
  set->store = std::move(store);
  set->generation = sets_.size() + 1;
  current_.store(set.get(), std::memory_order_release);
  sets_.push_back(std::move(set));
}

absl::StatusOr<bool> KeyRing::Reload() {
  if (path_.empty()) return false;
  auto text = ReadWholeFile(path_);
  absl::MutexLock lock(&mu_);
  const bool first = sets_.empty();
  if (text.ok() && !first && *text == loaded_text_) return false;
  absl::StatusOr<std::unique_ptr<KeyStore>> store = absl::UnknownError("not read");
  v1::KeyFile file;
  if (!text.ok()) {
    store = text.status();
  } else if (absl::Status parsed = ParseTextProto(*text, path_, &file); !parsed.ok()) {
    store = parsed;
  } else {
    store = KeyStore::FromProto(file);
    if (!store.ok()) {
      store = absl::InvalidArgumentError(absl::StrCat(path_, ": ", store.status().message()));
    }
  }
  if (!store.ok()) {
    if (first) return store.status();
    // Once per content: a broken file polled every few seconds would flood the log.
    const std::string seen = text.ok() ? *text : std::string(1, '\0');
    if (seen != loaded_text_) {
      loaded_text_ = seen;
      Counters().keys_reload_failed.Increment();
      log::Error("key file changed but does not load; the old keys stay in force",
                 {{"detail", std::string(store.status().message())}});
    }
    return store.status();
  }
  loaded_text_ = *text;
  const int64_t principals = static_cast<int64_t>((*store)->principals().size());
  Publish(*std::move(store));
  if (!first) {
    Counters().keys_reloaded.Increment();
    log::Info("key file reloaded",
              {{"principals", principals}, {"generation", static_cast<int64_t>(sets_.size())}});
  }
  return true;
}

void KeyRing::Watch(absl::Duration interval) {
  watcher_ = std::thread([this, interval] {
    while (!stop_.WaitForNotificationWithTimeout(interval)) {
      (void)Reload();  // logged and counted inside
    }
  });
}

// ---- VerifiedKeyCache ----

namespace {
struct ThreadCache {
  uint64_t instance = 0;
  uint64_t generation = 0;
  struct Item {
    const Principal* principal;
    absl::Time expires;
  };
  absl::flat_hash_map<std::string, Item> items;
};
thread_local ThreadCache tls_cache;
std::atomic<uint64_t> next_instance{1};
constexpr size_t kMaxPerThread = 4096;
}  // namespace

VerifiedKeyCache::VerifiedKeyCache(const KeyRing* ring, absl::Duration ttl)
    : ring_(ring), ttl_(ttl), instance_(next_instance.fetch_add(1)) {}

const Principal* VerifiedKeyCache::Lookup(absl::string_view key, absl::Time now) const {
  ThreadCache& c = tls_cache;
  if (c.instance != instance_ || c.generation != ring_->Current()->generation) return nullptr;
  auto it = c.items.find(key);
  if (it == c.items.end()) return nullptr;
  if (it->second.expires <= now) {
    c.items.erase(it);
    return nullptr;
  }
  return it->second.principal;
}

absl::StatusOr<const Principal*> VerifiedKeyCache::Authenticate(absl::string_view key,
                                                                absl::Time now, bool* hit,
                                                                KeyFailure* failure) const {
  if (const Principal* p = Lookup(key, now); p != nullptr) {
    *hit = true;
    if (failure != nullptr) *failure = KeyFailure::kNone;
    return p;
  }
  *hit = false;
  const KeyRing::KeySet* set = ring_->Current();
  const KeyStore::Check check = set->store->CheckKey(key, now);
  if (failure != nullptr) *failure = check.failure;
  if (check.principal == nullptr) {
    return absl::UnauthenticatedError("missing or invalid API key (authorization: Bearer <key>)");
  }
  ThreadCache& c = tls_cache;
  if (c.instance != instance_ || c.generation != set->generation) {
    c.items.clear();
    c.instance = instance_;
    c.generation = set->generation;
  }
  if (c.items.size() >= kMaxPerThread) c.items.clear();
  c.items[key] = {check.principal, std::min(now + ttl_, check.expires)};
  return check.principal;
}

// ---- FailedAuthLimiter ----

namespace {
constexpr size_t kMaxAddresses = 10000;
}  // namespace

FailedAuthLimiter::FailedAuthLimiter(double per_second, int burst)
    : per_second_(per_second), burst_(static_cast<double>(burst)) {}

double FailedAuthLimiter::Refilled(const Bucket& b, absl::Time now) const {
  if (now <= b.last) return b.tokens;
  return std::min(burst_, b.tokens + absl::ToDoubleSeconds(now - b.last) * per_second_);
}

bool FailedAuthLimiter::Blocked(absl::string_view address, absl::Time now,
                                absl::Duration* retry_after) {
  absl::MutexLock lock(&mu_);
  auto it = buckets_.find(std::string(address));
  if (it == buckets_.end()) return false;
  const double tokens = Refilled(it->second, now);
  if (tokens >= 1) return false;
  *retry_after = absl::Seconds((1 - tokens) / per_second_);
  return true;
}

void FailedAuthLimiter::Failed(absl::string_view address, absl::Time now) {
  absl::MutexLock lock(&mu_);
  if (buckets_.size() >= kMaxAddresses) {
    // Full buckets are the same as none: forget them. If every address is still failing,
    // start over rather than grow without bound.
    for (auto it = buckets_.begin(); it != buckets_.end();) {
      it = Refilled(it->second, now) >= burst_ ? buckets_.erase(it) : std::next(it);
    }
    if (buckets_.size() >= kMaxAddresses) buckets_.clear();
  }
  Bucket& b = buckets_.try_emplace(std::string(address), Bucket{burst_, now}).first->second;
  b.tokens = std::max(0.0, Refilled(b, now) - 1);
  b.last = std::max(b.last, now);
}

std::string ClientAddress(absl::string_view peer) {
  const bool v4 = absl::StartsWith(peer, "ipv4:");
  const bool v6 = absl::StartsWith(peer, "ipv6:");
  if (!v4 && !v6) return std::string(peer);
  const size_t colon = peer.rfind(':');
  if (colon == absl::string_view::npos || colon <= 4) return std::string(peer);
  // "ipv6:[::1]:5123" (or with the brackets %-encoded): the port follows the bracket.
  if (v6 && !absl::EndsWith(peer.substr(0, colon), "]") &&
      !absl::EndsWith(peer.substr(0, colon), "%5D")) {
    return std::string(peer);
  }
  return std::string(peer.substr(0, colon));
}

}  // namespace classplan::gateway
