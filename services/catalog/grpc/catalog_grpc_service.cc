#include "services/catalog/grpc/catalog_grpc_service.h"

#include "common/log/log.h"
#include "common/metrics/metrics.h"
#include "common/status/grpc_status.h"

namespace classplan::catalog {
namespace {

template <typename Resp>
void Finish(grpc::ServerUnaryReactor* reactor, absl::StatusOr<Resp> result, Resp* resp,
            const char* rpc) {
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
      // Server-side failures only; the message is built from codes, never request content.
      metrics::GetCounter("catalog.rpc.server_errors").Increment();
      log::Error("rpc failed", {{"rpc", absl::string_view(rpc)},
                                {"code", absl::string_view(absl::StatusCodeToString(s.code()))},
                                {"detail", absl::string_view(s.message())}});
      break;
    default:
      break;
  }
  reactor->Finish(status::ToGrpcStatus(s));
}

}  // namespace

template <typename Req, typename Resp>
grpc::ServerUnaryReactor* CatalogGrpcService::Offload(
    grpc::CallbackServerContext* ctx, const Req* req, Resp* resp,
    absl::StatusOr<Resp> (Catalog::*method)(const Req&), const char* rpc) {
  grpc::ServerUnaryReactor* reactor = ctx->DefaultReactor();
  bool queued = workers_->TrySubmit([this, ctx, reactor, req, resp, method, rpc] {
    if (ctx->IsCancelled()) {
      reactor->Finish(grpc::Status(grpc::StatusCode::CANCELLED, "cancelled by the caller"));
      return;
    }
    Finish(reactor, (catalog_->*method)(*req), resp, rpc);
  });
  if (!queued) {
    static metrics::Counter& shed = metrics::GetCounter("catalog.rpc.shed");
    shed.Increment();
    reactor->Finish(grpc::Status(grpc::StatusCode::UNAVAILABLE,
                                 "the catalog is overloaded; retry with backoff"));
  }
  return reactor;
}

class GetJobClassAllocator::Holder
    : public grpc::MessageHolder<pb::GetJobClassRequest, pb::GetJobClassResponse> {
 public:
  explicit Holder(GetJobClassAllocator* owner) : owner_(owner) {
    set_request(&request_);
    set_response(&response_);
  }
  void Release() override {
    {
      absl::MutexLock lock(&owner_->mu_);
      owner_->holders_.erase(&request_);
    }
    delete this;
  }
  void Use(std::shared_ptr<const pb::GetJobClassResponse> response) {
    shared_ = std::move(response);
    // gRPC only reads the response (to serialize it); the shared copy is never written.
    set_response(const_cast<pb::GetJobClassResponse*>(shared_.get()));
  }
  const pb::GetJobClassRequest* request_ptr() const { return &request_; }

 private:
  GetJobClassAllocator* owner_;
  pb::GetJobClassRequest request_;
  pb::GetJobClassResponse response_;
  std::shared_ptr<const pb::GetJobClassResponse> shared_;
};

grpc::MessageHolder<pb::GetJobClassRequest, pb::GetJobClassResponse>*
GetJobClassAllocator::AllocateMessages() {
  auto* holder = new Holder(this);
  absl::MutexLock lock(&mu_);
  holders_[holder->request_ptr()] = holder;
  return holder;
}

void GetJobClassAllocator::AnswerWith(const pb::GetJobClassRequest* request,
                                      std::shared_ptr<const pb::GetJobClassResponse> response) {
  absl::MutexLock lock(&mu_);
  holders_.at(request)->Use(std::move(response));
}

grpc::ServerUnaryReactor* CatalogGrpcService::GetJobClass(grpc::CallbackServerContext* ctx,
                                                          const pb::GetJobClassRequest* req,
                                                          pb::GetJobClassResponse* resp) {
  if (auto shared = catalog_->TryGetJobClassShared(*req)) {
    get_allocator_.AnswerWith(req, std::move(shared));
    grpc::ServerUnaryReactor* reactor = ctx->DefaultReactor();
    reactor->Finish(grpc::Status::OK);
    return reactor;
  }
  if (auto local = catalog_->TryGetJobClassLocal(*req)) {
    grpc::ServerUnaryReactor* reactor = ctx->DefaultReactor();
    Finish(reactor, std::move(*local), resp, "GetJobClass");
    return reactor;
  }
  return Offload(ctx, req, resp, &Catalog::GetJobClass, "GetJobClass");
}

#define CLASSPLAN_OFFLOAD(Rpc)                                                                  \
  grpc::ServerUnaryReactor* CatalogGrpcService::Rpc(                                            \
      grpc::CallbackServerContext* ctx, const pb::Rpc##Request* req, pb::Rpc##Response* resp) { \
    return Offload(ctx, req, resp, &Catalog::Rpc, #Rpc);                                        \
  }

CLASSPLAN_OFFLOAD(GetJurisdiction)
CLASSPLAN_OFFLOAD(ListJurisdictions)
CLASSPLAN_OFFLOAD(GetClassSeries)
CLASSPLAN_OFFLOAD(ListClassSeries)
CLASSPLAN_OFFLOAD(ListJobClasses)
CLASSPLAN_OFFLOAD(SearchJobClasses)
CLASSPLAN_OFFLOAD(ListClassRevisions)
CLASSPLAN_OFFLOAD(CreateJobClass)
CLASSPLAN_OFFLOAD(ReviseJobClass)
CLASSPLAN_OFFLOAD(AbolishJobClass)
CLASSPLAN_OFFLOAD(CreateClassificationNotice)
CLASSPLAN_OFFLOAD(GetClassificationNotice)
CLASSPLAN_OFFLOAD(ListClassificationNotices)
CLASSPLAN_OFFLOAD(RecordNoticeApproval)

#undef CLASSPLAN_OFFLOAD

}  // namespace classplan::catalog
