#ifndef CLASSPLAN_TESTS_SUPPORT_IDENTITY_H_
#define CLASSPLAN_TESTS_SUPPORT_IDENTITY_H_

// The identity key of a test process: every server a test starts verifies assertions with it
// (pass IdentityKeyFlag(); StartServer and StartCatalogServer do), and a test that calls a
// service directly signs with it, as the gateway would (SignedChannel, or FastChannel which
// is one). A fresh random key, written once per process in a 0600 file under a 0700 directory.

#include <memory>
#include <string>

#include "common/identity/assertion.h"
#include "grpcpp/grpcpp.h"

namespace classplan::testing {

// The key file's path.
const std::string& IdentityKeyFile();
// "--identity_key_file=<IdentityKeyFile()>", for a server's or classplanctl's command line.
std::string IdentityKeyFlag();
// The key ring in that file, to sign assertions by hand (expired ones, other methods).
std::shared_ptr<const identity::KeyRing> IdentityKeys();

// Who a signed call is when it sets no x-classplan-principal of its own: a test operator
// holding every role.
inline constexpr char kTestPrincipal[] = "test-operator";

// A channel to `target` (FastChannel's quick reconnects) whose every call carries an assertion
// for its method, signed for the x-classplan-principal / x-classplan-roles the call sets, or
// for kTestPrincipal with every role when it sets no principal.
// With `default_identity` false a call that sets no principal goes unsigned. `creds` null:
// plaintext.
std::shared_ptr<grpc::Channel> SignedChannel(
    const std::string& target, bool default_identity = true,
    std::shared_ptr<grpc::ChannelCredentials> creds = nullptr);

// The same channel without signing: what a process that reaches a service port directly sends.
std::shared_ptr<grpc::Channel> UnsignedChannel(
    const std::string& target, std::shared_ptr<grpc::ChannelCredentials> creds = nullptr);

}  // namespace classplan::testing

#endif  // CLASSPLAN_TESTS_SUPPORT_IDENTITY_H_
