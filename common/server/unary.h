#ifndef CLASSPLAN_COMMON_SERVER_UNARY_H_
#define CLASSPLAN_COMMON_SERVER_UNARY_H_

// What every service's gRPC adapter does with a unary callback call: finish it with the
// domain's result mapped to a canonical status, or hand the work to a worker first.

#include <functional>

#include "absl/status/statusor.h"
#include "absl/strings/str_cat.h"
#include "common/log/log.h"
#include "common/metrics/metrics.h"
#include "common/server/call_deadline.h"
#include "common/server/worker_pool.h"
#include "common/status/grpc_status.h"
#include "grpcpp/grpcpp.h"

namespace classplan::server {

// Finishes the call. Server-side failures are logged and counted as
// "<service>.rpc.server_errors"; client errors are not logged (their messages may quote
// input). Messages of server-side failures come from stores and clients and never carry
// request content.
template <typename Resp>
void FinishUnary(grpc::ServerUnaryReactor* reactor, absl::StatusOr<Resp> result, Resp* resp,
                 const char* service, const char* rpc) {
  if (result.ok()) {
    *resp = std::move(*result);
    reactor->Finish(grpc::Status::OK);
    return;
  }
  const absl::Status& s = result.status();
  switch (s.code()) {
    case absl::StatusCode::kInternal:
    case absl::StatusCode::kUnknown:
    case absl::StatusCode::kDataLoss:
    case absl::StatusCode::kUnavailable:
    case absl::StatusCode::kDeadlineExceeded:
      metrics::GetCounter(absl::StrCat(service, ".rpc.server_errors")).Increment();
      log::Error(
          "rpc failed",
          {{"rpc", rpc}, {"code", absl::StatusCodeToString(s.code())}, {"detail", s.message()}});
      break;
    default:
      break;
  }
  reactor->Finish(status::ToGrpcStatus(s));
}

// Runs `work` on the pool and finishes the call with its result. Outgoing calls made by the
// work inherit the caller's deadline (ScopedCallDeadline). When the pool's queue is full the
// call is refused with UNAVAILABLE and counted as "<service>.rpc.shed".
template <typename Resp>
grpc::ServerUnaryReactor* OffloadUnary(WorkerPool* pool, grpc::CallbackServerContext* ctx,
                                       Resp* resp, std::function<absl::StatusOr<Resp>()> work,
                                       const char* service, const char* rpc) {
  grpc::ServerUnaryReactor* reactor = ctx->DefaultReactor();
  bool queued = pool->TrySubmit([ctx, reactor, resp, work = std::move(work), service, rpc] {
    if (ctx->IsCancelled()) {
      reactor->Finish(grpc::Status(grpc::StatusCode::CANCELLED, "cancelled by the caller"));
      return;
    }
    ScopedCallDeadline deadline(absl::FromChrono(ctx->deadline()));
    FinishUnary(reactor, work(), resp, service, rpc);
  });
  if (!queued) {
    metrics::GetCounter(absl::StrCat(service, ".rpc.shed")).Increment();
    reactor->Finish(
        grpc::Status(grpc::StatusCode::UNAVAILABLE, absl::StrCat("the ", service,
                                                                 " service is overloaded; retry "
                                                                 "with backoff")));
  }
  return reactor;
}

}  // namespace classplan::server

#endif  // CLASSPLAN_COMMON_SERVER_UNARY_H_
