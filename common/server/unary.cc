#include "common/server/unary.h"

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "common/log/log.h"

namespace classplan::server {

RpcStats RpcStats::For(absl::string_view service) {
  return RpcStats{metrics::GetCounter(absl::StrCat(service, ".rpc.server_errors")),
                  metrics::GetCounter(absl::StrCat(service, ".rpc.shed"))};
}

RpcAdapter::RpcAdapter(std::string service, WorkerPool* workers)
    : service_(std::move(service)), workers_(workers), stats_(RpcStats::For(service_)) {}

grpc::Status RpcAdapter::Admit(std::function<void()> task) {
  if (workers_->TrySubmit(std::move(task))) return grpc::Status::OK;
  stats_.shed.Increment();
  return grpc::Status(grpc::StatusCode::UNAVAILABLE,
                      absl::StrCat("the ", service_, " service is overloaded; retry with backoff"));
}

namespace {

// The one value of a metadata key; "" when absent. Several values are joined with ","
// (how gRPC reads a repeated header).
std::string Header(const grpc::CallbackServerContext* ctx, const char* key) {
  std::string out;
  auto range = ctx->client_metadata().equal_range(key);
  for (auto it = range.first; it != range.second; ++it) {
    if (!out.empty()) out.push_back(',');
    out.append(it->second.data(), it->second.size());
  }
  return out;
}

}  // namespace

absl::StatusOr<identity::Caller> RpcAdapter::CallerOf(const grpc::CallbackServerContext* ctx,
                                                      const char* rpc) const {
  identity::Caller caller;
  if (ctx->client_metadata().count(identity::kPrincipalHeader) > 1) {
    return absl::UnauthenticatedError("more than one principal in the metadata");
  }
  caller.principal =
      std::string(absl::StripAsciiWhitespace(Header(ctx, identity::kPrincipalHeader)));
  caller.roles = identity::ParseRoles(Header(ctx, identity::kRolesHeader));
  caller.request_id = Header(ctx, identity::kRequestIdHeader);
  caller.method = rpc;
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
