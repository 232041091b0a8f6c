#ifndef CLASSPLAN_TOOLS_CLASSPLANCTL_CONNECT_H_
#define CLASSPLAN_TOOLS_CLASSPLANCTL_CONNECT_H_

// How classplanctl reaches the suite: through the gateway by default (every target defaults
// to kGatewayTarget, cli.h), presenting --api_key (env CLASSPLAN_API_KEY) as
// "authorization: Bearer <key>" on every call, over TLS when --tls_ca names the CA bundle
// that signed the gateway's certificate (env CLASSPLAN_TLS_CA). A target can still name a
// service directly: an operator then signs the identity assertion itself with the suite's
// identity key ring (--identity_key_file with --principal and --roles), and when the suite
// runs mutual TLS presents a client certificate signed by its CA (--tls_cert, --tls_key, with
// --tls_ca the same CA).

#include <memory>
#include <string>

#include "grpcpp/grpcpp.h"

namespace classplan::ctl {

// The TLS files: the CA bundle to trust, and a client certificate and its key (mutual TLS).
struct TlsFiles {
  std::string ca, cert, key;
};

// A channel to `target` carrying `api_key` if not empty, over TLS trusting the PEM bundle
// in the file `tls.ca` if not empty (presenting `tls.cert` with `tls.key` if set), signing
// each call's assertion for the principal and roles it names with the key ring in
// `identity_key_file` if not empty.
std::shared_ptr<grpc::Channel> Connect(const std::string& target, const std::string& api_key,
                                       const TlsFiles& tls,
                                       const std::string& identity_key_file = "");

}  // namespace classplan::ctl

#endif  // CLASSPLAN_TOOLS_CLASSPLANCTL_CONNECT_H_
