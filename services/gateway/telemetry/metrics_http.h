#ifndef CLASSPLAN_SERVICES_GATEWAY_TELEMETRY_METRICS_HTTP_H_
#define CLASSPLAN_SERVICES_GATEWAY_TELEMETRY_METRICS_HTTP_H_

// A tiny HTTP/1.0 listener for Prometheus scrapes: GET /metrics answers the text from
// `render`; anything else is 404. One thread, one request per connection, off the gRPC path.

#include <atomic>
#include <functional>
#include <string>
#include <thread>

#include "absl/status/status.h"

namespace classplan::gateway {

class MetricsHttpServer {
 public:
  explicit MetricsHttpServer(std::function<std::string()> render);
  ~MetricsHttpServer();
  // "host:port" (IPv4 literal or "localhost"); port 0 picks one.
  absl::Status Start(const std::string& listen);
  int port() const { return port_; }
  void Stop();

 private:
  void Loop();
  std::function<std::string()> render_;
  int fd_ = -1;
  int port_ = 0;
  std::atomic<bool> stop_{false};
  std::thread thread_;
};

}  // namespace classplan::gateway

#endif  // CLASSPLAN_SERVICES_GATEWAY_TELEMETRY_METRICS_HTTP_H_
