#ifndef CLASSPLAN_COMMON_METRICS_ENDPOINT_H_
#define CLASSPLAN_COMMON_METRICS_ENDPOINT_H_

// The process's Prometheus endpoint: GET /metrics over HTTP (prometheus-cpp's Exposer, on
// civetweb's own threads, off the gRPC path), serving the named counters and gauges
// (metrics.h), the process metrics and whatever else is added (a server's CallMetrics).

#include <memory>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "prometheus/collectable.h"

namespace prometheus {
class Exposer;
}

namespace classplan::metrics {

class Endpoint {
 public:
  // Listens on "host:port" (port 0 picks one).
  static absl::StatusOr<std::unique_ptr<Endpoint>> Start(const std::string& listen);
  ~Endpoint();

  // Serves `c` too from now on.
  void Add(std::shared_ptr<prometheus::Collectable> c);
  int port() const { return port_; }

 private:
  Endpoint() = default;
  std::unique_ptr<prometheus::Exposer> exposer_;
  std::vector<std::shared_ptr<prometheus::Collectable>> held_;
  int port_ = 0;
};

// The text a scrape would get from these collectables plus the process registry (for tests
// and tools).
std::string RenderText(const std::vector<std::shared_ptr<prometheus::Collectable>>& extra);

}  // namespace classplan::metrics

#endif  // CLASSPLAN_COMMON_METRICS_ENDPOINT_H_
