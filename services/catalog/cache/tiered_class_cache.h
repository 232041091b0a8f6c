#ifndef CLASSPLAN_SERVICES_CATALOG_CACHE_TIERED_CLASS_CACHE_H_
#define CLASSPLAN_SERVICES_CATALOG_CACHE_TIERED_CLASS_CACHE_H_

// Class records cached in process, then in Redis, in front of the store.
//
// Coherence across replicas: a writer replaces the Redis copy (SET) and publishes the class
// code; every replica's subscriber drops its in-process copy on that message. Readers filling
// Redis after a miss use SET NX, so a slow reader cannot overwrite a newer write. From the
// drop of its in-process copy until Redis has the new copy, the writing replica reads the
// class from the store (Redis still holds the old copy, which a read would otherwise put back
// in process), and for good if Redis cannot be updated (until the copy is dropped). While a
// replica's subscription is down it may miss messages, so it bypasses its in-process copies
// until the subscription is back (and drops them all then). With --redis=off there is no
// in-process invalidation from other replicas: run one replica, or accept `local_ttl` staleness.

#include <memory>
#include <optional>
#include <string>

#include "absl/container/flat_hash_map.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/time.h"
#include "common/cache/cache.h"
#include "common/cache/local_tier.h"
#include "common/cache/pending_invalidations.h"
#include "common/cache/periodic.h"
#include "common/cache/subscriber.h"
#include "services/catalog/domain/class_cache.h"

namespace classplan::metrics {
class Counter;
}  // namespace classplan::metrics

namespace classplan::catalog {

// The cache's counters, looked up once.
struct ClassCacheStats {
  metrics::Counter& local_hit;        // "catalog.cache.local_hit"
  metrics::Counter& redis_hit;        // "catalog.cache.redis_hit"
  metrics::Counter& corrupt;          // "catalog.cache.corrupt": a Redis copy that did not parse
  metrics::Counter& unsynced_writes;  // "catalog.cache.unsynced_writes": Redis not updated

  static ClassCacheStats Get();
};

struct TieredClassCacheOptions {
  absl::Duration local_ttl = absl::Seconds(30);
  size_t local_capacity = 10000;
};

class TieredClassCache : public ClassCache {
 public:
  // `redis` and `subscriber_options` may be null/empty for an in-process-only cache.
  TieredClassCache(TieredClassCacheOptions options, cache::Cache* redis,
                   std::optional<cache::RedisOptions> subscriber_options);

  ClassRecordPtr PeekLocal(absl::string_view code) override;
  ClassRecordPtr Get(absl::string_view code) override;
  uint64_t FillToken() override { return local_.Token(); }
  void Fill(ClassRecordPtr record, uint64_t token) override;
  void Updated(const std::vector<ClassRecordPtr>& records) override;

  // True while in-process copies may be trusted.
  bool local_enabled() const;
  // Classes written while Redis could not be updated; their Redis copies may be stale, so
  // they are read from the store until Redis is reachable again and the copies are dropped.
  size_t unsynced_count() const;

 private:
  void PutLocal(const ClassRecordPtr& record, uint64_t token);
  bool IsUnsynced(absl::string_view code) const;
  // Drops the Redis copies of unsynced classes and tells other replicas; keeps the ones that
  // still fail.
  void SyncRedis();

  const ClassCacheStats stats_ = ClassCacheStats::Get();
  TieredClassCacheOptions options_;
  cache::Cache* redis_;
  cache::LocalTier<std::string, ClassRecordPtr> local_;
  // Unsynced classes (null without Redis).
  std::unique_ptr<cache::PendingInvalidations> unsynced_;
  mutable absl::Mutex mu_;
  // Classes whose Redis copy this replica is replacing right now (count of writes in flight).
  absl::flat_hash_map<std::string, int> replacing_ ABSL_GUARDED_BY(mu_);
  std::unique_ptr<cache::Subscriber> subscriber_;
  // Retries SyncRedis while some copies are unsynced (Redis may recover without the
  // subscription ever noticing, e.g. after a short hang). Last: it stops first.
  std::optional<cache::Periodic> sync_;
};

}  // namespace classplan::catalog

#endif  // CLASSPLAN_SERVICES_CATALOG_CACHE_TIERED_CLASS_CACHE_H_
