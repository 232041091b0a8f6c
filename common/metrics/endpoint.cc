#include "common/metrics/endpoint.h"

#include <exception>

#include "absl/strings/str_cat.h"
#include "common/metrics/metrics.h"
#include "common/metrics/process_metrics.h"
#include "prometheus/exposer.h"
#include "prometheus/registry.h"
#include "prometheus/text_serializer.h"

namespace classplan::metrics {

absl::StatusOr<std::unique_ptr<Endpoint>> Endpoint::Start(const std::string& listen) {
  std::unique_ptr<Endpoint> e(new Endpoint);
  try {
    // One thread: a scrape is rare and cheap, and the machine's cores belong to the calls.
    e->exposer_ = std::make_unique<prometheus::Exposer>(listen, /*num_threads=*/1);
  } catch (const std::exception& ex) {
    return absl::UnavailableError(
        absl::StrCat("cannot serve metrics on ", listen, ": ", ex.what()));
  }
  const std::vector<int> ports = e->exposer_->GetListeningPorts();
  e->port_ = ports.empty() ? 0 : ports.front();
  e->Add(Registry());
  e->Add(std::make_shared<ProcessMetrics>());
  return e;
}

Endpoint::~Endpoint() = default;

void Endpoint::Add(std::shared_ptr<prometheus::Collectable> c) {
  exposer_->RegisterCollectable(c);
  held_.push_back(std::move(c));
}

std::string RenderText(const std::vector<std::shared_ptr<prometheus::Collectable>>& extra) {
  std::vector<prometheus::MetricFamily> families = Registry()->Collect();
  for (const auto& c : extra) {
    for (auto& f : c->Collect()) families.push_back(std::move(f));
  }
  return prometheus::TextSerializer().Serialize(families);
}

}  // namespace classplan::metrics
