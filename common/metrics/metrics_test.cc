#include "common/metrics/metrics.h"

#include "common/metrics/call_metrics.h"
#include "common/metrics/endpoint.h"
#include "common/metrics/process_metrics.h"
#include "gtest/gtest.h"
#include "prometheus/gauge.h"

namespace classplan::metrics {
namespace {

bool Has(const std::string& text, const std::string& what) {
  return text.find(what) != std::string::npos;
}

TEST(MetricsTest, SameNameSameCounter) {
  Counter& a = GetCounter("test.a");
  a.Increment();
  GetCounter("test.a").Increment(2);
  EXPECT_EQ(a.value(), 3);
  EXPECT_EQ(Snapshot().at("test.a"), 3);
}

TEST(MetricsTest, NamesBecomeFamiliesWithHelp) {
  GetCounter("cache.redis.fallback").Increment();
  GetCounter("catalog.cache.local_hit").Increment(2);
  GetCounter("catalog.cache.redis_hit").Increment(1);
  GetCounter("unit.rpc.shed").Increment();
  GetCounter("some-new.thing").Increment();
  const std::string text = RenderText({});
  EXPECT_TRUE(Has(text, "# HELP classplan_cache_redis_fallback_total ")) << text;
  EXPECT_TRUE(Has(text, "classplan_cache_redis_fallback_total 1")) << text;
  EXPECT_TRUE(Has(text, R"(classplan_cache_hits_total{cache="catalog",tier="local"} 2)")) << text;
  EXPECT_TRUE(Has(text, R"(classplan_cache_hits_total{cache="catalog",tier="redis"} 1)")) << text;
  EXPECT_TRUE(Has(text, R"(classplan_rpc_shed_total{service="unit"} 1)")) << text;
  EXPECT_TRUE(Has(text, "# HELP classplan_some_new_thing_total ")) << text;
}

TEST(MetricsTest, Gauge) {
  GetGauge("classplan_test_depth", "A test gauge.").Increment(4);
  GetGauge("classplan_test_depth", "A test gauge.").Decrement(1);
  EXPECT_TRUE(Has(RenderText({}), "classplan_test_depth 3"));
}

TEST(CallMetricsTest, CountsAndHistogramByMethodAndCode) {
  auto m = std::make_shared<CallMetrics>("classplan_test", "Calls served");
  auto* s = m->ForMethod("/a.Svc/Get");
  EXPECT_EQ(m->ForMethod("/a.Svc/Get"), s);
  CallMetrics::Record(s, 0, absl::Microseconds(700));
  CallMetrics::Record(s, 0, absl::Milliseconds(30));
  CallMetrics::Record(s, 4, absl::Seconds(7));
  CallMetrics::Record(m->ForMethod("/made.Up/X", false), 12, absl::Microseconds(10));
  const std::string text = RenderText({m});
  EXPECT_TRUE(Has(text, "# HELP classplan_test_requests_total Calls served")) << text;
  EXPECT_TRUE(Has(text, R"(classplan_test_requests_total{method="/a.Svc/Get",code="OK"} 2)"))
      << text;
  EXPECT_TRUE(Has(
      text, R"(classplan_test_requests_total{method="/a.Svc/Get",code="DEADLINE_EXCEEDED"} 1)"));
  EXPECT_TRUE(Has(text, R"(classplan_test_requests_total{method="other",code="UNIMPLEMENTED"} 1)"));
  EXPECT_TRUE(Has(
      text,
      R"(classplan_test_request_duration_seconds_bucket{method="/a.Svc/Get",code="OK",le="0.001"} 1)"))
      << text;
  EXPECT_TRUE(Has(
      text,
      R"(classplan_test_request_duration_seconds_bucket{method="/a.Svc/Get",code="OK",le="+Inf"} 2)"))
      << text;
  EXPECT_TRUE(Has(
      text, R"(classplan_test_request_duration_seconds_count{method="/a.Svc/Get",code="OK"} 2)"));
}

TEST(ProcessMetricsTest, StandardNames) {
  const std::string text = RenderText({std::make_shared<ProcessMetrics>()});
  for (const char* name :
       {"process_cpu_seconds_total", "process_resident_memory_bytes", "process_open_fds",
        "process_start_time_seconds", "process_max_fds", "process_virtual_memory_bytes"}) {
    EXPECT_TRUE(Has(text, std::string("# HELP ") + name + " ")) << name << "\n" << text;
  }
}

}  // namespace
}  // namespace classplan::metrics
