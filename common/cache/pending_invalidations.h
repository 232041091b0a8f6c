#ifndef CLASSPLAN_COMMON_CACHE_PENDING_INVALIDATIONS_H_
#define CLASSPLAN_COMMON_CACHE_PENDING_INVALIDATIONS_H_

// Keys whose invalidation (Cache::Invalidate: delete the Redis copy, tell the other replicas)
// Redis has not taken yet. A cache adds a key when a write's invalidation fails; they are
// retried in the background (a Periodic, every `retry_every` while some are pending) and
// whenever the cache calls Retry (e.g. when its subscription comes back), until Redis takes
// them.

#include <cstddef>
#include <functional>
#include <optional>
#include <string>

#include "absl/base/thread_annotations.h"
#include "absl/container/flat_hash_set.h"
#include "absl/strings/string_view.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/time.h"
#include "common/cache/cache.h"
#include "common/cache/periodic.h"

namespace classplan::cache {

class PendingInvalidations {
 public:
  // Called after each Retry that tried some keys, with how many (e.g. to log it).
  using RetriedCallback = std::function<void(size_t tried)>;

  // `redis` must outlive this.
  explicit PendingInvalidations(Cache* redis, RetriedCallback on_retried = nullptr,
                                absl::Duration retry_every = absl::Milliseconds(500));

  void Add(std::string key);
  bool Contains(absl::string_view key) const;
  size_t size() const;
  // Invalidates every pending key once; those Redis takes are no longer pending. Returns how
  // many were tried (0 when none was pending).
  size_t Retry();

 private:
  Cache* const redis_;
  const RetriedCallback on_retried_;
  mutable absl::Mutex mu_;
  absl::flat_hash_set<std::string> keys_ ABSL_GUARDED_BY(mu_);
  std::optional<Periodic> retry_;  // last: stops first
};

}  // namespace classplan::cache

#endif  // CLASSPLAN_COMMON_CACHE_PENDING_INVALIDATIONS_H_
