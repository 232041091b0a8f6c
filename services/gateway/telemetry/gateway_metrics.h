#ifndef CLASSPLAN_SERVICES_GATEWAY_TELEMETRY_GATEWAY_METRICS_H_
#define CLASSPLAN_SERVICES_GATEWAY_TELEMETRY_GATEWAY_METRICS_H_

// Per-method request counts, latency histograms and message bytes of the calls through the
// gateway (classplan_gateway_requests_total, classplan_gateway_request_duration_seconds,
// classplan_gateway_message_bytes_total): common/metrics' CallMetrics (lock-free recording,
// per-thread method lookup, at most kMaxMethods methods, the rest as method="other"), served
// by the process's Prometheus endpoint with every named counter (common/metrics/endpoint.h).

#include <string>
#include <vector>

#include "common/metrics/call_metrics.h"

namespace classplan::gateway {

class GatewayMetrics : public metrics::CallMetrics {
 public:
  GatewayMetrics() : CallMetrics("classplan_gateway", "Calls through the gateway", true) {}
  using CallMetrics::Record;

  // The call series, and classplan_gateway_key_cache_hit_ratio (from the key cache's
  // counters).
  std::vector<prometheus::MetricFamily> Collect() const override;

  // The whole exposition, as a scrape of the gateway's endpoint would get it (for tests).
  std::string RenderPrometheus();
};

}  // namespace classplan::gateway

#endif  // CLASSPLAN_SERVICES_GATEWAY_TELEMETRY_GATEWAY_METRICS_H_
