// Mutual TLS inside the suite with real processes (docs/security.md, "Mutual TLS"): the four
// services and the gateway run with certificates from a CA the test makes; calls through the
// gateway work and reach the catalog from payband and eligibility over mutual TLS, while a
// process that reaches a service port directly gets nowhere in plaintext, without a client
// certificate or with one from another CA, and with a good certificate still needs a signed
// assertion. A server with a certificate from another CA is refused by its clients, and the
// plaintext health-only port answers health and nothing else.

#include <fstream>
#include <memory>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "classplan/appraisal/v1/appraisal_service.grpc.pb.h"
#include "classplan/catalog/v1/catalog_service.grpc.pb.h"
#include "classplan/eligibility/v1/eligibility_service.grpc.pb.h"
#include "classplan/payband/v1/payband_service.grpc.pb.h"
#include "common/dates/dates.h"
#include "grpc/health/v1/health.grpc.pb.h"
#include "gtest/gtest.h"
#include "tests/support/certs.h"
#include "tests/support/gateway_processes.h"
#include "tests/support/identity.h"
#include "tests/support/process.h"
#include "tests/support/temp.h"

namespace classplan {
namespace {

namespace cat = ::classplan::catalog::v1;
namespace pay = ::classplan::payband::v1;
namespace apr = ::classplan::appraisal::v1;
namespace elig = ::classplan::eligibility::v1;
using testing::CertFiles;
using testing::Proc;

const char* const kCatalog = cat::CatalogService::service_full_name();
const char* const kPayband = pay::PaybandService::service_full_name();
const char* const kAppraisal = apr::AppraisalService::service_full_name();
const char* const kEligibility = elig::EligibilityService::service_full_name();

// The names the local suite dials its services by.
const std::vector<std::string> kLocalNames = {"DNS:localhost", "IP:127.0.0.1"};

std::unique_ptr<grpc::ClientContext> Ctx() {
  auto ctx = std::make_unique<grpc::ClientContext>();
  ctx->set_deadline(absl::ToChronoTime(absl::Now() + absl::Seconds(10)));
  return ctx;
}

std::vector<std::string> MtlsFlags(const CertFiles& f) {
  return {"--mtls_cert_file=" + f.cert_file, "--mtls_key_file=" + f.key_file,
          "--mtls_ca_file=" + f.ca_file};
}

// Credentials a client on the machine may try.
std::shared_ptr<grpc::ChannelCredentials> Ssl(const CertFiles& trust, const CertFiles* present) {
  grpc::SslCredentialsOptions o;
  o.pem_root_certs = testing::ReadWholeFile(trust.ca_file);
  if (present != nullptr) {
    o.pem_cert_chain = testing::ReadWholeFile(present->cert_file);
    o.pem_private_key = testing::ReadWholeFile(present->key_file);
  }
  return grpc::SslCredentials(o);
}

elig::Applicant Psychologist() {
  elig::Applicant a;
  auto* e = a.add_education();
  e->set_level(cat::EDUCATION_LEVEL_BACHELOR);
  e->set_field(cat::FIELD_OF_STUDY_PSYCHOLOGY);
  e->set_accreditation(elig::ACCREDITATION_ACCREDITED);
  *e->mutable_completed() = dates::FromCivilDay(absl::CivilDay(2020, 5, 15));
  return a;
}

grpc::Status Evaluate(const std::shared_ptr<grpc::Channel>& channel, grpc::ClientContext* ctx) {
  elig::EvaluateRequest req;
  req.set_class_code("SPCP23");
  *req.mutable_applicant() = Psychologist();
  *req.mutable_as_of() = dates::FromCivilDay(absl::CivilDay(2026, 1, 31));
  elig::Evaluation out;
  return elig::EligibilityService::NewStub(channel)->Evaluate(ctx, req, &out);
}

class MtlsE2eTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    dir_ = new std::string(testing::MakeTempDir("mtls_e2e"));
    ca_ = new testing::TestCa(*dir_, "suite");
    stranger_ = new testing::TestCa(*dir_, "stranger");
    certs_ =
        new Certs{ca_->Issue("catalog", kLocalNames),       ca_->Issue("payband", kLocalNames),
                  ca_->Issue("appraisal", kLocalNames),     ca_->Issue("eligibility", kLocalNames),
                  ca_->Issue("gateway", kLocalNames),       ca_->Issue("operator", {}),
                  stranger_->Issue("intruder", kLocalNames)};
    health_port_ = testing::FreeTcpPort();
    catalog_ =
        Start("catalog", certs_->catalog,
              {testing::BuildPath("services/catalog/catalog_server"),
               "--db=" + *dir_ + "/catalog.db", "--data_dir=" + testing::SourcePath("data/catalog"),
               "--redis=off", absl::StrCat("--health_listen=127.0.0.1:", health_port_)});
    payband_ =
        Start("payband", certs_->payband,
              {testing::BuildPath("services/payband/payband_server"),
               "--db=" + *dir_ + "/payband.db", "--data_dir=" + testing::SourcePath("data/payband"),
               "--redis=off", absl::StrCat("--catalog=127.0.0.1:", catalog_->port)});
    appraisal_ = Start(
        "appraisal", certs_->appraisal,
        {testing::BuildPath("services/appraisal/appraisal_server"),
         "--db=" + *dir_ + "/appraisal.db", "--data_dir=" + testing::SourcePath("data/appraisal")});
    eligibility_ = Start("eligibility", certs_->eligibility,
                         {testing::BuildPath("services/eligibility/eligibility_server"),
                          "--db=" + *dir_ + "/eligibility.db", "--redis=off",
                          absl::StrCat("--catalog=127.0.0.1:", catalog_->port)});
    testing::WritePolicy(*dir_);
    key_ = new std::string(testing::MakeKey(*dir_, "hr-1", "hr_analyst,hr_admin"));
    int metrics_port = 0;
    gateway_ = new Proc(testing::StartGateway(
        *dir_,
        testing::Route(kCatalog, {catalog_->port}) + testing::Route(kPayband, {payband_->port}) +
            testing::Route(kAppraisal, {appraisal_->port}) +
            testing::Route(kEligibility, {eligibility_->port}),
        0, "", &metrics_port, MtlsFlags(certs_->gateway)));
  }
  static void TearDownTestSuite() {
    for (Proc* p : {gateway_, eligibility_, appraisal_, payband_, catalog_}) delete p;
    delete certs_;
    delete stranger_;
    delete ca_;
  }

  static Proc* Start(const std::string& name, const CertFiles& cert,
                     std::vector<std::string> argv) {
    argv.emplace_back("--drain_timeout=1s");
    for (std::string& f : MtlsFlags(cert)) argv.push_back(std::move(f));
    return new Proc(testing::StartServer(*dir_, name, std::move(argv)));
  }
  static std::string Target(const Proc* p) { return absl::StrCat("127.0.0.1:", p->port); }
  static std::vector<const Proc*> Services() {
    return {catalog_, payband_, appraisal_, eligibility_};
  }

  // A call through the gateway, which is plaintext in front here (its own tls block is apart).
  static std::unique_ptr<grpc::ClientContext> GatewayCtx() {
    auto ctx = Ctx();
    ctx->AddMetadata("authorization", "Bearer " + *key_);
    return ctx;
  }
  static std::shared_ptr<grpc::Channel> Gateway() {
    return grpc::CreateChannel(Target(gateway_), grpc::InsecureChannelCredentials());
  }

  // Health of a service called directly over `creds` (health needs no assertion).
  static grpc::StatusCode HealthCode(const std::string& target,
                                     const std::shared_ptr<grpc::ChannelCredentials>& creds) {
    auto stub = grpc::health::v1::Health::NewStub(testing::UnsignedChannel(target, creds));
    grpc::health::v1::HealthCheckRequest req;
    grpc::health::v1::HealthCheckResponse resp;
    return stub->Check(Ctx().get(), req, &resp).error_code();
  }

  struct Certs {
    CertFiles catalog, payband, appraisal, eligibility, gateway, operator_client, intruder;
  };
  static std::string* dir_;
  static testing::TestCa* ca_;
  static testing::TestCa* stranger_;
  static Certs* certs_;
  static std::string* key_;
  static int health_port_;
  static Proc* catalog_;
  static Proc* payband_;
  static Proc* appraisal_;
  static Proc* eligibility_;
  static Proc* gateway_;
};

std::string* MtlsE2eTest::dir_ = nullptr;
testing::TestCa* MtlsE2eTest::ca_ = nullptr;
testing::TestCa* MtlsE2eTest::stranger_ = nullptr;
MtlsE2eTest::Certs* MtlsE2eTest::certs_ = nullptr;
std::string* MtlsE2eTest::key_ = nullptr;
int MtlsE2eTest::health_port_ = 0;
Proc* MtlsE2eTest::catalog_ = nullptr;
Proc* MtlsE2eTest::payband_ = nullptr;
Proc* MtlsE2eTest::appraisal_ = nullptr;
Proc* MtlsE2eTest::eligibility_ = nullptr;
Proc* MtlsE2eTest::gateway_ = nullptr;

TEST_F(MtlsE2eTest, CallsThroughTheGatewayReachEveryServiceAndTheCatalogBehindThem) {
  auto channel = Gateway();
  cat::GetJobClassRequest get;
  get.set_code("SPCP20");
  cat::GetJobClassResponse job;
  grpc::Status s =
      cat::CatalogService::NewStub(channel)->GetJobClass(GatewayCtx().get(), get, &job);
  ASSERT_TRUE(s.ok()) << s.error_message() << "; see " << gateway_->log;
  EXPECT_EQ(job.job_class().code(), "SPCP20");

  // Payband asks the catalog for the class's grade: payband → catalog over mutual TLS.
  pay::GetClassPayRangeRequest range;
  range.set_class_code("CA2459");
  pay::GetClassPayRangeResponse band;
  s = pay::PaybandService::NewStub(channel)->GetClassPayRange(GatewayCtx().get(), range, &band);
  ASSERT_TRUE(s.ok()) << s.error_message() << "; see " << payband_->log;
  EXPECT_EQ(band.band().code(), "806-A");

  // Eligibility compiles the class's rules from the catalog: eligibility → catalog likewise.
  s = Evaluate(channel, GatewayCtx().get());
  EXPECT_TRUE(s.ok()) << s.error_message() << "; see " << eligibility_->log;

  apr::ListFrameworksResponse frameworks;
  s = apr::AppraisalService::NewStub(channel)->ListFrameworks(
      GatewayCtx().get(), apr::ListFrameworksRequest(), &frameworks);
  ASSERT_TRUE(s.ok()) << s.error_message() << "; see " << appraisal_->log;
  EXPECT_GT(frameworks.frameworks_size(), 0);

  // The gateway's health checks reach every backend too.
  for (const char* service : {kCatalog, kPayband, kAppraisal, kEligibility}) {
    auto stub = grpc::health::v1::Health::NewStub(channel);
    grpc::health::v1::HealthCheckRequest req;
    req.set_service(service);
    grpc::health::v1::HealthCheckResponse resp;
    s = stub->Check(Ctx().get(), req, &resp);
    ASSERT_TRUE(s.ok()) << service << ": " << s.error_message();
    EXPECT_EQ(resp.status(), grpc::health::v1::HealthCheckResponse::SERVING) << service;
  }
}

TEST_F(MtlsE2eTest, APlaintextCallToAServiceGetsNowhere) {
  for (const Proc* p : Services()) {
    // Signed as the gateway would: the assertion alone no longer opens the port.
    auto stub = cat::CatalogService::NewStub(testing::SignedChannel(Target(p)));
    cat::GetJobClassRequest req;
    req.set_code("SPCP20");
    cat::GetJobClassResponse resp;
    EXPECT_EQ(stub->GetJobClass(Ctx().get(), req, &resp).error_code(),
              grpc::StatusCode::UNAVAILABLE)
        << p->log;
    EXPECT_EQ(HealthCode(Target(p), nullptr), grpc::StatusCode::UNAVAILABLE) << p->log;
  }
}

TEST_F(MtlsE2eTest, TlsWithoutAClientCertificateOrWithAStrangersIsRefused) {
  for (const Proc* p : Services()) {
    // The server's certificate is trusted, so only the missing client certificate fails.
    EXPECT_EQ(HealthCode(Target(p), Ssl(certs_->catalog, nullptr)), grpc::StatusCode::UNAVAILABLE)
        << p->log;
    // A client certificate another CA issued, for the right names.
    EXPECT_EQ(HealthCode(Target(p), Ssl(certs_->catalog, &certs_->intruder)),
              grpc::StatusCode::UNAVAILABLE)
        << p->log;
    // The same client with the suite's certificate gets through: the check is what failed.
    EXPECT_EQ(HealthCode(Target(p), Ssl(certs_->catalog, &certs_->operator_client)),
              grpc::StatusCode::OK)
        << p->log;
  }
}

TEST_F(MtlsE2eTest, AGoodClientCertificateStillNeedsASignedAssertion) {
  auto creds = Ssl(certs_->catalog, &certs_->operator_client);
  cat::GetJobClassRequest req;
  req.set_code("SPCP20");
  cat::GetJobClassResponse resp;
  auto unsigned_stub =
      cat::CatalogService::NewStub(testing::UnsignedChannel(Target(catalog_), creds));
  EXPECT_EQ(unsigned_stub->GetJobClass(Ctx().get(), req, &resp).error_code(),
            grpc::StatusCode::UNAUTHENTICATED);
  auto signed_stub =
      cat::CatalogService::NewStub(testing::SignedChannel(Target(catalog_), true, creds));
  grpc::Status s = signed_stub->GetJobClass(Ctx().get(), req, &resp);
  EXPECT_TRUE(s.ok()) << s.error_message();

  auto elig_unsigned = testing::UnsignedChannel(Target(eligibility_), creds);
  EXPECT_EQ(Evaluate(elig_unsigned, Ctx().get()).error_code(), grpc::StatusCode::UNAUTHENTICATED);
  s = Evaluate(testing::SignedChannel(Target(eligibility_), true, creds), Ctx().get());
  EXPECT_TRUE(s.ok()) << s.error_message();
}

TEST_F(MtlsE2eTest, AServerWithAnotherCasCertificateIsRefusedByItsClients) {
  // An impostor catalog: a real catalog server whose certificate the stranger CA issued. It
  // trusts both CAs, so only the client's check of the server can refuse it.
  const std::string both = *dir_ + "/both-ca.pem";
  std::ofstream(both) << testing::ReadWholeFile(certs_->catalog.ca_file)
                      << testing::ReadWholeFile(certs_->intruder.ca_file);
  CertFiles impostor_cert = certs_->intruder;
  impostor_cert.ca_file = both;
  Proc* impostor = Start(
      "impostor", impostor_cert,
      {testing::BuildPath("services/catalog/catalog_server"), "--db=" + *dir_ + "/impostor.db",
       "--data_dir=" + testing::SourcePath("data/catalog"), "--redis=off"});
  // An eligibility server (the suite's certificate) told to use it as its catalog.
  Proc* misled =
      Start("misled-eligibility", certs_->eligibility,
            {testing::BuildPath("services/eligibility/eligibility_server"), "--redis=off",
             "--db=" + *dir_ + "/misled-eligibility.db",
             absl::StrCat("--catalog=127.0.0.1:", impostor->port), "--catalog_deadline=1s"});
  auto creds = Ssl(certs_->catalog, &certs_->operator_client);
  grpc::Status s = Evaluate(testing::SignedChannel(Target(misled), true, creds), Ctx().get());
  EXPECT_EQ(s.error_code(), grpc::StatusCode::UNAVAILABLE) << s.error_message();
  EXPECT_TRUE(testing::ReadWholeFile(misled->log).find("catalog") != std::string::npos);
  // Pointed at the real catalog, the same request works (the test above): only the impostor's
  // certificate made the difference. The impostor's own log shows the failed handshakes.
  delete misled;
  delete impostor;
}

TEST_F(MtlsE2eTest, TheHealthOnlyPortIsPlaintextAndServesHealthOnly) {
  const std::string target = absl::StrCat("127.0.0.1:", health_port_);
  auto health = grpc::health::v1::Health::NewStub(testing::UnsignedChannel(target));
  grpc::health::v1::HealthCheckRequest req;
  grpc::health::v1::HealthCheckResponse resp;
  grpc::Status s = health->Check(Ctx().get(), req, &resp);
  ASSERT_TRUE(s.ok()) << s.error_message();
  EXPECT_EQ(resp.status(), grpc::health::v1::HealthCheckResponse::SERVING);
  req.set_service(kCatalog);
  s = health->Check(Ctx().get(), req, &resp);
  ASSERT_TRUE(s.ok()) << s.error_message();
  EXPECT_EQ(resp.status(), grpc::health::v1::HealthCheckResponse::SERVING);

  // The catalog itself is not there, signed or not.
  auto stub = cat::CatalogService::NewStub(testing::SignedChannel(target));
  cat::GetJobClassRequest get;
  get.set_code("SPCP20");
  cat::GetJobClassResponse job;
  EXPECT_EQ(stub->GetJobClass(Ctx().get(), get, &job).error_code(),
            grpc::StatusCode::UNIMPLEMENTED);
}

TEST_F(MtlsE2eTest, ClassplanctlReachesAServiceDirectlyWithAClientCertificate) {
  const std::string ctl = testing::BuildPath("tools/classplanctl/classplanctl");
  const std::vector<std::string> direct = {ctl,
                                           "--target=" + Target(catalog_),
                                           "--timeout=10s",
                                           testing::IdentityKeyFlag(),
                                           "--principal=ops-1",
                                           "--roles=hr_analyst",
                                           "--tls_ca=" + certs_->catalog.ca_file};
  std::string out;
  std::vector<std::string> argv = direct;
  argv.insert(argv.end(),
              {"--tls_cert=" + certs_->operator_client.cert_file,
               "--tls_key=" + certs_->operator_client.key_file, "class", "get", "SPCP20"});
  EXPECT_EQ(testing::RunCommand(argv, &out), 0) << out;
  EXPECT_NE(out.find("SPCP20"), std::string::npos) << out;

  // Without the client certificate: unavailable (exit 5).
  argv = direct;
  argv.insert(argv.end(), {"class", "get", "SPCP20"});
  EXPECT_EQ(testing::RunCommand(argv, &out), 5) << out;

  // Half a set is a usage error (exit 2), found before any call.
  argv = direct;
  argv.insert(argv.end(),
              {"--tls_cert=" + certs_->operator_client.cert_file, "class", "get", "SPCP20"});
  EXPECT_EQ(testing::RunCommand(argv, &out), 2) << out;
}

TEST_F(MtlsE2eTest, AServiceRefusesToStartWithABadSet) {
  // A partial set, and a key that is not the certificate's: exit 2 with the reason logged.
  const std::string bin = testing::BuildPath("services/catalog/catalog_server");
  const std::vector<std::vector<std::string>> bad = {
      {"--mtls_cert_file=" + certs_->catalog.cert_file,
       "--mtls_key_file=" + certs_->catalog.key_file},
      {"--mtls_cert_file=" + certs_->catalog.cert_file,
       "--mtls_key_file=" + certs_->payband.key_file, "--mtls_ca_file=" + certs_->catalog.ca_file},
  };
  std::string logs;
  for (size_t i = 0; i < bad.size(); ++i) {
    const auto& flags = bad[i];
    const std::string log = absl::StrCat(*dir_, "/bad-start-", i, ".log");
    std::vector<std::string> argv = {bin, "--db=" + *dir_ + "/bad.db", "--redis=off",
                                     "--listen=127.0.0.1:0", testing::IdentityKeyFlag()};
    argv.insert(argv.end(), flags.begin(), flags.end());
    testing::ChildProcess child(argv, log);
    EXPECT_TRUE(testing::WaitForFileText(log, "\"msg\":\"bad flag\"")) << log;
    EXPECT_EQ(child.Terminate(), 2);
    logs += testing::ReadWholeFile(log);
  }
  EXPECT_NE(logs.find("needs all three of --mtls_cert_file"), std::string::npos) << logs;
  EXPECT_NE(logs.find("does not match the certificate"), std::string::npos) << logs;
}

}  // namespace
}  // namespace classplan
