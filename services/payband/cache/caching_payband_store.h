#ifndef CLASSPLAN_SERVICES_PAYBAND_CACHE_CACHING_PAYBAND_STORE_H_
#define CLASSPLAN_SERVICES_PAYBAND_CACHE_CACHING_PAYBAND_STORE_H_

// Schedule reads cached in process and in Redis, keyed by the jurisdiction's schedule version,
// in front of another PaybandStore (the SQLite one).
//
// What is cached: one snapshot per jurisdiction (its schedules and all their bands) at one
// schedule version. Redis holds the last one any replica loaded under
// "<prefix>:v1:payband:snap:<jurisdiction>" (the version is inside): it is used only when the
// store says its version is current, and every load from the store overwrites it (a slow
// loader may put back an older one: the next read finds it stale and loads again).
//
// Coherence across replicas:
//   - an import (AddSchedule) bumps the version in the store's write transaction; the
//     importing replica then drops its in-process snapshot and publishes the jurisdiction on
//     the invalidation channel, and every replica's subscriber drops its copy;
//   - an in-process snapshot is trusted without I/O only while this replica's subscription is
//     confirmed; otherwise (Redis off or the subscription down) every read first asks the
//     store for the version (one indexed row) and uses the snapshot only if it is current;
//   - otherwise the store is asked once, in one statement (PaybandStore::ReadJurisdiction,
//     one snapshot): the version, and the data unless Redis's copy is of that version. A
//     snapshot loaded so carries its own version, so a concurrent import can never be cached
//     under the old version; a fill that raced an invalidation is not kept in process
//     (generation counter);
//   - when the publish fails (Redis unreachable) it is retried in the background every 500 ms
//     until Redis answers (replicas whose subscription is down meanwhile check versions).
// Alternative band assignments are not cached (they change only on start-up imports).
//
// Every call may block (store, Redis): run on worker threads.

#include <memory>
#include <optional>
#include <string>

#include "absl/container/flat_hash_map.h"
#include "absl/time/time.h"
#include "common/cache/cache.h"
#include "common/cache/local_tier.h"
#include "common/cache/pending_invalidations.h"
#include "common/cache/subscriber.h"
#include "services/payband/domain/payband_store.h"

namespace classplan::metrics {
class Counter;
}  // namespace classplan::metrics

namespace classplan::payband {

// The cache's counters, looked up once.
struct PaybandCacheStats {
  metrics::Counter& local_hit;          // "payband.cache.local_hit": used without I/O
  metrics::Counter& local_checked_hit;  // "payband.cache.local_checked_hit": version checked
  metrics::Counter& redis_hit;          // "payband.cache.redis_hit"
  metrics::Counter& corrupt;            // "payband.cache.corrupt": a Redis copy that did not parse
  metrics::Counter& store_load;         // "payband.cache.store_load"
  // "payband.cache.invalidation_unpublished": an import's invalidation Redis did not take
  metrics::Counter& invalidation_unpublished;

  static PaybandCacheStats Get();
};

struct CachingPaybandStoreOptions {
  // In-process snapshots are also dropped after this long (bounds memory of stale entries).
  absl::Duration local_ttl = absl::Seconds(60);
};

class CachingPaybandStore : public PaybandStore {
 public:
  // `store` must outlive this. `redis` may be null (in-process only, version-checked on each
  // read); `subscriber_options` empty means no invalidation subscription.
  CachingPaybandStore(PaybandStore* store, CachingPaybandStoreOptions options, cache::Cache* redis,
                      std::optional<cache::RedisOptions> subscriber_options);

  absl::StatusOr<std::vector<pb::PaySchedule>> ListSchedules(
      const std::string& jurisdiction_id) override;
  absl::StatusOr<std::optional<pb::PaySchedule>> GetSchedule(const std::string& id) override;
  absl::StatusOr<int64_t> ScheduleVersion(const std::string& jurisdiction_id) override;
  absl::StatusOr<std::vector<pb::PayBand>> ListBands(const std::string& schedule_id,
                                                     const std::string& after_code,
                                                     int limit) override;
  absl::StatusOr<std::optional<pb::PayBand>> GetBand(const std::string& schedule_id,
                                                     const std::string& code) override;
  absl::StatusOr<std::optional<pb::PaybandData>> ReadJurisdiction(
      const std::string& jurisdiction_id, int64_t unless_version) override;
  absl::Status AddSchedule(const pb::PaySchedule& schedule, const std::vector<pb::PayBand>& bands,
                           const ScheduleCheck& check,
                           const std::optional<audit::Event>& event) override;
  absl::Status AddAlternativeAssignment(const pb::AlternativeBandAssignment& a) override;
  absl::StatusOr<std::vector<pb::AlternativeBandAssignment>> ListAlternativeAssignments(
      const std::string& jurisdiction_id) override;
  absl::StatusOr<std::optional<pb::AlternativeBandAssignment>> GetAlternativeAssignment(
      const std::string& jurisdiction_id, const std::string& class_code) override;
  absl::StatusOr<audit::Page> ListAuditEvents(const audit::Filter& filter, int page_size,
                                              const std::string& page_token) override;

  // True while in-process snapshots are trusted without asking the store for the version.
  bool subscription_healthy() const;
  // Jurisdictions whose invalidation could not be published yet.
  size_t unpublished_count() const;
  // True while this replica holds a snapshot of the jurisdiction in process (benches wait on
  // it to start a call with the in-process cache cold).
  bool HoldsLocal(const std::string& jurisdiction_id) {
    return local_.Get(jurisdiction_id) != nullptr;
  }

  // A jurisdiction's schedules and bands at one version.
  struct Snapshot {
    int64_t version = 0;
    std::vector<pb::PaySchedule> schedules;  // ordered by id
    // schedule id -> bands ordered by code
    absl::flat_hash_map<std::string, std::vector<pb::PayBand>> bands;
  };
  using SnapshotPtr = std::shared_ptr<const Snapshot>;

  // The current snapshot of a jurisdiction (from process, Redis or the store).
  absl::StatusOr<SnapshotPtr> Get(const std::string& jurisdiction_id);

 private:
  std::string RedisKey(const std::string& jurisdiction_id) const;
  void Publish(const std::string& jurisdiction_id);

  const PaybandCacheStats stats_ = PaybandCacheStats::Get();
  PaybandStore* const store_;
  const CachingPaybandStoreOptions options_;
  cache::Cache* const redis_;
  cache::LocalTier<std::string, SnapshotPtr> local_;
  // Jurisdictions whose invalidation is not published yet (null without Redis), retried
  // every 500 ms.
  std::unique_ptr<cache::PendingInvalidations> unpublished_;
  std::unique_ptr<cache::Subscriber> subscriber_;  // last: stops first
};

// "denver-csa/notice-1355" -> "denver-csa" (schedule ids are "<jurisdiction>/<slug>").
std::string JurisdictionOfSchedule(const std::string& schedule_id);

}  // namespace classplan::payband

#endif  // CLASSPLAN_SERVICES_PAYBAND_CACHE_CACHING_PAYBAND_STORE_H_
