#ifndef CLASSPLAN_COMMON_SERVER_UNARY_H_
#define CLASSPLAN_COMMON_SERVER_UNARY_H_

// What every service's gRPC adapter does with a call: admit its work to the worker pool (or
// shed it when the pool's queue is full), run it under the caller's deadline, and finish the
// call with the domain's result mapped to a canonical status.
//
// Each adapter holds one RpcAdapter and writes every override out as a short body that calls
// it, as gRPC's route_guide callback example does:
//
//   grpc::ServerUnaryReactor* FooGrpcService::GetBar(grpc::CallbackServerContext* ctx,
//                                                    const pb::GetBarRequest* req,
//                                                    pb::GetBarResponse* resp) {
//     return rpc_.Offload(ctx, resp, "GetBar", [this, req] { return foo_->GetBar(*req); });
//   }

#include <functional>
#include <memory>
#include <string>
#include <type_traits>
#include <utility>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/time/time.h"
#include "common/identity/assertion.h"
#include "common/identity/identity.h"
#include "common/identity/method_roles.h"
#include "common/log/trace.h"
#include "common/metrics/metrics.h"
#include "common/server/call_deadline.h"
#include "common/server/worker_pool.h"
#include "common/status/grpc_status.h"
#include "grpcpp/grpcpp.h"
#include "grpcpp/support/server_interceptor.h"

namespace classplan::server {

// The counters every adapter keeps, looked up once.
struct RpcStats {
  metrics::Counter& server_errors;    // "<service>.rpc.server_errors"
  metrics::Counter& shed;             // "<service>.rpc.shed"
  metrics::Counter& unauthenticated;  // "<service>.rpc.unauthenticated": no valid assertion
  metrics::Counter& denied;           // "<service>.rpc.denied": refused by the role table

  static RpcStats For(absl::string_view service);
};

// What a service believes about its callers (docs/security.md, "Trust boundary").
struct CallTrust {
  // The gRPC service's full name (the generated Service::service_full_name()): an assertion
  // must name "/<service_full_name>/<rpc>".
  std::string service_full_name;
  // The keys that verify assertions; null refuses every call.
  std::shared_ptr<const identity::KeyRing> keys;
  // The service's own role table (its domain/); null refuses every call. Must outlive the
  // adapter.
  const identity::MethodRoles* roles = nullptr;
};

// Undecodable requests. gRPC 1.51's generated callback handlers parse a unary request before
// any service code runs and, when the bytes do not parse as the method's request message,
// finish the call UNIMPLEMENTED with an empty message; no handler, allocator or
// serialization hook of the typed API can change that. A server interceptor can: it sees the
// parse fail (POST_RECV_MESSAGE with no message) and rewrites the status the call is about to
// send (PRE_SEND_STATUS) to INVALID_ARGUMENT "request is not a valid <message type>". A stream
// of requests (client or bidi streaming) is worse: a request that does not parse is handed to
// the reactor as a failed read, exactly like the end of the stream, and the service answers OK.
// There the interceptor marks the request message before each read (an unknown field, which a
// parse clears and the end of the stream leaves), and a failed read without the mark finishes
// the call INVALID_ARGUMENT the same way. Generic services (the gateway's proxy) read raw bytes
// and get no interceptor. Being a server option, it covers every method of every service a
// ServerHost runs, with no change to the services (ServerHost installs it).
//
// The message for the method "/<package>.<Service>/<Method>": the request type's full name,
// from the generated descriptor pool ("request is not a valid message" for a method the pool
// does not know). Plain function, no gRPC types: callable from a fuzz target.
std::string UndecodableRequestMessage(absl::string_view method_path);

// The interceptor factory; ServerHost adds one to every server.
std::unique_ptr<grpc::experimental::ServerInterceptorFactoryInterface>
UndecodableRequestInterceptorFactory();

class RpcAdapter {
 public:
  // `service` names the counters and the overload message ("catalog"); `workers` must outlive
  // the adapter.
  RpcAdapter(std::string service, WorkerPool* workers, CallTrust trust);

  // The one admission path, for unary calls and streams alike: queues `task` on the pool, or,
  // when the pool's queue is full, counts the call as shed and returns UNAVAILABLE (the caller
  // finishes its call with it; `task` does not run).
  grpc::Status Admit(std::function<void()> task);

  // Runs `work` on the pool and finishes the call with its result. Outgoing calls made by the
  // work inherit the caller's deadline (ScopedCallDeadline). A call cancelled before its work
  // starts finishes CANCELLED (DEADLINE_EXCEEDED when its deadline has passed) without
  // running it.
  //
  // `work` is called either with no argument or with the call's `const identity::Caller&`
  // (CallerOf), read before the call is admitted.
  template <typename Resp, typename Work>
  grpc::ServerUnaryReactor* Offload(grpc::CallbackServerContext* ctx, Resp* resp, const char* rpc,
                                    Work work) {
    grpc::ServerUnaryReactor* reactor = ctx->DefaultReactor();
    absl::StatusOr<identity::Caller> caller = CallerOf(ctx, rpc);
    if (!caller.ok()) {
      reactor->Finish(Failed(caller.status(), rpc));
      return reactor;
    }
    log::TraceContext trace = TraceOf(ctx);
    grpc::Status admitted = Admit([this, ctx, reactor, resp, rpc, work = std::move(work),
                                   caller = *std::move(caller), trace = std::move(trace)] {
      // Every log line written for the call names it; outgoing calls carry its trace.
      log::ScopedCallContext call(log::SafeRequestId(caller.request_id), trace);
      if (ctx->IsCancelled()) {
        reactor->Finish(NotStarted(ctx));
        return;
      }
      ScopedCallDeadline deadline(absl::FromChrono(ctx->deadline()));
      if constexpr (std::is_invocable_v<const Work&, const identity::Caller&>) {
        Finish<Resp>(reactor, work(caller), resp, rpc);
      } else {
        Finish<Resp>(reactor, work(), resp, rpc);
      }
    });
    if (!admitted.ok()) reactor->Finish(std::move(admitted));
    return reactor;
  }

  // The call's trace context: its traceparent header, or a new trace when it has none (a
  // direct call; the gateway always sends one).
  static log::TraceContext TraceOf(const grpc::ServerContextBase* ctx);
  // The status of a call cancelled before its work started: DEADLINE_EXCEEDED when its
  // deadline has passed (gRPC cancels a call at its deadline), else CANCELLED.
  static grpc::Status NotStarted(const grpc::ServerContextBase* ctx);

  // The caller of `rpc`, from the call's identity assertion (assertion.h) only: UNAUTHENTICATED
  // without one that verifies for this method, PERMISSION_DENIED when the service's role table
  // does not let the caller's roles call `rpc`. The plain identity headers are ignored.
  absl::StatusOr<identity::Caller> CallerOf(const grpc::ServerContextBase* ctx,
                                            const char* rpc) const;

  // Finishes the call. Server-side failures are logged and counted (server_errors); client
  // errors are not logged (their messages may quote input). Messages of server-side failures
  // come from stores and clients and never carry request content.
  template <typename Resp>
  void Finish(grpc::ServerUnaryReactor* reactor, absl::StatusOr<Resp> result, Resp* resp,
              const char* rpc) {
    if (result.ok()) {
      *resp = std::move(*result);
      reactor->Finish(grpc::Status::OK);
      return;
    }
    reactor->Finish(Failed(result.status(), rpc));
  }

 private:
  // Counts and logs a server-side failure; returns the status to finish with.
  grpc::Status Failed(const absl::Status& status, const char* rpc);

  const std::string service_;
  WorkerPool* const workers_;
  const CallTrust trust_;
  const RpcStats stats_;
};

}  // namespace classplan::server

#endif  // CLASSPLAN_COMMON_SERVER_UNARY_H_
