#include "services/appraisal/grpc/appraisal_grpc_service.h"

#include "common/identity/identity.h"

namespace classplan::appraisal {
template <typename Req, typename Resp>
grpc::ServerUnaryReactor* AppraisalGrpcService::OffloadAsCaller(
    grpc::CallbackServerContext* ctx, const Req* req, Resp* resp,
    absl::StatusOr<Resp> (Appraisals::*method)(const Principal&, const Req&), const char* rpc) {
  return rpc_.Offload(
      ctx, resp, rpc, [this, req, method](const identity::Caller& caller) -> absl::StatusOr<Resp> {
        if (caller.principal.empty()) return absl::UnauthenticatedError("no principal");
        Principal principal{caller.principal, caller.roles, caller.request_id, caller.method};
        return (appraisals_->*method)(principal, *req);
      });
}

grpc::ServerUnaryReactor* AppraisalGrpcService::GetFramework(grpc::CallbackServerContext* ctx,
                                                             const v1::GetFrameworkRequest* req,
                                                             v1::GetFrameworkResponse* resp) {
  return OffloadAsCaller(ctx, req, resp, &Appraisals::GetFramework, "GetFramework");
}

grpc::ServerUnaryReactor* AppraisalGrpcService::ListFrameworks(grpc::CallbackServerContext* ctx,
                                                               const v1::ListFrameworksRequest* req,
                                                               v1::ListFrameworksResponse* resp) {
  return OffloadAsCaller(ctx, req, resp, &Appraisals::ListFrameworks, "ListFrameworks");
}

grpc::ServerUnaryReactor* AppraisalGrpcService::GetExpectedProficiency(
    grpc::CallbackServerContext* ctx, const v1::GetExpectedProficiencyRequest* req,
    v1::GetExpectedProficiencyResponse* resp) {
  return OffloadAsCaller(ctx, req, resp, &Appraisals::GetExpectedProficiency,
                         "GetExpectedProficiency");
}

grpc::ServerUnaryReactor* AppraisalGrpcService::CreateAppraisal(
    grpc::CallbackServerContext* ctx, const v1::CreateAppraisalRequest* req,
    v1::CreateAppraisalResponse* resp) {
  return OffloadAsCaller(ctx, req, resp, &Appraisals::CreateAppraisal, "CreateAppraisal");
}

grpc::ServerUnaryReactor* AppraisalGrpcService::GetAppraisal(grpc::CallbackServerContext* ctx,
                                                             const v1::GetAppraisalRequest* req,
                                                             v1::GetAppraisalResponse* resp) {
  return OffloadAsCaller(ctx, req, resp, &Appraisals::GetAppraisal, "GetAppraisal");
}

grpc::ServerUnaryReactor* AppraisalGrpcService::ListAppraisals(grpc::CallbackServerContext* ctx,
                                                               const v1::ListAppraisalsRequest* req,
                                                               v1::ListAppraisalsResponse* resp) {
  return OffloadAsCaller(ctx, req, resp, &Appraisals::ListAppraisals, "ListAppraisals");
}

grpc::ServerUnaryReactor* AppraisalGrpcService::UpdateAppraisal(
    grpc::CallbackServerContext* ctx, const v1::UpdateAppraisalRequest* req,
    v1::UpdateAppraisalResponse* resp) {
  return OffloadAsCaller(ctx, req, resp, &Appraisals::UpdateAppraisal, "UpdateAppraisal");
}

grpc::ServerUnaryReactor* AppraisalGrpcService::SubmitAppraisal(
    grpc::CallbackServerContext* ctx, const v1::SubmitAppraisalRequest* req,
    v1::SubmitAppraisalResponse* resp) {
  return OffloadAsCaller(ctx, req, resp, &Appraisals::SubmitAppraisal, "SubmitAppraisal");
}

grpc::ServerUnaryReactor* AppraisalGrpcService::AcknowledgeAppraisal(
    grpc::CallbackServerContext* ctx, const v1::AcknowledgeAppraisalRequest* req,
    v1::AcknowledgeAppraisalResponse* resp) {
  return OffloadAsCaller(ctx, req, resp, &Appraisals::AcknowledgeAppraisal, "AcknowledgeAppraisal");
}

grpc::ServerUnaryReactor* AppraisalGrpcService::ReturnAppraisal(
    grpc::CallbackServerContext* ctx, const v1::ReturnAppraisalRequest* req,
    v1::ReturnAppraisalResponse* resp) {
  return OffloadAsCaller(ctx, req, resp, &Appraisals::ReturnAppraisal, "ReturnAppraisal");
}

grpc::ServerUnaryReactor* AppraisalGrpcService::FinalizeAppraisal(
    grpc::CallbackServerContext* ctx, const v1::FinalizeAppraisalRequest* req,
    v1::FinalizeAppraisalResponse* resp) {
  return OffloadAsCaller(ctx, req, resp, &Appraisals::FinalizeAppraisal, "FinalizeAppraisal");
}

grpc::ServerUnaryReactor* AppraisalGrpcService::ListDueAppraisals(
    grpc::CallbackServerContext* ctx, const v1::ListDueAppraisalsRequest* req,
    v1::ListDueAppraisalsResponse* resp) {
  return OffloadAsCaller(ctx, req, resp, &Appraisals::ListDueAppraisals, "ListDueAppraisals");
}

grpc::ServerUnaryReactor* AppraisalGrpcService::GetTeamSummary(grpc::CallbackServerContext* ctx,
                                                               const v1::GetTeamSummaryRequest* req,
                                                               v1::GetTeamSummaryResponse* resp) {
  return OffloadAsCaller(ctx, req, resp, &Appraisals::GetTeamSummary, "GetTeamSummary");
}

grpc::ServerUnaryReactor* AppraisalGrpcService::ListAuditEvents(
    grpc::CallbackServerContext* ctx, const classplan::common::v1::ListAuditEventsRequest* req,
    classplan::common::v1::ListAuditEventsResponse* resp) {
  return OffloadAsCaller(ctx, req, resp, &Appraisals::ListAuditEvents, "ListAuditEvents");
}

grpc::ServerUnaryReactor* AppraisalGrpcService::DeclineAppraisal(
    grpc::CallbackServerContext* ctx, const v1::DeclineAppraisalRequest* req,
    v1::DeclineAppraisalResponse* resp) {
  return OffloadAsCaller(ctx, req, resp, &Appraisals::DeclineAppraisal, "DeclineAppraisal");
}

grpc::ServerUnaryReactor* AppraisalGrpcService::VoidAppraisal(grpc::CallbackServerContext* ctx,
                                                              const v1::VoidAppraisalRequest* req,
                                                              v1::VoidAppraisalResponse* resp) {
  return OffloadAsCaller(ctx, req, resp, &Appraisals::VoidAppraisal, "VoidAppraisal");
}

grpc::ServerUnaryReactor* AppraisalGrpcService::AddAppraisalAddendum(
    grpc::CallbackServerContext* ctx, const v1::AddAppraisalAddendumRequest* req,
    v1::AddAppraisalAddendumResponse* resp) {
  return OffloadAsCaller(ctx, req, resp, &Appraisals::AddAppraisalAddendum, "AddAppraisalAddendum");
}

grpc::ServerUnaryReactor* AppraisalGrpcService::AssignSupervisor(
    grpc::CallbackServerContext* ctx, const v1::AssignSupervisorRequest* req,
    v1::AssignSupervisorResponse* resp) {
  return OffloadAsCaller(ctx, req, resp, &Appraisals::AssignSupervisor, "AssignSupervisor");
}

grpc::ServerUnaryReactor* AppraisalGrpcService::EndSupervisorAssignment(
    grpc::CallbackServerContext* ctx, const v1::EndSupervisorAssignmentRequest* req,
    v1::EndSupervisorAssignmentResponse* resp) {
  return OffloadAsCaller(ctx, req, resp, &Appraisals::EndSupervisorAssignment,
                         "EndSupervisorAssignment");
}

grpc::ServerUnaryReactor* AppraisalGrpcService::ListSupervisorAssignments(
    grpc::CallbackServerContext* ctx, const v1::ListSupervisorAssignmentsRequest* req,
    v1::ListSupervisorAssignmentsResponse* resp) {
  return OffloadAsCaller(ctx, req, resp, &Appraisals::ListSupervisorAssignments,
                         "ListSupervisorAssignments");
}

}  // namespace classplan::appraisal
