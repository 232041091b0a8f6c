#include "tools/classplanctl/context.h"

#include <iostream>
#include <utility>
#include <vector>

#include "absl/strings/match.h"
#include "absl/time/clock.h"
#include "classplan/catalog/v1/catalog_service.grpc.pb.h"
#include "common/dates/dates.h"
#include "common/identity/identity.h"
#include "common/status/grpc_status.h"
#include "tools/classplanctl/commands.h"
#include "tools/classplanctl/connect.h"
#include "tools/classplanctl/render.h"

namespace classplan::ctl {

int ExitCodeFor(grpc::StatusCode code) {
  switch (code) {
    case grpc::StatusCode::OK:
      return 0;
    case grpc::StatusCode::NOT_FOUND:
      return 3;
    case grpc::StatusCode::INVALID_ARGUMENT:
    case grpc::StatusCode::FAILED_PRECONDITION:
    case grpc::StatusCode::OUT_OF_RANGE:
    case grpc::StatusCode::RESOURCE_EXHAUSTED:
      return kInvalidExit;
    case grpc::StatusCode::UNAVAILABLE:
    case grpc::StatusCode::DEADLINE_EXCEEDED:
      return 5;
    case grpc::StatusCode::ABORTED:
    case grpc::StatusCode::ALREADY_EXISTS:
      return 6;
    default:
      return 1;
  }
}

int PrintJson(const google::protobuf::Message& m) {
  std::cout << JsonText(m);
  return 0;
}

int UsageError(const std::string& what) {
  std::cerr << "error: " << what << "\n";
  return kUsageExit;
}

bool ParseDateFlag(const char* flag, const std::string& value, bool* has,
                   classplan::common::v1::Date* out) {
  *has = false;
  if (value.empty()) return true;
  auto d = dates::ParseFull(value);
  if (!d.ok()) {
    std::cerr << "error: --" << flag << ": " << d.status().message() << "\n";
    return false;
  }
  *out = *d;
  *has = true;
  return true;
}

Context::Context(const GlobalFlags& flags, EnvFn env) : flags_(flags), env_(std::move(env)) {
  // Cli checked the text already.
  if (!absl::ParseDuration(flags_.timeout, &timeout_)) timeout_ = absl::Seconds(5);
}

std::string Context::Target(Service service) const { return ResolveTarget(flags_, service, env_); }

std::shared_ptr<grpc::Channel> Context::Channel(Service service) {
  const std::string target = Target(service);
  auto& channel = channels_[target];
  if (channel == nullptr) {
    channel = Connect(target, flags_.api_key, {flags_.tls_ca, flags_.tls_cert, flags_.tls_key},
                      flags_.identity_key_file);
  }
  return channel;
}

std::unique_ptr<grpc::ClientContext> Context::NewCall(Service /*service*/) const {
  auto call = std::make_unique<grpc::ClientContext>();
  call->set_deadline(absl::ToChronoTime(absl::Now() + timeout_));
  Identify(call.get());
  return call;
}

void Context::Identify(grpc::ClientContext* call) const {
  if (!flags_.principal.empty()) call->AddMetadata(identity::kPrincipalHeader, flags_.principal);
  if (!flags_.roles.empty()) call->AddMetadata(identity::kRolesHeader, flags_.roles);
}

int Context::Fail(const grpc::Status& s, Service service) const {
  std::cerr << "error: " << s.error_message() << " ("
            << absl::StatusCodeToString(static_cast<absl::StatusCode>(s.error_code())) << ")\n";
  for (const auto& v : status::GetFieldViolations(status::FromGrpcStatus(s))) {
    std::cerr << "  field " << v.field << ": " << v.description << "\n";
  }
  switch (s.error_code()) {
    case grpc::StatusCode::UNAVAILABLE:
      // The pay-band and eligibility services say so when it is the catalog behind them.
      if (service == Service::kCatalog ||
          !absl::StartsWith(s.error_message(), "catalog unavailable")) {
        std::cerr << "  is the " << NamesOf(service).name << " service running at "
                  << Target(service) << "? (" << NamesOf(service).flag << ")\n";
      }
      break;
    case grpc::StatusCode::UNAUTHENTICATED:
      std::cerr << "  the gateway needs an API key: --api_key or CLASSPLAN_API_KEY\n";
      std::cerr << "  a service called directly believes only a signed identity: "
                   "--identity_key_file=FILE --principal=ID --roles=ROLES\n";
      break;
    case grpc::StatusCode::ABORTED:
      if (service == Service::kAppraisal) {
        std::cerr << "  the appraisal changed since it was read: show it again and retry\n";
      }
      break;
    default:
      break;
  }
  return ExitCodeFor(s.error_code());
}

void Context::ExpandJurisdiction(std::string* jurisdiction) {
  const std::string value = *jurisdiction;
  if (value.empty() || value.find('-') != std::string::npos) return;
  auto stub = catalog::v1::CatalogService::NewStub(Channel(Service::kCatalog));
  catalog::v1::ListJurisdictionsRequest req;
  req.set_page_size(500);
  catalog::v1::ListJurisdictionsResponse resp;
  grpc::ClientContext ctx;
  ctx.set_deadline(absl::ToChronoTime(absl::Now() + absl::Seconds(2)));
  Identify(&ctx);
  if (!stub->ListJurisdictions(&ctx, req, &resp).ok()) return;
  std::vector<std::string> matches;
  for (const auto& j : resp.jurisdictions()) {
    if (j.id() == value) return;
    if (absl::StartsWith(j.id(), value + "-")) matches.push_back(j.id());
  }
  if (matches.size() == 1) *jurisdiction = matches[0];
}

}  // namespace classplan::ctl
