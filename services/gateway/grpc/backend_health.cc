#include "services/gateway/grpc/backend_health.h"

#include "common/log/log.h"
#include "grpc/health/v1/health.grpc.pb.h"

namespace classplan::gateway {

BackendHealth::BackendHealth(const std::vector<std::unique_ptr<BackendPool>>* pools,
                             server::ServerHost* host, absl::Duration interval, MethodKinds* kinds)
    : pools_(pools), host_(host), interval_(interval), kinds_(kinds) {
  for (size_t i = 0; i < pools->size(); ++i) {
    serving_.push_back(std::make_unique<std::atomic<bool>>(true));
    learnt_.push_back(absl::InfinitePast());
  }
}

BackendHealth::~BackendHealth() { Stop(); }

void BackendHealth::Start() {
  CheckAll();
  thread_ = std::thread([this] {
    while (!stop_.WaitForNotificationWithTimeout(interval_)) CheckAll();
  });
}

void BackendHealth::Stop() {
  if (!stop_.HasBeenNotified()) stop_.Notify();
  if (thread_.joinable()) thread_.join();
}

void BackendHealth::CheckAll() {
  for (size_t i = 0; i < pools_->size(); ++i) {
    const BackendPool& pool = *(*pools_)[i];
    const auto learn = [&] {
      if (kinds_ == nullptr || absl::Now() - learnt_[i] < absl::Minutes(1)) return;
      if (kinds_->Learn(i) > 0) learnt_[i] = absl::Now();
    };
    if (pool.route.health_service.empty()) {
      learn();
      continue;
    }
    auto stub = grpc::health::v1::Health::NewStub(pool.channel);
    grpc::ClientContext ctx;
    ctx.set_deadline(absl::ToChronoTime(absl::Now() + absl::Seconds(1)));
    grpc::health::v1::HealthCheckRequest req;
    req.set_service(pool.route.health_service);
    grpc::health::v1::HealthCheckResponse resp;
    const bool up = stub->Check(&ctx, req, &resp).ok() &&
                    resp.status() == grpc::health::v1::HealthCheckResponse::SERVING;
    if (serving_[i]->exchange(up) != up) {
      (up ? log::Info : log::Warn)("backend health changed",
                                   {{"backend", pool.route.health_service}, {"serving", up}});
    }
    host_->SetServingStatus(pool.route.health_service, up);
    if (up) learn();
  }
}

}  // namespace classplan::gateway
