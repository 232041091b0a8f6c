#ifndef CLASSPLAN_TESTS_SUPPORT_CERTS_H_
#define CLASSPLAN_TESTS_SUPPORT_CERTS_H_

// Certificates for tests of mutual TLS, made with OpenSSL's C API: a CA and the certificates
// it issues (EC P-256, valid from an hour ago for a day), written as PEM files.

#include <memory>
#include <string>
#include <vector>

namespace classplan::testing {

struct CertFiles {
  std::string cert_file, key_file, ca_file;
};

class TestCa {
 public:
  // A self-signed CA named `name`; its certificate is written to "<dir>/<name>-ca.pem".
  TestCa(std::string dir, std::string name);
  ~TestCa();
  TestCa(const TestCa&) = delete;
  TestCa& operator=(const TestCa&) = delete;

  const std::string& ca_file() const { return ca_file_; }
  // A certificate for server and client use, named `name` with the subject alternative names
  // `sans` (OpenSSL syntax: "DNS:localhost", "IP:127.0.0.1"), written to
  // "<dir>/<name>.pem" and "<dir>/<name>.key" (0600) with the CA file alongside.
  CertFiles Issue(const std::string& name, const std::vector<std::string>& sans) const;

 private:
  struct Impl;
  std::string dir_, name_, ca_file_;
  std::unique_ptr<Impl> impl_;
};

}  // namespace classplan::testing

#endif  // CLASSPLAN_TESTS_SUPPORT_CERTS_H_
