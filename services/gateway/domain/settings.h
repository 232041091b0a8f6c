#ifndef CLASSPLAN_SERVICES_GATEWAY_DOMAIN_SETTINGS_H_
#define CLASSPLAN_SERVICES_GATEWAY_DOMAIN_SETTINGS_H_

// The gateway's settings: gateway.textproto (classplan.gateway.v1.GatewayConfig) read,
// defaulted and checked once at start. Every field is documented in the proto and in
// docs/gateway.md.

#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "classplan/gateway/v1/config.pb.h"

namespace classplan::gateway {

struct RateLimitSettings {
  bool enabled = false;
  double per_second = 0;
  int burst = 0;
  int lease_batch = 10;
  absl::Duration lease_ttl = absl::Seconds(1);
};

struct FailedAuthLimitSettings {
  bool enabled = true;
  int burst = 20;
  double per_second = 1;
};

struct TlsSettings {
  bool enabled = false;
  std::string cert_pem, key_pem, client_ca_pem;
  bool require_client_cert = false;
};

struct RouteSettings {
  std::string service;  // full name, or "pkg.*"
  std::string target;
  std::vector<std::string> idempotent_methods;
  int max_attempts = 3;
  std::string health_service;  // "" = not health-checked
};

struct Settings {
  std::string listen = "127.0.0.1:50050";
  std::string metrics_listen = "127.0.0.1:50090";  // "" = off
  TlsSettings tls;
  std::string keys_file, policy_file;  // resolved paths
  std::string redis = "off";
  absl::Duration default_deadline = absl::Seconds(30);
  absl::Duration max_deadline = absl::Seconds(120);
  absl::Duration key_cache_ttl = absl::Seconds(60);
  RateLimitSettings rate_limit;
  std::vector<RouteSettings> routes;
  int max_message_bytes = 4 << 20;
  bool access_log = true;
  absl::Duration drain_timeout = absl::Seconds(10);
  absl::Duration health_check_interval = absl::Seconds(2);
  int worker_threads = 2;
  absl::Duration dns_min_time_between_resolutions = absl::Seconds(1);
  absl::Duration max_connection_age = absl::ZeroDuration();  // zero = never
  absl::Duration keys_reload_interval = absl::Seconds(2);
  FailedAuthLimitSettings failed_auth_limit;
};

// Reads a text-format file into `message`; errors name the file and line.
absl::Status ReadTextProtoFile(const std::string& path, google::protobuf::Message* message);
// Parses `text` (read from `name`, used in errors) into `message`.
absl::Status ParseTextProto(const std::string& text, const std::string& name,
                            google::protobuf::Message* message);
absl::StatusOr<std::string> ReadWholeFile(const std::string& path);

// Defaults and checks a parsed config. `base_dir` resolves relative file names.
absl::StatusOr<Settings> SettingsFromConfig(const v1::GatewayConfig& config,
                                            const std::string& base_dir);
// Reads, parses and checks the file.
absl::StatusOr<Settings> LoadSettings(const std::string& path);

}  // namespace classplan::gateway

#endif  // CLASSPLAN_SERVICES_GATEWAY_DOMAIN_SETTINGS_H_
