#include "common/server/unary.h"

#include <algorithm>
#include <iterator>
#include <memory>
#include <string>

#include "absl/strings/str_cat.h"
#include "common/log/log.h"
#include "google/protobuf/descriptor.h"

namespace classplan::server {

std::string UndecodableRequestMessage(absl::string_view method_path) {
  // "/pkg.Service/Method" -> "pkg.Service.Method", the descriptor pool's name for the method.
  std::string name(method_path.substr(method_path.empty() || method_path[0] != '/' ? 0 : 1));
  std::replace(name.begin(), name.end(), '/', '.');
  const google::protobuf::MethodDescriptor* m =
      google::protobuf::DescriptorPool::generated_pool()->FindMethodByName(name);
  return absl::StrCat("request is not a valid ",
                      m != nullptr ? m->input_type()->full_name() : std::string("message"));
}

namespace {

using grpc::experimental::InterceptionHookPoints;

class UndecodableRequestInterceptor : public grpc::experimental::Interceptor {
 public:
  explicit UndecodableRequestInterceptor(std::string method) : method_(std::move(method)) {}

  void Intercept(grpc::experimental::InterceptorBatchMethods* methods) override {
    // A unary request that did not parse reaches the interceptors with no message.
    if (methods->QueryInterceptionHookPoint(InterceptionHookPoints::POST_RECV_MESSAGE) &&
        methods->GetRecvMessage() == nullptr) {
      undecodable_ = true;
    }
    if (undecodable_ &&
        methods->QueryInterceptionHookPoint(InterceptionHookPoints::PRE_SEND_STATUS) &&
        methods->GetSendStatus().error_code() == grpc::StatusCode::UNIMPLEMENTED) {
      methods->ModifySendStatus(
          grpc::Status(grpc::StatusCode::INVALID_ARGUMENT, UndecodableRequestMessage(method_)));
    }
    methods->Proceed();
  }

 private:
  const std::string method_;
  bool undecodable_ = false;
};

class UndecodableRequestFactory : public grpc::experimental::ServerInterceptorFactoryInterface {
 public:
  grpc::experimental::Interceptor* CreateServerInterceptor(
      grpc::experimental::ServerRpcInfo* info) override {
    // Only unary methods: a streaming request that does not parse fails the read, which the
    // service's own reactor sees.
    if (info->type() != grpc::experimental::ServerRpcInfo::Type::UNARY) return nullptr;
    return new UndecodableRequestInterceptor(info->method());
  }
};

}  // namespace

std::unique_ptr<grpc::experimental::ServerInterceptorFactoryInterface>
UndecodableRequestInterceptorFactory() {
  return std::make_unique<UndecodableRequestFactory>();
}

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
