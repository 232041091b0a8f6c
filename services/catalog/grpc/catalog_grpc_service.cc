#include "services/catalog/grpc/catalog_grpc_service.h"

#include "common/server/unary.h"

namespace classplan::catalog {

template <typename Req, typename Resp>
grpc::ServerUnaryReactor* CatalogGrpcService::Offload(
    grpc::CallbackServerContext* ctx, const Req* req, Resp* resp,
    absl::StatusOr<Resp> (Catalog::*method)(const Req&), const char* rpc) {
  return server::OffloadUnary<Resp>(
      workers_, ctx, resp, [this, req, method] { return (catalog_->*method)(*req); }, "catalog",
      rpc);
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
  JobClassLookup lookup = catalog_->LookUpJobClass(*req);
  if (auto* hit = std::get_if<SharedJobClassResponse>(&lookup)) {
    get_allocator_.AnswerWith(req, std::move(*hit));
    grpc::ServerUnaryReactor* reactor = ctx->DefaultReactor();
    reactor->Finish(grpc::Status::OK);
    return reactor;
  }
  if (auto* error = std::get_if<absl::Status>(&lookup)) {
    grpc::ServerUnaryReactor* reactor = ctx->DefaultReactor();
    server::FinishUnary(reactor, absl::StatusOr<pb::GetJobClassResponse>(std::move(*error)), resp,
                        "catalog", "GetJobClass");
    return reactor;
  }
  return server::OffloadUnary<pb::GetJobClassResponse>(
      workers_, ctx, resp,
      [this, fetch = std::get<JobClassFetch>(std::move(lookup))] {
        return catalog_->FetchJobClass(fetch);
      },
      "catalog", "GetJobClass");
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
