#include "services/catalog/grpc/catalog_grpc_service.h"

namespace classplan::catalog {

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
  // Even a cached answer goes only to a verified caller (Offload checks a fetch again).
  if (absl::StatusOr<identity::Caller> caller = rpc_.CallerOf(ctx, "GetJobClass"); !caller.ok()) {
    grpc::ServerUnaryReactor* reactor = ctx->DefaultReactor();
    rpc_.Finish(reactor, absl::StatusOr<pb::GetJobClassResponse>(caller.status()), resp,
                "GetJobClass");
    return reactor;
  }
  JobClassLookup lookup = catalog_->LookUpJobClass(*req);
  if (auto* hit = std::get_if<SharedJobClassResponse>(&lookup)) {
    get_allocator_.AnswerWith(req, std::move(*hit));
    grpc::ServerUnaryReactor* reactor = ctx->DefaultReactor();
    reactor->Finish(grpc::Status::OK);
    return reactor;
  }
  if (auto* error = std::get_if<absl::Status>(&lookup)) {
    grpc::ServerUnaryReactor* reactor = ctx->DefaultReactor();
    rpc_.Finish(reactor, absl::StatusOr<pb::GetJobClassResponse>(std::move(*error)), resp,
                "GetJobClass");
    return reactor;
  }
  return rpc_.Offload(ctx, resp, "GetJobClass",
                      [this, fetch = std::get<JobClassFetch>(std::move(lookup))] {
                        return catalog_->FetchJobClass(fetch);
                      });
}

grpc::ServerUnaryReactor* CatalogGrpcService::GetJurisdiction(grpc::CallbackServerContext* ctx,
                                                              const pb::GetJurisdictionRequest* req,
                                                              pb::GetJurisdictionResponse* resp) {
  return rpc_.Offload(ctx, resp, "GetJurisdiction",
                      [this, req] { return catalog_->GetJurisdiction(*req); });
}

grpc::ServerUnaryReactor* CatalogGrpcService::ListJurisdictions(
    grpc::CallbackServerContext* ctx, const pb::ListJurisdictionsRequest* req,
    pb::ListJurisdictionsResponse* resp) {
  return rpc_.Offload(ctx, resp, "ListJurisdictions",
                      [this, req] { return catalog_->ListJurisdictions(*req); });
}

grpc::ServerUnaryReactor* CatalogGrpcService::GetClassSeries(grpc::CallbackServerContext* ctx,
                                                             const pb::GetClassSeriesRequest* req,
                                                             pb::GetClassSeriesResponse* resp) {
  return rpc_.Offload(ctx, resp, "GetClassSeries",
                      [this, req] { return catalog_->GetClassSeries(*req); });
}

grpc::ServerUnaryReactor* CatalogGrpcService::ListClassSeries(grpc::CallbackServerContext* ctx,
                                                              const pb::ListClassSeriesRequest* req,
                                                              pb::ListClassSeriesResponse* resp) {
  return rpc_.Offload(ctx, resp, "ListClassSeries",
                      [this, req] { return catalog_->ListClassSeries(*req); });
}

grpc::ServerUnaryReactor* CatalogGrpcService::ListJobClasses(grpc::CallbackServerContext* ctx,
                                                             const pb::ListJobClassesRequest* req,
                                                             pb::ListJobClassesResponse* resp) {
  return rpc_.Offload(ctx, resp, "ListJobClasses",
                      [this, req] { return catalog_->ListJobClasses(*req); });
}

grpc::ServerUnaryReactor* CatalogGrpcService::SearchJobClasses(
    grpc::CallbackServerContext* ctx, const pb::SearchJobClassesRequest* req,
    pb::SearchJobClassesResponse* resp) {
  return rpc_.Offload(ctx, resp, "SearchJobClasses",
                      [this, req] { return catalog_->SearchJobClasses(*req); });
}

grpc::ServerUnaryReactor* CatalogGrpcService::ListClassRevisions(
    grpc::CallbackServerContext* ctx, const pb::ListClassRevisionsRequest* req,
    pb::ListClassRevisionsResponse* resp) {
  return rpc_.Offload(ctx, resp, "ListClassRevisions",
                      [this, req] { return catalog_->ListClassRevisions(*req); });
}

grpc::ServerUnaryReactor* CatalogGrpcService::CreateJobClass(grpc::CallbackServerContext* ctx,
                                                             const pb::CreateJobClassRequest* req,
                                                             pb::CreateJobClassResponse* resp) {
  return rpc_.Offload(ctx, resp, "CreateJobClass", [this, req](const identity::Caller& caller) {
    return catalog_->CreateJobClass(*req, caller);
  });
}

grpc::ServerUnaryReactor* CatalogGrpcService::ReviseJobClass(grpc::CallbackServerContext* ctx,
                                                             const pb::ReviseJobClassRequest* req,
                                                             pb::ReviseJobClassResponse* resp) {
  return rpc_.Offload(ctx, resp, "ReviseJobClass", [this, req](const identity::Caller& caller) {
    return catalog_->ReviseJobClass(*req, caller);
  });
}

grpc::ServerUnaryReactor* CatalogGrpcService::AbolishJobClass(grpc::CallbackServerContext* ctx,
                                                              const pb::AbolishJobClassRequest* req,
                                                              pb::AbolishJobClassResponse* resp) {
  return rpc_.Offload(ctx, resp, "AbolishJobClass", [this, req](const identity::Caller& caller) {
    return catalog_->AbolishJobClass(*req, caller);
  });
}

grpc::ServerUnaryReactor* CatalogGrpcService::CreateClassificationNotice(
    grpc::CallbackServerContext* ctx, const pb::CreateClassificationNoticeRequest* req,
    pb::CreateClassificationNoticeResponse* resp) {
  return rpc_.Offload(ctx, resp, "CreateClassificationNotice",
                      [this, req](const identity::Caller& caller) {
                        return catalog_->CreateClassificationNotice(*req, caller);
                      });
}

grpc::ServerUnaryReactor* CatalogGrpcService::GetClassificationNotice(
    grpc::CallbackServerContext* ctx, const pb::GetClassificationNoticeRequest* req,
    pb::GetClassificationNoticeResponse* resp) {
  return rpc_.Offload(ctx, resp, "GetClassificationNotice",
                      [this, req] { return catalog_->GetClassificationNotice(*req); });
}

grpc::ServerUnaryReactor* CatalogGrpcService::ListClassificationNotices(
    grpc::CallbackServerContext* ctx, const pb::ListClassificationNoticesRequest* req,
    pb::ListClassificationNoticesResponse* resp) {
  return rpc_.Offload(ctx, resp, "ListClassificationNotices",
                      [this, req] { return catalog_->ListClassificationNotices(*req); });
}

grpc::ServerUnaryReactor* CatalogGrpcService::RecordNoticeApproval(
    grpc::CallbackServerContext* ctx, const pb::RecordNoticeApprovalRequest* req,
    pb::RecordNoticeApprovalResponse* resp) {
  return rpc_.Offload(ctx, resp, "RecordNoticeApproval",
                      [this, req](const identity::Caller& caller) {
                        return catalog_->RecordNoticeApproval(*req, caller);
                      });
}

grpc::ServerUnaryReactor* CatalogGrpcService::ListAuditEvents(
    grpc::CallbackServerContext* ctx, const classplan::common::v1::ListAuditEventsRequest* req,
    classplan::common::v1::ListAuditEventsResponse* resp) {
  return rpc_.Offload(ctx, resp, "ListAuditEvents", [this, req](const identity::Caller& caller) {
    return catalog_->ListAuditEvents(*req, caller);
  });
}

}  // namespace classplan::catalog
