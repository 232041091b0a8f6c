#ifndef CLASSPLAN_COMMON_METRICS_CALL_METRICS_H_
#define CLASSPLAN_COMMON_METRICS_CALL_METRICS_H_

// Calls by method and status code: a request counter and a latency histogram, exported as
// <prefix>_requests_total and <prefix>_request_duration_seconds. prometheus-cpp 1.0's
// Histogram takes a mutex on every Observe, so the hot path here is relaxed atomics only and
// the series are built at scrape time (a prometheus::Collectable). A method's stats are
// found through a per-thread cache keyed by the method's text (no allocation, no lock); only
// a thread's first call of a method takes the lock. At most kMaxMethods methods get their own
// series (a client could invent names); the rest count under method="other".

#include <array>
#include <atomic>
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "absl/base/thread_annotations.h"
#include "absl/container/flat_hash_map.h"
#include "absl/strings/string_view.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/time.h"
#include "prometheus/collectable.h"
#include "prometheus/metric_family.h"

namespace classplan::metrics {

class CallMetrics : public prometheus::Collectable {
 public:
  static constexpr int kCodes = 17;
  static constexpr int kMaxMethods = 500;
  // Upper bounds of the latency buckets, in seconds (+Inf implied).
  static constexpr std::array<double, 13> kBounds = {
      0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5};

  struct MethodStats {
    std::string name;
    struct PerCode {
      std::atomic<int64_t> count{0};
      std::atomic<int64_t> sum_ns{0};
      std::array<std::atomic<int64_t>, kBounds.size() + 1> buckets{};
    };
    std::array<PerCode, kCodes> codes;
    // Message bytes received and sent (the gateway's proxy counts them; services do not).
    std::atomic<int64_t> bytes_in{0}, bytes_out{0};
  };

  // `prefix` names the families ("classplan_server"), `what` says in HELP whose calls they
  // count ("Calls served").
  // With `bytes`, <prefix>_message_bytes_total{method,direction} is exported too.
  CallMetrics(std::string prefix, std::string what, bool bytes = false);

  // `known` tells whether the method may get its own series (else it counts as "other").
  MethodStats* ForMethod(absl::string_view method, bool known = true);
  static void Record(MethodStats* m, int code, absl::Duration latency);
  static void Record(MethodStats* m, int code, absl::Duration latency, int64_t bytes_in,
                     int64_t bytes_out);

  std::vector<prometheus::MetricFamily> Collect() const override;

  // The status code's canonical name ("DEADLINE_EXCEEDED"); UNKNOWN out of range.
  static const char* CodeName(int code);

 private:
  std::vector<const MethodStats*> All() const;

  const std::string prefix_;
  const std::string what_;
  const bool bytes_;
  const uint64_t instance_;
  mutable absl::Mutex mu_;
  absl::flat_hash_map<std::string, std::unique_ptr<MethodStats>> methods_ ABSL_GUARDED_BY(mu_);
  MethodStats other_;
};

}  // namespace classplan::metrics

#endif  // CLASSPLAN_COMMON_METRICS_CALL_METRICS_H_
