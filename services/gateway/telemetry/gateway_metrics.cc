#include "services/gateway/telemetry/gateway_metrics.h"

#include <memory>

#include "common/metrics/endpoint.h"
#include "common/metrics/metrics.h"
#include "prometheus/client_metric.h"

namespace classplan::gateway {

std::vector<prometheus::MetricFamily> GatewayMetrics::Collect() const {
  std::vector<prometheus::MetricFamily> out = CallMetrics::Collect();
  static metrics::Counter& hits = metrics::GetCounter("gateway.auth.key_cache_hit");
  static metrics::Counter& misses = metrics::GetCounter("gateway.auth.key_cache_miss");
  const double h = static_cast<double>(hits.value()), m = static_cast<double>(misses.value());
  prometheus::ClientMetric ratio;
  ratio.gauge.value = h + m == 0 ? 0.0 : h / (h + m);
  out.push_back({"classplan_gateway_key_cache_hit_ratio",
                 "Share of authenticated calls whose key was already verified (no hashing).",
                 prometheus::MetricType::Gauge,
                 {ratio}});
  return out;
}

std::string GatewayMetrics::RenderPrometheus() {
  // Not owned: the shared_ptr only lends `this` to the renderer for the call.
  return metrics::RenderText(
      {std::shared_ptr<prometheus::Collectable>(std::shared_ptr<prometheus::Collectable>(), this)});
}

}  // namespace classplan::gateway
