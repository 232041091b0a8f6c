#include "services/appraisal/grpc/appraisal_grpc_service.h"

#include <string>
#include <vector>

#include "absl/strings/str_join.h"
#include "common/identity/identity.h"
#include "common/server/unary.h"

namespace classplan::appraisal {
namespace {

// Every value of a metadata key, copied (the worker must not depend on the metadata map).
std::vector<std::string> Headers(const grpc::CallbackServerContext* ctx, const char* key) {
  std::vector<std::string> out;
  auto range = ctx->client_metadata().equal_range(key);
  for (auto it = range.first; it != range.second; ++it) {
    out.emplace_back(it->second.data(), it->second.size());
  }
  return out;
}

// The caller from the gateway's metadata. More than one principal entry is refused rather
// than guessed at; several role entries are read as one comma-separated list.
absl::StatusOr<Principal> CallerOf(const std::vector<std::string>& ids,
                                   const std::vector<std::string>& roles) {
  if (ids.size() > 1) return absl::UnauthenticatedError("more than one principal in the metadata");
  return ParsePrincipal(ids.empty() ? "" : ids[0], absl::StrJoin(roles, ","));
}

}  // namespace

template <typename Req, typename Resp>
grpc::ServerUnaryReactor* AppraisalGrpcService::Offload(
    grpc::CallbackServerContext* ctx, const Req* req, Resp* resp,
    absl::StatusOr<Resp> (Appraisals::*method)(const Principal&, const Req&), const char* rpc) {
  // Trusted only because the gateway strips client-sent copies of these headers (see the
  // service comment in appraisal_service.proto).
  std::vector<std::string> ids = Headers(ctx, identity::kPrincipalHeader);
  std::vector<std::string> roles = Headers(ctx, identity::kRolesHeader);
  return server::OffloadUnary<Resp>(
      workers_, ctx, resp,
      [this, req, method, ids = std::move(ids),
       roles = std::move(roles)]() -> absl::StatusOr<Resp> {
        auto principal = CallerOf(ids, roles);
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
