#ifndef CLASSPLAN_SERVICES_GATEWAY_GRPC_PROXY_H_
#define CLASSPLAN_SERVICES_GATEWAY_GRPC_PROXY_H_

// The transparent proxy: a grpc::CallbackGenericService that receives every call no other
// registered service handles, asks Admission (key, policy, rate limit), and forwards the messages
// as grpc::ByteBuffers, never parsed, to the route's pool through a grpc::GenericStub. Every
// call is proxied as a bidi stream, which is what unary, client-, server- and bidi-streaming
// calls all are on the wire. Flow control: the next message in either direction is read only
// once the previous one has been written.

#include <memory>
#include <vector>

#include "common/identity/assertion.h"
#include "common/server/worker_pool.h"
#include "grpcpp/generic/async_generic_service.h"
#include "services/gateway/admission/admission.h"
#include "services/gateway/domain/api_keys.h"
#include "services/gateway/domain/call_rules.h"
#include "services/gateway/domain/key_ring.h"
#include "services/gateway/domain/policy.h"
#include "services/gateway/domain/rate_limiter.h"
#include "services/gateway/domain/settings.h"
#include "services/gateway/grpc/backend_pools.h"
#include "services/gateway/grpc/method_kinds.h"
#include "services/gateway/telemetry/access_log.h"
#include "services/gateway/telemetry/gateway_metrics.h"

namespace classplan::gateway {

// Everything a call needs; outlives every call.
struct ProxyDeps {
  const Settings* settings;
  const RouteTable* routes;
  const std::vector<std::unique_ptr<BackendPool>>* pools;
  const Policy* policy;
  const VerifiedKeyCache* keys;
  FailedAuthLimiter* failed_auth;  // null: off
  GatewayMetrics* metrics;
  server::WorkerPool* workers;
  AccessLog* access_log;     // null when the access log is off
  const MethodKinds* kinds;  // null: every call is proxied as a stream
  // Signs the identity assertion of every backend call made for an authenticated caller.
  const identity::KeyRing* identity_keys;
};

class ProxyService : public grpc::CallbackGenericService {
 public:
  explicit ProxyService(ProxyDeps deps)
      : deps_(deps), admission_({deps.policy, deps.keys, deps.failed_auth, deps.workers}) {}
  grpc::ServerGenericBidiReactor* CreateReactor(grpc::GenericCallbackServerContext* ctx) override;

 private:
  ProxyDeps deps_;
  Admission admission_;
};

}  // namespace classplan::gateway

#endif  // CLASSPLAN_SERVICES_GATEWAY_GRPC_PROXY_H_
