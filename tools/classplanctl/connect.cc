#include "tools/classplanctl/connect.h"

#include <fstream>
#include <sstream>
#include <vector>

#include "common/identity/signing_channel.h"
#include "common/tls/mtls.h"
#include "grpcpp/support/client_interceptor.h"

namespace classplan::ctl {
namespace {

// Adds the key to every call's initial metadata. (Call credentials would need TLS; the
// local suite's gateway listens on loopback in plaintext.)
class KeyInterceptor : public grpc::experimental::Interceptor {
 public:
  KeyInterceptor(grpc::experimental::ClientRpcInfo*, std::string header)
      : header_(std::move(header)) {}
  void Intercept(grpc::experimental::InterceptorBatchMethods* methods) override {
    if (methods->QueryInterceptionHookPoint(
            grpc::experimental::InterceptionHookPoints::PRE_SEND_INITIAL_METADATA)) {
      methods->GetSendInitialMetadata()->insert({"authorization", header_});
    }
    methods->Proceed();
  }

 private:
  std::string header_;
};

class KeyInterceptorFactory : public grpc::experimental::ClientInterceptorFactoryInterface {
 public:
  explicit KeyInterceptorFactory(std::string key) : header_("Bearer " + std::move(key)) {}
  grpc::experimental::Interceptor* CreateClientInterceptor(
      grpc::experimental::ClientRpcInfo* info) override {
    return new KeyInterceptor(info, header_);
  }

 private:
  std::string header_;
};

std::string ReadFile(const std::string& path) {
  std::ifstream in(path);
  std::stringstream text;
  text << in.rdbuf();
  return text.str();
}

}  // namespace

std::shared_ptr<grpc::Channel> Connect(const std::string& target, const std::string& api_key,
                                       const TlsFiles& tls, const std::string& identity_key_file) {
  std::shared_ptr<grpc::ChannelCredentials> creds = grpc::InsecureChannelCredentials();
  grpc::ChannelArguments args;
  if (!tls.ca.empty()) {
    grpc::SslCredentialsOptions o;
    o.pem_root_certs = ReadFile(tls.ca);
    // Checked together when the flags were parsed (tls::CheckMtlsFiles).
    if (!tls.cert.empty()) {
      o.pem_cert_chain = ReadFile(tls.cert);
      o.pem_private_key = ReadFile(tls.key);
    }
    creds = grpc::SslCredentials(o);
    tls::SetServerName(target, &args);
  }
  std::vector<std::unique_ptr<grpc::experimental::ClientInterceptorFactoryInterface>> factories;
  if (!api_key.empty()) factories.push_back(std::make_unique<KeyInterceptorFactory>(api_key));
  if (!identity_key_file.empty()) {
    // Checked when the flag was parsed; a file gone since leaves the calls unsigned.
    if (auto keys = identity::KeyRing::Load(identity_key_file); keys.ok()) {
      factories.push_back(identity::SigningInterceptor(*std::move(keys), std::nullopt));
    }
  }
  if (factories.empty()) return grpc::CreateCustomChannel(target, creds, args);
  return grpc::experimental::CreateCustomChannelWithInterceptors(target, creds, args,
                                                                 std::move(factories));
}

}  // namespace classplan::ctl
