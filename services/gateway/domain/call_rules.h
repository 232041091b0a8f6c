#ifndef CLASSPLAN_SERVICES_GATEWAY_DOMAIN_CALL_RULES_H_
#define CLASSPLAN_SERVICES_GATEWAY_DOMAIN_CALL_RULES_H_

// What the gateway does to every call, independent of gRPC types: which client headers
// travel on, the deadline the backend gets, the request id, and which route serves a method.

#include <string>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "absl/strings/string_view.h"
#include "absl/time/time.h"
#include "common/identity/identity.h"
#include "services/gateway/domain/settings.h"

namespace classplan::gateway {

// False for headers the gateway owns or gRPC sets itself: pseudo-headers, "grpc-*", the
// API key ("authorization" never reaches a backend), every "x-classplan-*" (identity is set
// by the gateway only; a client's copy is dropped) and "x-request-id" (set separately).
bool ForwardClientHeader(absl::string_view key);
// Same for the backend's response headers and trailers going back to the client.
bool ForwardBackendHeader(absl::string_view key);

// The backend call's deadline: the client's, `fallback` after now when it sent none
// (InfiniteFuture), and never more than `cap` after now.
absl::Time BackendDeadline(absl::Time client_deadline, absl::Time now, absl::Duration fallback,
                           absl::Duration cap);

// The client's request id when it is usable (1..128 visible ASCII characters), else a new
// random one (32 hex digits).
std::string RequestIdFor(absl::string_view client_value);

// "pkg.Service" of "/pkg.Service/Method", or empty when malformed.
absl::string_view ServiceOf(absl::string_view method);
// "Method" of "/pkg.Service/Method".
absl::string_view MethodNameOf(absl::string_view method);

// Route lookup: exact service name first, then the longest "pkg.*" package route.
class RouteTable {
 public:
  explicit RouteTable(const std::vector<RouteSettings>& routes);
  // Index into the routes, or -1.
  int Find(absl::string_view service) const;

 private:
  absl::flat_hash_map<std::string, int> exact_;
  std::vector<std::pair<std::string, int>> packages_;  // "pkg." prefix, longest first
};

// The gRPC service config of a route's channel: round_robin over every resolved address, and
// a retry policy on UNAVAILABLE for the idempotent methods only.
std::string ServiceConfigJson(const RouteSettings& route);

}  // namespace classplan::gateway

#endif  // CLASSPLAN_SERVICES_GATEWAY_DOMAIN_CALL_RULES_H_
