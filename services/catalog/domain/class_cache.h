#ifndef CLASSPLAN_SERVICES_CATALOG_DOMAIN_CLASS_CACHE_H_
#define CLASSPLAN_SERVICES_CATALOG_DOMAIN_CLASS_CACHE_H_

// The read cache the catalog core sees. The real one (services/catalog/cache/) layers an
// in-process map over Redis; tests and --redis=off use simpler ones.

#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "absl/strings/string_view.h"
#include "classplan/catalog/v1/data.pb.h"

namespace classplan::catalog {

using ClassRecordPtr = std::shared_ptr<const ::classplan::catalog::v1::ClassRecord>;

class ClassCache {
 public:
  virtual ~ClassCache() = default;
  // In-process only; never blocks on I/O. Null when absent.
  virtual ClassRecordPtr PeekLocal(absl::string_view code) = 0;
  // May consult Redis (blocking). Null when absent everywhere.
  virtual ClassRecordPtr Get(absl::string_view code) = 0;
  // Token to pass to Fill: a fill is dropped if an update arrived since the token was taken,
  // so a slow reader cannot put back a record older than a concurrent write.
  virtual uint64_t FillToken() = 0;
  // Caches a record read from the store after a miss.
  virtual void Fill(ClassRecordPtr record, uint64_t token) = 0;
  // After a write commits: replace the cached copies everywhere and tell other replicas.
  virtual void Updated(const std::vector<ClassRecordPtr>& records) = 0;
};

// No caching at all.
class NoClassCache : public ClassCache {
 public:
  ClassRecordPtr PeekLocal(absl::string_view) override { return nullptr; }
  ClassRecordPtr Get(absl::string_view) override { return nullptr; }
  uint64_t FillToken() override { return 0; }
  void Fill(ClassRecordPtr, uint64_t) override {}
  void Updated(const std::vector<ClassRecordPtr>&) override {}
};

}  // namespace classplan::catalog

#endif  // CLASSPLAN_SERVICES_CATALOG_DOMAIN_CLASS_CACHE_H_
