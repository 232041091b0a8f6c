#include "services/payband/grpc/payband_grpc_service.h"

#include "common/log/log.h"
#include "common/metrics/metrics.h"
#include "common/status/grpc_status.h"

namespace classplan::payband {
namespace {

template <typename Resp>
void Finish(grpc::ServerUnaryReactor* reactor, absl::StatusOr<Resp> result, Resp* resp,
            const char* rpc) {
  if (result.ok()) {
    *resp = std::move(*result);
    reactor->Finish(grpc::Status::OK);
    return;
  }
  const absl::Status& s = result.status();
  switch (s.code()) {
    case absl::StatusCode::kInternal:
    case absl::StatusCode::kUnknown:
    case absl::StatusCode::kDataLoss:
    case absl::StatusCode::kUnavailable:
    case absl::StatusCode::kDeadlineExceeded:
      // Server-side failures only. Their messages come from the store or the catalog client
      // and never carry request amounts; client errors (which may quote input) are not logged.
      metrics::GetCounter("payband.rpc.server_errors").Increment();
      log::Error("rpc failed", {{"rpc", absl::string_view(rpc)},
                                {"code", absl::string_view(absl::StatusCodeToString(s.code()))},
                                {"detail", absl::string_view(s.message())}});
      break;
    default:
      break;
  }
  reactor->Finish(status::ToGrpcStatus(s));
}

}  // namespace

template <typename Req, typename Resp>
grpc::ServerUnaryReactor* PaybandGrpcService::Offload(
    grpc::CallbackServerContext* ctx, const Req* req, Resp* resp,
    absl::StatusOr<Resp> (Payband::*method)(const Req&), const char* rpc) {
  grpc::ServerUnaryReactor* reactor = ctx->DefaultReactor();
  bool queued = workers_->TrySubmit([this, ctx, reactor, req, resp, method, rpc] {
    if (ctx->IsCancelled()) {
      reactor->Finish(grpc::Status(grpc::StatusCode::CANCELLED, "cancelled by the caller"));
      return;
    }
    Finish(reactor, (payband_->*method)(*req), resp, rpc);
  });
  if (!queued) {
    static metrics::Counter& shed = metrics::GetCounter("payband.rpc.shed");
    shed.Increment();
    reactor->Finish(grpc::Status(grpc::StatusCode::UNAVAILABLE,
                                 "the pay-band service is overloaded; retry with backoff"));
  }
  return reactor;
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
