#include "common/metrics/metrics.h"

#include <memory>
#include <mutex>

#include "prometheus/counter.h"
#include "prometheus/gauge.h"
#include "prometheus/registry.h"

namespace classplan::metrics {
namespace {

struct Named {
  std::mutex mu;
  std::map<std::string, std::unique_ptr<Counter>, std::less<>> counters;
};

Named& GetNamed() {
  static Named* r = new Named;  // never destroyed: counters outlive static teardown
  return *r;
}

}  // namespace

void Counter::Increment(int64_t by) { backing_->Increment(static_cast<double>(by)); }

int64_t Counter::value() const { return static_cast<int64_t>(backing_->Value()); }

const std::shared_ptr<prometheus::Registry>& Registry() {
  static auto* r = new std::shared_ptr<prometheus::Registry>(
      std::make_shared<prometheus::Registry>(prometheus::Registry::InsertBehavior::Merge));
  return *r;
}

Counter& GetCounter(std::string_view name) {
  Named& r = GetNamed();
  std::lock_guard<std::mutex> lock(r.mu);
  auto it = r.counters.find(name);
  if (it == r.counters.end()) {
    Series s = SeriesOf(name);
    auto& family =
        prometheus::BuildCounter().Name(s.family).Help(s.help).Register(*metrics::Registry());
    it = r.counters
             .emplace(std::string(name),
                      std::make_unique<Counter>(&family.Add({s.labels.begin(), s.labels.end()})))
             .first;
  }
  return *it->second;
}

prometheus::Gauge& GetGauge(const std::string& family, const std::string& help) {
  static std::mutex mu;
  std::lock_guard<std::mutex> lock(mu);
  return prometheus::BuildGauge().Name(family).Help(help).Register(*Registry()).Add({});
}

std::map<std::string, int64_t> Snapshot() {
  Named& r = GetNamed();
  std::lock_guard<std::mutex> lock(r.mu);
  std::map<std::string, int64_t> out;
  for (const auto& [name, counter] : r.counters) out[name] = counter->value();
  return out;
}

}  // namespace classplan::metrics
