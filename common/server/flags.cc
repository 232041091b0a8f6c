#include "common/server/flags.h"

#include <cstdlib>
#include <optional>
#include <utility>

#include "absl/flags/flag.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "common/log/log.h"
#include "common/server/startup.h"

namespace classplan::server {

std::string EnvOr(const char* name, std::string fallback) {
  const char* v = std::getenv(name);
  return (v != nullptr && *v != '\0') ? std::string(v) : std::move(fallback);
}

namespace {
int EnvIntOr(const char* name, int fallback) {
  int v = 0;
  return absl::SimpleAtoi(EnvOr(name, ""), &v) ? v : fallback;
}
absl::Duration EnvDurationOr(const char* name, absl::Duration fallback) {
  absl::Duration d;
  return absl::ParseDuration(EnvOr(name, ""), &d) ? d : fallback;
}
}  // namespace

ServerOptions ServerOptionsFromFlags(std::string service_name) {
  ServerOptions o;
  o.service_name = std::move(service_name);
  o.listen = absl::GetFlag(FLAGS_listen);
  o.max_request_bytes = absl::GetFlag(FLAGS_max_request_bytes);
  o.drain_timeout = absl::GetFlag(FLAGS_drain_timeout);
  o.max_connection_age = absl::GetFlag(FLAGS_max_connection_age);
  o.max_connection_age_grace = absl::GetFlag(FLAGS_max_connection_age_grace);
  o.health_listen = absl::GetFlag(FLAGS_health_listen);
  o.metrics_listen = absl::GetFlag(FLAGS_metrics_listen);
  if (o.metrics_listen == "off") o.metrics_listen.clear();
  if (const auto& mtls = MtlsFromFlags(); mtls.ok() && mtls->has_value()) {
    o.credentials = tls::MtlsServerCredentials(**mtls);
  }
  return o;
}

const absl::StatusOr<std::optional<tls::MtlsFiles>>& MtlsFromFlags() {
  static const auto* const files = new absl::StatusOr<std::optional<tls::MtlsFiles>>(
      tls::CheckMtlsFiles({absl::GetFlag(FLAGS_mtls_cert_file), absl::GetFlag(FLAGS_mtls_key_file),
                           absl::GetFlag(FLAGS_mtls_ca_file)}));
  return *files;
}

std::shared_ptr<grpc::ChannelCredentials> InternalChannelCredentials() {
  const auto& mtls = MtlsFromFlags();
  if (mtls.ok() && mtls->has_value()) return tls::MtlsChannelCredentials(**mtls);
  return grpc::InsecureChannelCredentials();
}

int ServeFromFlags(grpc::Service* service, std::string service_name, std::string health_name) {
  if (const auto& mtls = MtlsFromFlags(); !mtls.ok()) {
    return BadFlag(mtls.status().message());
  }
  ServerOptions options = ServerOptionsFromFlags(std::move(service_name));
  options.health_service_names = {std::move(health_name)};
  ServerHost host(options);
  host.AddService(service);
  if (absl::Status s = host.Start(); !s.ok()) {
    log::Error("cannot start", {{"detail", s.message()}});
    return 1;
  }
  host.MarkServing();
  host.WaitForShutdownSignal();
  return 0;
}

absl::StatusOr<std::optional<HostPort>> ParseRedisFlag(const std::string& value) {
  if (value.empty() || value == "off") return std::optional<HostPort>();
  auto colon = value.rfind(':');
  HostPort hp;
  if (colon == std::string::npos || !absl::SimpleAtoi(value.substr(colon + 1), &hp.port) ||
      hp.port <= 0 || hp.port > 65535) {
    return absl::InvalidArgumentError(
        absl::StrCat("--redis must be host:port or \"off\", got \"", value, "\""));
  }
  hp.host = value.substr(0, colon);
  return std::optional<HostPort>(hp);
}

absl::StatusOr<std::shared_ptr<const identity::KeyRing>> IdentityKeysFromFlags() {
  const std::string path = absl::GetFlag(FLAGS_identity_key_file);
  if (path.empty()) {
    return absl::InvalidArgumentError(
        "--identity_key_file (env CLASSPLAN_IDENTITY_KEY_FILE) is required: the key ring that "
        "verifies the gateway's identity assertions (docs/security.md)");
  }
  return identity::KeyRing::Load(path);
}

absl::StatusOr<std::optional<HostPort>> RedisFromFlags() {
  return ParseRedisFlag(absl::GetFlag(FLAGS_redis));
}

}  // namespace classplan::server

ABSL_FLAG(std::string, listen, classplan::server::EnvOr("CLASSPLAN_LISTEN", "127.0.0.1:50051"),
          "host:port to serve gRPC on (env CLASSPLAN_LISTEN); port 0 picks a free port");
ABSL_FLAG(std::string, redis, classplan::server::EnvOr("CLASSPLAN_REDIS", "127.0.0.1:6379"),
          "host:port of the shared Redis cache, or \"off\" (env CLASSPLAN_REDIS)");
// A file, not the password: a flag's value is visible to every user in `ps`.
ABSL_FLAG(std::string, redis_password_file,
          classplan::server::EnvOr("CLASSPLAN_REDIS_PASSWORD_FILE", ""),
          "file holding the Redis credentials, one line \"<user> <password>\" (an ACL user) or "
          "\"<password>\"; empty: no AUTH (env CLASSPLAN_REDIS_PASSWORD_FILE)");
ABSL_FLAG(std::string, cache_key_file, classplan::server::EnvOr("CLASSPLAN_CACHE_KEY_FILE", ""),
          "file holding the secret (at least 32 characters) that seals every value this service "
          "puts in Redis; empty: values are only checksummed (env CLASSPLAN_CACHE_KEY_FILE)");
ABSL_FLAG(int, worker_threads, classplan::server::EnvIntOr("CLASSPLAN_WORKER_THREADS", 4),
          "threads for blocking work such as SQLite and Redis (env CLASSPLAN_WORKER_THREADS)");
ABSL_FLAG(absl::Duration, drain_timeout,
          classplan::server::EnvDurationOr("CLASSPLAN_DRAIN_TIMEOUT", absl::Seconds(10)),
          "how long in-flight calls may run after SIGTERM (env CLASSPLAN_DRAIN_TIMEOUT)");
ABSL_FLAG(int, max_request_bytes,
          classplan::server::EnvIntOr("CLASSPLAN_MAX_REQUEST_BYTES", 1 << 20),
          "largest request accepted; bigger ones get RESOURCE_EXHAUSTED "
          "(env CLASSPLAN_MAX_REQUEST_BYTES)");
// Off by default: on one machine the replicas are a fixed list and recycling connections
// gains nothing. A cluster whose DNS answers change sets a few minutes (deploy/kubernetes).
ABSL_FLAG(absl::Duration, max_connection_age,
          classplan::server::EnvDurationOr("CLASSPLAN_MAX_CONNECTION_AGE", absl::ZeroDuration()),
          "after about this long (+/-10%) a client connection is closed gracefully, so clients "
          "reconnect and re-resolve DNS and see new replicas; 0s = never "
          "(env CLASSPLAN_MAX_CONNECTION_AGE)");
// As long as the gateway's max_deadline (120s), the longest a call through it can run, so
// recycling a connection does not cut a call that came through the gateway.
ABSL_FLAG(absl::Duration, max_connection_age_grace,
          classplan::server::EnvDurationOr("CLASSPLAN_MAX_CONNECTION_AGE_GRACE",
                                           absl::Seconds(120)),
          "how long calls still running on a connection past --max_connection_age may finish "
          "before it is closed (env CLASSPLAN_MAX_CONNECTION_AGE_GRACE)");
ABSL_FLAG(std::string, identity_key_file,
          classplan::server::EnvOr("CLASSPLAN_IDENTITY_KEY_FILE", ""),
          "file of the keys that sign and verify identity assertions, mode 0600 (env "
          "CLASSPLAN_IDENTITY_KEY_FILE); required");
// Mutual TLS inside the suite (docs/security.md, "Mutual TLS"): off unless all three are set.
ABSL_FLAG(std::string, mtls_cert_file, classplan::server::EnvOr("CLASSPLAN_MTLS_CERT_FILE", ""),
          "PEM certificate this process presents on the suite's internal links, as server and as "
          "client; with --mtls_key_file and --mtls_ca_file, or none of them for plaintext (env "
          "CLASSPLAN_MTLS_CERT_FILE)");
ABSL_FLAG(std::string, mtls_key_file, classplan::server::EnvOr("CLASSPLAN_MTLS_KEY_FILE", ""),
          "PEM private key of --mtls_cert_file, mode 0600 (env CLASSPLAN_MTLS_KEY_FILE)");
ABSL_FLAG(std::string, mtls_ca_file, classplan::server::EnvOr("CLASSPLAN_MTLS_CA_FILE", ""),
          "PEM CA bundle every peer's certificate must chain to; a server then requires a "
          "client certificate (env CLASSPLAN_MTLS_CA_FILE)");
// gRPC probes (Kubernetes) cannot present a client certificate.
ABSL_FLAG(std::string, health_listen, classplan::server::EnvOr("CLASSPLAN_HEALTH_LISTEN", ""),
          "host:port of a plaintext port serving grpc.health.v1 only, for probes that cannot "
          "do mutual TLS; empty: none (env CLASSPLAN_HEALTH_LISTEN)");
ABSL_FLAG(std::string, metrics_listen, classplan::server::EnvOr("CLASSPLAN_METRICS_LISTEN", ""),
          "host:port of the Prometheus endpoint (GET /metrics over HTTP); empty or \"off\": "
          "none (env CLASSPLAN_METRICS_LISTEN)");
