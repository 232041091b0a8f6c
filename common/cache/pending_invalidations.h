#ifndef CLASSPLAN_COMMON_CACHE_PENDING_INVALIDATIONS_H_
#define CLASSPLAN_COMMON_CACHE_PENDING_INVALIDATIONS_H_

// Keys whose invalidation (Cache::Invalidate: delete the Redis copy, tell the other replicas)
// Redis has not taken yet. A cache adds a key when a write's invalidation fails and retries
// them (Retry) from a Periodic and when its subscription comes back, until Redis answers.

#include <cstddef>
#include <string>

#include "absl/base/thread_annotations.h"
#include "absl/container/flat_hash_set.h"
#include "absl/strings/string_view.h"
#include "absl/synchronization/mutex.h"
#include "common/cache/cache.h"

namespace classplan::cache {

class PendingInvalidations {
 public:
  // `redis` must outlive this.
  explicit PendingInvalidations(Cache* redis) : redis_(redis) {}

  void Add(std::string key);
  bool Contains(absl::string_view key) const;
  size_t size() const;
  // Invalidates every pending key once; those Redis takes are no longer pending. Returns how
  // many were tried (0 when none was pending).
  size_t Retry();

 private:
  Cache* const redis_;
  mutable absl::Mutex mu_;
  absl::flat_hash_set<std::string> keys_ ABSL_GUARDED_BY(mu_);
};

}  // namespace classplan::cache

#endif  // CLASSPLAN_COMMON_CACHE_PENDING_INVALIDATIONS_H_
