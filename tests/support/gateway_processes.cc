#include "tests/support/gateway_processes.h"

#include <fstream>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"
#include "gtest/gtest.h"
#include "tests/support/identity.h"
#include "tests/support/temp.h"

namespace classplan::testing {

Proc StartServer(const std::string& dir, const std::string& name, std::vector<std::string> argv,
                 int port, const std::string& host) {
  Proc p;
  p.port = port != 0 ? port : FreeTcpPort();
  p.log = absl::StrCat(dir, "/", name, "-", host == "127.0.0.1" ? "" : host + "-", p.port, ".log");
  argv.push_back(absl::StrCat("--listen=", host, ":", p.port));
  argv.push_back(IdentityKeyFlag());
  p.process = std::make_unique<ChildProcess>(argv, p.log);
  EXPECT_TRUE(WaitForFileText(p.log, "\"msg\":\"serving\"")) << "see " << p.log;
  return p;
}

Proc StartTestBackend(const std::string& dir, const std::string& host, int port,
                      const std::string& name, const std::vector<std::string>& flags) {
  std::vector<std::string> argv = {BuildPath("tests/e2e/test_backend"), "--drain_timeout=1s"};
  if (!name.empty()) argv.push_back("--name=" + name);
  argv.insert(argv.end(), flags.begin(), flags.end());
  return StartServer(dir, "test_backend", argv, port, host);
}

std::string MakeKey(const std::string& dir, const std::string& principal,
                    const std::string& roles) {
  std::string out;
  EXPECT_EQ(RunCommand({BuildPath("services/gateway/gateway_keygen"),
                        "--keys_file=" + dir + "/keys.textproto", "--principal=" + principal,
                        "--roles=" + roles, "--iterations=100"},
                       &out),
            0);
  while (!out.empty() && out.back() == '\n') out.pop_back();
  return out;
}

void WritePolicy(const std::string& dir) {
  std::ofstream(dir + "/policy.textproto")
      << ReadWholeFile(SourcePath("deploy/local/gateway-policy.textproto"))
      << "\nrule { method: \"/classplan.test.v1.TestService/*\" role: \"*\" }\n";
}

std::string RouteTo(const std::string& service, const std::string& target,
                    const std::string& idempotent) {
  std::string r = absl::StrCat("route { service: \"", service, "\" target: \"", target, "\"");
  for (absl::string_view m : absl::StrSplit(idempotent, ',', absl::SkipEmpty())) {
    absl::StrAppend(&r, " idempotent_method: \"", m, "\"");
  }
  return r + " }\n";
}

std::string Route(const std::string& service, const std::vector<int>& ports,
                  const std::string& idempotent) {
  std::vector<std::string> addrs;
  addrs.reserve(ports.size());
  for (int p : ports) addrs.push_back(absl::StrCat("127.0.0.1:", p));
  return RouteTo(service, "ipv4:" + absl::StrJoin(addrs, ","), idempotent);
}

Proc StartGateway(const std::string& dir, const std::string& routes, int redis_port,
                  const std::string& extra, int* metrics_port,
                  const std::vector<std::string>& flags) {
  *metrics_port = FreeTcpPort();
  const std::string config = absl::StrCat(dir, "/gateway-", *metrics_port, ".textproto");
  std::ofstream(config) << "keys_file: \"keys.textproto\"\npolicy_file: \"policy.textproto\"\n"
                        << "metrics_listen: \"127.0.0.1:" << *metrics_port << "\"\n"
                        << "redis: \""
                        << (redis_port > 0 ? absl::StrCat("127.0.0.1:", redis_port) : "off")
                        << "\"\nhealth_check_interval: \"200ms\"\ndrain_timeout: \"1s\"\n"
                        << extra << routes;
  std::vector<std::string> argv = {BuildPath("services/gateway/gateway_server"),
                                   "--config=" + config};
  argv.insert(argv.end(), flags.begin(), flags.end());
  return StartServer(dir, "gateway", argv);
}

std::multimap<std::string, std::string> Bearer(const std::string& key) {
  return {{"authorization", "Bearer " + key}};
}

}  // namespace classplan::testing
