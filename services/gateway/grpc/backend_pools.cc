#include "services/gateway/grpc/backend_pools.h"

#include "common/server/server_host.h"
#include "common/tls/mtls.h"
#include "services/gateway/domain/call_rules.h"

namespace classplan::gateway {

std::vector<std::unique_ptr<BackendPool>> MakeBackendPools(
    const Settings& settings, const std::shared_ptr<grpc::ChannelCredentials>& creds) {
  std::vector<std::unique_ptr<BackendPool>> pools;
  for (const auto& route : settings.routes) {
    auto pool = std::make_unique<BackendPool>();
    pool->route = route;
    grpc::ChannelArguments args;
    args.SetServiceConfigJSON(ServiceConfigJson(route));
    args.SetInt(GRPC_ARG_ENABLE_RETRIES, 1);
    // A replica that comes back is used again within a second.
    args.SetInt(GRPC_ARG_INITIAL_RECONNECT_BACKOFF_MS, 100);
    // gRPC reads this as the least time a connection attempt gets (TCP, TLS, the HTTP/2
    // SETTINGS): at 100 ms a busy or distant replica's handshake timed out again and again.
    args.SetInt(GRPC_ARG_MIN_RECONNECT_BACKOFF_MS, 2000);
    args.SetInt(GRPC_ARG_MAX_RECONNECT_BACKOFF_MS, 1000);
    // "dns:" targets: a replaced replica's successor is found this soon after the old one's
    // connection fails (the only thing that makes gRPC resolve again).
    args.SetInt(GRPC_ARG_DNS_MIN_TIME_BETWEEN_RESOLUTIONS_MS,
                server::ChannelArgMillis(settings.dns_min_time_between_resolutions));
    args.SetMaxReceiveMessageSize(settings.max_message_bytes);
    args.SetMaxSendMessageSize(settings.max_message_bytes);
    tls::SetServerName(route.target, &args);
    pool->channel = grpc::CreateCustomChannel(route.target, creds, args);
    pool->stub = std::make_unique<grpc::GenericStub>(pool->channel);
    pools.push_back(std::move(pool));
  }
  return pools;
}

}  // namespace classplan::gateway
