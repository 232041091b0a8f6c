#include "tests/support/certs.h"

#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>
#include <sys/stat.h>

#include <cstdio>
#include <stdexcept>
#include <utility>

#include "absl/strings/str_join.h"

namespace classplan::testing {
namespace {

EVP_PKEY* NewKey() { return EVP_PKEY_Q_keygen(nullptr, nullptr, "EC", "P-256"); }

void Check(bool ok, const char* what) {
  if (!ok) throw std::runtime_error(std::string("test certificate: ") + what);
}

void AddExt(X509* cert, X509* issuer, int nid, const std::string& value) {
  X509V3_CTX ctx;
  X509V3_set_ctx_nodb(&ctx);
  X509V3_set_ctx(&ctx, issuer, cert, nullptr, nullptr, 0);
  X509_EXTENSION* ext = X509V3_EXT_conf_nid(nullptr, &ctx, nid, value.c_str());
  Check(ext != nullptr, "extension");
  X509_add_ext(cert, ext, -1);
  X509_EXTENSION_free(ext);
}

X509* NewCert(const std::string& cn, EVP_PKEY* key, long serial) {
  X509* cert = X509_new();
  X509_set_version(cert, 2);
  ASN1_INTEGER_set(X509_get_serialNumber(cert), serial);
  X509_gmtime_adj(X509_getm_notBefore(cert), -3600);
  X509_gmtime_adj(X509_getm_notAfter(cert), 86400);
  X509_set_pubkey(cert, key);
  X509_NAME_add_entry_by_txt(X509_get_subject_name(cert), "CN", MBSTRING_ASC,
                             reinterpret_cast<const unsigned char*>(cn.c_str()), -1, -1, 0);
  return cert;
}

void WritePem(const std::string& path, X509* cert, EVP_PKEY* key) {
  FILE* f = std::fopen(path.c_str(), "w");
  Check(f != nullptr, "open");
  chmod(path.c_str(), 0600);
  const bool ok = cert != nullptr
                      ? PEM_write_X509(f, cert) == 1
                      : PEM_write_PrivateKey(f, key, nullptr, nullptr, 0, nullptr, nullptr) == 1;
  std::fclose(f);
  Check(ok, "write");
}

}  // namespace

struct TestCa::Impl {
  EVP_PKEY* key = nullptr;
  X509* cert = nullptr;
  mutable long serial = 1;
};

TestCa::TestCa(std::string dir, std::string name)
    : dir_(std::move(dir)), name_(std::move(name)), impl_(std::make_unique<Impl>()) {
  impl_->key = NewKey();
  Check(impl_->key != nullptr, "key");
  impl_->cert = NewCert(name_ + " test CA", impl_->key, impl_->serial++);
  X509_set_issuer_name(impl_->cert, X509_get_subject_name(impl_->cert));
  AddExt(impl_->cert, impl_->cert, NID_basic_constraints, "critical,CA:TRUE");
  AddExt(impl_->cert, impl_->cert, NID_key_usage, "critical,keyCertSign,cRLSign");
  AddExt(impl_->cert, impl_->cert, NID_subject_key_identifier, "hash");
  Check(X509_sign(impl_->cert, impl_->key, EVP_sha256()) > 0, "sign CA");
  ca_file_ = dir_ + "/" + name_ + "-ca.pem";
  WritePem(ca_file_, impl_->cert, nullptr);
}

TestCa::~TestCa() {
  X509_free(impl_->cert);
  EVP_PKEY_free(impl_->key);
}

CertFiles TestCa::Issue(const std::string& name, const std::vector<std::string>& sans) const {
  EVP_PKEY* key = NewKey();
  Check(key != nullptr, "key");
  X509* cert = NewCert(name, key, impl_->serial++);
  X509_set_issuer_name(cert, X509_get_subject_name(impl_->cert));
  AddExt(cert, impl_->cert, NID_basic_constraints, "critical,CA:FALSE");
  AddExt(cert, impl_->cert, NID_key_usage, "critical,digitalSignature");
  AddExt(cert, impl_->cert, NID_ext_key_usage, "serverAuth,clientAuth");
  AddExt(cert, impl_->cert, NID_authority_key_identifier, "keyid");
  if (!sans.empty()) AddExt(cert, impl_->cert, NID_subject_alt_name, absl::StrJoin(sans, ","));
  Check(X509_sign(cert, impl_->key, EVP_sha256()) > 0, "sign");
  CertFiles files{dir_ + "/" + name + ".pem", dir_ + "/" + name + ".key", ca_file_};
  WritePem(files.cert_file, cert, nullptr);
  WritePem(files.key_file, nullptr, key);
  X509_free(cert);
  EVP_PKEY_free(key);
  return files;
}

}  // namespace classplan::testing
