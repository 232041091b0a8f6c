#ifndef CLASSPLAN_TOOLS_CLASSPLANCTL_CONNECT_H_
#define CLASSPLAN_TOOLS_CLASSPLANCTL_CONNECT_H_

// How classplanctl reaches the suite: through the gateway by default (every target flag
// defaults to kGatewayTarget), presenting --api_key (env CLASSPLAN_API_KEY) as
// "authorization: Bearer <key>" on every call, over TLS when --tls_ca names the CA bundle
// that signed the gateway's certificate (env CLASSPLAN_TLS_CA). A target can still name a
// service directly (no key needed there).

#include <memory>
#include <string>

#include "grpcpp/grpcpp.h"

namespace classplan::ctl {

inline constexpr char kGatewayTarget[] = "127.0.0.1:50050";

// The environment variable `name` when set and non-empty, else `fallback` (flag defaults).
std::string EnvOr(const char* name, const char* fallback);

// A channel to `target` carrying the API key, if any.
std::shared_ptr<grpc::Channel> Connect(const std::string& target);

}  // namespace classplan::ctl

#endif  // CLASSPLAN_TOOLS_CLASSPLANCTL_CONNECT_H_
