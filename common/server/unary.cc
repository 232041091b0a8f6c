#include "common/server/unary.h"

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
