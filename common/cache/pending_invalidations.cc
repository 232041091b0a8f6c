#include "common/cache/pending_invalidations.h"

#include <utility>
#include <vector>

namespace classplan::cache {

void PendingInvalidations::Add(std::string key) {
  absl::MutexLock lock(&mu_);
  keys_.insert(std::move(key));
}

bool PendingInvalidations::Contains(absl::string_view key) const {
  absl::MutexLock lock(&mu_);
  return keys_.contains(key);
}

size_t PendingInvalidations::size() const {
  absl::MutexLock lock(&mu_);
  return keys_.size();
}

size_t PendingInvalidations::Retry() {
  std::vector<std::string> keys;
  {
    absl::MutexLock lock(&mu_);
    keys.assign(keys_.begin(), keys_.end());
  }
  for (const auto& key : keys) {
    if (!redis_->Invalidate(key)) continue;
    absl::MutexLock lock(&mu_);
    keys_.erase(key);
  }
  return keys.size();
}

}  // namespace classplan::cache
