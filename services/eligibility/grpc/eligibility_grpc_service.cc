#include "services/eligibility/grpc/eligibility_grpc_service.h"

#include <deque>
#include <optional>

#include "absl/synchronization/mutex.h"
#include "common/log/log.h"
#include "common/metrics/metrics.h"
#include "common/status/grpc_status.h"

namespace classplan::eligibility {

ScreenStats ScreenStats::Get() {
  return ScreenStats{metrics::GetCounter("eligibility.screen.applicants")};
}

grpc::ServerUnaryReactor* EligibilityGrpcService::Evaluate(grpc::CallbackServerContext* ctx,
                                                           const v1::EvaluateRequest* req,
                                                           v1::Evaluation* resp) {
  return rpc_.Offload(ctx, resp, "Evaluate", [this, req] { return eligibility_->Evaluate(*req); });
}

grpc::ServerUnaryReactor* EligibilityGrpcService::FindQualifyingClasses(
    grpc::CallbackServerContext* ctx, const v1::FindQualifyingClassesRequest* req,
    v1::FindQualifyingClassesResponse* resp) {
  return rpc_.Offload(ctx, resp, "FindQualifyingClasses",
                      [this, req] { return eligibility_->FindQualifyingClasses(*req); });
}

template <typename Req, typename Resp>
grpc::ServerUnaryReactor* EligibilityGrpcService::OffloadRuling(
    grpc::CallbackServerContext* ctx, const Req* req, Resp* resp,
    absl::StatusOr<Resp> (RulingService::*method)(const identity::Caller&, const Req&),
    const char* rpc) {
  return rpc_.Offload(ctx, resp, rpc,
                      [this, req, method](const identity::Caller& caller) -> absl::StatusOr<Resp> {
                        if (rulings_ == nullptr) {
                          return absl::UnimplementedError("this server keeps no rulings");
                        }
                        return (rulings_->*method)(caller, *req);
                      });
}

grpc::ServerUnaryReactor* EligibilityGrpcService::RecordRuling(grpc::CallbackServerContext* ctx,
                                                               const v1::RecordRulingRequest* req,
                                                               v1::Ruling* resp) {
  return OffloadRuling(ctx, req, resp, &RulingService::Record, "RecordRuling");
}

grpc::ServerUnaryReactor* EligibilityGrpcService::ListRulings(grpc::CallbackServerContext* ctx,
                                                              const v1::ListRulingsRequest* req,
                                                              v1::ListRulingsResponse* resp) {
  return OffloadRuling(ctx, req, resp, &RulingService::List, "ListRulings");
}

grpc::ServerUnaryReactor* EligibilityGrpcService::WithdrawRuling(
    grpc::CallbackServerContext* ctx, const v1::WithdrawRulingRequest* req, v1::Ruling* resp) {
  return OffloadRuling(ctx, req, resp, &RulingService::Withdraw, "WithdrawRuling");
}

grpc::ServerUnaryReactor* EligibilityGrpcService::ListAuditEvents(
    grpc::CallbackServerContext* ctx, const common::v1::ListAuditEventsRequest* req,
    common::v1::ListAuditEventsResponse* resp) {
  return OffloadRuling(ctx, req, resp, &RulingService::ListAuditEvents, "ListAuditEvents");
}

namespace {

class ScreenReactor final : public grpc::ServerBidiReactor<v1::ScreenRequest, v1::ScreenResult> {
 public:
  ScreenReactor(grpc::CallbackServerContext* ctx, Eligibility* eligibility, server::RpcAdapter* rpc,
                const ScreenStats& stats, size_t max_pending)
      : eligibility_(eligibility), rpc_(rpc), stats_(stats), max_pending_(max_pending) {
    // The stream's identity is checked once, before anything is read, as a unary call's is.
    if (absl::StatusOr<identity::Caller> caller = rpc_->CallerOf(ctx, "ScreenApplicants");
        !caller.ok()) {
      FinishOnce(status::ToGrpcStatus(caller.status()));
      return;
    }
    reading_ = true;
    StartRead(&request_);
  }

  void OnReadDone(bool ok) override {
    if (!ok) {  // the client half-closed (or the call is over)
      std::optional<grpc::Status> done;
      {
        absl::MutexLock lock(&mu_);
        reading_ = false;
        read_done_ = true;
        done = FinishableLocked();
      }
      if (done) Finish(*done);  // last touch of `this`: OnDone may follow at once
      return;
    }
    if (!started_) {
      started_ = true;
      if (!request_.has_header()) {
        FinishOnce(grpc::Status(grpc::StatusCode::INVALID_ARGUMENT,
                                "the first message must be a header naming the class"));
        return;
      }
      // The header may need the catalog: resolve it on a worker, then read on.
      const v1::ScreenHeader header = request_.header();
      // Shed as the unary calls are when the pool's queue is full.
      grpc::Status admitted = rpc_->Admit([this, header] { Start(header); });
      if (!admitted.ok()) FinishOnce(std::move(admitted));
      return;
    }
    v1::ScreenResult result;
    if (!request_.has_applicant()) {
      // Results already queued are still written; then the stream ends with the error.
      std::optional<grpc::Status> done;
      {
        absl::MutexLock lock(&mu_);
        reading_ = false;
        read_done_ = true;
        error_ = grpc::Status(grpc::StatusCode::INVALID_ARGUMENT,
                              "every message after the header must carry an applicant");
        done = FinishableLocked();
      }
      if (done) Finish(*done);
      return;
    }
    eligibility_->ScreenOne(*screening_, request_.applicant(), index_++, &scratch_, &result);
    stats_.applicants.Increment();
    std::optional<grpc::Status> done;
    {
      absl::MutexLock lock(&mu_);
      reading_ = false;
      pending_.push_back(std::move(result));
      WriteNextLocked();
      ReadNextLocked();
      // A cancellation that arrived while this read was outstanding could not finish the
      // call (a read was pending) and neither a write nor a read is started after it: finish
      // here, or the call would never end.
      done = FinishableLocked();
    }
    if (done) Finish(*done);
  }

  void OnWriteDone(bool ok) override {
    std::optional<grpc::Status> done;
    {
      absl::MutexLock lock(&mu_);
      writing_ = false;
      if (!ok) {  // the client went away
        broken_ = true;
      } else {
        pending_.pop_front();
        WriteNextLocked();
        ReadNextLocked();
      }
      done = FinishableLocked();
    }
    if (done) Finish(*done);
  }

  void OnDone() override { delete this; }

  void OnCancel() override {
    std::optional<grpc::Status> done;
    {
      absl::MutexLock lock(&mu_);
      broken_ = true;
      done = FinishableLocked();
    }
    if (done) Finish(*done);
  }

 private:
  void Start(const v1::ScreenHeader& header) {
    auto screening = eligibility_->StartScreening(header);
    if (!screening.ok()) {
      FinishOnce(status::ToGrpcStatus(screening.status()));
      return;
    }
    screening_ = std::move(*screening);
    std::optional<grpc::Status> done;
    {
      absl::MutexLock lock(&mu_);
      // `reading_` stood for this step while it ran, so a cancellation meanwhile could not
      // finish (and free) the reactor under us; it finishes here instead.
      reading_ = false;
      ReadNextLocked();
      done = FinishableLocked();
    }
    if (done) Finish(*done);
  }

  void ReadNextLocked() ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_) {
    if (reading_ || read_done_ || broken_ || finished_ || pending_.size() >= max_pending_) return;
    reading_ = true;
    StartRead(&request_);
  }

  void WriteNextLocked() ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_) {
    if (writing_ || broken_ || finished_ || pending_.empty()) return;
    writing_ = true;
    // deque::push_back never moves existing elements, so front() stays put while written.
    StartWrite(&pending_.front());
  }

  // The status to finish with once nothing is outstanding; the caller calls Finish() after
  // releasing the lock.
  std::optional<grpc::Status> FinishableLocked() ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_) {
    if (finished_ || writing_ || reading_) return std::nullopt;
    if (broken_) {
      finished_ = true;
      return grpc::Status(grpc::StatusCode::CANCELLED, "the stream was cancelled");
    }
    if (read_done_ && pending_.empty()) {
      finished_ = true;
      return error_.value_or(grpc::Status::OK);
    }
    return std::nullopt;
  }

  // Only when no read or write is outstanding (header errors).
  void FinishOnce(grpc::Status status) {
    {
      absl::MutexLock lock(&mu_);
      if (finished_) return;
      finished_ = true;
      reading_ = false;
    }
    Finish(std::move(status));
  }

  Eligibility* eligibility_;
  server::RpcAdapter* rpc_;
  const ScreenStats& stats_;
  const size_t max_pending_;

  // Touched only by the one outstanding read's callback (and Start before the next read).
  v1::ScreenRequest request_;
  bool started_ = false;
  std::optional<Eligibility::Screening> screening_;
  Scratch scratch_;
  int64_t index_ = 0;

  absl::Mutex mu_;
  std::deque<v1::ScreenResult> pending_ ABSL_GUARDED_BY(mu_);
  bool reading_ ABSL_GUARDED_BY(mu_) = false;
  bool writing_ ABSL_GUARDED_BY(mu_) = false;
  bool read_done_ ABSL_GUARDED_BY(mu_) = false;
  bool broken_ ABSL_GUARDED_BY(mu_) = false;
  bool finished_ ABSL_GUARDED_BY(mu_) = false;
  std::optional<grpc::Status> error_ ABSL_GUARDED_BY(mu_);
};

}  // namespace

grpc::ServerBidiReactor<v1::ScreenRequest, v1::ScreenResult>*
EligibilityGrpcService::ScreenApplicants(grpc::CallbackServerContext* ctx) {
  return new ScreenReactor(ctx, eligibility_, &rpc_, screen_stats_, max_pending_);
}

}  // namespace classplan::eligibility
