#include "services/gateway/domain/settings.h"

#include <fstream>
#include <set>
#include <sstream>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "google/protobuf/io/tokenizer.h"
#include "google/protobuf/text_format.h"

namespace classplan::gateway {
namespace {

class Collector : public google::protobuf::io::ErrorCollector {
 public:
  void AddError(int line, int column, const std::string& message) override {
    if (first.empty()) first = absl::StrCat(line + 1, ":", column + 1, ": ", message);
  }
  std::string first;
};

absl::Status Duration(const std::string& field, const std::string& text, absl::Duration* out) {
  if (text.empty()) return absl::OkStatus();
  absl::Duration d;
  if (!absl::ParseDuration(text, &d) || d <= absl::ZeroDuration()) {
    return absl::InvalidArgumentError(
        absl::StrCat(field, ": \"", text, "\" is not a positive duration such as \"30s\""));
  }
  *out = d;
  return absl::OkStatus();
}

std::string Resolve(const std::string& base_dir, const std::string& path) {
  if (path.empty() || path[0] == '/' || base_dir.empty()) return path;
  return absl::StrCat(base_dir, "/", path);
}

bool ValidServiceName(const std::string& s) {
  if (s.empty() || s.front() == '.' || s.find('/') != std::string::npos) return false;
  if (absl::EndsWith(s, ".*")) return s.size() > 2;
  return s.find('*') == std::string::npos && s.find('.') != std::string::npos;
}

}  // namespace

absl::StatusOr<std::string> ReadWholeFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return absl::NotFoundError(absl::StrCat("cannot read ", path));
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

absl::Status ParseTextProto(const std::string& text, const std::string& name,
                            google::protobuf::Message* message) {
  google::protobuf::TextFormat::Parser parser;
  Collector errors;
  parser.RecordErrorsTo(&errors);
  if (!parser.ParseFromString(text, message)) {
    return absl::InvalidArgumentError(absl::StrCat(name, ":", errors.first));
  }
  return absl::OkStatus();
}

absl::Status ReadTextProtoFile(const std::string& path, google::protobuf::Message* message) {
  auto text = ReadWholeFile(path);
  if (!text.ok()) return text.status();
  return ParseTextProto(*text, path, message);
}

absl::StatusOr<Settings> SettingsFromConfig(const v1::GatewayConfig& c,
                                            const std::string& base_dir) {
  Settings s;
  if (!c.listen().empty()) s.listen = c.listen();
  if (c.metrics_listen() == "off") {
    s.metrics_listen.clear();
  } else if (!c.metrics_listen().empty()) {
    s.metrics_listen = c.metrics_listen();
  }
  if (c.has_tls()) {
    if (c.tls().cert_file().empty() || c.tls().key_file().empty()) {
      return absl::InvalidArgumentError("tls: cert_file and key_file are both required");
    }
    s.tls.enabled = true;
    auto cert = ReadWholeFile(Resolve(base_dir, c.tls().cert_file()));
    auto key = ReadWholeFile(Resolve(base_dir, c.tls().key_file()));
    if (!cert.ok()) return cert.status();
    if (!key.ok()) return key.status();
    s.tls.cert_pem = *cert;
    s.tls.key_pem = *key;
    if (!c.tls().client_ca_file().empty()) {
      auto ca = ReadWholeFile(Resolve(base_dir, c.tls().client_ca_file()));
      if (!ca.ok()) return ca.status();
      s.tls.client_ca_pem = *ca;
    } else if (c.tls().require_client_cert()) {
      return absl::InvalidArgumentError("tls: require_client_cert needs client_ca_file");
    }
    s.tls.require_client_cert = c.tls().require_client_cert();
  }
  if (c.keys_file().empty()) return absl::InvalidArgumentError("keys_file is required");
  if (c.policy_file().empty()) return absl::InvalidArgumentError("policy_file is required");
  s.keys_file = Resolve(base_dir, c.keys_file());
  s.policy_file = Resolve(base_dir, c.policy_file());
  if (!c.redis().empty()) s.redis = c.redis();
  for (auto [name, text, out] :
       {std::tuple{"default_deadline", &c.default_deadline(), &s.default_deadline},
        std::tuple{"max_deadline", &c.max_deadline(), &s.max_deadline},
        std::tuple{"key_cache_ttl", &c.key_cache_ttl(), &s.key_cache_ttl},
        std::tuple{"drain_timeout", &c.drain_timeout(), &s.drain_timeout},
        std::tuple{"health_check_interval", &c.health_check_interval(), &s.health_check_interval},
        std::tuple{"dns_min_time_between_resolutions", &c.dns_min_time_between_resolutions(),
                   &s.dns_min_time_between_resolutions},
        std::tuple{"keys_reload_interval", &c.keys_reload_interval(), &s.keys_reload_interval}}) {
    if (absl::Status st = Duration(name, *text, out); !st.ok()) return st;
  }
  if (c.max_connection_age() != "off") {
    if (absl::Status st =
            Duration("max_connection_age", c.max_connection_age(), &s.max_connection_age);
        !st.ok()) {
      return st;
    }
  }
  if (s.default_deadline > s.max_deadline) {
    return absl::InvalidArgumentError("default_deadline is longer than max_deadline");
  }
  const auto& rl = c.rate_limit();
  if (rl.requests_per_second() < 0 || rl.burst() < 0 || rl.lease_batch() < 0) {
    return absl::InvalidArgumentError("rate_limit: values must not be negative");
  }
  if (rl.requests_per_second() > 0) {
    s.rate_limit.enabled = true;
    s.rate_limit.per_second = rl.requests_per_second();
    s.rate_limit.burst =
        rl.burst() > 0 ? rl.burst() : std::max(1, static_cast<int>(rl.requests_per_second()));
    if (rl.lease_batch() > 0) s.rate_limit.lease_batch = rl.lease_batch();
    s.rate_limit.lease_batch = std::min(s.rate_limit.lease_batch, s.rate_limit.burst);
    if (absl::Status st = Duration("rate_limit.lease_ttl", rl.lease_ttl(), &s.rate_limit.lease_ttl);
        !st.ok()) {
      return st;
    }
  }
  const auto& fa = c.failed_auth_limit();
  if (fa.burst() < 0) {
    s.failed_auth_limit.enabled = false;
  } else {
    if (fa.burst() > 0) s.failed_auth_limit.burst = fa.burst();
    if (fa.per_second() < 0) {
      return absl::InvalidArgumentError("failed_auth_limit.per_second must not be negative");
    }
    if (fa.per_second() > 0) s.failed_auth_limit.per_second = fa.per_second();
  }
  std::set<std::string> seen;
  for (int i = 0; i < c.route_size(); ++i) {
    const auto& r = c.route(i);
    const std::string where = absl::StrCat("route[", i, "]");
    if (!ValidServiceName(r.service())) {
      return absl::InvalidArgumentError(absl::StrCat(where, ".service: \"", r.service(),
                                                     "\" is not a full service name or \"pkg.*\""));
    }
    if (!seen.insert(r.service()).second) {
      return absl::InvalidArgumentError(absl::StrCat(where, ": ", r.service(), " routed twice"));
    }
    if (r.target().empty()) return absl::InvalidArgumentError(where + ".target is required");
    if (r.max_attempts() < 0 || r.max_attempts() > 5) {
      return absl::InvalidArgumentError(where + ".max_attempts must be 1..5");
    }
    RouteSettings rs;
    rs.service = r.service();
    rs.target = r.target();
    rs.idempotent_methods.assign(r.idempotent_method().begin(), r.idempotent_method().end());
    for (const auto& m : rs.idempotent_methods) {
      if (m.empty() || m.find('/') != std::string::npos || m.find('.') != std::string::npos) {
        return absl::InvalidArgumentError(
            absl::StrCat(where, ".idempotent_method: \"", m, "\" is not a method's short name"));
      }
    }
    if (r.max_attempts() > 0) rs.max_attempts = r.max_attempts();
    rs.health_service = !r.health_service().empty()         ? r.health_service()
                        : absl::EndsWith(r.service(), ".*") ? ""
                                                            : r.service();
    s.routes.push_back(std::move(rs));
  }
  if (c.max_message_bytes() < 0) return absl::InvalidArgumentError("max_message_bytes < 0");
  if (c.max_message_bytes() > 0) s.max_message_bytes = c.max_message_bytes();
  s.access_log = !c.access_log_off();
  if (c.worker_threads() < 0) return absl::InvalidArgumentError("worker_threads < 0");
  if (c.worker_threads() > 0) s.worker_threads = c.worker_threads();
  return s;
}

absl::StatusOr<Settings> LoadSettings(const std::string& path) {
  v1::GatewayConfig config;
  if (absl::Status s = ReadTextProtoFile(path, &config); !s.ok()) return s;
  const auto slash = path.rfind('/');
  auto settings =
      SettingsFromConfig(config, slash == std::string::npos ? "." : path.substr(0, slash));
  if (!settings.ok()) {
    return absl::InvalidArgumentError(absl::StrCat(path, ": ", settings.status().message()));
  }
  return settings;
}

}  // namespace classplan::gateway
