#ifndef CLASSPLAN_SERVICES_PAYBAND_GRPC_PAYBAND_GRPC_SERVICE_H_
#define CLASSPLAN_SERVICES_PAYBAND_GRPC_PAYBAND_GRPC_SERVICE_H_

// The thin gRPC adapter of classplan.payband.v1.PaybandService: every call is handed to the
// domain core on a worker thread (the store, Redis and the catalog all block), and
// absl::Status is mapped to grpc::Status. Callback threads never do I/O.

#include "classplan/payband/v1/payband_service.grpc.pb.h"
#include "common/server/worker_pool.h"
#include "services/payband/domain/payband.h"

namespace classplan::payband {

class PaybandGrpcService final : public pb::PaybandService::CallbackService {
 public:
  // `payband` and `workers` must outlive the service.
  PaybandGrpcService(Payband* payband, server::WorkerPool* workers)
      : payband_(payband), workers_(workers) {}

#define CLASSPLAN_PAYBAND_RPC(Rpc)                                                     \
  grpc::ServerUnaryReactor* Rpc(grpc::CallbackServerContext*, const pb::Rpc##Request*, \
                                pb::Rpc##Response*) override;
  CLASSPLAN_PAYBAND_RPC(GetBand)
  CLASSPLAN_PAYBAND_RPC(ListBands)
  CLASSPLAN_PAYBAND_RPC(ListSchedules)
  CLASSPLAN_PAYBAND_RPC(GetClassPayRange)
  CLASSPLAN_PAYBAND_RPC(ConvertRate)
  CLASSPLAN_PAYBAND_RPC(PlaceSalary)
  CLASSPLAN_PAYBAND_RPC(FindBandsForSalary)
  CLASSPLAN_PAYBAND_RPC(CheckPayAction)
  CLASSPLAN_PAYBAND_RPC(ListAlternativeBandReviewsDue)
  CLASSPLAN_PAYBAND_RPC(CheckFlsaSalaryLevel)
  CLASSPLAN_PAYBAND_RPC(ImportSchedule)
#undef CLASSPLAN_PAYBAND_RPC

 private:
  template <typename Req, typename Resp>
  grpc::ServerUnaryReactor* Offload(grpc::CallbackServerContext* ctx, const Req* req, Resp* resp,
                                    absl::StatusOr<Resp> (Payband::*method)(const Req&),
                                    const char* rpc);

  Payband* payband_;
  server::WorkerPool* workers_;
};

}  // namespace classplan::payband

#endif  // CLASSPLAN_SERVICES_PAYBAND_GRPC_PAYBAND_GRPC_SERVICE_H_
