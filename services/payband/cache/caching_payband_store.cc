#include "services/payband/cache/caching_payband_store.h"

#include <algorithm>

#include "absl/strings/str_cat.h"
#include "classplan/payband/v1/data.pb.h"
#include "common/log/log.h"
#include "common/metrics/metrics.h"

namespace classplan::payband {
namespace {

std::string Serialize(const CachingPaybandStore::Snapshot& s) {
  pb::PaybandData data;
  for (const auto& sched : s.schedules) {
    pb::ScheduleData* sd = data.add_schedules();
    *sd->mutable_schedule() = sched;
    auto it = s.bands.find(sched.id());
    if (it != s.bands.end()) {
      for (const auto& b : it->second) *sd->add_bands() = b;
    }
  }
  return data.SerializeAsString();
}

// The snapshot `data` holds: the schedules of `jurisdiction` with their bands, all at one
// version (`version`, or the first schedule's when unset). nullptr when there is no schedule
// or one is of another jurisdiction or version (a Redis copy that is not what its key says).
std::shared_ptr<CachingPaybandStore::Snapshot> FromData(pb::PaybandData data,
                                                        const std::string& jurisdiction,
                                                        std::optional<int64_t> version) {
  if (data.schedules_size() == 0) return nullptr;
  auto s = std::make_shared<CachingPaybandStore::Snapshot>();
  s->version = version.value_or(data.schedules(0).schedule().version());
  for (auto& sd : *data.mutable_schedules()) {
    if (sd.schedule().jurisdiction_id() != jurisdiction || sd.schedule().version() != s->version) {
      return nullptr;
    }
    auto& bands = s->bands[sd.schedule().id()];
    for (auto& b : *sd.mutable_bands()) bands.push_back(std::move(b));
    s->schedules.push_back(std::move(*sd.mutable_schedule()));
  }
  return s;
}

const pb::PaySchedule* FindSchedule(const CachingPaybandStore::Snapshot& s, const std::string& id) {
  for (const auto& sched : s.schedules) {
    if (sched.id() == id) return &sched;
  }
  return nullptr;
}

}  // namespace

std::string JurisdictionOfSchedule(const std::string& schedule_id) {
  auto slash = schedule_id.find('/');
  return slash == std::string::npos ? "" : schedule_id.substr(0, slash);
}

PaybandCacheStats PaybandCacheStats::Get() {
  return {metrics::GetCounter("payband.cache.local_hit"),
          metrics::GetCounter("payband.cache.local_checked_hit"),
          metrics::GetCounter("payband.cache.redis_hit"),
          metrics::GetCounter("payband.cache.corrupt"),
          metrics::GetCounter("payband.cache.store_load"),
          metrics::GetCounter("payband.cache.invalidation_unpublished")};
}

CachingPaybandStore::CachingPaybandStore(PaybandStore* store, CachingPaybandStoreOptions options,
                                         cache::Cache* redis,
                                         std::optional<cache::RedisOptions> subscriber_options)
    : store_(store), options_(options), redis_(redis), local_(options.local_ttl) {
  if (redis_ == nullptr) return;
  unpublished_ = std::make_unique<cache::PendingInvalidations>(redis_);
  if (!subscriber_options.has_value()) return;
  auto on_state = [this](bool healthy) {
    if (healthy) unpublished_->Retry();
    log::Info(healthy ? "pay schedule invalidations resumed"
                      : "pay schedule invalidations lost; checking versions in the store");
  };
  subscriber_ =
      cache::SubscribeTier(*subscriber_options, redis_->InvalidationChannel(), &local_, on_state);
}

bool CachingPaybandStore::subscription_healthy() const {
  return subscriber_ != nullptr && subscriber_->healthy();
}

size_t CachingPaybandStore::unpublished_count() const {
  return unpublished_ == nullptr ? 0 : unpublished_->size();
}

std::string CachingPaybandStore::RedisKey(const std::string& jurisdiction_id) const {
  return absl::StrCat("snap:", jurisdiction_id);
}

void CachingPaybandStore::Publish(const std::string& jurisdiction_id) {
  if (redis_ == nullptr) return;
  if (redis_->Invalidate(jurisdiction_id)) return;
  stats_.invalidation_unpublished.Increment();
  log::Warn("pay schedule invalidation not published; retrying",
            {{"jurisdiction", absl::string_view(jurisdiction_id)}});
  unpublished_->Add(jurisdiction_id);
}

absl::StatusOr<CachingPaybandStore::SnapshotPtr> CachingPaybandStore::Get(
    const std::string& jurisdiction_id) {
  const uint64_t token = local_.Token();
  SnapshotPtr local = local_.Get(jurisdiction_id);
  if (local != nullptr && subscription_healthy()) {
    stats_.local_hit.Increment();
    return local;
  }
  // Without invalidations the in-process copy may have been replaced by an import on another
  // replica: checked against the store's version (one indexed row, the cheapest statement on
  // both stores; a check on every such read, so kept apart from the snapshot's statement).
  if (local != nullptr) {
    auto version = store_->ScheduleVersion(jurisdiction_id);
    if (!version.ok()) return version.status();
    if (local->version == *version) {
      stats_.local_checked_hit.Increment();
      return local;
    }
  }
  // Redis's copy, the last snapshot any replica loaded, of any version: the store says below
  // whether it is current.
  SnapshotPtr copy;
  if (redis_ != nullptr) {
    if (auto bytes = redis_->Get(RedisKey(jurisdiction_id))) {
      pb::PaybandData data;
      copy = data.ParseFromString(*bytes) ? FromData(std::move(data), jurisdiction_id, std::nullopt)
                                          : nullptr;
      if (copy == nullptr) stats_.corrupt.Increment();  // treated as a miss; overwritten below
    }
  }
  // One read of the store, one snapshot: the version, and the data unless Redis's copy is of
  // it. Whatever imports commit before or after it, the data is of the version it carries, so
  // it is cached under that version as it is.
  auto read = store_->ReadJurisdiction(jurisdiction_id,
                                       copy != nullptr ? copy->version : PaybandStore::kAnyVersion);
  if (!read.ok()) return read.status();
  if (!read->has_value() && copy != nullptr) {
    stats_.redis_hit.Increment();
    local_.Put(jurisdiction_id, copy, token);
    return copy;
  }
  if (!read->has_value()) return absl::InternalError("the store read nothing without a copy");
  stats_.store_load.Increment();
  if ((*read)->schedules_size() == 0) return SnapshotPtr(std::make_shared<Snapshot>());
  SnapshotPtr loaded = FromData(**std::move(read), jurisdiction_id, std::nullopt);
  if (loaded == nullptr) {
    return absl::InternalError(
        absl::StrCat("the store's snapshot of ", jurisdiction_id, " is not of one version"));
  }
  if (redis_ != nullptr) redis_->Put(RedisKey(jurisdiction_id), Serialize(*loaded));
  local_.Put(jurisdiction_id, loaded, token);  // not kept if an invalidation came meanwhile
  return loaded;
}

absl::StatusOr<std::vector<pb::PaySchedule>> CachingPaybandStore::ListSchedules(
    const std::string& jurisdiction_id) {
  if (jurisdiction_id.empty()) return store_->ListSchedules(jurisdiction_id);
  auto s = Get(jurisdiction_id);
  if (!s.ok()) return s.status();
  return (*s)->schedules;
}

absl::StatusOr<std::optional<pb::PaySchedule>> CachingPaybandStore::GetSchedule(
    const std::string& id) {
  const std::string j = JurisdictionOfSchedule(id);
  if (j.empty()) return store_->GetSchedule(id);
  auto s = Get(j);
  if (!s.ok()) return s.status();
  if (const pb::PaySchedule* found = FindSchedule(**s, id)) {
    return std::optional<pb::PaySchedule>(*found);
  }
  return store_->GetSchedule(id);  // not under its jurisdiction's snapshot: ask the store
}

absl::StatusOr<int64_t> CachingPaybandStore::ScheduleVersion(const std::string& jurisdiction_id) {
  return store_->ScheduleVersion(jurisdiction_id);
}

absl::StatusOr<std::vector<pb::PayBand>> CachingPaybandStore::ListBands(
    const std::string& schedule_id, const std::string& after_code, int limit) {
  const std::string j = JurisdictionOfSchedule(schedule_id);
  if (j.empty()) return store_->ListBands(schedule_id, after_code, limit);
  auto s = Get(j);
  if (!s.ok()) return s.status();
  auto it = (*s)->bands.find(schedule_id);
  if (it == (*s)->bands.end()) return store_->ListBands(schedule_id, after_code, limit);
  std::vector<pb::PayBand> out;
  for (const auto& b : it->second) {
    if (b.code() <= after_code) continue;
    if (limit > 0 && static_cast<int>(out.size()) >= limit) break;
    out.push_back(b);
  }
  return out;
}

absl::StatusOr<std::optional<pb::PayBand>> CachingPaybandStore::GetBand(
    const std::string& schedule_id, const std::string& code) {
  const std::string j = JurisdictionOfSchedule(schedule_id);
  if (j.empty()) return store_->GetBand(schedule_id, code);
  auto s = Get(j);
  if (!s.ok()) return s.status();
  auto it = (*s)->bands.find(schedule_id);
  if (it == (*s)->bands.end()) return store_->GetBand(schedule_id, code);
  for (const auto& b : it->second) {
    if (b.code() == code) return std::optional<pb::PayBand>(b);
  }
  return std::optional<pb::PayBand>();
}

absl::StatusOr<std::optional<pb::PaybandData>> CachingPaybandStore::ReadJurisdiction(
    const std::string& jurisdiction_id, int64_t unless_version) {
  // What Get loads from; not cached itself.
  return store_->ReadJurisdiction(jurisdiction_id, unless_version);
}

absl::Status CachingPaybandStore::AddSchedule(const pb::PaySchedule& schedule,
                                              const std::vector<pb::PayBand>& bands,
                                              const ScheduleCheck& check,
                                              const std::optional<audit::Event>& event) {
  absl::Status s = store_->AddSchedule(schedule, bands, check, event);
  if (!s.ok()) return s;
  const std::string& j = schedule.jurisdiction_id();
  local_.Drop(j);
  Publish(j);
  log::Info("pay schedule added", {{"jurisdiction", absl::string_view(j)},
                                   {"schedule", absl::string_view(schedule.id())},
                                   {"bands", static_cast<int64_t>(bands.size())}});
  return s;
}

absl::Status CachingPaybandStore::AddAlternativeAssignment(const pb::AlternativeBandAssignment& a) {
  return store_->AddAlternativeAssignment(a);
}

absl::StatusOr<std::vector<pb::AlternativeBandAssignment>>
CachingPaybandStore::ListAlternativeAssignments(const std::string& jurisdiction_id) {
  return store_->ListAlternativeAssignments(jurisdiction_id);
}

absl::StatusOr<std::optional<pb::AlternativeBandAssignment>>
CachingPaybandStore::GetAlternativeAssignment(const std::string& jurisdiction_id,
                                              const std::string& class_code) {
  return store_->GetAlternativeAssignment(jurisdiction_id, class_code);
}

absl::StatusOr<audit::Page> CachingPaybandStore::ListAuditEvents(const audit::Filter& filter,
                                                                 int page_size,
                                                                 const std::string& page_token) {
  return store_->ListAuditEvents(filter, page_size, page_token);  // never cached
}

}  // namespace classplan::payband
