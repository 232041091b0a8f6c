#include "services/catalog/cache/built_view_cache.h"

namespace classplan::catalog {

SharedJobClassResponse BuiltViewCache::Find(absl::string_view code, const ClassRecordPtr& record,
                                            absl::CivilDay day) {
  absl::MutexLock lock(&mu_);
  auto it = views_.find(code);
  if (it == views_.end() || it->second.record != record || it->second.day != day) return nullptr;
  return it->second.response;
}

void BuiltViewCache::Keep(absl::string_view code, ClassRecordPtr record, absl::CivilDay day,
                          SharedJobClassResponse response) {
  absl::MutexLock lock(&mu_);
  if (views_.size() > max_views_) views_.clear();
  views_[std::string(code)] = View{std::move(record), day, std::move(response)};
}

}  // namespace classplan::catalog
