#ifndef CLASSPLAN_SERVICES_CATALOG_CACHE_BUILT_VIEW_CACHE_H_
#define CLASSPLAN_SERVICES_CATALOG_CACHE_BUILT_VIEW_CACHE_H_

// The in-process ViewCache: one view per class code, replaced when the class's cached record
// or the day changes. Bounded: past `max_views` classes it starts again from empty.

#include <string>

#include "absl/container/flat_hash_map.h"
#include "absl/synchronization/mutex.h"
#include "services/catalog/domain/view_cache.h"

namespace classplan::catalog {

class BuiltViewCache : public ViewCache {
 public:
  explicit BuiltViewCache(size_t max_views = 10000) : max_views_(max_views) {}

  SharedJobClassResponse Find(absl::string_view code, const ClassRecordPtr& record,
                              absl::CivilDay day) override;
  void Keep(absl::string_view code, ClassRecordPtr record, absl::CivilDay day,
            SharedJobClassResponse response) override;

 private:
  struct View {
    ClassRecordPtr record;  // identity of the cached record the view was built from
    absl::CivilDay day;
    SharedJobClassResponse response;
  };
  const size_t max_views_;
  absl::Mutex mu_;
  absl::flat_hash_map<std::string, View> views_ ABSL_GUARDED_BY(mu_);
};

}  // namespace classplan::catalog

#endif  // CLASSPLAN_SERVICES_CATALOG_CACHE_BUILT_VIEW_CACHE_H_
