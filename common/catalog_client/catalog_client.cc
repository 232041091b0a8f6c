#include "common/catalog_client/catalog_client.h"

#include <utility>

#include "absl/strings/str_cat.h"
#include "common/dates/dates.h"
#include "common/log/log.h"
#include "common/log/trace.h"
#include "common/server/call_deadline.h"
#include "common/status/grpc_status.h"
#include "common/tls/mtls.h"

namespace classplan::catalog_client {

namespace pb = ::classplan::catalog::v1;

CatalogClientStats CatalogClientStats::Get() {
  return CatalogClientStats{metrics::GetCounter("catalog_client.unavailable")};
}

std::string CatalogServiceConfig() {
  // Both methods the client calls are reads: a call that found its replica gone (UNAVAILABLE:
  // killed, restarting, connection reset before an answer) is tried again, on the next replica
  // round_robin picks. Five attempts is gRPC's ceiling; the per-call deadline still bounds
  // them all.
  return R"({"loadBalancingConfig":[{"round_robin":{}}],"methodConfig":[{"name":[)"
         R"({"service":"classplan.catalog.v1.CatalogService","method":"GetJobClass"},)"
         R"({"service":"classplan.catalog.v1.CatalogService","method":"ListJobClasses"}],)"
         R"("retryPolicy":{"maxAttempts":5,"initialBackoff":"0.02s","maxBackoff":"0.5s",)"
         R"("backoffMultiplier":2,"retryableStatusCodes":["UNAVAILABLE"]}}]})";
}

CatalogClient::CatalogClient(std::shared_ptr<grpc::Channel> channel, CatalogClientOptions options)
    : stub_(pb::CatalogService::NewStub(std::move(channel))), options_(std::move(options)) {}

std::unique_ptr<CatalogClient> CatalogClient::Connect(const std::string& target,
                                                      CatalogClientOptions options) {
  const auto creds =
      options.credentials != nullptr ? options.credentials : grpc::InsecureChannelCredentials();
  grpc::ChannelArguments args;
  tls::SetServerName(target, &args);
  args.SetServiceConfigJSON(CatalogServiceConfig());
  args.SetInt(GRPC_ARG_ENABLE_RETRIES, 1);
  // A replica that comes back (restarted by the launcher, rescheduled in Kubernetes) is used
  // again within a second, not after gRPC's default backoff of up to two minutes.
  args.SetInt(GRPC_ARG_INITIAL_RECONNECT_BACKOFF_MS, 100);
  // gRPC reads this as the least time a connection attempt gets (TCP, TLS, the HTTP/2
  // SETTINGS): at 100 ms a busy replica's handshake timed out again and again.
  args.SetInt(GRPC_ARG_MIN_RECONNECT_BACKOFF_MS, 2000);
  args.SetInt(GRPC_ARG_MAX_RECONNECT_BACKOFF_MS, 1000);
  if (options.keys == nullptr) {
    return std::make_unique<CatalogClient>(grpc::CreateCustomChannel(target, creds, args), options);
  }
  auto channel = identity::SigningChannel(target, creds, args, options.keys, options.as);
  return std::make_unique<CatalogClient>(std::move(channel), std::move(options));
}

void CatalogClient::SetDeadline(grpc::ClientContext* ctx) const {
  // Never wait longer than the call we are serving will (ScopedCallDeadline).
  ctx->set_deadline(absl::ToChronoTime(
      std::min(absl::Now() + options_.deadline, server::ScopedCallDeadline::Current())));
  // The served call's trace goes on to the catalog (W3C trace context, common/log/trace.h).
  if (std::string tp = log::CurrentTraceparentForCall(); !tp.empty()) {
    ctx->AddMetadata(log::kTraceparentHeader, tp);
  }
}

absl::Status CatalogClient::Check(const grpc::Status& s, const char* rpc) {
  if (s.ok()) {
    if (degraded_.exchange(false)) {
      log::Info("catalog reachable again", {{"rpc", absl::string_view(rpc)}});
    }
    return absl::OkStatus();
  }
  if (s.error_code() == grpc::StatusCode::UNAVAILABLE ||
      s.error_code() == grpc::StatusCode::DEADLINE_EXCEEDED) {
    stats_.unavailable.Increment();
    const std::string code =
        absl::StatusCodeToString(static_cast<absl::StatusCode>(s.error_code()));
    if (!degraded_.exchange(true)) {
      log::Warn("catalog unavailable; calls that need it fail with UNAVAILABLE",
                {{"rpc", absl::string_view(rpc)}, {"code", absl::string_view(code)}});
    }
    return absl::UnavailableError(s.error_code() == grpc::StatusCode::DEADLINE_EXCEEDED
                                      ? absl::StrCat("catalog unavailable (no answer within ",
                                                     absl::FormatDuration(options_.deadline),
                                                     "); retry later")
                                      : "catalog unavailable (cannot connect); retry later");
  }
  if (degraded_.exchange(false)) {
    log::Info("catalog reachable again", {{"rpc", absl::string_view(rpc)}});
  }
  return absl::Status(static_cast<absl::StatusCode>(s.error_code()),
                      absl::StrCat("catalog: ", s.error_message()));
}

absl::StatusOr<pb::JobClass> CatalogClient::GetJobClass(const std::string& code,
                                                        std::optional<absl::CivilDay> as_of) {
  pb::GetJobClassRequest req;
  req.set_code(code);
  if (as_of) *req.mutable_as_of() = dates::FromCivilDay(*as_of);
  pb::GetJobClassResponse resp;
  grpc::ClientContext ctx;
  SetDeadline(&ctx);
  if (absl::Status s = Check(stub_->GetJobClass(&ctx, req, &resp), "GetJobClass"); !s.ok()) {
    return s;
  }
  return std::move(*resp.mutable_job_class());
}

absl::StatusOr<std::vector<pb::JobClass>> CatalogClient::ListJobClasses(
    const std::string& filter, std::optional<absl::CivilDay> as_of,
    std::vector<pb::UncertainClass>* uncertain) {
  std::vector<pb::JobClass> out;
  std::vector<pb::UncertainClass> unplaced;
  // A dated list also asks for the classes abolished by then: they may have been in force.
  std::vector<std::string> filters = {filter};
  if (as_of)
    filters.push_back(filter.empty() ? "state = ABOLISHED"
                                     : absl::StrCat(filter, " AND state = ABOLISHED"));
  for (const auto& f : filters) {
    pb::ListJobClassesRequest req;
    req.set_filter(f);
    req.set_page_size(options_.page_size);
    if (as_of) *req.mutable_as_of() = dates::FromCivilDay(*as_of);
    do {
      pb::ListJobClassesResponse resp;
      grpc::ClientContext ctx;
      SetDeadline(&ctx);
      if (absl::Status s = Check(stub_->ListJobClasses(&ctx, req, &resp), "ListJobClasses");
          !s.ok()) {
        return s;
      }
      for (auto& c : *resp.mutable_job_classes()) out.push_back(std::move(c));
      for (auto& u : *resp.mutable_uncertain()) unplaced.push_back(std::move(u));
      if (!resp.next_page_token().empty() && resp.next_page_token() == req.page_token()) {
        return absl::InternalError("catalog returned the same page token twice");
      }
      req.set_page_token(resp.next_page_token());
    } while (!req.page_token().empty());
  }
  if (uncertain != nullptr) {
    for (auto& u : unplaced) uncertain->push_back(std::move(u));
  } else if (!unplaced.empty()) {
    // As GetJobClass for the day answers it.
    return absl::FailedPreconditionError(absl::StrCat("catalog: ", unplaced.front().reason()));
  }
  return out;
}

}  // namespace classplan::catalog_client
