#include "services/gateway/telemetry/gateway_metrics.h"

#include <map>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_replace.h"
#include "common/metrics/metrics.h"

namespace classplan::gateway {
namespace {

constexpr const char* kCodeNames[GatewayMetrics::kCodes] = {
    "OK",        "CANCELLED",      "UNKNOWN",           "INVALID_ARGUMENT",   "DEADLINE_EXCEEDED",
    "NOT_FOUND", "ALREADY_EXISTS", "PERMISSION_DENIED", "RESOURCE_EXHAUSTED", "FAILED_PRECONDITION",
    "ABORTED",   "OUT_OF_RANGE",   "UNIMPLEMENTED",     "INTERNAL",           "UNAVAILABLE",
    "DATA_LOSS", "UNAUTHENTICATED"};

std::atomic<uint64_t> next_instance{1};

struct ThreadMethods {
  uint64_t instance = 0;
  absl::flat_hash_map<std::string, GatewayMetrics::MethodStats*> map;
};
thread_local ThreadMethods tls_methods;

std::string Label(absl::string_view v) {
  return absl::StrReplaceAll(v, {{"\\", "\\\\"}, {"\"", "\\\""}, {"\n", "\\n"}});
}

}  // namespace

GatewayMetrics::GatewayMetrics() : instance_(next_instance.fetch_add(1)) { other_.name = "other"; }

GatewayMetrics::MethodStats* GatewayMetrics::ForMethod(absl::string_view method, bool known) {
  if (!known) return &other_;
  ThreadMethods& t = tls_methods;
  if (t.instance != instance_) {
    t.map.clear();
    t.instance = instance_;
  }
  if (auto it = t.map.find(method); it != t.map.end()) return it->second;
  MethodStats* stats = &other_;
  {
    absl::MutexLock lock(&mu_);
    auto it = methods_.find(method);
    if (it != methods_.end()) {
      stats = it->second.get();
    } else if (methods_.size() < kMaxMethods) {
      auto m = std::make_unique<MethodStats>();
      m->name = std::string(method);
      stats = m.get();
      methods_.emplace(std::string(method), std::move(m));
    }
  }
  if (t.map.size() < kMaxMethods) t.map.emplace(std::string(method), stats);
  return stats;
}

void GatewayMetrics::Record(MethodStats* m, int code, absl::Duration latency, int64_t bytes_in,
                            int64_t bytes_out) {
  if (code < 0 || code >= kCodes) code = 2;  // UNKNOWN
  auto& c = m->codes[code];
  c.count.fetch_add(1, std::memory_order_relaxed);
  c.sum_us.fetch_add(absl::ToInt64Microseconds(latency), std::memory_order_relaxed);
  const double s = absl::ToDoubleSeconds(latency);
  size_t b = 0;
  while (b < kBounds.size() && s > kBounds[b]) ++b;
  c.buckets[b].fetch_add(1, std::memory_order_relaxed);
  m->bytes_in.fetch_add(bytes_in, std::memory_order_relaxed);
  m->bytes_out.fetch_add(bytes_out, std::memory_order_relaxed);
}

std::string GatewayMetrics::RenderPrometheus() {
  std::vector<const MethodStats*> all;
  {
    absl::MutexLock lock(&mu_);
    for (const auto& [name, m] : methods_) all.push_back(m.get());
  }
  all.push_back(&other_);
  std::string out;
  out +=
      "# HELP classplan_gateway_requests_total Calls through the gateway by method and status.\n";
  out += "# TYPE classplan_gateway_requests_total counter\n";
  for (const auto* m : all) {
    for (int c = 0; c < kCodes; ++c) {
      const int64_t n = m->codes[c].count.load(std::memory_order_relaxed);
      if (n == 0) continue;
      absl::StrAppend(&out, "classplan_gateway_requests_total{method=\"", Label(m->name),
                      "\",code=\"", kCodeNames[c], "\"} ", n, "\n");
    }
  }
  out +=
      "# HELP classplan_gateway_request_duration_seconds Latency of calls by method and status.\n";
  out += "# TYPE classplan_gateway_request_duration_seconds histogram\n";
  for (const auto* m : all) {
    for (int c = 0; c < kCodes; ++c) {
      const auto& pc = m->codes[c];
      const int64_t n = pc.count.load(std::memory_order_relaxed);
      if (n == 0) continue;
      const std::string labels =
          absl::StrCat("method=\"", Label(m->name), "\",code=\"", kCodeNames[c], "\"");
      int64_t cumulative = 0;
      for (size_t b = 0; b <= kBounds.size(); ++b) {
        cumulative += pc.buckets[b].load(std::memory_order_relaxed);
        const std::string le = b < kBounds.size() ? absl::StrFormat("%g", kBounds[b]) : "+Inf";
        absl::StrAppend(&out, "classplan_gateway_request_duration_seconds_bucket{", labels,
                        ",le=\"", le, "\"} ", cumulative, "\n");
      }
      absl::StrAppend(&out, "classplan_gateway_request_duration_seconds_sum{", labels, "} ",
                      absl::StrFormat("%.6f", pc.sum_us.load(std::memory_order_relaxed) / 1e6),
                      "\n");
      absl::StrAppend(&out, "classplan_gateway_request_duration_seconds_count{", labels, "} ", n,
                      "\n");
    }
  }
  out += "# TYPE classplan_gateway_message_bytes_total counter\n";
  for (const auto* m : all) {
    absl::StrAppend(&out, "classplan_gateway_message_bytes_total{method=\"", Label(m->name),
                    "\",direction=\"in\"} ", m->bytes_in.load(), "\n");
    absl::StrAppend(&out, "classplan_gateway_message_bytes_total{method=\"", Label(m->name),
                    "\",direction=\"out\"} ", m->bytes_out.load(), "\n");
  }
  // Every named counter of the process (backend errors, rate-limit rejections, Redis
  // fallbacks, key cache hits and misses, ...).
  const std::map<std::string, int64_t> counters = metrics::Snapshot();
  for (const auto& [name, value] : counters) {
    const std::string metric =
        absl::StrCat("classplan_", absl::StrReplaceAll(name, {{".", "_"}, {"-", "_"}}), "_total");
    absl::StrAppend(&out, "# TYPE ", metric, " counter\n", metric, " ", value, "\n");
  }
  auto get = [&](const char* n) {
    auto it = counters.find(n);
    return it == counters.end() ? int64_t{0} : it->second;
  };
  const int64_t hits = get("gateway.auth.key_cache_hit"),
                misses = get("gateway.auth.key_cache_miss");
  out +=
      "# HELP classplan_gateway_key_cache_hit_ratio Share of authenticated calls whose key was "
      "already verified (no hashing).\n# TYPE classplan_gateway_key_cache_hit_ratio gauge\n";
  absl::StrAppend(
      &out, "classplan_gateway_key_cache_hit_ratio ",
      absl::StrFormat("%.6f", hits + misses == 0
                                  ? 0.0
                                  : static_cast<double>(hits) / static_cast<double>(hits + misses)),
      "\n");
  return out;
}

}  // namespace classplan::gateway
