#include "tools/classplanctl/connect.h"

#include <cstdlib>
#include <fstream>
#include <sstream>
#include <vector>

#include "absl/flags/flag.h"
#include "grpcpp/support/client_interceptor.h"

ABSL_FLAG(std::string, api_key, classplan::ctl::EnvOr("CLASSPLAN_API_KEY", ""),
          "API key presented to the gateway (env CLASSPLAN_API_KEY)");
ABSL_FLAG(std::string, tls_ca, classplan::ctl::EnvOr("CLASSPLAN_TLS_CA", ""),
          "PEM CA bundle: connect with TLS, trusting it (env CLASSPLAN_TLS_CA)");

namespace classplan::ctl {

std::string EnvOr(const char* name, const char* fallback) {
  const char* v = std::getenv(name);
  return (v != nullptr && *v != '\0') ? v : fallback;
}

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

}  // namespace

std::shared_ptr<grpc::Channel> Connect(const std::string& target) {
  std::shared_ptr<grpc::ChannelCredentials> creds = grpc::InsecureChannelCredentials();
  if (const std::string ca = absl::GetFlag(FLAGS_tls_ca); !ca.empty()) {
    std::ifstream in(ca);
    std::stringstream pem;
    pem << in.rdbuf();
    grpc::SslCredentialsOptions o;
    o.pem_root_certs = pem.str();
    creds = grpc::SslCredentials(o);
  }
  const std::string key = absl::GetFlag(FLAGS_api_key);
  if (key.empty()) return grpc::CreateChannel(target, creds);
  std::vector<std::unique_ptr<grpc::experimental::ClientInterceptorFactoryInterface>> factories;
  factories.push_back(std::make_unique<KeyInterceptorFactory>(key));
  return grpc::experimental::CreateCustomChannelWithInterceptors(
      target, creds, grpc::ChannelArguments(), std::move(factories));
}

}  // namespace classplan::ctl
