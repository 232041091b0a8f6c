#include "tests/support/identity.h"

#include <openssl/rand.h>
#include <sys/stat.h>

#include <array>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <map>
#include <utility>
#include <vector>

#include "absl/strings/escaping.h"
#include "common/identity/signing_channel.h"
#include "grpcpp/support/client_interceptor.h"
#include "tests/support/temp.h"

namespace classplan::testing {
namespace {

std::string MakeKeyFile() {
  const std::string dir = MakeTempDir("classplan-identity-");
  if (dir.empty()) std::abort();
  std::array<unsigned char, 32> secret{};
  if (RAND_bytes(secret.data(), static_cast<int>(secret.size())) != 1) std::abort();
  std::string path = dir + "/identity.key";
  {
    std::ofstream out(path);
    out << "test "
        << absl::Base64Escape(
               absl::string_view(reinterpret_cast<const char*>(secret.data()), secret.size()))
        << "\n";
  }
  if (chmod(path.c_str(), 0600) != 0) std::abort();
  static std::string to_remove[2] = {path, dir};
  std::atexit([] {
    std::remove(to_remove[0].c_str());
    std::remove(to_remove[1].c_str());
  });
  return path;
}

// Sets the default identity on a call that names no principal, before the signer reads it.
class DefaultIdentity : public grpc::experimental::Interceptor {
 public:
  void Intercept(grpc::experimental::InterceptorBatchMethods* methods) override {
    if (methods->QueryInterceptionHookPoint(
            grpc::experimental::InterceptionHookPoints::PRE_SEND_INITIAL_METADATA)) {
      std::multimap<std::string, std::string>* md = methods->GetSendInitialMetadata();
      if (md->count(identity::kPrincipalHeader) == 0) {
        md->emplace(identity::kPrincipalHeader, kTestPrincipal);
        md->erase(identity::kRolesHeader);
        md->emplace(identity::kRolesHeader, identity::FormatRoles({identity::kAllRoles.begin(),
                                                                   identity::kAllRoles.end()}));
      }
    }
    methods->Proceed();
  }
};

class DefaultIdentityFactory : public grpc::experimental::ClientInterceptorFactoryInterface {
 public:
  grpc::experimental::Interceptor* CreateClientInterceptor(
      grpc::experimental::ClientRpcInfo*) override {
    return new DefaultIdentity();
  }
};

grpc::ChannelArguments FastArgs() {
  grpc::ChannelArguments args;
  args.SetInt(GRPC_ARG_INITIAL_RECONNECT_BACKOFF_MS, 50);
  // Not GRPC_ARG_MIN_RECONNECT_BACKOFF_MS: gRPC reads it as the least time a connection attempt
  // gets, and at 50 ms a sanitized server's handshake on a loaded machine timed out (trust_e2e).
  args.SetInt(GRPC_ARG_MAX_RECONNECT_BACKOFF_MS, 100);
  return args;
}

}  // namespace

const std::string& IdentityKeyFile() {
  static const std::string path = MakeKeyFile();
  return path;
}

std::string IdentityKeyFlag() { return "--identity_key_file=" + IdentityKeyFile(); }

std::shared_ptr<const identity::KeyRing> IdentityKeys() {
  static const std::shared_ptr<const identity::KeyRing> keys = [] {
    auto ring = identity::KeyRing::Load(IdentityKeyFile());
    if (!ring.ok()) std::abort();
    return *std::move(ring);
  }();
  return keys;
}

std::shared_ptr<grpc::Channel> SignedChannel(const std::string& target, bool default_identity,
                                             std::shared_ptr<grpc::ChannelCredentials> creds) {
  std::vector<std::unique_ptr<grpc::experimental::ClientInterceptorFactoryInterface>> chain;
  chain.reserve(2);
  if (default_identity) chain.push_back(std::make_unique<DefaultIdentityFactory>());
  chain.push_back(identity::SigningInterceptor(IdentityKeys(), std::nullopt));
  return grpc::experimental::CreateCustomChannelWithInterceptors(
      target, creds != nullptr ? creds : grpc::InsecureChannelCredentials(), FastArgs(),
      std::move(chain));
}

std::shared_ptr<grpc::Channel> UnsignedChannel(const std::string& target,
                                               std::shared_ptr<grpc::ChannelCredentials> creds) {
  return grpc::CreateCustomChannel(
      target, creds != nullptr ? creds : grpc::InsecureChannelCredentials(), FastArgs());
}

}  // namespace classplan::testing
