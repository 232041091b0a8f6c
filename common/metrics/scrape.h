#ifndef CLASSPLAN_COMMON_METRICS_SCRAPE_H_
#define CLASSPLAN_COMMON_METRICS_SCRAPE_H_

// A blocking GET /metrics over HTTP/1.0, as Prometheus scrapes: for tests and tools, never on
// a serving path.

#include <string>

#include "absl/status/statusor.h"
#include "absl/time/time.h"

namespace classplan::metrics {

// The body of http://<ipv4>:<port>/metrics; an error unless the answer is 200.
absl::StatusOr<std::string> Scrape(const std::string& ipv4, int port,
                                   absl::Duration timeout = absl::Seconds(5));

}  // namespace classplan::metrics

#endif  // CLASSPLAN_COMMON_METRICS_SCRAPE_H_
