#include "services/payband/grpc/payband_grpc_service.h"

#include "common/server/unary.h"

namespace classplan::payband {

template <typename Req, typename Resp>
grpc::ServerUnaryReactor* PaybandGrpcService::Offload(
    grpc::CallbackServerContext* ctx, const Req* req, Resp* resp,
    absl::StatusOr<Resp> (Payband::*method)(const Req&), const char* rpc) {
  return server::OffloadUnary<Resp>(
      workers_, ctx, resp, [this, req, method] { return (payband_->*method)(*req); }, "payband",
      rpc);
}

#define CLASSPLAN_OFFLOAD(Rpc)                                                                  \
  grpc::ServerUnaryReactor* PaybandGrpcService::Rpc(                                            \
      grpc::CallbackServerContext* ctx, const pb::Rpc##Request* req, pb::Rpc##Response* resp) { \
    return Offload(ctx, req, resp, &Payband::Rpc, #Rpc);                                        \
  }

CLASSPLAN_OFFLOAD(GetBand)
CLASSPLAN_OFFLOAD(ListBands)
CLASSPLAN_OFFLOAD(ListSchedules)
CLASSPLAN_OFFLOAD(GetClassPayRange)
CLASSPLAN_OFFLOAD(ConvertRate)
CLASSPLAN_OFFLOAD(PlaceSalary)
CLASSPLAN_OFFLOAD(FindBandsForSalary)
CLASSPLAN_OFFLOAD(CheckPayAction)
CLASSPLAN_OFFLOAD(ListAlternativeBandReviewsDue)
CLASSPLAN_OFFLOAD(CheckFlsaSalaryLevel)
CLASSPLAN_OFFLOAD(ImportSchedule)

#undef CLASSPLAN_OFFLOAD

}  // namespace classplan::payband
