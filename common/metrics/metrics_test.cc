#include "common/metrics/metrics.h"

#include "gtest/gtest.h"

namespace classplan::metrics {
namespace {

TEST(MetricsTest, SameNameSameCounter) {
  Counter& a = GetCounter("test.a");
  a.Increment();
  GetCounter("test.a").Increment(2);
  EXPECT_EQ(a.value(), 3);
  EXPECT_EQ(Snapshot().at("test.a"), 3);
}

}  // namespace
}  // namespace classplan::metrics
