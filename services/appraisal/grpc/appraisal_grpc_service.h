#ifndef CLASSPLAN_SERVICES_APPRAISAL_GRPC_APPRAISAL_GRPC_SERVICE_H_
#define CLASSPLAN_SERVICES_APPRAISAL_GRPC_APPRAISAL_GRPC_SERVICE_H_

// The thin gRPC adapter of classplan.appraisal.v1.AppraisalService. The caller comes from the
// identity assertion the gateway signs (`x-classplan-assertion`, verified by RpcAdapter); every
// call is handed to the domain core on a worker thread (every RPC reads or writes the store), and
// absl::Status is mapped to grpc::Status. Callback threads never do I/O.

#include <memory>
#include <string>
#include <utility>

#include "classplan/appraisal/v1/appraisal_service.grpc.pb.h"
#include "common/server/unary.h"
#include "common/server/worker_pool.h"
#include "services/appraisal/domain/appraisals.h"
#include "services/appraisal/domain/method_roles.h"

namespace classplan::appraisal {

class AppraisalGrpcService final : public v1::AppraisalService::CallbackService {
 public:
  // `appraisals` and `workers` must outlive the service; `keys` verify every call's identity.
  AppraisalGrpcService(Appraisals* appraisals, server::WorkerPool* workers,
                       std::shared_ptr<const identity::KeyRing> keys)
      : appraisals_(appraisals),
        rpc_(
            "appraisal", workers,
            {v1::AppraisalService::service_full_name(), std::move(keys), &AppraisalMethodRoles()}) {
  }

  grpc::ServerUnaryReactor* GetFramework(grpc::CallbackServerContext* ctx,
                                         const v1::GetFrameworkRequest* req,
                                         v1::GetFrameworkResponse* resp) override;
  grpc::ServerUnaryReactor* ListFrameworks(grpc::CallbackServerContext* ctx,
                                           const v1::ListFrameworksRequest* req,
                                           v1::ListFrameworksResponse* resp) override;
  grpc::ServerUnaryReactor* GetExpectedProficiency(
      grpc::CallbackServerContext* ctx, const v1::GetExpectedProficiencyRequest* req,
      v1::GetExpectedProficiencyResponse* resp) override;
  grpc::ServerUnaryReactor* CreateAppraisal(grpc::CallbackServerContext* ctx,
                                            const v1::CreateAppraisalRequest* req,
                                            v1::CreateAppraisalResponse* resp) override;
  grpc::ServerUnaryReactor* GetAppraisal(grpc::CallbackServerContext* ctx,
                                         const v1::GetAppraisalRequest* req,
                                         v1::GetAppraisalResponse* resp) override;
  grpc::ServerUnaryReactor* ListAppraisals(grpc::CallbackServerContext* ctx,
                                           const v1::ListAppraisalsRequest* req,
                                           v1::ListAppraisalsResponse* resp) override;
  grpc::ServerUnaryReactor* ListAuditEvents(
      grpc::CallbackServerContext* ctx, const classplan::common::v1::ListAuditEventsRequest* req,
      classplan::common::v1::ListAuditEventsResponse* resp) override;
  grpc::ServerUnaryReactor* UpdateAppraisal(grpc::CallbackServerContext* ctx,
                                            const v1::UpdateAppraisalRequest* req,
                                            v1::UpdateAppraisalResponse* resp) override;
  grpc::ServerUnaryReactor* SubmitAppraisal(grpc::CallbackServerContext* ctx,
                                            const v1::SubmitAppraisalRequest* req,
                                            v1::SubmitAppraisalResponse* resp) override;
  grpc::ServerUnaryReactor* AcknowledgeAppraisal(grpc::CallbackServerContext* ctx,
                                                 const v1::AcknowledgeAppraisalRequest* req,
                                                 v1::AcknowledgeAppraisalResponse* resp) override;
  grpc::ServerUnaryReactor* ReturnAppraisal(grpc::CallbackServerContext* ctx,
                                            const v1::ReturnAppraisalRequest* req,
                                            v1::ReturnAppraisalResponse* resp) override;
  grpc::ServerUnaryReactor* FinalizeAppraisal(grpc::CallbackServerContext* ctx,
                                              const v1::FinalizeAppraisalRequest* req,
                                              v1::FinalizeAppraisalResponse* resp) override;
  grpc::ServerUnaryReactor* DeclineAppraisal(grpc::CallbackServerContext* ctx,
                                             const v1::DeclineAppraisalRequest* req,
                                             v1::DeclineAppraisalResponse* resp) override;
  grpc::ServerUnaryReactor* VoidAppraisal(grpc::CallbackServerContext* ctx,
                                          const v1::VoidAppraisalRequest* req,
                                          v1::VoidAppraisalResponse* resp) override;
  grpc::ServerUnaryReactor* AddAppraisalAddendum(grpc::CallbackServerContext* ctx,
                                                 const v1::AddAppraisalAddendumRequest* req,
                                                 v1::AddAppraisalAddendumResponse* resp) override;
  grpc::ServerUnaryReactor* AssignSupervisor(grpc::CallbackServerContext* ctx,
                                             const v1::AssignSupervisorRequest* req,
                                             v1::AssignSupervisorResponse* resp) override;
  grpc::ServerUnaryReactor* EndSupervisorAssignment(
      grpc::CallbackServerContext* ctx, const v1::EndSupervisorAssignmentRequest* req,
      v1::EndSupervisorAssignmentResponse* resp) override;
  grpc::ServerUnaryReactor* ListSupervisorAssignments(
      grpc::CallbackServerContext* ctx, const v1::ListSupervisorAssignmentsRequest* req,
      v1::ListSupervisorAssignmentsResponse* resp) override;
  grpc::ServerUnaryReactor* ListDueAppraisals(grpc::CallbackServerContext* ctx,
                                              const v1::ListDueAppraisalsRequest* req,
                                              v1::ListDueAppraisalsResponse* resp) override;
  grpc::ServerUnaryReactor* GetTeamSummary(grpc::CallbackServerContext* ctx,
                                           const v1::GetTeamSummaryRequest* req,
                                           v1::GetTeamSummaryResponse* resp) override;

 private:
  // Runs `method` through rpc_ for the caller named in the call's metadata.
  template <typename Req, typename Resp>
  grpc::ServerUnaryReactor* OffloadAsCaller(
      grpc::CallbackServerContext* ctx, const Req* req, Resp* resp,
      absl::StatusOr<Resp> (Appraisals::*method)(const Principal&, const Req&), const char* rpc);

  Appraisals* appraisals_;
  server::RpcAdapter rpc_;
};

}  // namespace classplan::appraisal

#endif  // CLASSPLAN_SERVICES_APPRAISAL_GRPC_APPRAISAL_GRPC_SERVICE_H_
