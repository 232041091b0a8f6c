#ifndef CLASSPLAN_COMMON_SERVER_SERVER_HOST_H_
#define CLASSPLAN_COMMON_SERVER_SERVER_HOST_H_

// The one way every classplan server starts and stops:
//   - settings from flags, with CLASSPLAN_* environment variables as defaults;
//   - gRPC callback services, a request size limit (bigger → RESOURCE_EXHAUSTED);
//   - grpc.health.v1: NOT_SERVING until MarkServing(), NOT_SERVING again on SIGTERM/SIGINT;
//   - server reflection, v1alpha (gRPC's plugin) and v1 (reflection_v1.h);
//   - calls counted and timed by method and code, and a Prometheus endpoint (`metrics_listen`,
//     docs/observability.md);
//   - graceful drain: in-flight calls get `drain_timeout` to finish, then are cancelled;
//   - optional mutual TLS (`credentials`, common/tls/mtls.h) and then, optionally, a second
//     plaintext port serving only grpc.health.v1 (`health_listen`) for probes that cannot
//     present a client certificate (Kubernetes' gRPC probes);
//   - optional maximum connection age: each connection is closed (GOAWAY) after about
//     `max_connection_age`, so clients reconnect and re-resolve DNS and new replicas get calls.

#include <functional>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "absl/status/status.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/time.h"
#include "common/metrics/call_metrics.h"
#include "common/metrics/endpoint.h"
#include "grpcpp/generic/async_generic_service.h"
#include "grpcpp/grpcpp.h"

namespace classplan::server {

// A duration as a gRPC channel argument in int milliseconds: at least 1, at most INT_MAX
// (gRPC's "unlimited"), so a long or infinite setting never wraps to a negative number.
int ChannelArgMillis(absl::Duration d);

struct ServerOptions {
  std::string service_name;                // for logs, e.g. "catalog"
  std::string listen = "127.0.0.1:50051";  // host:port; port 0 picks a free one
  int max_request_bytes = 1 << 20;         // larger requests are refused
  absl::Duration drain_timeout = absl::Seconds(10);
  // Time between NOT_SERVING and closing the listener, so load balancers stop routing first.
  absl::Duration drain_grace = absl::Milliseconds(0);
  std::vector<std::string> health_service_names;  // fully qualified, besides "" (overall)
  // How often every counter is written as one "metrics" log line (and once more at
  // shutdown); zero for never. This is how operators see fallbacks and errors.
  absl::Duration metrics_interval = absl::Seconds(60);
  // host:port of the Prometheus endpoint (GET /metrics over HTTP, common/metrics/endpoint.h);
  // empty for none.
  std::string metrics_listen;
  // One "access" log line per call (call_observer.h).
  bool access_log = true;
  // Listening credentials; null means plaintext (InsecureServerCredentials).
  std::shared_ptr<grpc::ServerCredentials> credentials;
  // host:port of a plaintext listener that answers grpc.health.v1 only, with the same
  // statuses as the main port; empty for none. Nothing else is served there.
  std::string health_listen;
  // Registers the standard reflection service. A proxy that answers reflection itself (the
  // gateway) turns it off.
  bool reflection = true;
  // Largest response sent; 0 keeps gRPC's default (unlimited).
  int max_send_bytes = 0;
  // After this long a connection gets a GOAWAY: the client opens a new one for new calls, and
  // a "dns:" client resolves the name again, so replicas added since are found. gRPC adds
  // +/-10% per connection. Zero (or infinite) keeps connections for ever.
  absl::Duration max_connection_age = absl::ZeroDuration();
  // Calls still running on a connection past its age get this long to finish; then the
  // connection is closed and they fail UNAVAILABLE. The connection closes as soon as its last
  // call ends, so a long grace costs nothing.
  absl::Duration max_connection_age_grace = absl::Seconds(120);
};

// Blocks SIGTERM and SIGINT in the calling thread and every thread it starts later, so that
// WaitForShutdownSignal() can receive them. Call first thing in main().
void BlockShutdownSignals();

class ServerHost {
 public:
  explicit ServerHost(ServerOptions options);
  ~ServerHost();

  // Registers a service; call before Start(). The service must outlive the host.
  void AddService(grpc::Service* service);
  // Registers the service that receives every call no registered service handles.
  void SetGenericService(grpc::CallbackGenericService* service) { generic_ = service; }
  // Builds and starts the server. Health reports NOT_SERVING until MarkServing().
  absl::Status Start();
  // The bound port (useful with port 0).
  int port() const { return port_; }
  // The health-only port, 0 without one.
  int health_port() const { return health_port_; }
  // The metrics port, 0 without one.
  int metrics_port() const { return metrics_ != nullptr ? metrics_->port() : 0; }
  // The metrics endpoint (null without one), to serve more collectables (the gateway's).
  metrics::Endpoint* metrics_endpoint() { return metrics_.get(); }
  // Health → SERVING for "" and every configured service name.
  void MarkServing();
  // Health of one more service name (e.g. a backend the gateway answers for); ignored once
  // shutdown has begun.
  void SetServingStatus(const std::string& service, bool serving);
  // Blocks until SIGTERM or SIGINT, then drains. Returns the signal number.
  int WaitForShutdownSignal();
  // Health → NOT_SERVING, wait drain_grace, stop accepting, give in-flight calls
  // drain_timeout, then cancel the rest. Idempotent.
  void Shutdown();

 private:
  // `f` on the health service of the main server and of the health-only one, if any.
  void ForEachHealth(const std::function<void(grpc::HealthCheckServiceInterface*)>& f) const;

  ServerOptions options_;
  std::vector<grpc::Service*> services_;
  grpc::CallbackGenericService* generic_ = nullptr;
  std::unique_ptr<grpc::Server> server_;
  grpc::CallbackGenericService health_only_;     // the health server's other methods
  std::unique_ptr<grpc::Server> health_server_;  // --health_listen's
  int port_ = 0;
  int health_port_ = 0;
  bool shut_down_ = false;
  std::unique_ptr<grpc::Service> reflection_v1_;  // grpc.reflection.v1 (reflection_v1.h)
  std::shared_ptr<metrics::CallMetrics> calls_;
  std::unique_ptr<metrics::Endpoint> metrics_;
  std::thread metrics_thread_;
  absl::Mutex metrics_mu_;
  bool metrics_stop_ ABSL_GUARDED_BY(metrics_mu_) = false;
};

}  // namespace classplan::server

#endif  // CLASSPLAN_COMMON_SERVER_SERVER_HOST_H_
