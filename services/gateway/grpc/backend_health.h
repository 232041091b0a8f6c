#ifndef CLASSPLAN_SERVICES_GATEWAY_GRPC_BACKEND_HEALTH_H_
#define CLASSPLAN_SERVICES_GATEWAY_GRPC_BACKEND_HEALTH_H_

// The gateway's grpc.health.v1 answers for the services behind it: every
// health_check_interval each route's pool is asked (through its round-robin channel, so any
// ready replica answers) and the gateway's own health service reports the result under the
// backend's service name. "" (the gateway itself) is SERVING while it runs.

#include <atomic>
#include <memory>
#include <thread>
#include <vector>

#include "absl/synchronization/mutex.h"
#include "absl/synchronization/notification.h"
#include "common/server/server_host.h"
#include "services/gateway/grpc/backend_pools.h"
#include "services/gateway/grpc/method_kinds.h"

namespace classplan::gateway {

class BackendHealth {
 public:
  // `kinds` (may be null) learns each pool's unary methods when it is first seen up, and
  // again every minute.
  BackendHealth(const std::vector<std::unique_ptr<BackendPool>>* pools, server::ServerHost* host,
                absl::Duration interval, MethodKinds* kinds = nullptr);
  ~BackendHealth();
  // Checks every pool once (blocking), then keeps checking on a thread.
  void Start();
  void Stop();
  // Last result for pool i (true before the first check).
  bool Serving(size_t i) const { return serving_[i]->load(std::memory_order_relaxed); }

 private:
  void CheckAll();
  const std::vector<std::unique_ptr<BackendPool>>* pools_;
  server::ServerHost* host_;
  const absl::Duration interval_;
  std::vector<std::unique_ptr<std::atomic<bool>>> serving_;
  MethodKinds* kinds_;
  std::vector<absl::Time> learnt_;  // only the checking thread touches it
  absl::Notification stop_;
  std::thread thread_;
};

}  // namespace classplan::gateway

#endif  // CLASSPLAN_SERVICES_GATEWAY_GRPC_BACKEND_HEALTH_H_
