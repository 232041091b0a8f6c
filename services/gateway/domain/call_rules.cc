#include "services/gateway/domain/call_rules.h"

#include <algorithm>

#include "absl/random/random.h"
#include "absl/strings/ascii.h"
#include "absl/strings/escaping.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"

namespace classplan::gateway {
namespace {

bool Reserved(absl::string_view key) {
  return key.empty() || key[0] == ':' || absl::StartsWith(key, "grpc-") || key == "te" ||
         key == "content-type" || key == "user-agent" || key == "host";
}

}  // namespace

bool ForwardClientHeader(absl::string_view key) {
  // traceparent: the gateway sends its own child of the caller's trace (or a new trace).
  return !Reserved(key) && key != "authorization" &&
         !absl::StartsWith(key, identity::kHeaderPrefix) && key != identity::kRequestIdHeader &&
         key != "traceparent";
}

bool ForwardBackendHeader(absl::string_view key) {
  return !Reserved(key) && key != identity::kRequestIdHeader;
}

absl::Time BackendDeadline(absl::Time client_deadline, absl::Time now, absl::Duration fallback,
                           absl::Duration cap) {
  if (client_deadline == absl::InfiniteFuture()) return now + fallback;
  return std::min(client_deadline, now + cap);
}

std::string RequestIdFor(absl::string_view v) {
  bool ok = !v.empty() && v.size() <= 128;
  for (char c : v) ok = ok && c > ' ' && c < 0x7f;
  if (ok) return std::string(v);
  thread_local absl::BitGen gen;
  const uint64_t a = absl::Uniform<uint64_t>(gen), b = absl::Uniform<uint64_t>(gen);
  std::string raw(16, '\0');
  for (int i = 0; i < 8; ++i) {
    raw[i] = static_cast<char>(a >> (8 * i));
    raw[8 + i] = static_cast<char>(b >> (8 * i));
  }
  return absl::BytesToHexString(raw);
}

absl::string_view ServiceOf(absl::string_view method) {
  if (method.size() < 4 || method[0] != '/') return {};
  const size_t slash = method.find('/', 1);
  if (slash == absl::string_view::npos || slash == 1 || slash + 1 == method.size()) return {};
  return method.substr(1, slash - 1);
}

absl::string_view MethodNameOf(absl::string_view method) {
  const size_t slash = method.rfind('/');
  return slash == absl::string_view::npos ? method : method.substr(slash + 1);
}

RouteTable::RouteTable(const std::vector<RouteSettings>& routes) {
  for (size_t i = 0; i < routes.size(); ++i) {
    const std::string& s = routes[i].service;
    if (absl::EndsWith(s, ".*")) {
      packages_.emplace_back(s.substr(0, s.size() - 1), static_cast<int>(i));
    } else {
      exact_.emplace(s, static_cast<int>(i));
    }
  }
  std::sort(packages_.begin(), packages_.end(),
            [](const auto& a, const auto& b) { return a.first.size() > b.first.size(); });
}

int RouteTable::Find(absl::string_view service) const {
  if (auto it = exact_.find(service); it != exact_.end()) return it->second;
  for (const auto& [prefix, index] : packages_) {
    // "pkg." must be followed by the service's own name, not a deeper package.
    if (absl::StartsWith(service, prefix) &&
        service.substr(prefix.size()).find('.') == absl::string_view::npos) {
      return index;
    }
  }
  return -1;
}

std::string ServiceConfigJson(const RouteSettings& route) {
  std::string json = R"({"loadBalancingConfig":[{"round_robin":{}}])";
  if (!route.idempotent_methods.empty() && !absl::EndsWith(route.service, ".*")) {
    std::vector<std::string> names;
    for (const auto& m : route.idempotent_methods) {
      names.push_back(
          absl::StrCat(R"({"service":")", route.service, R"(","method":")", m, R"("})"));
    }
    absl::StrAppend(&json, R"(,"methodConfig":[{"name":[)", absl::StrJoin(names, ","),
                    R"(],"retryPolicy":{"maxAttempts":)", route.max_attempts,
                    R"(,"initialBackoff":"0.01s","maxBackoff":"0.2s","backoffMultiplier":2,)"
                    R"("retryableStatusCodes":["UNAVAILABLE"]}}])");
  }
  json += "}";
  return json;
}

}  // namespace classplan::gateway
