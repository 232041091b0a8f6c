#include "common/catalog_client/catalog_flags.h"

#include <utility>

#include "absl/flags/flag.h"
#include "absl/strings/str_cat.h"
#include "common/log/log.h"
#include "common/server/flags.h"

ABSL_FLAG(std::string, catalog,
          classplan::server::EnvOr("CLASSPLAN_CATALOG_TARGET", "127.0.0.1:50051"),
          "gRPC target of the catalog: host:port, every replica as "
          "ipv4:host:port,host:port, or dns:///name:port; calls are spread round-robin over "
          "every address (env CLASSPLAN_CATALOG_TARGET)");
ABSL_FLAG(absl::Duration, catalog_deadline, absl::Seconds(2),
          "deadline of every call to the catalog");

namespace classplan::catalog_client {

bool CatalogFlagsValid() {
  return !absl::GetFlag(FLAGS_catalog).empty() &&
         absl::GetFlag(FLAGS_catalog_deadline) > absl::ZeroDuration();
}

std::unique_ptr<CatalogClient> ConnectFromFlags(std::shared_ptr<const identity::KeyRing> keys,
                                                const std::string& service) {
  CatalogClientOptions options;
  options.keys = std::move(keys);
  options.as = {absl::StrCat("service:", service), {identity::Role::kAgencySystem}};
  options.deadline = absl::GetFlag(FLAGS_catalog_deadline);
  options.credentials = server::InternalChannelCredentials();
  const std::string target = absl::GetFlag(FLAGS_catalog);
  auto client = CatalogClient::Connect(target, options);
  log::Info("catalog client",
            {{"target", target},
             {"deadline", absl::FormatDuration(options.deadline)},
             {"tls", server::MtlsFromFlags().ok() && server::MtlsFromFlags()->has_value()}});
  return client;
}

}  // namespace classplan::catalog_client
