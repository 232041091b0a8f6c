#ifndef CLASSPLAN_SERVICES_APPRAISAL_GRPC_APPRAISAL_GRPC_SERVICE_H_
#define CLASSPLAN_SERVICES_APPRAISAL_GRPC_APPRAISAL_GRPC_SERVICE_H_

// The thin gRPC adapter of classplan.appraisal.v1.AppraisalService. The caller comes from the
// call metadata the gateway sets (`x-classplan-principal`, `x-classplan-roles`); every call is
// handed to the domain core on a worker thread (every RPC reads or writes the store), and
// absl::Status is mapped to grpc::Status. Callback threads never do I/O.

#include <string>

#include "classplan/appraisal/v1/appraisal_service.grpc.pb.h"
#include "common/server/worker_pool.h"
#include "services/appraisal/domain/appraisals.h"

namespace classplan::appraisal {

class AppraisalGrpcService final : public v1::AppraisalService::CallbackService {
 public:
  // `appraisals` and `workers` must outlive the service.
  AppraisalGrpcService(Appraisals* appraisals, server::WorkerPool* workers)
      : appraisals_(appraisals), workers_(workers) {}

#define CLASSPLAN_APPRAISAL_RPC(Rpc)                                                   \
  grpc::ServerUnaryReactor* Rpc(grpc::CallbackServerContext*, const v1::Rpc##Request*, \
                                v1::Rpc##Response*) override;
  CLASSPLAN_APPRAISAL_RPC(GetFramework)
  CLASSPLAN_APPRAISAL_RPC(ListFrameworks)
  CLASSPLAN_APPRAISAL_RPC(GetExpectedProficiency)
  CLASSPLAN_APPRAISAL_RPC(CreateAppraisal)
  CLASSPLAN_APPRAISAL_RPC(GetAppraisal)
  CLASSPLAN_APPRAISAL_RPC(ListAppraisals)
  CLASSPLAN_APPRAISAL_RPC(UpdateAppraisal)
  CLASSPLAN_APPRAISAL_RPC(SubmitAppraisal)
  CLASSPLAN_APPRAISAL_RPC(AcknowledgeAppraisal)
  CLASSPLAN_APPRAISAL_RPC(ReturnAppraisal)
  CLASSPLAN_APPRAISAL_RPC(FinalizeAppraisal)
  CLASSPLAN_APPRAISAL_RPC(ListDueAppraisals)
  CLASSPLAN_APPRAISAL_RPC(GetTeamSummary)
#undef CLASSPLAN_APPRAISAL_RPC

 private:
  template <typename Req, typename Resp>
  grpc::ServerUnaryReactor* Offload(grpc::CallbackServerContext* ctx, const Req* req, Resp* resp,
                                    absl::StatusOr<Resp> (Appraisals::*method)(const Principal&,
                                                                               const Req&),
                                    const char* rpc);

  Appraisals* appraisals_;
  server::WorkerPool* workers_;
};

}  // namespace classplan::appraisal

#endif  // CLASSPLAN_SERVICES_APPRAISAL_GRPC_APPRAISAL_GRPC_SERVICE_H_
