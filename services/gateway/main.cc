// gateway_server: the single front door (routing, authentication, authorization, rate
// limits). Everything is in one config file (docs/gateway.md):
//
//   gateway_server --config=deploy/local/gateway.textproto [--listen=host:port]
//                  [--metrics_listen=host:port] [--redis=host:port|off]
//                  --identity_key_file=<key ring that signs the backends' identity assertions>
//
// The flags, when given, override the file's listen, metrics_listen and redis, so replicas
// can share one file.

#include <memory>

#include "absl/flags/flag.h"
#include "absl/flags/parse.h"
#include "absl/flags/usage.h"
#include "absl/synchronization/mutex.h"
#include "common/cache/redis_client.h"
#include "common/log/log.h"
#include "common/server/flags.h"
#include "common/server/redis_startup.h"
#include "common/server/server_host.h"
#include "common/server/worker_pool.h"
#include "services/gateway/domain/api_keys.h"
#include "services/gateway/domain/call_rules.h"
#include "services/gateway/domain/key_ring.h"
#include "services/gateway/domain/policy.h"
#include "services/gateway/domain/rate_limiter.h"
#include "services/gateway/domain/settings.h"
#include "services/gateway/grpc/backend_health.h"
#include "services/gateway/grpc/backend_pools.h"
#include "services/gateway/grpc/grpc_threads.h"
#include "services/gateway/grpc/proxy.h"
#include "services/gateway/grpc/reflection_proxy.h"
#include "services/gateway/redis/redis_buckets.h"
#include "services/gateway/telemetry/gateway_metrics.h"

ABSL_FLAG(std::string, config,
          classplan::server::EnvOr("CLASSPLAN_GATEWAY_CONFIG", "deploy/local/gateway.textproto"),
          "the gateway's config file (env CLASSPLAN_GATEWAY_CONFIG)");

namespace classplan::gateway {
namespace {

std::shared_ptr<grpc::ServerCredentials> Credentials(const TlsSettings& tls) {
  if (!tls.enabled) return nullptr;
  grpc::SslServerCredentialsOptions o(
      tls.client_ca_pem.empty() ? GRPC_SSL_DONT_REQUEST_CLIENT_CERTIFICATE
      : tls.require_client_cert ? GRPC_SSL_REQUEST_AND_REQUIRE_CLIENT_CERTIFICATE_AND_VERIFY
                                : GRPC_SSL_REQUEST_CLIENT_CERTIFICATE_AND_VERIFY);
  o.pem_root_certs = tls.client_ca_pem;
  o.pem_key_cert_pairs.push_back({tls.key_pem, tls.cert_pem});
  return grpc::SslServerCredentials(o);
}

int Run() {
  log::Init("gateway");
  auto settings = LoadSettings(absl::GetFlag(FLAGS_config));
  if (!settings.ok()) {
    log::Error("bad config", {{"detail", std::string(settings.status().message())}});
    return 2;
  }
  if (!absl::GetFlag(FLAGS_listen).empty()) settings->listen = absl::GetFlag(FLAGS_listen);
  if (!absl::GetFlag(FLAGS_metrics_listen).empty()) {
    settings->metrics_listen = absl::GetFlag(FLAGS_metrics_listen);
    if (settings->metrics_listen == "off") settings->metrics_listen.clear();
  }
  if (!absl::GetFlag(FLAGS_redis).empty()) settings->redis = absl::GetFlag(FLAGS_redis);
  auto redis_addr = server::ParseRedisFlag(settings->redis);
  if (!redis_addr.ok()) {
    log::Error("bad config", {{"detail", std::string(redis_addr.status().message())}});
    return 2;
  }
  auto identity_keys = server::IdentityKeysFromFlags();
  if (!identity_keys.ok()) {
    log::Error("bad identity key file",
               {{"detail", std::string(identity_keys.status().message())}});
    return 2;
  }
  // Mutual TLS to the backends (--mtls_*, docs/security.md); the front port's TLS is the
  // config's tls block.
  if (const auto& mtls = server::MtlsFromFlags(); !mtls.ok()) {
    log::Error("bad flag", {{"detail", std::string(mtls.status().message())}});
    return 2;
  }
  auto policy = Policy::Load(settings->policy_file);
  if (!policy.ok()) {
    log::Error("bad policy file", {{"detail", std::string(policy.status().message())}});
    return 2;
  }

  std::unique_ptr<cache::RedisClient> redis;
  std::unique_ptr<RedisBuckets> buckets;
  if (redis_addr->has_value()) {
    cache::RedisOptions ro;
    ro.host = (*redis_addr)->host;
    ro.port = (*redis_addr)->port;
    ro.command_timeout = absl::Milliseconds(50);
    if (absl::Status s = server::RedisCredentialsFromFlags(&ro); !s.ok()) {
      // Redis will refuse the gateway: its rate limits fall back to local buckets.
      log::Error("no redis credentials; connecting without them",
                 {{"detail", std::string(s.message())}});
    }
    redis = std::make_unique<cache::RedisClient>(ro);
    buckets = std::make_unique<RedisBuckets>(redis.get());
  } else if (settings->rate_limit.enabled) {
    log::Warn("redis off: rate limits are per replica (local buckets only)");
  }
  // Every load of the key file gets a rate limiter for its principals (key_ring.h).
  auto keys = KeyRing::Load(settings->keys_file, [&](const KeyStore& store) {
    return std::make_unique<RateLimiter>(settings->rate_limit, store, buckets.get(), absl::Now());
  });
  if (!keys.ok()) {
    log::Error("bad key file", {{"detail", std::string(keys.status().message())}});
    return 2;
  }
  (*keys)->Watch(settings->keys_reload_interval);
  VerifiedKeyCache key_cache(keys->get(), settings->key_cache_ttl);
  std::unique_ptr<FailedAuthLimiter> failed_auth;
  if (settings->failed_auth_limit.enabled) {
    failed_auth = std::make_unique<FailedAuthLimiter>(settings->failed_auth_limit.per_second,
                                                      settings->failed_auth_limit.burst);
  }
  RouteTable routes(settings->routes);
  auto pools = MakeBackendPools(*settings, server::InternalChannelCredentials());
  auto metrics = std::make_shared<GatewayMetrics>();
  server::WorkerPool workers(settings->worker_threads, /*max_queue=*/4096);
  server::WorkerPool reflection_workers(2);

  std::unique_ptr<AccessLog> access_log;
  if (settings->access_log) access_log = std::make_unique<AccessLog>();
  MethodKinds kinds(&pools, &routes);
  ProxyService proxy(ProxyDeps{&*settings, &routes, &pools, &*policy, &key_cache, failed_auth.get(),
                               metrics.get(), &workers, access_log.get(), &kinds,
                               identity_keys->get()});
  ReflectionProxy reflection(&pools, &routes, &reflection_workers);
  ReflectionProxyV1 reflection_v1(&reflection, &reflection_workers);

  server::ServerOptions o;
  o.service_name = "gateway";
  o.listen = settings->listen;
  o.max_request_bytes = settings->max_message_bytes;
  o.max_send_bytes = settings->max_message_bytes;
  o.drain_timeout = settings->drain_timeout;
  o.max_connection_age = settings->max_connection_age;
  // No call through the gateway outlives max_deadline, so none is cut by the recycling.
  o.max_connection_age_grace = settings->max_deadline;
  o.credentials = Credentials(settings->tls);
  o.reflection = false;
  o.metrics_listen = settings->metrics_listen;
  server::ServerHost host(o);
  host.AddService(&reflection);
  host.AddService(&reflection_v1);
  host.SetGenericService(&proxy);
  if (absl::Status s = host.Start(); !s.ok()) {
    log::Error("cannot start", {{"detail", std::string(s.message())}});
    return 1;
  }
  if (host.metrics_endpoint() != nullptr) host.metrics_endpoint()->Add(metrics);
  BackendHealth health(&pools, &host, settings->health_check_interval, &kinds);
  health.Start();
  log::Info("gateway config",
            {{"routes", static_cast<int64_t>(settings->routes.size())},
             {"principals", static_cast<int64_t>((*keys)->Current()->store->principals().size())},
             {"tls", settings->tls.enabled},
             {"backend_mtls", server::MtlsFromFlags()->has_value()},
             {"rate_limit", settings->rate_limit.enabled},
             {"redis", settings->redis}});
  host.MarkServing();
  host.WaitForShutdownSignal();
  health.Stop();
  return 0;
}

}  // namespace
}  // namespace classplan::gateway

int main(int argc, char** argv) {
  // Debian's abseil is built with mutex deadlock detection on; gRPC's own locks are absl
  // mutexes, so on a proxy's hot path the cycle bookkeeping costs a measurable share of CPU.
  absl::SetMutexDeadlockDetectionMode(absl::OnDeadlockCycle::kIgnore);
  classplan::server::BlockShutdownSignals();
  absl::SetProgramUsageMessage("classplan API gateway");
  // The config file decides these unless the command line says otherwise (so the shared
  // CLASSPLAN_LISTEN / CLASSPLAN_REDIS environment defaults do not apply here).
  absl::SetFlag(&FLAGS_listen, "");
  absl::SetFlag(&FLAGS_redis, "");
  absl::SetFlag(&FLAGS_metrics_listen, "");
  absl::ParseCommandLine(argc, argv);
  classplan::gateway::RunGrpcExecutorWorkInline();
  return classplan::gateway::Run();
}
