#include "common/metrics/metrics.h"

#include <memory>
#include <mutex>

namespace classplan::metrics {
namespace {

struct Registry {
  std::mutex mu;
  std::map<std::string, std::unique_ptr<Counter>, std::less<>> counters;
};

Registry& GetRegistry() {
  static Registry* r = new Registry;  // never destroyed: counters outlive static teardown
  return *r;
}

}  // namespace

Counter& GetCounter(std::string_view name) {
  Registry& r = GetRegistry();
  std::lock_guard<std::mutex> lock(r.mu);
  auto it = r.counters.find(name);
  if (it == r.counters.end()) {
    it = r.counters.emplace(std::string(name), std::make_unique<Counter>()).first;
  }
  return *it->second;
}

std::map<std::string, int64_t> Snapshot() {
  Registry& r = GetRegistry();
  std::lock_guard<std::mutex> lock(r.mu);
  std::map<std::string, int64_t> out;
  for (const auto& [name, counter] : r.counters) out[name] = counter->value();
  return out;
}

}  // namespace classplan::metrics
