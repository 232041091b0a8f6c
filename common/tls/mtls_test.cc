#include "common/tls/mtls.h"

#include <filesystem>
#include <fstream>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tests/support/certs.h"
#include "tests/support/temp.h"

namespace classplan::tls {
namespace {

using ::testing::HasSubstr;

class MtlsFilesTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = classplan::testing::MakeTempDir("mtls-test-");
    ASSERT_FALSE(dir_.empty());
    ca_ = std::make_unique<classplan::testing::TestCa>(dir_, "suite");
    auto issued = ca_->Issue("catalog", {"DNS:localhost", "IP:127.0.0.1"});
    good_ = {issued.cert_file, issued.key_file, issued.ca_file};
  }
  void TearDown() override { std::filesystem::remove_all(dir_); }

  std::string dir_;
  std::unique_ptr<classplan::testing::TestCa> ca_;
  MtlsFiles good_;
};

TEST_F(MtlsFilesTest, NoneIsPlaintext) {
  auto checked = CheckMtlsFiles(MtlsFiles{});
  ASSERT_TRUE(checked.ok()) << checked.status();
  EXPECT_FALSE(checked->has_value());
}

TEST_F(MtlsFilesTest, AGoodSetIsAccepted) {
  auto checked = CheckMtlsFiles(good_);
  ASSERT_TRUE(checked.ok()) << checked.status();
  ASSERT_TRUE(checked->has_value());
  EXPECT_EQ((*checked)->cert_file, good_.cert_file);
  // Credentials can be built from it.
  EXPECT_NE(MtlsServerCredentials(**checked), nullptr);
  EXPECT_NE(MtlsChannelCredentials(**checked), nullptr);
}

TEST_F(MtlsFilesTest, APartialSetNamesTheFlags) {
  for (const MtlsFiles& partial :
       {MtlsFiles{good_.cert_file, good_.key_file, ""},
        MtlsFiles{good_.cert_file, "", good_.ca_file}, MtlsFiles{"", "", good_.ca_file}}) {
    auto checked = CheckMtlsFiles(partial);
    ASSERT_FALSE(checked.ok());
    EXPECT_EQ(checked.status().code(), absl::StatusCode::kInvalidArgument);
    EXPECT_THAT(checked.status().message(),
                HasSubstr("all three of --mtls_cert_file, --mtls_key_file and --mtls_ca_file"));
  }
}

TEST_F(MtlsFilesTest, ErrorsNameTheCallersFlags) {
  auto checked = CheckMtlsFiles(MtlsFiles{good_.cert_file, "", ""},
                                MtlsFiles{"--tls_cert", "--tls_key", "--tls_ca"});
  ASSERT_FALSE(checked.ok());
  EXPECT_THAT(checked.status().message(), HasSubstr("--tls_cert, --tls_key and --tls_ca"));
}

TEST_F(MtlsFilesTest, AMissingFileIsNamed) {
  MtlsFiles files = good_;
  files.key_file = dir_ + "/missing.key";
  auto checked = CheckMtlsFiles(files);
  ASSERT_FALSE(checked.ok());
  EXPECT_THAT(checked.status().message(), HasSubstr("--mtls_key_file: cannot read"));
  EXPECT_THAT(checked.status().message(), HasSubstr("missing.key"));
}

TEST_F(MtlsFilesTest, AFileThatIsNotPemIsNamed) {
  const std::string junk = dir_ + "/junk.pem";
  std::ofstream(junk) << "not a certificate\n";
  MtlsFiles files = good_;
  files.ca_file = junk;
  auto checked = CheckMtlsFiles(files);
  ASSERT_FALSE(checked.ok());
  EXPECT_THAT(checked.status().message(), HasSubstr("--mtls_ca_file"));
  EXPECT_THAT(checked.status().message(), HasSubstr("holds no PEM certificate"));

  files = good_;
  files.key_file = junk;
  checked = CheckMtlsFiles(files);
  ASSERT_FALSE(checked.ok());
  EXPECT_THAT(checked.status().message(), HasSubstr("--mtls_key_file"));
  EXPECT_THAT(checked.status().message(), HasSubstr("holds no PEM private key"));
}

TEST_F(MtlsFilesTest, AKeyOfAnotherCertificateIsRefused) {
  auto other = ca_->Issue("payband", {"DNS:localhost"});
  MtlsFiles files = good_;
  files.key_file = other.key_file;
  auto checked = CheckMtlsFiles(files);
  ASSERT_FALSE(checked.ok());
  EXPECT_THAT(checked.status().message(), HasSubstr("does not match the certificate"));
}

TEST_F(MtlsFilesTest, ACertificateOfAnotherCaIsRefused) {
  classplan::testing::TestCa stranger(dir_, "stranger");
  auto theirs = stranger.Issue("catalog-forged", {"DNS:localhost"});
  MtlsFiles files{theirs.cert_file, theirs.key_file, good_.ca_file};
  auto checked = CheckMtlsFiles(files);
  ASSERT_FALSE(checked.ok());
  EXPECT_THAT(checked.status().message(), HasSubstr("does not verify against the CA"));
}

TEST(ServerNameForTarget, AddressListsUseTheFirstHost) {
  EXPECT_EQ(ServerNameForTarget("ipv4:127.0.0.1:50051,127.0.0.1:50052"), "127.0.0.1");
  EXPECT_EQ(ServerNameForTarget("ipv4:///10.0.0.7:50051"), "10.0.0.7");
  EXPECT_EQ(ServerNameForTarget("ipv6:[::1]:50051,[::1]:50052"), "::1");
  EXPECT_EQ(ServerNameForTarget("dns:///catalog.classplan.svc.cluster.local:50051"), std::nullopt);
  EXPECT_EQ(ServerNameForTarget("127.0.0.1:50051"), std::nullopt);
}

}  // namespace
}  // namespace classplan::tls
