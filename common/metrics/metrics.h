#ifndef CLASSPLAN_COMMON_METRICS_METRICS_H_
#define CLASSPLAN_COMMON_METRICS_METRICS_H_

// Process-wide named counters. Names are static operational facts
// ("cache.redis.fallback"); never put an applicant, employee or appraisal value in a name.

#include <atomic>
#include <cstdint>
#include <map>
#include <string>
#include <string_view>

namespace classplan::metrics {

class Counter {
 public:
  void Increment(int64_t by = 1) { value_.fetch_add(by, std::memory_order_relaxed); }
  int64_t value() const { return value_.load(std::memory_order_relaxed); }

 private:
  std::atomic<int64_t> value_{0};
};

// Returns the counter with this name, creating it on first use. The reference stays valid for
// the life of the process, so hot paths look a counter up once and keep it.
Counter& GetCounter(std::string_view name);

// A copy of every counter's current value, by name.
std::map<std::string, int64_t> Snapshot();

}  // namespace classplan::metrics

#endif  // CLASSPLAN_COMMON_METRICS_METRICS_H_
