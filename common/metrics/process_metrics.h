#ifndef CLASSPLAN_COMMON_METRICS_PROCESS_METRICS_H_
#define CLASSPLAN_COMMON_METRICS_PROCESS_METRICS_H_

// The standard process metrics (process_cpu_seconds_total, process_resident_memory_bytes,
// process_virtual_memory_bytes, process_open_fds, process_max_fds,
// process_start_time_seconds), read from /proc/self at scrape time: prometheus-cpp 1.0 has no
// process collector. Names and meanings are those of the Go and Java clients.

#include <vector>

#include "prometheus/collectable.h"
#include "prometheus/metric_family.h"

namespace classplan::metrics {

class ProcessMetrics : public prometheus::Collectable {
 public:
  std::vector<prometheus::MetricFamily> Collect() const override;
};

}  // namespace classplan::metrics

#endif  // CLASSPLAN_COMMON_METRICS_PROCESS_METRICS_H_
