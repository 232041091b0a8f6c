#include "services/catalog/cache/tiered_class_cache.h"

#include "common/log/log.h"
#include "common/metrics/metrics.h"

namespace classplan::catalog {

ClassCacheStats ClassCacheStats::Get() {
  return {metrics::GetCounter("catalog.cache.local_hit"),
          metrics::GetCounter("catalog.cache.redis_hit"),
          metrics::GetCounter("catalog.cache.corrupt"),
          metrics::GetCounter("catalog.cache.unsynced_writes")};
}

TieredClassCache::TieredClassCache(TieredClassCacheOptions options, cache::Cache* redis,
                                   std::optional<cache::RedisOptions> subscriber_options)
    : options_(options), redis_(redis), local_(options.local_ttl, options.local_capacity) {
  if (redis_ == nullptr) return;
  unsynced_ = std::make_unique<cache::PendingInvalidations>(redis_);
  if (subscriber_options.has_value()) {
    subscriber_ = std::make_unique<cache::Subscriber>(
        *subscriber_options, redis_->InvalidationChannel(),
        [this](std::string code) { local_.Drop(code); },
        [this](bool healthy) {
          // Messages may have been missed while the subscription was down.
          local_.DropAll();
          if (healthy) SyncRedis();
          log::Info(healthy ? "class cache invalidations resumed"
                            : "class cache invalidations lost; bypassing in-process cache");
        });
    subscriber_->Start();
  }
  sync_.emplace(absl::Milliseconds(500), [this] {
    if (unsynced_count() > 0) SyncRedis();
  });
}

bool TieredClassCache::local_enabled() const {
  return subscriber_ == nullptr || subscriber_->healthy();
}

ClassRecordPtr TieredClassCache::PeekLocal(absl::string_view code) {
  if (!local_enabled()) return nullptr;
  ClassRecordPtr hit = local_.Get(code);
  if (hit != nullptr) stats_.local_hit.Increment();
  return hit;
}

ClassRecordPtr TieredClassCache::Get(absl::string_view code) {
  if (ClassRecordPtr hit = PeekLocal(code)) return hit;
  // The token before the unsynced check: a write that starts after it bumps the generation,
  // so an old copy read from Redis below is not kept.
  uint64_t token = local_.Token();
  if (redis_ == nullptr || IsUnsynced(code)) return nullptr;
  std::optional<std::string> bytes = redis_->Get(std::string(code));
  if (!bytes.has_value()) return nullptr;
  auto record = std::make_shared<::classplan::catalog::v1::ClassRecord>();
  if (!record->ParseFromString(*bytes) || record->code() != code) {
    stats_.corrupt.Increment();
    return nullptr;  // treated as a miss; the store's copy will overwrite it
  }
  stats_.redis_hit.Increment();
  PutLocal(record, token);
  return record;
}

void TieredClassCache::Fill(ClassRecordPtr record, uint64_t token) {
  if (redis_ != nullptr && !IsUnsynced(record->code())) {
    redis_->PutIfAbsent(record->code(), record->SerializeAsString());
  }
  PutLocal(record, token);
}

void TieredClassCache::Updated(const std::vector<ClassRecordPtr>& records) {
  for (const auto& r : records) {
    if (redis_ == nullptr) {
      local_.Drop(r->code());
      continue;
    }
    // Until the SET lands Redis holds the old copy: a read after the drop below must not
    // bring it back in process, so the class skips Redis while it is being replaced.
    {
      absl::MutexLock lock(&mu_);
      ++replacing_[r->code()];
    }
    local_.Drop(r->code());
    const bool replaced = redis_->Replace(r->code(), r->SerializeAsString());
    // Unsynced before the class stops counting as being replaced, so no read finds it in
    // neither set and reads the stale Redis copy.
    if (!replaced) {
      stats_.unsynced_writes.Increment();
      unsynced_->Add(r->code());
    }
    absl::MutexLock lock(&mu_);
    if (--replacing_[r->code()] == 0) replacing_.erase(r->code());
  }
  if (redis_ != nullptr && unsynced_count() > 0) SyncRedis();
}

size_t TieredClassCache::unsynced_count() const {
  return unsynced_ == nullptr ? 0 : unsynced_->size();
}

bool TieredClassCache::IsUnsynced(absl::string_view code) const {
  {
    absl::MutexLock lock(&mu_);
    if (replacing_.contains(code)) return true;
  }
  return unsynced_ != nullptr && unsynced_->Contains(code);
}

void TieredClassCache::SyncRedis() {
  if (const size_t tried = unsynced_->Retry(); tried > 0) {
    log::Info("stale Redis copies dropped after an outage",
              {{"classes", static_cast<int64_t>(tried)}});
  }
}

void TieredClassCache::PutLocal(const ClassRecordPtr& record, uint64_t token) {
  if (!local_enabled()) return;
  local_.Put(record->code(), record, token);
}

}  // namespace classplan::catalog
