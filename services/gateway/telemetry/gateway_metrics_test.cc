#include "services/gateway/telemetry/gateway_metrics.h"

#include "common/metrics/metrics.h"
#include "gtest/gtest.h"

namespace classplan::gateway {
namespace {

bool Has(const std::string& text, const std::string& what) {
  return text.find(what) != std::string::npos;
}

TEST(GatewayMetricsTest, PrometheusText) {
  GatewayMetrics m;
  auto* s = m.ForMethod("/a.Svc/Get", true);
  EXPECT_EQ(m.ForMethod("/a.Svc/Get", true), s);
  GatewayMetrics::Record(s, 0, absl::Microseconds(700), 10, 20);
  GatewayMetrics::Record(s, 0, absl::Milliseconds(30), 10, 20);
  GatewayMetrics::Record(s, 16, absl::Microseconds(10), 0, 0);
  GatewayMetrics::Record(m.ForMethod("/made.Up/X", false), 12, absl::Microseconds(10), 0, 0);
  metrics::GetCounter("gateway.auth.key_cache_hit").Increment(3);
  metrics::GetCounter("gateway.auth.key_cache_miss").Increment(1);
  metrics::GetCounter("gateway.backend.errors").Increment(1);
  const std::string text = m.RenderPrometheus();
  EXPECT_TRUE(Has(text, R"(classplan_gateway_requests_total{method="/a.Svc/Get",code="OK"} 2)"))
      << text;
  EXPECT_TRUE(Has(
      text, R"(classplan_gateway_requests_total{method="/a.Svc/Get",code="UNAUTHENTICATED"} 1)"));
  EXPECT_TRUE(
      Has(text, R"(classplan_gateway_requests_total{method="other",code="UNIMPLEMENTED"} 1)"));
  EXPECT_TRUE(Has(
      text,
      R"(classplan_gateway_request_duration_seconds_bucket{method="/a.Svc/Get",code="OK",le="0.001"} 1)"))
      << text;
  EXPECT_TRUE(Has(
      text,
      R"(classplan_gateway_request_duration_seconds_bucket{method="/a.Svc/Get",code="OK",le="+Inf"} 2)"));
  EXPECT_TRUE(
      Has(text, R"(classplan_gateway_message_bytes_total{method="/a.Svc/Get",direction="in"} 20)"));
  EXPECT_TRUE(Has(text, "classplan_gateway_auth_key_cache_hit_total 3")) << text;
  EXPECT_TRUE(Has(text, "classplan_gateway_key_cache_hit_ratio 0.75")) << text;
  EXPECT_TRUE(Has(text, "# HELP classplan_gateway_backend_errors_total "));
  EXPECT_TRUE(Has(text, "classplan_gateway_backend_errors_total 1"));
}

}  // namespace
}  // namespace classplan::gateway
