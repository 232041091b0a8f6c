#ifndef CLASSPLAN_SERVICES_ELIGIBILITY_GRPC_ELIGIBILITY_GRPC_SERVICE_H_
#define CLASSPLAN_SERVICES_ELIGIBILITY_GRPC_ELIGIBILITY_GRPC_SERVICE_H_

// The thin gRPC adapter of classplan.eligibility.v1.EligibilityService.
//
// Evaluate and FindQualifyingClasses may fetch rules from the catalog, so they run on the
// worker pool. ScreenApplicants resolves its header (one catalog fetch at most) on a worker,
// then evaluates each applicant as it is read (a few microseconds of CPU, no I/O) and writes
// its result. Flow control: at most `max_pending` results wait to be written; the reactor
// reads the next applicant only when there is room, so a slow reader slows the writer and
// memory stays bounded whatever the pool size.

#include <memory>
#include <utility>

#include "classplan/eligibility/v1/eligibility_service.grpc.pb.h"
#include "common/metrics/metrics.h"
#include "common/server/unary.h"
#include "common/server/worker_pool.h"
#include "services/eligibility/domain/eligibility.h"
#include "services/eligibility/domain/method_roles.h"
#include "services/eligibility/domain/ruling_service.h"

namespace classplan::eligibility {

// The screening stream's counters, looked up once.
struct ScreenStats {
  metrics::Counter& applicants;  // "eligibility.screen.applicants": applicants evaluated

  static ScreenStats Get();
};

class EligibilityGrpcService final : public v1::EligibilityService::CallbackService {
 public:
  // `eligibility`, `rulings` and `workers` must outlive the service; `keys` verify every
  // call's identity. Without `rulings` the rulings RPCs are UNIMPLEMENTED.
  EligibilityGrpcService(Eligibility* eligibility, server::WorkerPool* workers,
                         std::shared_ptr<const identity::KeyRing> keys, size_t max_pending = 64,
                         RulingService* rulings = nullptr)
      : eligibility_(eligibility),
        rulings_(rulings),
        rpc_("eligibility", workers,
             {v1::EligibilityService::service_full_name(), std::move(keys),
              &EligibilityMethodRoles()}),
        max_pending_(max_pending) {}

  grpc::ServerUnaryReactor* Evaluate(grpc::CallbackServerContext* ctx,
                                     const v1::EvaluateRequest* req, v1::Evaluation* resp) override;
  grpc::ServerUnaryReactor* FindQualifyingClasses(grpc::CallbackServerContext* ctx,
                                                  const v1::FindQualifyingClassesRequest* req,
                                                  v1::FindQualifyingClassesResponse* resp) override;
  grpc::ServerBidiReactor<v1::ScreenRequest, v1::ScreenResult>* ScreenApplicants(
      grpc::CallbackServerContext* ctx) override;
  // Rulings: a store read or write on a worker.
  grpc::ServerUnaryReactor* RecordRuling(grpc::CallbackServerContext* ctx,
                                         const v1::RecordRulingRequest* req,
                                         v1::Ruling* resp) override;
  grpc::ServerUnaryReactor* ListRulings(grpc::CallbackServerContext* ctx,
                                        const v1::ListRulingsRequest* req,
                                        v1::ListRulingsResponse* resp) override;
  grpc::ServerUnaryReactor* WithdrawRuling(grpc::CallbackServerContext* ctx,
                                           const v1::WithdrawRulingRequest* req,
                                           v1::Ruling* resp) override;
  grpc::ServerUnaryReactor* ListAuditEvents(grpc::CallbackServerContext* ctx,
                                            const common::v1::ListAuditEventsRequest* req,
                                            common::v1::ListAuditEventsResponse* resp) override;

 private:
  template <typename Req, typename Resp>
  grpc::ServerUnaryReactor* OffloadRuling(
      grpc::CallbackServerContext* ctx, const Req* req, Resp* resp,
      absl::StatusOr<Resp> (RulingService::*method)(const identity::Caller&, const Req&),
      const char* rpc);

  Eligibility* eligibility_;
  RulingService* rulings_;
  server::RpcAdapter rpc_;
  const ScreenStats screen_stats_ = ScreenStats::Get();
  size_t max_pending_;
};

}  // namespace classplan::eligibility

#endif  // CLASSPLAN_SERVICES_ELIGIBILITY_GRPC_ELIGIBILITY_GRPC_SERVICE_H_
