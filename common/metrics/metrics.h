#ifndef CLASSPLAN_COMMON_METRICS_METRICS_H_
#define CLASSPLAN_COMMON_METRICS_METRICS_H_

// Process-wide named counters, exported to Prometheus (docs/observability.md). Names are
// static operational facts ("cache.redis.fallback"); never put an applicant, employee or
// appraisal value in a name.
//
// Each counter is a series of a prometheus-cpp counter family in the process's registry
// (Registry()): "cache.redis.fallback" becomes classplan_cache_redis_fallback_total, and the
// names that belong to a labelled family (the cache tiers' hits, a service's shed calls, ...)
// become a series of it (names.cc, which also holds every family's HELP). Increment is
// lock-free (an atomic add in prometheus-cpp); lookups take a lock, so hot paths look a
// counter up once and keep the reference.

#include <cstdint>
#include <map>
#include <memory>
#include <string>
#include <string_view>

namespace prometheus {
class Counter;
class Gauge;
class Registry;
}  // namespace prometheus

namespace classplan::metrics {

class Counter {
 public:
  explicit Counter(prometheus::Counter* backing) : backing_(backing) {}
  void Increment(int64_t by = 1);
  int64_t value() const;

 private:
  prometheus::Counter* const backing_;
};

// Returns the counter with this name, creating it on first use. The reference stays valid for
// the life of the process, so hot paths look a counter up once and keep it.
Counter& GetCounter(std::string_view name);

// A copy of every named counter's current value, by name.
std::map<std::string, int64_t> Snapshot();

// A gauge of the process registry without labels, created on first use (lock-free updates).
prometheus::Gauge& GetGauge(const std::string& family, const std::string& help);

// The registry every named counter and gauge lives in (never destroyed).
const std::shared_ptr<prometheus::Registry>& Registry();

// Where a counter name goes: its family, the family's HELP and the series' labels.
struct Series {
  std::string family;
  std::string help;
  std::map<std::string, std::string> labels;
};
Series SeriesOf(std::string_view name);

}  // namespace classplan::metrics

#endif  // CLASSPLAN_COMMON_METRICS_METRICS_H_
