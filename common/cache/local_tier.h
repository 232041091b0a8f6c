#ifndef CLASSPLAN_COMMON_CACHE_LOCAL_TIER_H_
#define CLASSPLAN_COMMON_CACHE_LOCAL_TIER_H_

// The in-process tier every service cache keeps in front of Redis: a map with a lifetime per
// entry, a bound on its size (past it the tier starts again from empty), and a generation
// token that keeps a slow fill from putting back what an invalidation just dropped:
//
//   uint64_t token = tier.Token();    // before the read (Redis, store, catalog)
//   Value v = ...read...;
//   tier.Put(key, v, token);          // not kept if a Drop*/Supersede came in between
//
// Values are read as Value{} when absent, so Value is a pointer type (shared_ptr<const T>).
// Thread-safe; never blocks on I/O.

#include <cstddef>
#include <cstdint>
#include <functional>
#include <limits>
#include <utility>

#include "absl/base/thread_annotations.h"
#include "absl/container/flat_hash_map.h"
#include "absl/functional/function_ref.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/clock.h"
#include "absl/time/time.h"

namespace classplan::cache {

template <typename Key, typename Value>
class LocalTier {
 public:
  using Clock = std::function<absl::Time()>;
  static constexpr size_t kUnbounded = std::numeric_limits<size_t>::max();

  // Entries live `ttl` unless Put says otherwise; a Put into a tier holding `capacity`
  // entries first drops them all.
  explicit LocalTier(absl::Duration ttl, size_t capacity = kUnbounded, Clock clock = &absl::Now)
      : ttl_(ttl), capacity_(capacity), clock_(std::move(clock)) {}

  LocalTier(const LocalTier&) = delete;
  LocalTier& operator=(const LocalTier&) = delete;

  // Take before the read whose result goes to Put.
  uint64_t Token() const {
    absl::MutexLock lock(&mu_);
    return generation_;
  }

  // Value{} when absent or expired (an expired entry is dropped).
  template <typename K>
  Value Get(const K& key) {
    absl::MutexLock lock(&mu_);
    auto it = entries_.find(key);
    if (it == entries_.end()) return Value{};
    if (it->second.expires < clock_()) {
      entries_.erase(it);
      return Value{};
    }
    return it->second.value;
  }

  // Keeps `value` unless a Drop*, DropAll or Supersede came since `token` was taken (the
  // value may then be older than what was dropped). Returns whether it was kept.
  bool Put(const Key& key, Value value, uint64_t token) {
    return Put(key, std::move(value), token, ttl_);
  }
  bool Put(const Key& key, Value value, uint64_t token, absl::Duration ttl) {
    absl::MutexLock lock(&mu_);
    if (token != generation_) return false;
    if (entries_.size() >= capacity_) entries_.clear();
    entries_[key] = Entry{std::move(value), clock_() + ttl};
    return true;
  }

  // Each of these also stops fills under way from being kept.
  template <typename K>
  void Drop(const K& key) {
    absl::MutexLock lock(&mu_);
    ++generation_;
    entries_.erase(key);
  }
  void DropIf(absl::FunctionRef<bool(const Key&)> matches) {
    absl::MutexLock lock(&mu_);
    ++generation_;
    absl::erase_if(entries_, [&](const auto& kv) { return matches(kv.first); });
  }
  void DropAll() {
    absl::MutexLock lock(&mu_);
    ++generation_;
    entries_.clear();
  }
  // Only that: entries stay, fills under way are not kept.
  void Supersede() {
    absl::MutexLock lock(&mu_);
    ++generation_;
  }

  size_t size() const {
    absl::MutexLock lock(&mu_);
    return entries_.size();
  }

 private:
  struct Entry {
    Value value;
    absl::Time expires;
  };

  const absl::Duration ttl_;
  const size_t capacity_;
  const Clock clock_;
  mutable absl::Mutex mu_;
  uint64_t generation_ ABSL_GUARDED_BY(mu_) = 0;
  absl::flat_hash_map<Key, Entry> entries_ ABSL_GUARDED_BY(mu_);
};

}  // namespace classplan::cache

#endif  // CLASSPLAN_COMMON_CACHE_LOCAL_TIER_H_
