#ifndef CLASSPLAN_COMMON_TLS_MTLS_H_
#define CLASSPLAN_COMMON_TLS_MTLS_H_

// Mutual TLS on the links inside the suite (gateway → services, services → catalog): every
// process holds a certificate and key signed by the suite's own CA and trusts nothing else. A
// server requires and verifies the client's certificate; a client verifies the server's
// certificate and that it names the host it dialled (a DNS or IP subject alternative name).
//
// The files are checked once, at start (all three or none, readable, PEM, the key matching the
// certificate, the certificate issued by the CA), so a bad set refuses to start with a clear
// message. After that gRPC re-reads them every `kRefreshSeconds`: a renewed certificate (or CA
// bundle) replaced in place is used for new connections without a restart.

#include <memory>
#include <optional>
#include <string>

#include "absl/status/statusor.h"
#include "grpcpp/grpcpp.h"

namespace classplan::tls {

// How often the files are read again.
inline constexpr unsigned kRefreshSeconds = 60;

struct MtlsFiles {
  std::string cert_file;  // PEM certificate (chain), presented as server and as client
  std::string key_file;   // its PEM private key
  std::string ca_file;    // PEM CA bundle every peer's certificate must chain to
};

// The flags that name each file, for error messages.
inline const MtlsFiles kMtlsFlagNames = {"--mtls_cert_file", "--mtls_key_file", "--mtls_ca_file"};

// `files` checked: nullopt when all three are empty (mTLS off); an error naming the flag (from
// `flags`) for a partial set, a file that is missing or not PEM, a key that does not match the
// certificate, or a certificate the CA did not issue.
absl::StatusOr<std::optional<MtlsFiles>> CheckMtlsFiles(const MtlsFiles& files,
                                                        const MtlsFiles& flags = kMtlsFlagNames);

// Listening credentials that require a client certificate issued by the CA.
std::shared_ptr<grpc::ServerCredentials> MtlsServerCredentials(const MtlsFiles& files);

// Channel credentials presenting the certificate and verifying the server against the CA and
// the dialled host name.
std::shared_ptr<grpc::ChannelCredentials> MtlsChannelCredentials(const MtlsFiles& files);

// The host name a TLS channel to `target` must check, when gRPC cannot take it from the
// target: for an address list ("ipv4:127.0.0.1:50051,127.0.0.1:50052") the first address's
// host; nullopt for anything else ("dns:///catalog.classplan.svc:50051", "host:port"), where
// gRPC checks the host it resolves.
std::optional<std::string> ServerNameForTarget(const std::string& target);

// Adds to `args` the server name check ServerNameForTarget() gives for `target`, if any.
void SetServerName(const std::string& target, grpc::ChannelArguments* args);

}  // namespace classplan::tls

#endif  // CLASSPLAN_COMMON_TLS_MTLS_H_
