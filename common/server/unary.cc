#include "common/server/unary.h"

#include <algorithm>
#include <iterator>
#include <memory>
#include <string>

#include "absl/strings/str_cat.h"
#include "common/log/log.h"
#include "common/server/call_observer.h"
#include "google/protobuf/descriptor.h"
#include "google/protobuf/message.h"
#include "google/protobuf/unknown_field_set.h"
#include "grpcpp/generic/async_generic_service.h"

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
using grpc::experimental::ServerRpcInfo;

// Marks a streamed request message before each read (see Intercept): an unknown field that a
// parse clears and the end of the stream leaves. The largest field number a message can have,
// so that no real field of ours is ever this one.
constexpr int kReadMarkField = (1 << 29) - 1;

// One per call; kept small since every call of every service allocates one (gRPC owns and
// deletes it): the method name is gRPC's own string for the call, not a copy.
class UndecodableRequestInterceptor : public grpc::experimental::Interceptor {
 public:
  UndecodableRequestInterceptor(const char* method, bool streamed_requests)
      : method_(method), streamed_requests_(streamed_requests) {}

  void Intercept(grpc::experimental::InterceptorBatchMethods* methods) override {
    if (methods->QueryInterceptionHookPoint(InterceptionHookPoints::POST_RECV_MESSAGE)) {
      if (methods->GetRecvMessage() == nullptr) {
        // A unary (or server-streaming) request that did not parse reaches the interceptors
        // with no message and the call then finishes UNIMPLEMENTED. A streamed request that
        // did not parse also has no message, exactly as the end of the stream: only the mark
        // tells them apart.
        undecodable_ = !streamed_requests_ || !TakeMark();
      }
    } else if (streamed_requests_ && methods->GetRecvMessage() != nullptr) {
      // Before a read of a streamed request: only a read's batch carries a message pointer.
      Mark(static_cast<google::protobuf::Message*>(methods->GetRecvMessage()));
    }
    if (undecodable_ &&
        methods->QueryInterceptionHookPoint(InterceptionHookPoints::PRE_SEND_STATUS)) {
      // The unary handler answers UNIMPLEMENTED; a stream's reactor took the failed read for
      // the end of the stream and answers OK. Any other error is the service's own and stays.
      const grpc::StatusCode code = methods->GetSendStatus().error_code();
      if (code == grpc::StatusCode::UNIMPLEMENTED ||
          (streamed_requests_ && code == grpc::StatusCode::OK)) {
        methods->ModifySendStatus(
            grpc::Status(grpc::StatusCode::INVALID_ARGUMENT, UndecodableRequestMessage(method_)));
      }
    }
    methods->Proceed();
  }

 private:
  // gRPC parses a streamed request into the reactor's message after clearing it: a parse that
  // fails leaves no mark; the end of the stream does not touch the message.
  void Mark(google::protobuf::Message* message) {
    marked_ = message;
    message->GetReflection()->MutableUnknownFields(message)->AddVarint(kReadMarkField, 1);
  }
  // True when the mark is still there (the stream ended); removes it.
  bool TakeMark() {
    if (marked_ == nullptr) return true;
    google::protobuf::UnknownFieldSet* unknown =
        marked_->GetReflection()->MutableUnknownFields(marked_);
    const int before = unknown->field_count();
    unknown->DeleteByNumber(kReadMarkField);
    marked_ = nullptr;
    return unknown->field_count() != before;
  }

  const char* const method_;
  const bool streamed_requests_;
  google::protobuf::Message* marked_ = nullptr;
  bool undecodable_ = false;
};

class UndecodableRequestFactory : public grpc::experimental::ServerInterceptorFactoryInterface {
 public:
  grpc::experimental::Interceptor* CreateServerInterceptor(ServerRpcInfo* info) override {
    // A generic service (the gateway's proxy) reads raw bytes, which always "parse"; its calls
    // are streams of grpc::ByteBuffer, not of protobuf messages, and must not be marked.
    if (dynamic_cast<grpc::GenericCallbackServerContext*>(info->server_context()) != nullptr) {
      return nullptr;
    }
    const ServerRpcInfo::Type type = info->type();
    return new UndecodableRequestInterceptor(info->method(),
                                             type == ServerRpcInfo::Type::CLIENT_STREAMING ||
                                                 type == ServerRpcInfo::Type::BIDI_STREAMING);
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
  // A system's principal (an agency's ATS, "service:payband") goes in the access log; a
  // person's never does.
  if (caller.Has(identity::Role::kAgencySystem)) NoteSystemPrincipal(ctx, caller.principal);
  if (absl::Status allowed = trust_.roles->Authorize(rpc, caller); !allowed.ok()) {
    stats_.denied.Increment();
    return allowed;
  }
  return caller;
}

log::TraceContext RpcAdapter::TraceOf(const grpc::ServerContextBase* ctx) {
  const auto& md = ctx->client_metadata();
  auto it = md.find(log::kTraceparentHeader);
  log::TraceContext trace;
  if (it != md.end()) {
    trace = log::ParseTraceparent(absl::string_view(it->second.data(), it->second.size()));
  }
  return trace.valid() ? trace : log::NewTrace();
}

grpc::Status RpcAdapter::NotStarted(const grpc::ServerContextBase* ctx) {
  if (absl::Now() >= absl::FromChrono(ctx->deadline())) {
    return grpc::Status(grpc::StatusCode::DEADLINE_EXCEEDED,
                        "the deadline passed before the call's work started");
  }
  return grpc::Status(grpc::StatusCode::CANCELLED, "cancelled by the caller");
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
