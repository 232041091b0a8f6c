#include "common/identity/signing_channel.h"

#include <chrono>
#include <map>
#include <utility>

#include "absl/time/clock.h"
#include "common/identity/identity.h"

namespace classplan::identity {

namespace {

using grpc::experimental::ClientRpcInfo;
using grpc::experimental::InterceptionHookPoints;
using grpc::experimental::Interceptor;
using grpc::experimental::InterceptorBatchMethods;

// Every value of `key` joined with "," (how a server reads a repeated header).
std::string Value(const std::multimap<std::string, std::string>& md, const char* key) {
  std::string out;
  auto range = md.equal_range(key);
  for (auto it = range.first; it != range.second; ++it) {
    if (!out.empty()) out.push_back(',');
    out.append(it->second);
  }
  return out;
}

class SignInterceptor : public Interceptor {
 public:
  SignInterceptor(ClientRpcInfo* info, const KeyRing* keys,
                  const std::optional<SigningIdentity>* as)
      : info_(info), keys_(keys), as_(as) {}

  void Intercept(InterceptorBatchMethods* methods) override {
    if (methods->QueryInterceptionHookPoint(InterceptionHookPoints::PRE_SEND_INITIAL_METADATA)) {
      std::multimap<std::string, std::string>* md = methods->GetSendInitialMetadata();
      Claims claims;
      claims.method = info_->method();
      if (as_->has_value()) {
        claims.principal = (*as_)->principal;
        claims.roles = (*as_)->roles;
      } else {
        claims.principal = Value(*md, kPrincipalHeader);
        claims.roles = ParseRoles(Value(*md, kRolesHeader));
        // No one (or two) to vouch for: the call goes unsigned and is refused.
        if (claims.principal.empty() || md->count(kPrincipalHeader) > 1) {
          methods->Proceed();
          return;
        }
      }
      claims.request_id = Value(*md, kRequestIdHeader);
      const auto deadline = info_->client_context()->deadline();
      const absl::Time now = absl::Now();
      const absl::Time expiry =
          AssertionExpiry(now, deadline == std::chrono::system_clock::time_point::max()
                                   ? absl::InfiniteFuture()
                                   : absl::FromChrono(deadline));
      // A claim that cannot be signed (a line break in it) goes unsigned: the service refuses it.
      if (auto signed_assertion = keys_->Sign(claims, expiry); signed_assertion.ok()) {
        md->erase(kAssertionHeader);
        md->emplace(kAssertionHeader, *std::move(signed_assertion));
      }
    }
    methods->Proceed();
  }

 private:
  ClientRpcInfo* info_;
  const KeyRing* keys_;
  const std::optional<SigningIdentity>* as_;
};

class SignFactory : public grpc::experimental::ClientInterceptorFactoryInterface {
 public:
  SignFactory(std::shared_ptr<const KeyRing> keys, std::optional<SigningIdentity> as)
      : keys_(std::move(keys)), as_(std::move(as)) {}
  Interceptor* CreateClientInterceptor(ClientRpcInfo* info) override {
    return new SignInterceptor(info, keys_.get(), &as_);
  }

 private:
  std::shared_ptr<const KeyRing> keys_;
  std::optional<SigningIdentity> as_;
};

}  // namespace

std::unique_ptr<grpc::experimental::ClientInterceptorFactoryInterface> SigningInterceptor(
    std::shared_ptr<const KeyRing> keys, std::optional<SigningIdentity> as) {
  return std::make_unique<SignFactory>(std::move(keys), std::move(as));
}

std::shared_ptr<grpc::Channel> SigningChannel(
    const std::string& target, const std::shared_ptr<grpc::ChannelCredentials>& creds,
    const grpc::ChannelArguments& args, std::shared_ptr<const KeyRing> keys,
    std::optional<SigningIdentity> as) {
  std::vector<std::unique_ptr<grpc::experimental::ClientInterceptorFactoryInterface>> factories;
  factories.push_back(SigningInterceptor(std::move(keys), std::move(as)));
  return grpc::experimental::CreateCustomChannelWithInterceptors(target, creds, args,
                                                                 std::move(factories));
}

}  // namespace classplan::identity
