#include "services/payband/grpc/payband_grpc_service.h"

namespace classplan::payband {

grpc::ServerUnaryReactor* PaybandGrpcService::GetBand(grpc::CallbackServerContext* ctx,
                                                      const pb::GetBandRequest* req,
                                                      pb::GetBandResponse* resp) {
  return rpc_.Offload(ctx, resp, "GetBand", [this, req] { return payband_->GetBand(*req); });
}

grpc::ServerUnaryReactor* PaybandGrpcService::ListBands(grpc::CallbackServerContext* ctx,
                                                        const pb::ListBandsRequest* req,
                                                        pb::ListBandsResponse* resp) {
  return rpc_.Offload(ctx, resp, "ListBands", [this, req] { return payband_->ListBands(*req); });
}

grpc::ServerUnaryReactor* PaybandGrpcService::ListSchedules(grpc::CallbackServerContext* ctx,
                                                            const pb::ListSchedulesRequest* req,
                                                            pb::ListSchedulesResponse* resp) {
  return rpc_.Offload(ctx, resp, "ListSchedules",
                      [this, req] { return payband_->ListSchedules(*req); });
}

grpc::ServerUnaryReactor* PaybandGrpcService::GetClassPayRange(
    grpc::CallbackServerContext* ctx, const pb::GetClassPayRangeRequest* req,
    pb::GetClassPayRangeResponse* resp) {
  return rpc_.Offload(ctx, resp, "GetClassPayRange",
                      [this, req] { return payband_->GetClassPayRange(*req); });
}

grpc::ServerUnaryReactor* PaybandGrpcService::ConvertRate(grpc::CallbackServerContext* ctx,
                                                          const pb::ConvertRateRequest* req,
                                                          pb::ConvertRateResponse* resp) {
  return rpc_.Offload(ctx, resp, "ConvertRate",
                      [this, req] { return payband_->ConvertRate(*req); });
}

grpc::ServerUnaryReactor* PaybandGrpcService::PlaceSalary(grpc::CallbackServerContext* ctx,
                                                          const pb::PlaceSalaryRequest* req,
                                                          pb::PlaceSalaryResponse* resp) {
  return rpc_.Offload(ctx, resp, "PlaceSalary",
                      [this, req] { return payband_->PlaceSalary(*req); });
}

grpc::ServerUnaryReactor* PaybandGrpcService::FindBandsForSalary(
    grpc::CallbackServerContext* ctx, const pb::FindBandsForSalaryRequest* req,
    pb::FindBandsForSalaryResponse* resp) {
  return rpc_.Offload(ctx, resp, "FindBandsForSalary",
                      [this, req] { return payband_->FindBandsForSalary(*req); });
}

grpc::ServerUnaryReactor* PaybandGrpcService::CheckPayAction(grpc::CallbackServerContext* ctx,
                                                             const pb::CheckPayActionRequest* req,
                                                             pb::CheckPayActionResponse* resp) {
  return rpc_.Offload(ctx, resp, "CheckPayAction",
                      [this, req] { return payband_->CheckPayAction(*req); });
}

grpc::ServerUnaryReactor* PaybandGrpcService::ListAlternativeBandReviewsDue(
    grpc::CallbackServerContext* ctx, const pb::ListAlternativeBandReviewsDueRequest* req,
    pb::ListAlternativeBandReviewsDueResponse* resp) {
  return rpc_.Offload(ctx, resp, "ListAlternativeBandReviewsDue",
                      [this, req] { return payband_->ListAlternativeBandReviewsDue(*req); });
}

grpc::ServerUnaryReactor* PaybandGrpcService::CheckFlsaSalaryLevel(
    grpc::CallbackServerContext* ctx, const pb::CheckFlsaSalaryLevelRequest* req,
    pb::CheckFlsaSalaryLevelResponse* resp) {
  return rpc_.Offload(ctx, resp, "CheckFlsaSalaryLevel",
                      [this, req] { return payband_->CheckFlsaSalaryLevel(*req); });
}

grpc::ServerUnaryReactor* PaybandGrpcService::ImportSchedule(grpc::CallbackServerContext* ctx,
                                                             const pb::ImportScheduleRequest* req,
                                                             pb::ImportScheduleResponse* resp) {
  return rpc_.Offload(ctx, resp, "ImportSchedule", [this, req](const identity::Caller& caller) {
    return payband_->ImportSchedule(*req, caller);
  });
}

grpc::ServerUnaryReactor* PaybandGrpcService::ListAuditEvents(
    grpc::CallbackServerContext* ctx, const classplan::common::v1::ListAuditEventsRequest* req,
    classplan::common::v1::ListAuditEventsResponse* resp) {
  return rpc_.Offload(ctx, resp, "ListAuditEvents", [this, req](const identity::Caller& caller) {
    return payband_->ListAuditEvents(*req, caller);
  });
}

}  // namespace classplan::payband
