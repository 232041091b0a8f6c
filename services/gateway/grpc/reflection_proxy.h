#ifndef CLASSPLAN_SERVICES_GATEWAY_GRPC_REFLECTION_PROXY_H_
#define CLASSPLAN_SERVICES_GATEWAY_GRPC_REFLECTION_PROXY_H_

// grpc.reflection.v1alpha.ServerReflection and grpc.reflection.v1.ServerReflection on the
// gateway, covering the services behind it, so that a generic client (grpcurl, Postman)
// pointed at the gateway can list and call everything. The two versions' messages are the
// same on the wire; v1 requests are answered through the v1alpha code, which asks the
// backends v1alpha (they serve both: gRPC 1.51's plugin and common/server/reflection_v1.h).
// list_services merges what every pool's backends list (only services that route to that pool) with
// the gateway's own health and reflection services; every other request goes to the pool that
// routes the symbol, else to each pool in turn until one knows the answer. Backend calls block, so
// each request is answered on a worker.

#include <memory>
#include <vector>

#include "common/server/worker_pool.h"
#include "grpc/reflection/v1/reflection.grpc.pb.h"
#include "services/gateway/domain/call_rules.h"
#include "services/gateway/grpc/backend_pools.h"
#include "src/proto/grpc/reflection/v1alpha/reflection.grpc.pb.h"

namespace classplan::gateway {

// Sends one reflection request to a pool's backends (blocking, at most 2 s); false when
// the backend could not be asked.
bool AskReflection(const BackendPool& pool,
                   const grpc::reflection::v1alpha::ServerReflectionRequest& req,
                   absl::Time deadline, grpc::reflection::v1alpha::ServerReflectionResponse* resp);

class ReflectionProxy : public grpc::reflection::v1alpha::ServerReflection::CallbackService {
 public:
  ReflectionProxy(const std::vector<std::unique_ptr<BackendPool>>* pools, const RouteTable* routes,
                  server::WorkerPool* workers);

  grpc::ServerBidiReactor<grpc::reflection::v1alpha::ServerReflectionRequest,
                          grpc::reflection::v1alpha::ServerReflectionResponse>*
  ServerReflectionInfo(grpc::CallbackServerContext* ctx) override;

  // One request, answered from the backends (blocking).
  grpc::reflection::v1alpha::ServerReflectionResponse Answer(
      const grpc::reflection::v1alpha::ServerReflectionRequest& req, absl::Time deadline) const;

 private:
  const std::vector<std::unique_ptr<BackendPool>>* pools_;
  const RouteTable* routes_;
  server::WorkerPool* workers_;
};

// grpc.reflection.v1: the same answers as `v1alpha`'s.
class ReflectionProxyV1 : public grpc::reflection::v1::ServerReflection::CallbackService {
 public:
  ReflectionProxyV1(const ReflectionProxy* v1alpha, server::WorkerPool* workers)
      : v1alpha_(v1alpha), workers_(workers) {}

  grpc::ServerBidiReactor<grpc::reflection::v1::ServerReflectionRequest,
                          grpc::reflection::v1::ServerReflectionResponse>*
  ServerReflectionInfo(grpc::CallbackServerContext* ctx) override;

 private:
  const ReflectionProxy* v1alpha_;
  server::WorkerPool* workers_;
};

}  // namespace classplan::gateway

#endif  // CLASSPLAN_SERVICES_GATEWAY_GRPC_REFLECTION_PROXY_H_
