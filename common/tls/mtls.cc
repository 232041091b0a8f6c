#include "common/tls/mtls.h"

#include <openssl/bio.h>
#include <openssl/err.h>
#include <openssl/pem.h>
#include <openssl/x509.h>
#include <openssl/x509_vfy.h>

#include <cerrno>
#include <cstring>
#include <utility>
#include <vector>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "grpcpp/security/server_credentials.h"
#include "grpcpp/security/tls_certificate_provider.h"
#include "grpcpp/security/tls_credentials_options.h"

namespace classplan::tls {
namespace {

struct BioFree {
  void operator()(BIO* b) const { BIO_free(b); }
};
struct X509Free {
  void operator()(X509* x) const { X509_free(x); }
};
struct PkeyFree {
  void operator()(EVP_PKEY* k) const { EVP_PKEY_free(k); }
};
struct StoreFree {
  void operator()(X509_STORE* s) const { X509_STORE_free(s); }
};
struct StoreCtxFree {
  void operator()(X509_STORE_CTX* c) const { X509_STORE_CTX_free(c); }
};
using Bio = std::unique_ptr<BIO, BioFree>;
using Cert = std::unique_ptr<X509, X509Free>;

absl::StatusOr<Bio> Open(const std::string& flag, const std::string& path) {
  Bio bio(BIO_new_file(path.c_str(), "r"));
  if (bio == nullptr) {
    ERR_clear_error();
    return absl::InvalidArgumentError(
        absl::StrCat(flag, ": cannot read \"", path, "\": ", std::strerror(errno)));
  }
  return bio;
}

absl::Status NotPem(const std::string& flag, const std::string& path, const char* what) {
  ERR_clear_error();
  return absl::InvalidArgumentError(absl::StrCat(flag, ": \"", path, "\" holds no PEM ", what));
}

// Every certificate in a PEM file, in order.
absl::StatusOr<std::vector<Cert>> ReadCerts(const std::string& flag, const std::string& path) {
  auto bio = Open(flag, path);
  if (!bio.ok()) return bio.status();
  std::vector<Cert> certs;
  while (X509* x = PEM_read_bio_X509(bio->get(), nullptr, nullptr, nullptr)) certs.emplace_back(x);
  ERR_clear_error();  // the end of the file reads as an error
  if (certs.empty()) return NotPem(flag, path, "certificate");
  return certs;
}

}  // namespace

absl::StatusOr<std::optional<MtlsFiles>> CheckMtlsFiles(const MtlsFiles& files,
                                                        const MtlsFiles& flags) {
  const std::string& cert_flag = flags.cert_file;
  const std::string& key_flag = flags.key_file;
  const std::string& ca_flag = flags.ca_file;
  const int set = static_cast<int>(!files.cert_file.empty()) +
                  static_cast<int>(!files.key_file.empty()) +
                  static_cast<int>(!files.ca_file.empty());
  if (set == 0) return std::optional<MtlsFiles>();
  if (set != 3) {
    return absl::InvalidArgumentError(
        absl::StrCat("mutual TLS needs all three of ", cert_flag, ", ", key_flag, " and ", ca_flag,
                     " (or none, for plaintext); ", cert_flag, "=\"", files.cert_file, "\" ",
                     key_flag, "=\"", files.key_file, "\" ", ca_flag, "=\"", files.ca_file, "\""));
  }
  auto chain = ReadCerts(cert_flag, files.cert_file);
  if (!chain.ok()) return chain.status();
  auto cas = ReadCerts(ca_flag, files.ca_file);
  if (!cas.ok()) return cas.status();
  auto key_bio = Open(key_flag, files.key_file);
  if (!key_bio.ok()) return key_bio.status();
  std::unique_ptr<EVP_PKEY, PkeyFree> key(
      PEM_read_bio_PrivateKey(key_bio->get(), nullptr, nullptr, nullptr));
  if (key == nullptr) return NotPem(key_flag, files.key_file, "private key");
  X509* leaf = chain->front().get();
  if (X509_check_private_key(leaf, key.get()) != 1) {
    ERR_clear_error();
    return absl::InvalidArgumentError(absl::StrCat(key_flag, ": the key in \"", files.key_file,
                                                   "\" does not match the certificate in \"",
                                                   files.cert_file, "\""));
  }
  // The certificate must chain to the CA: a peer would refuse it anyway, but only at the first
  // connection, far from the cause.
  std::unique_ptr<X509_STORE, StoreFree> store(X509_STORE_new());
  for (const Cert& ca : *cas) X509_STORE_add_cert(store.get(), ca.get());
  STACK_OF(X509)* untrusted = sk_X509_new_null();
  for (size_t i = 1; i < chain->size(); ++i) sk_X509_push(untrusted, (*chain)[i].get());
  std::unique_ptr<X509_STORE_CTX, StoreCtxFree> ctx(X509_STORE_CTX_new());
  X509_STORE_CTX_init(ctx.get(), store.get(), leaf, untrusted);
  const bool verified = X509_verify_cert(ctx.get()) == 1;
  const int err = X509_STORE_CTX_get_error(ctx.get());
  ctx.reset();
  sk_X509_free(untrusted);
  ERR_clear_error();
  if (!verified) {
    return absl::InvalidArgumentError(
        absl::StrCat(cert_flag, ": the certificate in \"", files.cert_file,
                     "\" does not verify against the CA in \"", files.ca_file,
                     "\": ", X509_verify_cert_error_string(err)));
  }
  return std::optional<MtlsFiles>(files);
}

namespace {
std::shared_ptr<grpc::experimental::CertificateProviderInterface> Provider(const MtlsFiles& files) {
  return std::make_shared<grpc::experimental::FileWatcherCertificateProvider>(
      files.key_file, files.cert_file, files.ca_file, kRefreshSeconds);
}
}  // namespace

std::shared_ptr<grpc::ServerCredentials> MtlsServerCredentials(const MtlsFiles& files) {
  grpc::experimental::TlsServerCredentialsOptions o(Provider(files));
  o.watch_root_certs();
  o.watch_identity_key_cert_pairs();
  o.set_cert_request_type(GRPC_SSL_REQUEST_AND_REQUIRE_CLIENT_CERTIFICATE_AND_VERIFY);
  return grpc::experimental::TlsServerCredentials(o);
}

std::shared_ptr<grpc::ChannelCredentials> MtlsChannelCredentials(const MtlsFiles& files) {
  grpc::experimental::TlsChannelCredentialsOptions o;
  o.set_certificate_provider(Provider(files));
  o.watch_root_certs();
  o.watch_identity_key_cert_pairs();
  // The chain is checked against the CA and, with no verifier set, gRPC's host name verifier
  // checks the certificate names the dialled host.
  o.set_verify_server_certs(true);
  return grpc::experimental::TlsCredentials(o);
}

std::optional<std::string> ServerNameForTarget(const std::string& target) {
  for (const char* scheme : {"ipv4:", "ipv6:"}) {
    if (!absl::StartsWith(target, scheme)) continue;
    std::string first(absl::StripPrefix(target, scheme));
    first.erase(0, first.find_first_not_of('/'));
    first = std::vector<std::string>(absl::StrSplit(first, ',')).front();
    // "[::1]:50051" → "::1"; "127.0.0.1:50051" → "127.0.0.1".
    if (absl::StartsWith(first, "[")) {
      const auto close = first.find(']');
      return first.substr(1, close == std::string::npos ? std::string::npos : close - 1);
    }
    return first.substr(0, first.rfind(':'));
  }
  return std::nullopt;
}

void SetServerName(const std::string& target, grpc::ChannelArguments* args) {
  if (auto name = ServerNameForTarget(target)) args->SetSslTargetNameOverride(*name);
}

}  // namespace classplan::tls
