#ifndef CLASSPLAN_COMMON_CATALOG_CLIENT_CATALOG_FLAGS_H_
#define CLASSPLAN_COMMON_CATALOG_CLIENT_CATALOG_FLAGS_H_

// The flags of every service that calls the catalog, defined once:
//   --catalog           CLASSPLAN_CATALOG_TARGET  gRPC target of the catalog: host:port,
//                                                 ipv4:h:p,h:p (every replica) or dns:///n:p
//   --catalog_deadline                            deadline of every call to the catalog

#include <memory>
#include <string>

#include "absl/flags/declare.h"
#include "absl/time/time.h"
#include "common/catalog_client/catalog_client.h"

ABSL_DECLARE_FLAG(std::string, catalog);
ABSL_DECLARE_FLAG(absl::Duration, catalog_deadline);

namespace classplan::catalog_client {

// A non-empty --catalog and a positive --catalog_deadline?
bool CatalogFlagsValid();

// Connects to --catalog with --catalog_deadline per call, and logs where ("catalog client").
// Every call is signed with `keys` as principal "service:<service>" in role agency_system: a
// service reads the catalog as itself, not as whoever called it. Over mutual TLS when the
// --mtls_* flags are set (server::InternalChannelCredentials).
std::unique_ptr<CatalogClient> ConnectFromFlags(std::shared_ptr<const identity::KeyRing> keys,
                                                const std::string& service);

}  // namespace classplan::catalog_client

#endif  // CLASSPLAN_COMMON_CATALOG_CLIENT_CATALOG_FLAGS_H_
