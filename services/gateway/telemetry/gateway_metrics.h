#ifndef CLASSPLAN_SERVICES_GATEWAY_TELEMETRY_GATEWAY_METRICS_H_
#define CLASSPLAN_SERVICES_GATEWAY_TELEMETRY_GATEWAY_METRICS_H_

// Per-method request counts and latency histograms, rendered with every process counter
// (common/metrics) in Prometheus text format. Recording is lock-free (relaxed atomics); a
// method's stats are found through a per-thread cache, so only a thread's first call of a
// method takes the registry lock. At most kMaxMethods methods get their own series (a client
// could invent names); the rest count under method="other".

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

namespace classplan::gateway {

class GatewayMetrics {
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
      std::atomic<int64_t> sum_us{0};
      std::array<std::atomic<int64_t>, kBounds.size() + 1> buckets{};
    };
    std::array<PerCode, kCodes> codes;
    std::atomic<int64_t> bytes_in{0}, bytes_out{0};
  };

  GatewayMetrics();
  // `known` tells whether the method belongs to a route (else it counts as "other").
  MethodStats* ForMethod(absl::string_view method, bool known);
  static void Record(MethodStats* m, int code, absl::Duration latency, int64_t bytes_in,
                     int64_t bytes_out);

  // The whole exposition: per-method series, then every named counter as
  // classplan_<name>_total, then the key cache hit ratio.
  std::string RenderPrometheus();

 private:
  const uint64_t instance_;
  absl::Mutex mu_;
  absl::flat_hash_map<std::string, std::unique_ptr<MethodStats>> methods_ ABSL_GUARDED_BY(mu_);
  MethodStats other_;
};

}  // namespace classplan::gateway

#endif  // CLASSPLAN_SERVICES_GATEWAY_TELEMETRY_GATEWAY_METRICS_H_
