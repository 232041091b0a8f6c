#include "common/metrics/call_metrics.h"

#include <limits>

#include "prometheus/client_metric.h"

namespace classplan::metrics {
namespace {

constexpr const char* kCodeNames[CallMetrics::kCodes] = {
    "OK",        "CANCELLED",      "UNKNOWN",           "INVALID_ARGUMENT",   "DEADLINE_EXCEEDED",
    "NOT_FOUND", "ALREADY_EXISTS", "PERMISSION_DENIED", "RESOURCE_EXHAUSTED", "FAILED_PRECONDITION",
    "ABORTED",   "OUT_OF_RANGE",   "UNIMPLEMENTED",     "INTERNAL",           "UNAVAILABLE",
    "DATA_LOSS", "UNAUTHENTICATED"};

std::atomic<uint64_t> next_instance{1};

// The calling thread's method → stats, for one CallMetrics at a time (a thread serves one
// server's calls; a second instance, as in tests, just refills it).
struct ThreadMethods {
  uint64_t instance = 0;
  absl::flat_hash_map<std::string, CallMetrics::MethodStats*> map;
};
thread_local ThreadMethods tls_methods;

}  // namespace

const char* CallMetrics::CodeName(int code) {
  return code >= 0 && code < kCodes ? kCodeNames[code] : "UNKNOWN";
}

CallMetrics::CallMetrics(std::string prefix, std::string what, bool bytes)
    : prefix_(std::move(prefix)),
      what_(std::move(what)),
      bytes_(bytes),
      instance_(next_instance.fetch_add(1)) {
  other_.name = "other";
}

CallMetrics::MethodStats* CallMetrics::ForMethod(absl::string_view method, bool known) {
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

void CallMetrics::Record(MethodStats* m, int code, absl::Duration latency) {
  if (code < 0 || code >= kCodes) code = 2;  // UNKNOWN
  auto& c = m->codes[code];
  c.count.fetch_add(1, std::memory_order_relaxed);
  c.sum_ns.fetch_add(absl::ToInt64Nanoseconds(latency), std::memory_order_relaxed);
  const double s = absl::ToDoubleSeconds(latency);
  size_t b = 0;
  while (b < kBounds.size() && s > kBounds[b]) ++b;
  c.buckets[b].fetch_add(1, std::memory_order_relaxed);
}

void CallMetrics::Record(MethodStats* m, int code, absl::Duration latency, int64_t bytes_in,
                         int64_t bytes_out) {
  Record(m, code, latency);
  m->bytes_in.fetch_add(bytes_in, std::memory_order_relaxed);
  m->bytes_out.fetch_add(bytes_out, std::memory_order_relaxed);
}

std::vector<const CallMetrics::MethodStats*> CallMetrics::All() const {
  std::vector<const MethodStats*> all;
  {
    absl::MutexLock lock(&mu_);
    for (const auto& [name, m] : methods_) all.push_back(m.get());
  }
  all.push_back(&other_);
  return all;
}

std::vector<prometheus::MetricFamily> CallMetrics::Collect() const {
  prometheus::MetricFamily requests{prefix_ + "_requests_total",
                                    what_ + ", by method and status code.",
                                    prometheus::MetricType::Counter,
                                    {}};
  prometheus::MetricFamily latency{prefix_ + "_request_duration_seconds",
                                   what_ +
                                       ": time from the call's start to its status, by "
                                       "method and status code.",
                                   prometheus::MetricType::Histogram,
                                   {}};
  prometheus::MetricFamily bytes{prefix_ + "_message_bytes_total",
                                 what_ + ": message bytes received (in) and sent (out), by method.",
                                 prometheus::MetricType::Counter,
                                 {}};
  for (const MethodStats* m : All()) {
    if (bytes_) {
      for (const auto& [direction, n] :
           {std::pair<const char*, int64_t>{"in", m->bytes_in.load(std::memory_order_relaxed)},
            std::pair<const char*, int64_t>{"out", m->bytes_out.load(std::memory_order_relaxed)}}) {
        prometheus::ClientMetric b;
        b.label = {{"method", m->name}, {"direction", direction}};
        b.counter.value = static_cast<double>(n);
        bytes.metric.push_back(std::move(b));
      }
    }
    for (int c = 0; c < kCodes; ++c) {
      const auto& pc = m->codes[c];
      const int64_t n = pc.count.load(std::memory_order_relaxed);
      if (n == 0) continue;
      std::vector<prometheus::ClientMetric::Label> labels = {{"method", m->name},
                                                             {"code", kCodeNames[c]}};
      prometheus::ClientMetric count;
      count.label = labels;
      count.counter.value = static_cast<double>(n);
      requests.metric.push_back(std::move(count));

      prometheus::ClientMetric h;
      h.label = std::move(labels);
      uint64_t cumulative = 0;
      for (size_t b = 0; b <= kBounds.size(); ++b) {
        cumulative += static_cast<uint64_t>(pc.buckets[b].load(std::memory_order_relaxed));
        h.histogram.bucket.push_back({cumulative, b < kBounds.size()
                                                      ? kBounds[b]
                                                      : std::numeric_limits<double>::infinity()});
      }
      // The buckets were read after the count: their total is the count the series reports,
      // so _count always equals the +Inf bucket.
      h.histogram.sample_count = cumulative;
      h.histogram.sample_sum = static_cast<double>(pc.sum_ns.load(std::memory_order_relaxed)) / 1e9;
      latency.metric.push_back(std::move(h));
    }
  }
  std::vector<prometheus::MetricFamily> out;
  out.push_back(std::move(requests));
  out.push_back(std::move(latency));
  if (bytes_) out.push_back(std::move(bytes));
  return out;
}

}  // namespace classplan::metrics
