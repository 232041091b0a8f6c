#include "services/appraisal/grpc/appraisal_grpc_service.h"

#include "common/server/unary.h"

namespace classplan::appraisal {
namespace {

// The first value of a metadata key, or "" when absent. Values are copied: the worker must
// not depend on the metadata map's lifetime.
std::string Header(const grpc::CallbackServerContext* ctx, const char* key) {
  const auto& md = ctx->client_metadata();
  auto it = md.find(key);
  return it == md.end() ? std::string() : std::string(it->second.data(), it->second.size());
}

}  // namespace

template <typename Req, typename Resp>
grpc::ServerUnaryReactor* AppraisalGrpcService::Offload(
    grpc::CallbackServerContext* ctx, const Req* req, Resp* resp,
    absl::StatusOr<Resp> (Appraisals::*method)(const Principal&, const Req&), const char* rpc) {
  // Trusted only because the gateway strips client-sent copies of these headers (see the
  // service comment in appraisal_service.proto).
  std::string id = Header(ctx, kPrincipalHeader);
  std::string roles = Header(ctx, kRolesHeader);
  return server::OffloadUnary<Resp>(
      workers_, ctx, resp,
      [this, req, method, id = std::move(id), roles = std::move(roles)]() -> absl::StatusOr<Resp> {
        auto principal = ParsePrincipal(id, roles);
        if (!principal.ok()) return principal.status();
        return (appraisals_->*method)(*principal, *req);
      },
      "appraisal", rpc);
}

#define CLASSPLAN_OFFLOAD(Rpc)                                                                  \
  grpc::ServerUnaryReactor* AppraisalGrpcService::Rpc(                                          \
      grpc::CallbackServerContext* ctx, const v1::Rpc##Request* req, v1::Rpc##Response* resp) { \
    return Offload(ctx, req, resp, &Appraisals::Rpc, #Rpc);                                     \
  }

CLASSPLAN_OFFLOAD(GetFramework)
CLASSPLAN_OFFLOAD(ListFrameworks)
CLASSPLAN_OFFLOAD(GetExpectedProficiency)
CLASSPLAN_OFFLOAD(CreateAppraisal)
CLASSPLAN_OFFLOAD(GetAppraisal)
CLASSPLAN_OFFLOAD(ListAppraisals)
CLASSPLAN_OFFLOAD(UpdateAppraisal)
CLASSPLAN_OFFLOAD(SubmitAppraisal)
CLASSPLAN_OFFLOAD(AcknowledgeAppraisal)
CLASSPLAN_OFFLOAD(ReturnAppraisal)
CLASSPLAN_OFFLOAD(FinalizeAppraisal)
CLASSPLAN_OFFLOAD(ListDueAppraisals)
CLASSPLAN_OFFLOAD(GetTeamSummary)

#undef CLASSPLAN_OFFLOAD

}  // namespace classplan::appraisal
