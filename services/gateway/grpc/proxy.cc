#include "services/gateway/grpc/proxy.h"

#include <atomic>

#include "absl/strings/str_cat.h"
#include "absl/synchronization/mutex.h"
#include "classplan/gateway/v1/config.pb.h"
#include "common/identity/identity.h"
#include "common/log/log.h"
#include "common/log/trace.h"
#include "common/server/call_observer.h"
#include "google/rpc/error_details.pb.h"
#include "google/rpc/status.pb.h"
#include "services/gateway/telemetry/counters.h"

namespace classplan::gateway {
namespace {

using grpc::ByteBuffer;

absl::string_view Sv(grpc::string_ref r) { return absl::string_view(r.data(), r.size()); }

// RESOURCE_EXHAUSTED with the delay twice: a google.rpc.RetryInfo detail, and a
// "retry-after" trailer in whole seconds (rounded up) for clients that read no details.
grpc::Status RateLimited(grpc::GenericCallbackServerContext* ctx, absl::Duration retry_after,
                         absl::string_view message) {
  ctx->AddTrailingMetadata(
      "retry-after", absl::StrCat(absl::ToInt64Seconds(absl::Ceil(retry_after, absl::Seconds(1)))));
  google::rpc::RetryInfo info;
  const int64_t ns = absl::ToInt64Nanoseconds(retry_after);
  info.mutable_retry_delay()->set_seconds(ns / 1000000000);
  info.mutable_retry_delay()->set_nanos(static_cast<int32_t>(ns % 1000000000));
  google::rpc::Status st;
  st.set_code(grpc::StatusCode::RESOURCE_EXHAUSTED);
  st.set_message(message.empty()
                     ? "rate limit exceeded; retry after the delay in google.rpc.RetryInfo"
                     : std::string(message));
  st.add_details()->PackFrom(info);
  return grpc::Status(grpc::StatusCode::RESOURCE_EXHAUSTED, st.message(), st.SerializeAsString());
}

// Is the backend's status one the gateway caused or a backend failure worth counting?
bool BackendFault(grpc::StatusCode c) {
  return c == grpc::StatusCode::UNAVAILABLE || c == grpc::StatusCode::INTERNAL ||
         c == grpc::StatusCode::UNKNOWN || c == grpc::StatusCode::DATA_LOSS;
}

class ProxyCall;

// The gateway → backend half of a call.
class BackendLeg : public grpc::ClientBidiReactor<ByteBuffer, ByteBuffer> {
 public:
  explicit BackendLeg(ProxyCall* call) : call_(call) {}
  void OnReadInitialMetadataDone(bool ok) override;
  void OnReadDone(bool ok) override;
  void OnWriteDone(bool ok) override;
  void OnWritesDoneDone(bool ok) override {}
  void OnDone(const grpc::Status& status) override;

 private:
  ProxyCall* call_;
};

// The client → gateway half, and the state of the whole call.
class ProxyCall : public grpc::ServerGenericBidiReactor {
 public:
  ProxyCall(const ProxyDeps& deps, const Admission& admission,
            grpc::GenericCallbackServerContext* ctx)
      : deps_(deps), admission_(admission), ctx_(ctx), leg_(this), start_(absl::Now()) {
    Begin();
  }

  // ---- client → gateway (server reactor) ----
  void OnReadDone(bool ok) override {
    if (unary_) return UnaryRequestRead(ok);
    bool stop = false;
    {
      absl::MutexLock lock(&mu_);
      pump_reading_ = false;
      if (pump_abandoned_) return;  // the backend finished; its hold is already gone
      if (ok) {
        bytes_in_ += static_cast<int64_t>(req_.Length());
        leg_.StartWrite(&req_);
      } else {
        stop = true;
      }
    }
    if (stop) {
      // The caller half-closed (or went away): the backend gets a half-close too.
      leg_.StartWritesDone();
      ReleaseRequestHold();
    }
  }
  void OnWriteDone(bool ok) override {
    if (unary_) return;  // the one response went with the status
    if (!ok) {
      // The caller is gone: stop the backend and the response pump.
      client_ctx_.TryCancel();
      leg_.RemoveHold();
      return;
    }
    leg_.StartRead(&resp_);
  }
  void OnCancel() override {
    absl::MutexLock lock(&mu_);
    cancelled_ = true;
    // Propagates to the backend as a cancellation (RST_STREAM); works before StartCall too.
    client_ctx_.TryCancel();
  }
  void OnDone() override { Unref(); }

  // ---- gateway → backend (BackendLeg forwards here) ----
  void LegInitialMetadata(bool ok) {
    if (ok) {
      for (const auto& [k, v] : client_ctx_.GetServerInitialMetadata()) {
        if (ForwardBackendHeader(Sv(k)))
          ctx_->AddInitialMetadata(std::string(Sv(k)), std::string(Sv(v)));
      }
    }
    leg_.StartRead(&resp_);
  }
  void LegReadDone(bool ok) {
    if (ok) {
      bytes_out_ += static_cast<int64_t>(resp_.Length());
      AddRequestIdHeader();
      StartWrite(&resp_);
      return;
    }
    // The backend has sent everything. If the request pump is waiting for the caller's
    // next message, abandon it so that the status is not held up until the caller sends or
    // half-closes.
    bool release = false;
    {
      absl::MutexLock lock(&mu_);
      backend_closed_ = true;
      if (pump_reading_ && !request_hold_released_) {
        pump_abandoned_ = true;
        request_hold_released_ = true;
        release = true;
      }
    }
    if (release) leg_.RemoveHold();
    leg_.RemoveHold();  // the response pump's hold
  }
  void LegWriteDone(bool ok) {
    bool release = !ok;
    if (ok) {
      absl::MutexLock lock(&mu_);
      if (backend_closed_) {
        release = true;
      } else {
        pump_reading_ = true;
        StartRead(&req_);
      }
    }
    if (release) ReleaseRequestHold();
  }
  void LegDone(const grpc::Status& status) {
    for (const auto& [k, v] : client_ctx_.GetServerTrailingMetadata()) {
      if (ForwardBackendHeader(Sv(k)))
        ctx_->AddTrailingMetadata(std::string(Sv(k)), std::string(Sv(v)));
    }
    CountBackendStatus(status);
    FinishCall(status);
    Unref();
  }

 private:
  void Begin() {
    const absl::string_view method = ctx_->method();
    const auto& md = ctx_->client_metadata();
    auto rid = md.find(identity::kRequestIdHeader);
    request_id_ = RequestIdFor(rid == md.end() ? absl::string_view() : Sv(rid->second));
    // W3C trace context: the caller's trace when it sent a valid traceparent, else a new one.
    auto tp = md.find(log::kTraceparentHeader);
    trace_ = tp == md.end() ? log::TraceContext() : log::ParseTraceparent(Sv(tp->second));
    if (!trace_.valid()) trace_ = log::NewTrace();
    const absl::string_view service = ServiceOf(method);
    route_ = service.empty() ? -1 : deps_.routes->Find(service);
    stats_ = deps_.metrics->ForMethod(method, route_ >= 0);
    auto auth = md.find("authorization");
    client_address_ = ClientAddress(ctx_->peer());
    Admission::Call call;
    call.client_address = client_address_;
    call.method = method;
    call.routed = route_ >= 0;
    call.authorization = auth == md.end() ? absl::string_view() : Sv(auth->second);
    call.now = start_;
    auto verdict =
        admission_.Admit(call, &caller_, [this](const Admission::Verdict& v) { Proceed(v); });
    if (verdict.has_value()) Proceed(*verdict);
  }

  // Starts the backend call once admitted, or refuses the call.
  void Proceed(const Admission::Verdict& verdict) {
    reason_ = verdict.reason;
    switch (verdict.kind) {
      case Admission::Verdict::Kind::kAdmitted:
        return StartBackend();
      case Admission::Verdict::Kind::kRateLimited:
        return FinishCall(RateLimited(ctx_, verdict.retry_after, verdict.refusal.message()));
      case Admission::Verdict::Kind::kRefused:
        return FinishCall(grpc::Status(static_cast<grpc::StatusCode>(verdict.refusal.code()),
                                       std::string(verdict.refusal.message())));
    }
  }

  // ---- unary: one backend unary call ----
  void UnaryRequestRead(bool ok) {
    if (!ok) {
      return FinishCall(
          grpc::Status(grpc::StatusCode::INVALID_ARGUMENT, "a unary call needs a request message"));
    }
    bytes_in_ += static_cast<int64_t>(req_.Length());
    BackendPool& pool = *(*deps_.pools)[route_];
    pool.stub->UnaryCall(&client_ctx_, std::string(ctx_->method()), {}, &req_, &resp_,
                         [this](const grpc::Status& status) { UnaryDone(status); });
  }
  void UnaryDone(const grpc::Status& status) {
    for (const auto& [k, v] : client_ctx_.GetServerInitialMetadata()) {
      if (ForwardBackendHeader(Sv(k)))
        ctx_->AddInitialMetadata(std::string(Sv(k)), std::string(Sv(v)));
    }
    for (const auto& [k, v] : client_ctx_.GetServerTrailingMetadata()) {
      if (ForwardBackendHeader(Sv(k)))
        ctx_->AddTrailingMetadata(std::string(Sv(k)), std::string(Sv(v)));
    }
    CountBackendStatus(status);
    if (!status.ok()) return FinishCall(status);
    bytes_out_ += static_cast<int64_t>(resp_.Length());
    AddRequestIdHeader();
    FinishCall(status, &resp_);
  }

  // The request id goes back in the response headers when there are headers to send (a
  // response message), and always in the trailers (FinishCall). An error with no message
  // therefore stays a trailers-only response, which a caller's own gRPC retry policy needs
  // in order to retry it (any header of ours would commit the call to its first attempt).
  void AddRequestIdHeader() {
    if (request_id_in_headers_) return;
    request_id_in_headers_ = true;
    ctx_->AddInitialMetadata(identity::kRequestIdHeader, request_id_);
  }

  void CountBackendStatus(const grpc::Status& status) {
    if (BackendFault(status.error_code())) {
      Counters().backend_errors.Increment();
      if (status.error_code() == grpc::StatusCode::UNAVAILABLE)
        Counters().backend_unavailable.Increment();
    }
  }

  void StartBackend() {
    bool cancelled = false;
    {
      absl::MutexLock lock(&mu_);
      cancelled = cancelled_;
      if (!cancelled) refs_.fetch_add(1, std::memory_order_relaxed);
    }
    if (cancelled) {
      return FinishCall(grpc::Status(grpc::StatusCode::CANCELLED, "cancelled by the caller"));
    }
    const absl::Time now = absl::Now();
    const auto client_deadline = ctx_->deadline();
    const absl::Time backend_deadline =
        BackendDeadline(client_deadline == std::chrono::system_clock::time_point::max()
                            ? absl::InfiniteFuture()
                            : absl::FromChrono(client_deadline),
                        now, deps_.settings->default_deadline, deps_.settings->max_deadline);
    client_ctx_.set_deadline(absl::ToChronoTime(backend_deadline));
    for (const auto& [k, v] : ctx_->client_metadata()) {
      if (ForwardClientHeader(Sv(k)))
        client_ctx_.AddMetadata(std::string(Sv(k)), std::string(Sv(v)));
    }
    client_ctx_.AddMetadata(identity::kRequestIdHeader, request_id_);
    client_ctx_.AddMetadata(log::kTraceparentHeader, log::ChildOf(trace_).Header());
    if (caller_.principal != nullptr) {
      client_ctx_.AddMetadata(identity::kPrincipalHeader, caller_.principal->id);
      client_ctx_.AddMetadata(identity::kRolesHeader, caller_.principal->roles_header);
      // What the backend believes (the two headers above are for display only): signed for
      // this method, valid until the backend call's deadline (at most a few minutes).
      absl::StatusOr<std::string> assertion = deps_.identity_keys->Sign(
          identity::Claims{std::string(ctx_->method()), caller_.principal->id,
                           identity::ParseRoles(caller_.principal->roles_header), request_id_},
          identity::AssertionExpiry(now, backend_deadline));
      if (!assertion.ok()) {
        refs_.fetch_sub(1, std::memory_order_relaxed);
        return FinishCall(
            grpc::Status(grpc::StatusCode::INTERNAL, "cannot sign the caller's identity"));
      }
      client_ctx_.AddMetadata(identity::kAssertionHeader, *std::move(assertion));
    }
    if (deps_.kinds != nullptr && deps_.kinds->IsUnary(route_, ctx_->method())) {
      // One request, then one unary backend call; the stream machinery is not needed.
      refs_.fetch_sub(1, std::memory_order_relaxed);
      unary_ = true;
      StartRead(&req_);
      return;
    }
    BackendPool& pool = *(*deps_.pools)[route_];
    pool.stub->PrepareBidiStreamingCall(&client_ctx_, std::string(ctx_->method()), {}, &leg_);
    leg_.AddHold();  // request pump: the leg lives while a caller message may still come
    leg_.AddHold();  // response pump: across each write back to the caller
    leg_.StartCall();
    {
      absl::MutexLock lock(&mu_);
      pump_reading_ = true;
    }
    StartRead(&req_);
  }

  void ReleaseRequestHold() {
    {
      absl::MutexLock lock(&mu_);
      if (request_hold_released_) return;
      request_hold_released_ = true;
    }
    leg_.RemoveHold();
  }

  // `response`: the unary response, sent together with the status.
  void FinishCall(const grpc::Status& status, const ByteBuffer* response = nullptr) {
    ctx_->AddTrailingMetadata(identity::kRequestIdHeader, request_id_);
    const absl::Time now = absl::Now();
    const absl::Duration latency = now - start_;
    // At the caller's deadline gRPC cancels the call and the backend's answer is CANCELLED:
    // the caller sees DEADLINE_EXCEEDED, and so do the metrics and the log.
    const grpc::StatusCode code =
        server::EffectiveCode(status.error_code(), absl::FromChrono(ctx_->deadline()), now);
    GatewayMetrics::Record(stats_, code, latency, bytes_in_.load(), bytes_out_.load());
    if (deps_.access_log != nullptr) {
      deps_.access_log->Write(
          ctx_->method(),
          caller_.principal == nullptr ? absl::string_view("-")
                                       : absl::string_view(caller_.log_name),
          code, latency, bytes_in_.load(), bytes_out_.load(), request_id_, client_address_,
          code == grpc::StatusCode::DEADLINE_EXCEEDED && !status.ok() && status.error_code() != code
              ? absl::string_view("deadline")
              : FailureReason(status),
          trace_.trace_id);
    }
    if (response != nullptr) {
      StartWriteAndFinish(response, grpc::WriteOptions(), status);
    } else {
      Finish(status);
    }
  }

  // Why the call failed, for the access log: the gateway's refusal, else what ended it.
  absl::string_view FailureReason(const grpc::Status& status) const {
    if (status.ok()) return {};
    if (!reason_.empty()) return reason_;
    switch (status.error_code()) {
      case grpc::StatusCode::CANCELLED:
        return "cancelled";
      case grpc::StatusCode::DEADLINE_EXCEEDED:
        return "deadline";
      default:
        return "backend";
    }
  }

  void Unref() {
    if (refs_.fetch_sub(1, std::memory_order_acq_rel) == 1) delete this;
  }

  const ProxyDeps& deps_;
  const Admission& admission_;
  grpc::GenericCallbackServerContext* ctx_;
  grpc::ClientContext client_ctx_;
  BackendLeg leg_;
  const absl::Time start_;
  std::string request_id_;
  log::TraceContext trace_;  // the call's trace (Begin)
  std::string client_address_;
  absl::string_view reason_;            // the admission's refusal reason (a static string), if any
  bool request_id_in_headers_ = false;  // response pump / unary completion only
  int route_ = -1;
  GatewayMetrics::MethodStats* stats_ = nullptr;
  Admission::Caller caller_;  // set by admission before the backend call starts
  ByteBuffer req_, resp_;
  std::atomic<int64_t> bytes_in_{0}, bytes_out_{0};
  std::atomic<int> refs_{1};

  absl::Mutex mu_;  // this call's own; never shared between calls
  bool cancelled_ = false;
  bool unary_ = false;  // set before the first read; never changes after
  bool pump_reading_ = false;
  bool pump_abandoned_ = false;
  bool backend_closed_ = false;
  bool request_hold_released_ = false;
};

void BackendLeg::OnReadInitialMetadataDone(bool ok) { call_->LegInitialMetadata(ok); }
void BackendLeg::OnReadDone(bool ok) { call_->LegReadDone(ok); }
void BackendLeg::OnWriteDone(bool ok) { call_->LegWriteDone(ok); }
void BackendLeg::OnDone(const grpc::Status& status) { call_->LegDone(status); }

}  // namespace

grpc::ServerGenericBidiReactor* ProxyService::CreateReactor(
    grpc::GenericCallbackServerContext* ctx) {
  return new ProxyCall(deps_, admission_, ctx);
}

}  // namespace classplan::gateway
