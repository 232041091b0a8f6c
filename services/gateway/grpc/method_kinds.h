#ifndef CLASSPLAN_SERVICES_GATEWAY_GRPC_METHOD_KINDS_H_
#define CLASSPLAN_SERVICES_GATEWAY_GRPC_METHOD_KINDS_H_

// Which methods behind each route are unary, learnt from the backends' own reflection
// service (the methods' descriptors), so that the proxy can forward a unary call as one
// unary backend call (one request, one response-and-status: a third of the callbacks of a
// stream). Still no message is parsed. A method not (yet) known is proxied as a stream,
// which is correct for every kind, so a backend without reflection only costs speed.
//
// Tables are learnt when a pool first answers its health check and again every
// `refresh_every`; a new table is published with one atomic pointer store, and old tables
// are kept (they are small and change only when a service is redeployed with new methods).

#include <atomic>
#include <memory>
#include <string>
#include <vector>

#include "absl/container/flat_hash_set.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/time.h"
#include "services/gateway/domain/call_rules.h"
#include "services/gateway/grpc/backend_pools.h"

namespace classplan::gateway {

class MethodKinds {
 public:
  MethodKinds(const std::vector<std::unique_ptr<BackendPool>>* pools, const RouteTable* routes);
  // Lock-free; "/pkg.Service/Method".
  bool IsUnary(size_t pool, absl::string_view method) const;
  // Asks pool i's backends (blocking). Returns the number of unary methods known.
  size_t Learn(size_t pool);

 private:
  using Table = absl::flat_hash_set<std::string>;
  const std::vector<std::unique_ptr<BackendPool>>* pools_;
  const RouteTable* routes_;
  std::vector<std::unique_ptr<std::atomic<const Table*>>> tables_;
  absl::Mutex mu_;
  std::vector<std::unique_ptr<Table>> owned_ ABSL_GUARDED_BY(mu_);
};

}  // namespace classplan::gateway

#endif  // CLASSPLAN_SERVICES_GATEWAY_GRPC_METHOD_KINDS_H_
