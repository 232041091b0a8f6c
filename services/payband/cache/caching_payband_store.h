#ifndef CLASSPLAN_SERVICES_PAYBAND_CACHE_CACHING_PAYBAND_STORE_H_
#define CLASSPLAN_SERVICES_PAYBAND_CACHE_CACHING_PAYBAND_STORE_H_

// Schedule reads cached in process and in Redis, keyed by the jurisdiction's schedule version,
// in front of another PaybandStore (the SQLite one).
//
// What is cached: one snapshot per jurisdiction (its schedules and all their bands) at one
// schedule version. Redis holds it under "<prefix>:v1:payband:snap:<jurisdiction>:v<version>";
// a version's snapshot never changes, so old ones are simply never read again and expire.
//
// Coherence across replicas:
//   - an import (AddSchedule) bumps the version in the store's write transaction; the
//     importing replica then drops its in-process snapshot and publishes the jurisdiction on
//     the invalidation channel, and every replica's subscriber drops its copy;
//   - an in-process snapshot is trusted without I/O only while this replica's subscription is
//     confirmed; otherwise (Redis off or the subscription down) every read first asks the
//     store for the version (one indexed row) and uses the snapshot only if it is current;
//   - a snapshot loaded from the store is read between two version reads and cached only when
//     both agree, so a concurrent import can never be cached under the old version; a fill
//     that raced an invalidation is not kept in process (generation counter);
//   - when the publish fails (Redis unreachable) it is retried in the background every 500 ms
//     until Redis answers (replicas whose subscription is down meanwhile check versions).
// Alternative band assignments are not cached (they change only on start-up imports).
//
// Every call may block (store, Redis): run on worker threads.

#include <atomic>
#include <memory>
#include <string>
#include <thread>

#include "absl/container/flat_hash_map.h"
#include "absl/container/flat_hash_set.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/time.h"
#include "common/cache/cache.h"
#include "common/cache/subscriber.h"
#include "services/payband/domain/payband_store.h"

namespace classplan::payband {

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
  ~CachingPaybandStore() override;

  absl::StatusOr<std::vector<pb::PaySchedule>> ListSchedules(
      const std::string& jurisdiction_id) override;
  absl::StatusOr<std::optional<pb::PaySchedule>> GetSchedule(const std::string& id) override;
  absl::StatusOr<int64_t> ScheduleVersion(const std::string& jurisdiction_id) override;
  absl::StatusOr<std::vector<pb::PayBand>> ListBands(const std::string& schedule_id,
                                                     const std::string& after_code,
                                                     int limit) override;
  absl::StatusOr<std::optional<pb::PayBand>> GetBand(const std::string& schedule_id,
                                                     const std::string& code) override;
  absl::Status AddSchedule(const pb::PaySchedule& schedule, const std::vector<pb::PayBand>& bands,
                           const ScheduleCheck& check) override;
  absl::Status AddAlternativeAssignment(const pb::AlternativeBandAssignment& a) override;
  absl::StatusOr<std::vector<pb::AlternativeBandAssignment>> ListAlternativeAssignments(
      const std::string& jurisdiction_id) override;
  absl::StatusOr<std::optional<pb::AlternativeBandAssignment>> GetAlternativeAssignment(
      const std::string& jurisdiction_id, const std::string& class_code) override;

  // True while in-process snapshots are trusted without asking the store for the version.
  bool subscription_healthy() const;
  // Jurisdictions whose invalidation could not be published yet.
  size_t unpublished_count() const;

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
  struct Entry {
    SnapshotPtr snapshot;
    absl::Time expires;
  };
  std::string RedisKey(const std::string& jurisdiction_id, int64_t version) const;
  SnapshotPtr PeekLocal(const std::string& jurisdiction_id);
  void PutLocal(const std::string& jurisdiction_id, SnapshotPtr s, uint64_t token);
  void DropLocal(const std::string& jurisdiction_id);
  void DropAllLocal();
  void Publish(const std::string& jurisdiction_id);
  void RetryUnpublished();
  // A snapshot from the store; `cacheable` false when an import ran during the read.
  absl::StatusOr<SnapshotPtr> Load(const std::string& jurisdiction_id, int64_t version,
                                   bool* cacheable);

  PaybandStore* const store_;
  const CachingPaybandStoreOptions options_;
  cache::Cache* const redis_;
  std::unique_ptr<cache::Subscriber> subscriber_;
  std::thread retry_thread_;
  absl::Mutex stop_mu_;
  bool stopping_ ABSL_GUARDED_BY(stop_mu_) = false;
  std::atomic<uint64_t> generation_{0};
  mutable absl::Mutex mu_;
  absl::flat_hash_map<std::string, Entry> local_ ABSL_GUARDED_BY(mu_);
  absl::flat_hash_set<std::string> unpublished_ ABSL_GUARDED_BY(mu_);
};

// "denver-csa/notice-1355" -> "denver-csa" (schedule ids are "<jurisdiction>/<slug>").
std::string JurisdictionOfSchedule(const std::string& schedule_id);

}  // namespace classplan::payband

#endif  // CLASSPLAN_SERVICES_PAYBAND_CACHE_CACHING_PAYBAND_STORE_H_
