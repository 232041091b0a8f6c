#ifndef CLASSPLAN_COMMON_IDENTITY_SIGNING_CHANNEL_H_
#define CLASSPLAN_COMMON_IDENTITY_SIGNING_CHANNEL_H_

// Client channels whose every call carries an identity assertion (assertion.h) signed for the
// call's method and deadline: how a service calls another (its own identity, e.g. principal
// "service:payband", role agency_system), how classplanctl calls a service directly with
// --identity_key_file, and how tests sign the identity they set.

#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "common/identity/assertion.h"
#include "grpcpp/grpcpp.h"
#include "grpcpp/support/client_interceptor.h"

namespace classplan::identity {

struct SigningIdentity {
  std::string principal;
  std::vector<Role> roles;
};

// The interceptor factory. With `as`, every call is signed as that identity; without it, as
// the call's own x-classplan-principal / x-classplan-roles metadata says (tests and tools that
// set them per call); a call that names no principal then goes unsigned. The request id is the
// call's x-request-id metadata, if any.
std::unique_ptr<grpc::experimental::ClientInterceptorFactoryInterface> SigningInterceptor(
    std::shared_ptr<const KeyRing> keys, std::optional<SigningIdentity> as);

// A channel to `target` whose calls are signed as above.
std::shared_ptr<grpc::Channel> SigningChannel(
    const std::string& target, const std::shared_ptr<grpc::ChannelCredentials>& creds,
    const grpc::ChannelArguments& args, std::shared_ptr<const KeyRing> keys,
    std::optional<SigningIdentity> as);

}  // namespace classplan::identity

#endif  // CLASSPLAN_COMMON_IDENTITY_SIGNING_CHANNEL_H_
