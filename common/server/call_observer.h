#ifndef CLASSPLAN_COMMON_SERVER_CALL_OBSERVER_H_
#define CLASSPLAN_COMMON_SERVER_CALL_OBSERVER_H_

// Every call a ServerHost serves (typed services; the gateway's generic proxy counts and logs
// its own calls), seen from a server interceptor, from its start to the status it sends,
// whichever path finished it (worker, callback thread, stream), so no adapter has to remember:
//   - counted and timed by method and status code (metrics::CallMetrics, exported as
//     classplan_server_requests_total and classplan_server_request_duration_seconds);
//   - one access-log line ("msg":"access"): method, code, latency, the gateway's request id,
//     the W3C trace id, and the principal only when it is a system (role agency_system, e.g.
//     "service:payband" or an agency's ATS), never a person's id or any request content.
//     Health checks are counted, not logged.
// A call whose deadline passed is recorded as DEADLINE_EXCEEDED whatever the service sent
// (the caller sees DEADLINE_EXCEEDED; gRPC reports it to the server as a cancellation).

#include <memory>
#include <string>

#include "absl/time/time.h"
#include "common/metrics/call_metrics.h"
#include "grpcpp/grpcpp.h"
#include "grpcpp/support/server_interceptor.h"

namespace classplan::server {

struct CallObserverOptions {
  std::shared_ptr<metrics::CallMetrics> metrics;
  bool access_log = true;
};

std::unique_ptr<grpc::experimental::ServerInterceptorFactoryInterface> CallObserverFactory(
    CallObserverOptions options);

// Tells the call's access-log line its principal: called by RpcAdapter::CallerOf for a
// verified caller in role agency_system (a system, not a person).
void NoteSystemPrincipal(const grpc::ServerContextBase* ctx, const std::string& principal);

// The code a call really ended with: DEADLINE_EXCEEDED for one whose deadline has passed and
// that ended OK, CANCELLED or UNAVAILABLE from the cancellation the deadline caused.
grpc::StatusCode EffectiveCode(grpc::StatusCode sent, absl::Time deadline, absl::Time now);

}  // namespace classplan::server

#endif  // CLASSPLAN_COMMON_SERVER_CALL_OBSERVER_H_
