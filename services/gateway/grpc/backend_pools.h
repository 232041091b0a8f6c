#ifndef CLASSPLAN_SERVICES_GATEWAY_GRPC_BACKEND_POOLS_H_
#define CLASSPLAN_SERVICES_GATEWAY_GRPC_BACKEND_POOLS_H_

// One gRPC channel per route: its target resolves to every replica ("ipv4:" list or
// "dns:///"), and its service config balances round-robin and retries idempotent methods
// on UNAVAILABLE (call_rules.h ServiceConfigJson). With mutual TLS, an address-list target's
// first host is the name its replicas' certificates must carry (tls::ServerNameForTarget).

#include <memory>
#include <vector>

#include "grpcpp/generic/generic_stub.h"
#include "grpcpp/grpcpp.h"
#include "services/gateway/domain/settings.h"

namespace classplan::gateway {

struct BackendPool {
  RouteSettings route;
  std::shared_ptr<grpc::Channel> channel;
  std::unique_ptr<grpc::GenericStub> stub;
};

// Every channel (calls, health checks, reflection) uses `creds`: mutual TLS inside the suite
// when configured (server::InternalChannelCredentials), else plaintext.
std::vector<std::unique_ptr<BackendPool>> MakeBackendPools(
    const Settings& settings, const std::shared_ptr<grpc::ChannelCredentials>& creds);

}  // namespace classplan::gateway

#endif  // CLASSPLAN_SERVICES_GATEWAY_GRPC_BACKEND_POOLS_H_
