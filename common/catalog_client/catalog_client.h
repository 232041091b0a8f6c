#ifndef CLASSPLAN_COMMON_CATALOG_CLIENT_CATALOG_CLIENT_H_
#define CLASSPLAN_COMMON_CATALOG_CLIENT_CATALOG_CLIENT_H_

// A blocking client of classplan.catalog.v1.CatalogService for the services that need job
// classes (payband now, eligibility later). Call it from worker threads, never from gRPC
// callback threads.
//
// The target may name one address ("host:port"), every replica ("ipv4:127.0.0.1:50051,
// 127.0.0.1:50052", as the local launcher passes) or a DNS name resolving to every replica
// ("dns:///catalog.classplan.svc:50051", Kubernetes). Calls are spread round_robin over the
// addresses; a replica that dies leaves the rotation, and a call it failed with UNAVAILABLE
// is retried on another (both methods are reads), so one replica's death fails no call.
//
// Every outgoing call carries a deadline (`deadline`, 2 s by default). UNAVAILABLE and
// DEADLINE_EXCEEDED from the catalog become absl UNAVAILABLE "catalog unavailable (...)";
// each such call increments the counter "catalog_client.unavailable", and the change into and
// out of this degraded mode is logged once each way (warn / info) with the RPC and the code,
// never request contents. Any other error keeps its code, its message prefixed "catalog: ".

#include <atomic>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/time/civil_time.h"
#include "absl/time/time.h"
#include "classplan/catalog/v1/catalog_service.grpc.pb.h"
#include "common/identity/signing_channel.h"
#include "common/metrics/metrics.h"
#include "grpcpp/grpcpp.h"

namespace classplan::catalog_client {

struct CatalogClientOptions {
  absl::Duration deadline = absl::Seconds(2);  // per outgoing call
  int page_size = 500;                         // ListJobClasses page size
  // Signs every call's identity assertion as `as` (the calling service's own identity, e.g.
  // "service:payband" / agency_system). Without keys calls go unsigned and the catalog
  // refuses them.
  std::shared_ptr<const identity::KeyRing> keys;
  identity::SigningIdentity as;
  // The channel's credentials: mutual TLS inside the suite (common/tls/mtls.h); null for
  // plaintext.
  std::shared_ptr<grpc::ChannelCredentials> credentials;
};

// The client's counters, looked up once.
struct CatalogClientStats {
  metrics::Counter& unavailable;  // "catalog_client.unavailable": calls failed as unavailable

  static CatalogClientStats Get();
};

// The channel's gRPC service config: round_robin, and retries on UNAVAILABLE for the reads.
std::string CatalogServiceConfig();

class CatalogClient {
 public:
  explicit CatalogClient(std::shared_ptr<grpc::Channel> channel, CatalogClientOptions options = {});
  // A channel to `target` (any of the forms above) with options.credentials (plaintext without),
  // signing with options.keys when set.
  static std::unique_ptr<CatalogClient> Connect(const std::string& target,
                                                CatalogClientOptions options = {});

  // The class revision in force on `as_of` (nullopt = today).
  absl::StatusOr<catalog::v1::JobClass> GetJobClass(const std::string& code,
                                                    std::optional<absl::CivilDay> as_of);
  // Every active class matching `filter` (ListJobClasses syntax), all pages, as in force
  // today. With `as_of`: every class matching `filter` on that day, active ones first, then
  // the abolished ones, each as in force then (ListJobClassesRequest.as_of; classes not in
  // force then are left out). A class the catalog cannot place on the day
  // (ListJobClassesResponse.uncertain) fails the call with FAILED_PRECONDITION giving the
  // reason; unless `uncertain` is given: then such classes are added there instead.
  absl::StatusOr<std::vector<catalog::v1::JobClass>> ListJobClasses(
      const std::string& filter, std::optional<absl::CivilDay> as_of,
      std::vector<catalog::v1::UncertainClass>* uncertain = nullptr);

  // True after the last call failed as unavailable (until one succeeds).
  bool degraded() const { return degraded_.load(); }

 private:
  absl::Status Check(const grpc::Status& s, const char* rpc);
  void SetDeadline(grpc::ClientContext* ctx) const;

  std::unique_ptr<catalog::v1::CatalogService::Stub> stub_;
  CatalogClientOptions options_;
  std::atomic<bool> degraded_{false};
  const CatalogClientStats stats_ = CatalogClientStats::Get();
};

}  // namespace classplan::catalog_client

#endif  // CLASSPLAN_COMMON_CATALOG_CLIENT_CATALOG_CLIENT_H_
