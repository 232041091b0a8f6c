#ifndef CLASSPLAN_COMMON_SERVER_FLAGS_H_
#define CLASSPLAN_COMMON_SERVER_FLAGS_H_

// Settings every server shares. Each flag's default comes from an environment variable when it
// is set, so a flag on the command line wins over the environment, which wins over the
// built-in default:
//   --listen            CLASSPLAN_LISTEN            host:port to serve on
//   --redis             CLASSPLAN_REDIS             host:port of the shared Redis, or "off"
//   --redis_password_file CLASSPLAN_REDIS_PASSWORD_FILE  file with "<user> <password>"
//   --cache_key_file    CLASSPLAN_CACHE_KEY_FILE    file with the key sealing cached values
//   --worker_threads    CLASSPLAN_WORKER_THREADS    threads for blocking work
//   --drain_timeout     CLASSPLAN_DRAIN_TIMEOUT     e.g. "10s"
//   --max_request_bytes CLASSPLAN_MAX_REQUEST_BYTES requests above it get RESOURCE_EXHAUSTED
//   --max_connection_age       CLASSPLAN_MAX_CONNECTION_AGE        e.g. "2m"; "0s" = never
//   --max_connection_age_grace CLASSPLAN_MAX_CONNECTION_AGE_GRACE  e.g. "120s"
//   --identity_key_file CLASSPLAN_IDENTITY_KEY_FILE the key ring that signs and verifies
//                       identity assertions (common/identity/assertion.h); required
//   --mtls_cert_file    CLASSPLAN_MTLS_CERT_FILE    mutual TLS inside the suite (common/tls):
//   --mtls_key_file     CLASSPLAN_MTLS_KEY_FILE       this process's certificate and key, the
//   --mtls_ca_file      CLASSPLAN_MTLS_CA_FILE        CA every peer's must chain to; all or none
//   --health_listen     CLASSPLAN_HEALTH_LISTEN     host:port of a plaintext health-only port
//   --metrics_listen    CLASSPLAN_METRICS_LISTEN    host:port of the Prometheus endpoint

#include <memory>
#include <optional>
#include <string>

#include "absl/flags/declare.h"
#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "common/identity/assertion.h"
#include "common/server/server_host.h"
#include "common/tls/mtls.h"

ABSL_DECLARE_FLAG(std::string, listen);
ABSL_DECLARE_FLAG(std::string, redis);
ABSL_DECLARE_FLAG(std::string, redis_password_file);
ABSL_DECLARE_FLAG(std::string, cache_key_file);
ABSL_DECLARE_FLAG(int, worker_threads);
ABSL_DECLARE_FLAG(absl::Duration, drain_timeout);
ABSL_DECLARE_FLAG(int, max_request_bytes);
ABSL_DECLARE_FLAG(absl::Duration, max_connection_age);
ABSL_DECLARE_FLAG(absl::Duration, max_connection_age_grace);
ABSL_DECLARE_FLAG(std::string, identity_key_file);
ABSL_DECLARE_FLAG(std::string, mtls_cert_file);
ABSL_DECLARE_FLAG(std::string, mtls_key_file);
ABSL_DECLARE_FLAG(std::string, mtls_ca_file);
ABSL_DECLARE_FLAG(std::string, health_listen);
ABSL_DECLARE_FLAG(std::string, metrics_listen);

namespace classplan::server {

// The environment variable's value, or `fallback` when unset or empty.
std::string EnvOr(const char* name, std::string fallback);

// ServerOptions from the shared flags (with the mutual TLS credentials when configured).
ServerOptions ServerOptionsFromFlags(std::string service_name);

// Serves `service` with options from the shared flags until SIGTERM or SIGINT, then drains.
// Health reports SERVING for "" and `health_name` once listening. Returns the exit code.
int ServeFromFlags(grpc::Service* service, std::string service_name, std::string health_name);

struct HostPort {
  std::string host;
  int port = 0;
};
// Parses "host:port"; an empty optional for "off" or "".
absl::StatusOr<std::optional<HostPort>> ParseRedisFlag(const std::string& value);
// The key ring of --identity_key_file; an error when the flag is empty or the file is
// unusable (missing, malformed, readable by group or others). A server does not start
// without it: every call it serves must carry a verified identity.
absl::StatusOr<std::shared_ptr<const identity::KeyRing>> IdentityKeysFromFlags();

// The mutual TLS files of --mtls_cert_file, --mtls_key_file and --mtls_ca_file, checked
// (tls::CheckMtlsFiles) on the first call after the command line is parsed and the same
// answer after: nullopt when none is set (plaintext), an error for a bad set. ServiceMain()
// refuses to start on the error.
const absl::StatusOr<std::optional<tls::MtlsFiles>>& MtlsFromFlags();

// Channel credentials for calls to another service of the suite: mutual TLS when configured,
// else plaintext. Call only once MtlsFromFlags() is ok.
std::shared_ptr<grpc::ChannelCredentials> InternalChannelCredentials();

// ParseRedisFlag of --redis.
absl::StatusOr<std::optional<HostPort>> RedisFromFlags();

}  // namespace classplan::server

#endif  // CLASSPLAN_COMMON_SERVER_FLAGS_H_
