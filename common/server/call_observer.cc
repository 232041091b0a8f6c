#include "common/server/call_observer.h"

#include <atomic>

#include "absl/base/thread_annotations.h"
#include "absl/container/flat_hash_map.h"
#include "absl/strings/match.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/clock.h"
#include "common/identity/identity.h"
#include "common/log/log.h"
#include "common/log/trace.h"
#include "grpcpp/generic/async_generic_service.h"

namespace classplan::server {
namespace {

using grpc::experimental::InterceptionHookPoints;

// Principals of the calls in flight made by systems, by call. Most calls are people's and
// never touch it: `count` lets them skip the lock.
struct SystemPrincipals {
  std::atomic<int> count{0};
  absl::Mutex mu;
  absl::flat_hash_map<const void*, std::string> by_call ABSL_GUARDED_BY(mu);
};
SystemPrincipals& Principals() {
  static auto* p = new SystemPrincipals;
  return *p;
}

std::string TakeSystemPrincipal(const void* call) {
  SystemPrincipals& p = Principals();
  if (p.count.load(std::memory_order_acquire) == 0) return "";
  absl::MutexLock lock(&p.mu);
  auto it = p.by_call.find(call);
  if (it == p.by_call.end()) return "";
  std::string principal = std::move(it->second);
  p.by_call.erase(it);
  p.count.fetch_sub(1, std::memory_order_release);
  return principal;
}

std::string MetadataValue(const grpc::ServerContextBase* ctx, const char* key) {
  const auto& md = ctx->client_metadata();
  auto it = md.find(key);
  return it == md.end() ? std::string() : std::string(it->second.data(), it->second.size());
}

class CallObserver : public grpc::experimental::Interceptor {
 public:
  CallObserver(metrics::CallMetrics::MethodStats* stats, grpc::experimental::ServerRpcInfo* info,
               bool access_log)
      : stats_(stats), info_(info), access_log_(access_log), start_(absl::Now()) {}

  void Intercept(grpc::experimental::InterceptorBatchMethods* methods) override {
    if (methods->QueryInterceptionHookPoint(InterceptionHookPoints::PRE_SEND_STATUS)) {
      const absl::Time now = absl::Now();
      const grpc::ServerContextBase* ctx = info_->server_context();
      const grpc::StatusCode code = EffectiveCode(methods->GetSendStatus().error_code(),
                                                  absl::FromChrono(ctx->deadline()), now);
      const absl::Duration latency = now - start_;
      metrics::CallMetrics::Record(stats_, static_cast<int>(code), latency);
      std::string principal = TakeSystemPrincipal(ctx);
      if (access_log_) {
        // The request id and trace id are the gateway's (or a trusted caller's); both are
        // checked for shape before they are written (no free text from a client).
        const std::string request_id =
            log::SafeRequestId(MetadataValue(ctx, identity::kRequestIdHeader));
        const log::TraceContext trace = log::ParseTraceparent(MetadataValue(ctx, "traceparent"));
        log::Info("access", {{"method", info_->method()},
                             {"code", metrics::CallMetrics::CodeName(static_cast<int>(code))},
                             {"latency_ms", absl::ToDoubleMilliseconds(latency)},
                             {"request_id", request_id},
                             {"trace_id", trace.trace_id},
                             {"principal", principal}});
      }
    }
    methods->Proceed();
  }

 private:
  metrics::CallMetrics::MethodStats* const stats_;
  grpc::experimental::ServerRpcInfo* const info_;
  const bool access_log_;
  const absl::Time start_;
};

class CallObserverFactoryImpl : public grpc::experimental::ServerInterceptorFactoryInterface {
 public:
  explicit CallObserverFactoryImpl(CallObserverOptions options) : options_(std::move(options)) {}

  grpc::experimental::Interceptor* CreateServerInterceptor(
      grpc::experimental::ServerRpcInfo* info) override {
    // The gateway's proxy (a generic service) records its calls itself, with its own names.
    if (dynamic_cast<grpc::GenericCallbackServerContext*>(info->server_context()) != nullptr) {
      return nullptr;
    }
    // Methods of registered services only: the names are the generated ones, never a
    // client's text.
    // Health checks (probes, the gateway's every few seconds) are counted but not logged:
    // they would drown the calls.
    const bool health = absl::StartsWith(info->method(), "/grpc.health.v1.Health/");
    return new CallObserver(options_.metrics->ForMethod(info->method()), info,
                            options_.access_log && !health);
  }

 private:
  const CallObserverOptions options_;
};

}  // namespace

grpc::StatusCode EffectiveCode(grpc::StatusCode sent, absl::Time deadline, absl::Time now) {
  if (now < deadline) return sent;
  switch (sent) {
    case grpc::StatusCode::OK:
    case grpc::StatusCode::CANCELLED:
    case grpc::StatusCode::UNAVAILABLE:
      return grpc::StatusCode::DEADLINE_EXCEEDED;
    default:
      return sent;
  }
}

void NoteSystemPrincipal(const grpc::ServerContextBase* ctx, const std::string& principal) {
  SystemPrincipals& p = Principals();
  absl::MutexLock lock(&p.mu);
  if (p.by_call.insert_or_assign(ctx, principal).second) {
    p.count.fetch_add(1, std::memory_order_release);
  }
}

std::unique_ptr<grpc::experimental::ServerInterceptorFactoryInterface> CallObserverFactory(
    CallObserverOptions options) {
  return std::make_unique<CallObserverFactoryImpl>(std::move(options));
}

}  // namespace classplan::server
