#include "services/catalog/cache/tiered_class_cache.h"

#include "common/log/log.h"
#include "common/metrics/metrics.h"

namespace classplan::catalog {

TieredClassCache::TieredClassCache(TieredClassCacheOptions options, cache::Cache* redis,
                                   std::optional<cache::RedisOptions> subscriber_options)
    : options_(options), redis_(redis) {
  if (redis_ != nullptr && subscriber_options.has_value()) {
    subscriber_ = std::make_unique<cache::Subscriber>(
        *subscriber_options, redis_->InvalidationChannel(),
        [this](std::string code) { DropLocal(code); },
        [this](bool healthy) {
          // Messages may have been missed while the subscription was down.
          DropAllLocal();
          if (healthy) SyncRedis();
          log::Info(healthy ? "class cache invalidations resumed"
                            : "class cache invalidations lost; bypassing in-process cache");
        });
    subscriber_->Start();
  }
  if (redis_ != nullptr) {
    sync_thread_ = std::thread([this] {
      absl::MutexLock lock(&stop_mu_);
      while (!stop_mu_.AwaitWithTimeout(absl::Condition(&stopping_), absl::Milliseconds(500))) {
        stop_mu_.Unlock();
        if (unsynced_count() > 0) SyncRedis();
        stop_mu_.Lock();
      }
    });
  }
}

TieredClassCache::~TieredClassCache() {
  {
    absl::MutexLock lock(&stop_mu_);
    stopping_ = true;
  }
  if (sync_thread_.joinable()) sync_thread_.join();
  if (subscriber_) subscriber_->Stop();
}

bool TieredClassCache::local_enabled() const {
  return subscriber_ == nullptr || subscriber_->healthy();
}

ClassRecordPtr TieredClassCache::PeekLocal(absl::string_view code) {
  static metrics::Counter& hits = metrics::GetCounter("catalog.cache.local_hit");
  if (!local_enabled()) return nullptr;
  absl::MutexLock lock(&mu_);
  auto it = local_.find(code);
  if (it == local_.end()) return nullptr;
  if (it->second.expires < absl::Now()) {
    local_.erase(it);
    return nullptr;
  }
  hits.Increment();
  return it->second.record;
}

ClassRecordPtr TieredClassCache::Get(absl::string_view code) {
  static metrics::Counter& redis_hits = metrics::GetCounter("catalog.cache.redis_hit");
  if (ClassRecordPtr hit = PeekLocal(code)) return hit;
  // The token before the unsynced check: a write that starts after it bumps the generation,
  // so an old copy read from Redis below is not kept.
  uint64_t token = generation_.load();
  if (redis_ == nullptr || IsUnsynced(code)) return nullptr;
  std::optional<std::string> bytes = redis_->Get(std::string(code));
  if (!bytes.has_value()) return nullptr;
  auto record = std::make_shared<::classplan::catalog::v1::ClassRecord>();
  if (!record->ParseFromString(*bytes) || record->code() != code) {
    metrics::GetCounter("catalog.cache.corrupt").Increment();
    return nullptr;  // treated as a miss; the store's copy will overwrite it
  }
  redis_hits.Increment();
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
      DropLocal(r->code());
      continue;
    }
    // Until the SET lands Redis holds the old copy: a read after the drop below must not
    // bring it back in process, so the class skips Redis while it is being replaced.
    {
      absl::MutexLock lock(&mu_);
      ++replacing_[r->code()];
    }
    DropLocal(r->code());
    const bool replaced = redis_->Replace(r->code(), r->SerializeAsString());
    absl::MutexLock lock(&mu_);
    if (--replacing_[r->code()] == 0) replacing_.erase(r->code());
    if (!replaced) {
      metrics::GetCounter("catalog.cache.unsynced_writes").Increment();
      unsynced_.insert(r->code());
    }
  }
  if (redis_ != nullptr && unsynced_count() > 0) SyncRedis();
}

size_t TieredClassCache::unsynced_count() const {
  absl::MutexLock lock(&mu_);
  return unsynced_.size();
}

bool TieredClassCache::IsUnsynced(absl::string_view code) const {
  absl::MutexLock lock(&mu_);
  return unsynced_.contains(code) || replacing_.contains(code);
}

void TieredClassCache::SyncRedis() {
  std::vector<std::string> codes;
  {
    absl::MutexLock lock(&mu_);
    codes.assign(unsynced_.begin(), unsynced_.end());
  }
  for (const auto& code : codes) {
    if (!redis_->Invalidate(code)) continue;
    absl::MutexLock lock(&mu_);
    unsynced_.erase(code);
  }
  if (!codes.empty()) {
    log::Info("stale Redis copies dropped after an outage",
              {{"classes", static_cast<int64_t>(codes.size())}});
  }
}

void TieredClassCache::PutLocal(const ClassRecordPtr& record, uint64_t token) {
  if (!local_enabled()) return;
  absl::MutexLock lock(&mu_);
  if (generation_.load() != token) return;  // an update raced this fill
  if (local_.size() >= options_.local_capacity) local_.clear();
  local_[record->code()] = Entry{record, absl::Now() + options_.local_ttl};
}

void TieredClassCache::DropLocal(absl::string_view code) {
  generation_.fetch_add(1);
  absl::MutexLock lock(&mu_);
  local_.erase(code);
}

void TieredClassCache::DropAllLocal() {
  generation_.fetch_add(1);
  absl::MutexLock lock(&mu_);
  local_.clear();
}

}  // namespace classplan::catalog
