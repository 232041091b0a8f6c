// The README's main command, end to end: deploy/local/run.sh starts Redis, every built service
// as two replicas and the gateway; prints the gateway and the path of the demo keys file (not
// the keys); classplanctl reaches the services through the gateway with a key; the run
// directory, databases and key files are owner-only; SIGTERM stops everything; a second start
// reuses the data and the keys.

#include <sys/stat.h>

#include <cstdlib>
#include <map>
#include <regex>
#include <vector>

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "gtest/gtest.h"
#include "tests/support/generic_call.h"
#include "tests/support/process.h"
#include "tests/support/temp.h"

namespace classplan {
namespace {

using testing::BuildPath;
using testing::DemoKey;
using testing::SourcePath;

int ModeOf(const std::string& path) {
  struct stat st {};
  if (::stat(path.c_str(), &st) != 0) return -1;
  return static_cast<int>(st.st_mode & 0777);
}

TEST(LauncherE2eTest, StartsTheSuiteBehindTheGatewayStopsCleanlyAndRestartsOnTheSameData) {
  const std::string dir = testing::MakeTempDir("launcher_e2e");
  // As an operator's shell would have it: a permissive umask and a readable directory, which
  // run.sh must narrow.
  ::umask(022);
  ASSERT_EQ(::chmod(dir.c_str(), 0755), 0);
  // Every port is one the kernel chose and this test holds (FreeTcpPort), two replicas'
  // worth per service, given to run.sh one by one: nothing computed from a base, which a
  // second run or anything else on the machine may already use.
  const int gateway_port = testing::FreeTcpPort();
  std::map<std::string, std::vector<int>> ports;
  for (const char* service : {"CATALOG", "PAYBAND", "APPRAISAL", "ELIGIBILITY"}) {
    ports[service] = {testing::FreeTcpPort(), testing::FreeTcpPort()};
    setenv(absl::StrCat("CLASSPLAN_", service, "_PORTS").c_str(),
           absl::StrJoin(ports[service], ",").c_str(), 1);
  }
  setenv("BUILD_DIR", BuildPath("").c_str(), 1);
  setenv("CLASSPLAN_RUN_DIR", dir.c_str(), 1);
  setenv("CLASSPLAN_REDIS_PORT", std::to_string(testing::FreeTcpPort()).c_str(), 1);
  setenv("CLASSPLAN_GATEWAY_PORT", std::to_string(gateway_port).c_str(), 1);
  setenv("CLASSPLAN_METRICS_PORT", std::to_string(testing::FreeTcpPort()).c_str(), 1);
  // The replicas' line in run.sh's banner.
  auto replicas = [&](const std::string& service) {
    const std::vector<int>& p = ports[absl::AsciiStrToUpper(service)];
    return absl::StrCat(service, std::string(12 - service.size(), ' '), "127.0.0.1:", p[0],
                        ",127.0.0.1:", p[1]);
  };
  const std::string gateway = absl::StrCat("--target=127.0.0.1:", gateway_port);
  const std::string ctl = BuildPath("tools/classplanctl/classplanctl");

  auto start = [&](const std::string& out) {
    return std::make_unique<testing::ChildProcess>(
        std::vector<std::string>{"/bin/bash", "-c", "exec 1>&2; exec bash \"$0\"",
                                 SourcePath("deploy/local/run.sh")},
        out);
  };
  auto first = start(dir + "/first.out");
  ASSERT_TRUE(
      testing::WaitForFileText(dir + "/first.out", "Ctrl-C stops everything", absl::Seconds(45)))
      << testing::ReadWholeFile(dir + "/first.out");
  const std::string out1 = testing::ReadWholeFile(dir + "/first.out");
  EXPECT_NE(out1.find(absl::StrCat("gateway     127.0.0.1:", gateway_port)), std::string::npos)
      << out1;
  for (const char* service : {"catalog", "payband", "appraisal", "eligibility"}) {
    EXPECT_NE(out1.find(replicas(service)), std::string::npos) << service << "\n" << out1;
  }
  const std::string env_file = dir + "/gateway/demo-keys.env";
  EXPECT_NE(out1.find("demo keys   " + env_file), std::string::npos) << out1;
  std::map<std::string, std::string> keys;
  for (const char* role : {"agency_system", "hr_analyst", "hr_admin", "supervisor", "employee"}) {
    keys[role] = DemoKey(env_file, role);
    EXPECT_FALSE(keys[role].empty()) << role;
    EXPECT_EQ(out1.find(keys[role]), std::string::npos) << role << "'s key printed";
  }
  // Owner-only, whatever the umask run.sh was started with.
  EXPECT_EQ(ModeOf(dir), 0700);
  EXPECT_EQ(ModeOf(dir + "/gateway"), 0700);
  EXPECT_EQ(ModeOf(env_file), 0600);
  EXPECT_EQ(ModeOf(dir + "/gateway/gateway-keys.textproto"), 0600);
  for (const char* db : {"catalog.db", "payband.db", "appraisal.db"}) {
    EXPECT_EQ(ModeOf(dir + "/" + db), 0600) << db;
  }
  for (const char* secret : {"redis/password", "redis/cache-key", "redis/redis.conf"}) {
    EXPECT_EQ(ModeOf(dir + "/" + secret), 0600) << secret;
  }
  // Mutual TLS is on by default: the CA and every certificate owner-only, the CA's path shown.
  EXPECT_NE(out1.find("mTLS CA     " + dir + "/tls/ca.pem"), std::string::npos) << out1;
  EXPECT_EQ(ModeOf(dir + "/tls"), 0700);
  EXPECT_EQ(ModeOf(dir + "/tls/ca"), 0700);
  for (const char* file :
       {"ca/ca.key", "ca.pem", "catalog.pem", "catalog.key", "gateway.key", "operator.key"}) {
    EXPECT_EQ(ModeOf(dir + "/tls/" + file), 0600) << file;
  }
  // So a plaintext call to a service gets nowhere.
  std::string direct;
  EXPECT_NE(testing::RunCommand({ctl, absl::StrCat("--target=127.0.0.1:", ports["CATALOG"][0]),
                                 "--timeout=2s", "health"},
                                &direct),
            0);
  // Redis wants the password: without it nothing is answered.
  std::string redis_out;
  testing::RunCommand({"redis-cli", "-p", std::getenv("CLASSPLAN_REDIS_PORT"), "ping"}, &redis_out);
  EXPECT_EQ(redis_out.find("PONG"), std::string::npos) << redis_out;
  std::string out;
  EXPECT_NE(testing::RunCommand({ctl, gateway, "class", "get", "SPCP20"}, &out), 0);  // no key
  ASSERT_EQ(testing::RunCommand(
                {ctl, gateway, "--api_key=" + keys["hr_analyst"], "class", "get", "SPCP20"}, &out),
            0);
  EXPECT_NE(out.find("SPCP20"), std::string::npos);
  ASSERT_EQ(testing::RunCommand({ctl, absl::StrCat("--payband_target=127.0.0.1:", gateway_port),
                                 "--api_key=" + keys["employee"], "pay", "band", "806-A",
                                 "--jurisdiction=denver-csa"},
                                &out),
            0);
  EXPECT_NE(out.find("$42,917"), std::string::npos) << out;
  // The services got in with it: none was refused (they would still answer, from the store).
  const std::string catalog_log =
      testing::ReadWholeFile(absl::StrCat(dir, "/catalog-", ports["CATALOG"][0], ".log"));
  EXPECT_NE(catalog_log.find("\"auth\":true"), std::string::npos);
  EXPECT_EQ(catalog_log.find("redis refused"), std::string::npos);

  EXPECT_EQ(first->Terminate(30), 0);
  EXPECT_NE(testing::ReadWholeFile(dir + "/first.out").find("classplan: stopped"),
            std::string::npos);

  auto second = start(dir + "/second.out");
  ASSERT_TRUE(
      testing::WaitForFileText(dir + "/second.out", "Ctrl-C stops everything", absl::Seconds(45)))
      << testing::ReadWholeFile(dir + "/second.out");
  const std::string out2 = testing::ReadWholeFile(dir + "/second.out");
  EXPECT_EQ(DemoKey(env_file, "hr_analyst"), keys["hr_analyst"]);  // the same keys again
  ASSERT_EQ(testing::RunCommand(
                {ctl, gateway, "--api_key=" + keys["hr_analyst"], "class", "get", "SPCP20"}, &out),
            0);
  // The second start found the data already imported.
  EXPECT_NE(testing::ReadWholeFile(absl::StrCat(dir, "/catalog-", ports["CATALOG"][0], ".log"))
                .find("\"files_imported\":0"),
            std::string::npos);
  EXPECT_EQ(second->Terminate(30), 0);
}

}  // namespace
}  // namespace classplan
