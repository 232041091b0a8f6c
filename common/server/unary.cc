#include "common/server/unary.h"

#include <iterator>

#include "absl/strings/str_cat.h"
#include "common/log/log.h"

namespace classplan::server {

RpcStats RpcStats::For(absl::string_view service) {
  return RpcStats{metrics::GetCounter(absl::StrCat(service, ".rpc.server_errors")),
                  metrics::GetCounter(absl::StrCat(service, ".rpc.shed")),
                  metrics::GetCounter(absl::StrCat(service, ".rpc.unauthenticated")),
                  metrics::GetCounter(absl::StrCat(service, ".rpc.denied"))};
}

RpcAdapter::RpcAdapter(std::string service, WorkerPool* workers, CallTrust trust)
    : service_(std::move(service)),
      workers_(workers),
      trust_(std::move(trust)),
      stats_(RpcStats::For(service_)) {}

grpc::Status RpcAdapter::Admit(std::function<void()> task) {
  if (workers_->TrySubmit(std::move(task))) return grpc::Status::OK;
  stats_.shed.Increment();
  return grpc::Status(grpc::StatusCode::UNAVAILABLE,
                      absl::StrCat("the ", service_, " service is overloaded; retry with backoff"));
}

absl::StatusOr<identity::Caller> RpcAdapter::CallerOf(const grpc::ServerContextBase* ctx,
                                                      const char* rpc) const {
  if (trust_.keys == nullptr || trust_.roles == nullptr) {
    stats_.unauthenticated.Increment();
    return absl::UnauthenticatedError("this service has no identity key; it refuses every call");
  }
  const auto& md = ctx->client_metadata();
  auto range = md.equal_range(identity::kAssertionHeader);
  if (range.first == range.second) {
    stats_.unauthenticated.Increment();
    return absl::UnauthenticatedError(
        "no identity assertion (x-classplan-assertion): call through the gateway");
  }
  if (std::next(range.first) != range.second) {
    stats_.unauthenticated.Increment();
    return absl::UnauthenticatedError("more than one identity assertion in the metadata");
  }
  const std::string method = absl::StrCat("/", trust_.service_full_name, "/", rpc);
  absl::StatusOr<identity::Claims> claims =
      trust_.keys->Verify(absl::string_view(range.first->second.data(), range.first->second.size()),
                          method, absl::Now());
  if (!claims.ok()) {
    stats_.unauthenticated.Increment();
    return claims.status();
  }
  identity::Caller caller{std::move(claims->principal), std::move(claims->roles),
                          std::move(claims->request_id), rpc};
  if (absl::Status allowed = trust_.roles->Authorize(rpc, caller); !allowed.ok()) {
    stats_.denied.Increment();
    return allowed;
  }
  return caller;
}

grpc::Status RpcAdapter::Failed(const absl::Status& status, const char* rpc) {
  switch (status.code()) {
    case absl::StatusCode::kInternal:
    case absl::StatusCode::kUnknown:
    case absl::StatusCode::kDataLoss:
    case absl::StatusCode::kUnavailable:
    case absl::StatusCode::kDeadlineExceeded:
      stats_.server_errors.Increment();
      log::Error("rpc failed", {{"rpc", rpc},
                                {"code", absl::StatusCodeToString(status.code())},
                                {"detail", status.message()}});
      break;
    default:
      break;
  }
  return status::ToGrpcStatus(status);
}

}  // namespace classplan::server
