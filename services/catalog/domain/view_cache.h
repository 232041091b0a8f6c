#ifndef CLASSPLAN_SERVICES_CATALOG_DOMAIN_VIEW_CACHE_H_
#define CLASSPLAN_SERVICES_CATALOG_DOMAIN_VIEW_CACHE_H_

// The built-view cache the catalog core sees: today's GetJobClass answer for a class, kept as
// one shared immutable response per cached class record and day, so a cached read copies
// nothing (docs/performance.md). The in-process one is services/catalog/cache/
// built_view_cache.h; without one (NoViewCache) every read builds its answer.

#include <memory>

#include "absl/strings/string_view.h"
#include "absl/time/civil_time.h"
#include "classplan/catalog/v1/catalog_service.pb.h"
#include "services/catalog/domain/class_cache.h"

namespace classplan::catalog {

using SharedJobClassResponse = std::shared_ptr<const ::classplan::catalog::v1::GetJobClassResponse>;

class ViewCache {
 public:
  virtual ~ViewCache() = default;
  // The response kept for `code` if it was built from this very `record` (the same cached
  // object, so a newer record never finds an older view) for `day`; null otherwise. Never
  // blocks on I/O.
  virtual SharedJobClassResponse Find(absl::string_view code, const ClassRecordPtr& record,
                                      absl::CivilDay day) = 0;
  // Keeps `response`, built from `record` for `day`, in place of the class's previous view.
  virtual void Keep(absl::string_view code, ClassRecordPtr record, absl::CivilDay day,
                    SharedJobClassResponse response) = 0;
};

// Keeps nothing.
class NoViewCache : public ViewCache {
 public:
  SharedJobClassResponse Find(absl::string_view, const ClassRecordPtr&, absl::CivilDay) override {
    return nullptr;
  }
  void Keep(absl::string_view, ClassRecordPtr, absl::CivilDay, SharedJobClassResponse) override {}
};

}  // namespace classplan::catalog

#endif  // CLASSPLAN_SERVICES_CATALOG_DOMAIN_VIEW_CACHE_H_
