#ifndef CLASSPLAN_SERVICES_PAYBAND_GRPC_PAYBAND_GRPC_SERVICE_H_
#define CLASSPLAN_SERVICES_PAYBAND_GRPC_PAYBAND_GRPC_SERVICE_H_

// The thin gRPC adapter of classplan.payband.v1.PaybandService: every call is handed to the
// domain core on a worker thread (the store, Redis and the catalog all block), and
// absl::Status is mapped to grpc::Status. Callback threads never do I/O.

#include <memory>
#include <utility>

#include "classplan/payband/v1/payband_service.grpc.pb.h"
#include "common/server/unary.h"
#include "common/server/worker_pool.h"
#include "services/payband/domain/method_roles.h"
#include "services/payband/domain/payband.h"

namespace classplan::payband {

class PaybandGrpcService final : public pb::PaybandService::CallbackService {
 public:
  // `payband` and `workers` must outlive the service; `keys` verify every call's identity.
  PaybandGrpcService(Payband* payband, server::WorkerPool* workers,
                     std::shared_ptr<const identity::KeyRing> keys)
      : payband_(payband),
        rpc_("payband", workers,
             {pb::PaybandService::service_full_name(), std::move(keys), &PaybandMethodRoles()}) {}

  grpc::ServerUnaryReactor* GetBand(grpc::CallbackServerContext* ctx, const pb::GetBandRequest* req,
                                    pb::GetBandResponse* resp) override;
  grpc::ServerUnaryReactor* ListBands(grpc::CallbackServerContext* ctx,
                                      const pb::ListBandsRequest* req,
                                      pb::ListBandsResponse* resp) override;
  grpc::ServerUnaryReactor* ListSchedules(grpc::CallbackServerContext* ctx,
                                          const pb::ListSchedulesRequest* req,
                                          pb::ListSchedulesResponse* resp) override;
  grpc::ServerUnaryReactor* GetClassPayRange(grpc::CallbackServerContext* ctx,
                                             const pb::GetClassPayRangeRequest* req,
                                             pb::GetClassPayRangeResponse* resp) override;
  grpc::ServerUnaryReactor* ConvertRate(grpc::CallbackServerContext* ctx,
                                        const pb::ConvertRateRequest* req,
                                        pb::ConvertRateResponse* resp) override;
  grpc::ServerUnaryReactor* PlaceSalary(grpc::CallbackServerContext* ctx,
                                        const pb::PlaceSalaryRequest* req,
                                        pb::PlaceSalaryResponse* resp) override;
  grpc::ServerUnaryReactor* FindBandsForSalary(grpc::CallbackServerContext* ctx,
                                               const pb::FindBandsForSalaryRequest* req,
                                               pb::FindBandsForSalaryResponse* resp) override;
  grpc::ServerUnaryReactor* CheckPayAction(grpc::CallbackServerContext* ctx,
                                           const pb::CheckPayActionRequest* req,
                                           pb::CheckPayActionResponse* resp) override;
  grpc::ServerUnaryReactor* ListAlternativeBandReviewsDue(
      grpc::CallbackServerContext* ctx, const pb::ListAlternativeBandReviewsDueRequest* req,
      pb::ListAlternativeBandReviewsDueResponse* resp) override;
  grpc::ServerUnaryReactor* CheckFlsaSalaryLevel(grpc::CallbackServerContext* ctx,
                                                 const pb::CheckFlsaSalaryLevelRequest* req,
                                                 pb::CheckFlsaSalaryLevelResponse* resp) override;
  grpc::ServerUnaryReactor* ImportSchedule(grpc::CallbackServerContext* ctx,
                                           const pb::ImportScheduleRequest* req,
                                           pb::ImportScheduleResponse* resp) override;
  grpc::ServerUnaryReactor* ListAuditEvents(
      grpc::CallbackServerContext* ctx, const classplan::common::v1::ListAuditEventsRequest* req,
      classplan::common::v1::ListAuditEventsResponse* resp) override;

 private:
  Payband* payband_;
  server::RpcAdapter rpc_;
};

}  // namespace classplan::payband

#endif  // CLASSPLAN_SERVICES_PAYBAND_GRPC_PAYBAND_GRPC_SERVICE_H_
