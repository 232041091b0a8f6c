#ifndef CLASSPLAN_SERVICES_CATALOG_GRPC_CATALOG_GRPC_SERVICE_H_
#define CLASSPLAN_SERVICES_CATALOG_GRPC_CATALOG_GRPC_SERVICE_H_

// The thin gRPC adapter: hands each call to the domain core on a worker thread and maps
// absl::Status to grpc::Status. A cached GetJobClass is answered on the callback thread since
// it needs no I/O.

#include <memory>
#include <utility>

#include "absl/container/flat_hash_map.h"
#include "absl/synchronization/mutex.h"
#include "classplan/catalog/v1/catalog_service.grpc.pb.h"
#include "common/server/unary.h"
#include "common/server/worker_pool.h"
#include "grpcpp/support/message_allocator.h"
#include "services/catalog/domain/catalog.h"
#include "services/catalog/domain/method_roles.h"

namespace classplan::catalog {

// Lets a cached GetJobClass be answered by serializing one shared, immutable response
// instead of copying it into gRPC's response object: gRPC serializes whatever message the
// call's holder points to when the call finishes.
class GetJobClassAllocator
    : public grpc::MessageAllocator<pb::GetJobClassRequest, pb::GetJobClassResponse> {
 public:
  grpc::MessageHolder<pb::GetJobClassRequest, pb::GetJobClassResponse>* AllocateMessages() override;
  // Makes the call that owns `request` answer with `response`.
  void AnswerWith(const pb::GetJobClassRequest* request,
                  std::shared_ptr<const pb::GetJobClassResponse> response);

 private:
  class Holder;
  absl::Mutex mu_;
  absl::flat_hash_map<const pb::GetJobClassRequest*, Holder*> holders_ ABSL_GUARDED_BY(mu_);
};

class CatalogGrpcService final : public pb::CatalogService::CallbackService {
 public:
  // `catalog` and `workers` must outlive the service; `keys` verify every call's identity.
  CatalogGrpcService(Catalog* catalog, server::WorkerPool* workers,
                     std::shared_ptr<const identity::KeyRing> keys)
      : catalog_(catalog),
        rpc_("catalog", workers,
             {pb::CatalogService::service_full_name(), std::move(keys), &CatalogMethodRoles()}) {
    SetMessageAllocatorFor_GetJobClass(&get_allocator_);
  }

  grpc::ServerUnaryReactor* GetJurisdiction(grpc::CallbackServerContext*,
                                            const pb::GetJurisdictionRequest*,
                                            pb::GetJurisdictionResponse*) override;
  grpc::ServerUnaryReactor* ListJurisdictions(grpc::CallbackServerContext*,
                                              const pb::ListJurisdictionsRequest*,
                                              pb::ListJurisdictionsResponse*) override;
  grpc::ServerUnaryReactor* GetClassSeries(grpc::CallbackServerContext*,
                                           const pb::GetClassSeriesRequest*,
                                           pb::GetClassSeriesResponse*) override;
  grpc::ServerUnaryReactor* ListClassSeries(grpc::CallbackServerContext*,
                                            const pb::ListClassSeriesRequest*,
                                            pb::ListClassSeriesResponse*) override;
  grpc::ServerUnaryReactor* GetJobClass(grpc::CallbackServerContext*, const pb::GetJobClassRequest*,
                                        pb::GetJobClassResponse*) override;
  grpc::ServerUnaryReactor* ListJobClasses(grpc::CallbackServerContext*,
                                           const pb::ListJobClassesRequest*,
                                           pb::ListJobClassesResponse*) override;
  grpc::ServerUnaryReactor* SearchJobClasses(grpc::CallbackServerContext*,
                                             const pb::SearchJobClassesRequest*,
                                             pb::SearchJobClassesResponse*) override;
  grpc::ServerUnaryReactor* ListClassRevisions(grpc::CallbackServerContext*,
                                               const pb::ListClassRevisionsRequest*,
                                               pb::ListClassRevisionsResponse*) override;
  grpc::ServerUnaryReactor* CreateJobClass(grpc::CallbackServerContext*,
                                           const pb::CreateJobClassRequest*,
                                           pb::CreateJobClassResponse*) override;
  grpc::ServerUnaryReactor* ReviseJobClass(grpc::CallbackServerContext*,
                                           const pb::ReviseJobClassRequest*,
                                           pb::ReviseJobClassResponse*) override;
  grpc::ServerUnaryReactor* AbolishJobClass(grpc::CallbackServerContext*,
                                            const pb::AbolishJobClassRequest*,
                                            pb::AbolishJobClassResponse*) override;
  grpc::ServerUnaryReactor* CreateClassificationNotice(
      grpc::CallbackServerContext*, const pb::CreateClassificationNoticeRequest*,
      pb::CreateClassificationNoticeResponse*) override;
  grpc::ServerUnaryReactor* GetClassificationNotice(grpc::CallbackServerContext*,
                                                    const pb::GetClassificationNoticeRequest*,
                                                    pb::GetClassificationNoticeResponse*) override;
  grpc::ServerUnaryReactor* ListClassificationNotices(
      grpc::CallbackServerContext*, const pb::ListClassificationNoticesRequest*,
      pb::ListClassificationNoticesResponse*) override;
  grpc::ServerUnaryReactor* RecordNoticeApproval(grpc::CallbackServerContext*,
                                                 const pb::RecordNoticeApprovalRequest*,
                                                 pb::RecordNoticeApprovalResponse*) override;
  grpc::ServerUnaryReactor* ListAuditEvents(
      grpc::CallbackServerContext*, const classplan::common::v1::ListAuditEventsRequest*,
      classplan::common::v1::ListAuditEventsResponse*) override;

 private:
  Catalog* catalog_;
  server::RpcAdapter rpc_;
  GetJobClassAllocator get_allocator_;
};

}  // namespace classplan::catalog

#endif  // CLASSPLAN_SERVICES_CATALOG_GRPC_CATALOG_GRPC_SERVICE_H_
