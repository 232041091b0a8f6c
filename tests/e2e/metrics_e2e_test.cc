// Every process of the suite serves Prometheus metrics (docs/observability.md): the launcher
// (deploy/local/run.sh) starts Redis, one replica of every service and the gateway, each with
// its metrics port; after a few calls through the gateway, every endpoint is scraped, holds
// the calls' series and the process metrics, and passes `promtool check metrics` (Debian's
// `prometheus` package). Without promtool the test is skipped, except in CI (CI=true), where
// a missing promtool is a failure.

#include <cstdlib>
#include <map>
#include <regex>
#include <string>
#include <vector>

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "common/metrics/scrape.h"
#include "gtest/gtest.h"
#include "tests/support/process.h"
#include "tests/support/temp.h"

namespace classplan {
namespace {

using testing::BuildPath;
using testing::DemoKey;
using testing::SourcePath;

bool HavePromtool() {
  std::string out;
  return testing::RunCommand({"/bin/sh", "-c", "command -v promtool"}, &out) == 0;
}

TEST(MetricsE2eTest, EveryProcessServesMetricsThatPromtoolAccepts) {
  if (!HavePromtool()) {
    const char* ci = std::getenv("CI");
    if (ci != nullptr && std::string(ci) == "true") {
      FAIL() << "promtool is not installed (Debian package prometheus, scripts/install-deps.sh)";
    }
    GTEST_SKIP() << "promtool is not installed (Debian package prometheus)";
  }
  const std::string dir = testing::MakeTempDir("metrics_e2e");
  const int gateway_port = testing::FreeTcpPort();
  const int gateway_metrics = testing::FreeTcpPort();
  std::map<std::string, int> metrics_ports;
  for (const char* service : {"CATALOG", "PAYBAND", "APPRAISAL", "ELIGIBILITY"}) {
    metrics_ports[service] = testing::FreeTcpPort();
    setenv(absl::StrCat("CLASSPLAN_", service, "_PORTS").c_str(),
           std::to_string(testing::FreeTcpPort()).c_str(), 1);
    setenv(absl::StrCat("CLASSPLAN_", service, "_METRICS_PORTS").c_str(),
           std::to_string(metrics_ports[service]).c_str(), 1);
  }
  setenv("BUILD_DIR", BuildPath("").c_str(), 1);
  setenv("CLASSPLAN_RUN_DIR", dir.c_str(), 1);
  setenv("CLASSPLAN_REDIS_PORT", std::to_string(testing::FreeTcpPort()).c_str(), 1);
  setenv("CLASSPLAN_GATEWAY_PORT", std::to_string(gateway_port).c_str(), 1);
  setenv("CLASSPLAN_METRICS_PORT", std::to_string(gateway_metrics).c_str(), 1);
  testing::ChildProcess suite(
      {"/bin/bash", "-c", "exec 1>&2; exec bash \"$0\"", SourcePath("deploy/local/run.sh")},
      dir + "/suite.out");
  ASSERT_TRUE(
      testing::WaitForFileText(dir + "/suite.out", "Ctrl-C stops everything", absl::Seconds(90)))
      << testing::ReadWholeFile(dir + "/suite.out");

  // A few calls, so the request series exist: a class, a band, and a failing call.
  const std::string ctl = BuildPath("tools/classplanctl/classplanctl");
  const std::string gateway = absl::StrCat("--target=127.0.0.1:", gateway_port);
  const std::string key = DemoKey(dir + "/gateway/demo-keys.env", "hr_analyst");
  ASSERT_FALSE(key.empty());
  std::string out;
  for (int i = 0; i < 2; ++i) {
    ASSERT_EQ(
        testing::RunCommand({ctl, gateway, "--api_key=" + key, "class", "get", "SPCP20"}, &out), 0);
  }
  EXPECT_NE(testing::RunCommand({ctl, gateway, "--api_key=" + key, "class", "get", "NOPE99"}, &out),
            0);
  ASSERT_EQ(
      testing::RunCommand({ctl, absl::StrCat("--payband_target=127.0.0.1:", gateway_port),
                           "--api_key=" + key, "pay", "band", "806-A", "--jurisdiction=denver-csa"},
                          &out),
      0);

  std::map<std::string, int> endpoints = {{"gateway", gateway_metrics}};
  for (const auto& [service, port] : metrics_ports) {
    endpoints[absl::AsciiStrToLower(service)] = port;
  }
  for (const auto& [name, port] : endpoints) {
    SCOPED_TRACE(name);
    absl::StatusOr<std::string> text = metrics::Scrape("127.0.0.1", port);
    ASSERT_TRUE(text.ok()) << text.status();
    for (const char* family :
         {"process_cpu_seconds_total", "process_resident_memory_bytes", "process_open_fds",
          "process_start_time_seconds", "classplan_worker_queue_depth"}) {
      EXPECT_NE(text->find(absl::StrCat("# HELP ", family, " ")), std::string::npos) << family;
    }
    const std::string prefix = name == "gateway" ? "classplan_gateway" : "classplan_server";
    if (name == "catalog" || name == "payband" || name == "gateway") {
      EXPECT_TRUE(std::regex_search(
          *text, std::regex(prefix + R"(_requests_total\{method="[^"]+",code="OK"\} )")))
          << *text;
      EXPECT_NE(text->find(prefix + "_request_duration_seconds_bucket{"), std::string::npos);
    }
    if (name == "catalog" || name == "gateway") {
      EXPECT_TRUE(std::regex_search(
          *text,
          std::regex(prefix + R"(_requests_total\{method="[^"]+",code="(?!OK")[A-Z_]+"\} )")))
          << *text;
    }
    const std::string file = absl::StrCat(dir, "/", name, ".prom");
    {
      FILE* f = std::fopen(file.c_str(), "w");
      ASSERT_NE(f, nullptr);
      std::fwrite(text->data(), 1, text->size(), f);
      std::fclose(f);
    }
    std::string lint;
    EXPECT_EQ(
        testing::RunCommand(
            {"/bin/sh", "-c", absl::StrCat("promtool check metrics < '", file, "' 2>&1")}, &lint),
        0)
        << lint;
  }
  EXPECT_EQ(suite.Terminate(60), 0);

  // One access line per call at the service too, and the gateway's trace carried on: the
  // catalog's line for a request id names the same trace id as the gateway's.
  const std::string catalog_log = testing::ReadWholeFile(
      absl::StrCat(dir, "/catalog-", std::getenv("CLASSPLAN_CATALOG_PORTS"), ".log"));
  const std::string gateway_log =
      testing::ReadWholeFile(absl::StrCat(dir, "/gateway-", gateway_port, ".log"));
  const std::regex line(
      R"re("msg":"access","method":"/classplan\.catalog\.v1\.CatalogService/GetJobClass","code":"OK",[^\n]*"request_id":"([0-9a-f]+)","trace_id":"([0-9a-f]{32})")re");
  std::smatch m;
  ASSERT_TRUE(std::regex_search(catalog_log, m, line)) << catalog_log;
  const std::regex gateway_line(
      absl::StrCat(R"("request_id":")", m[1].str(), R"(","trace_id":")", m[2].str(), "\""));
  EXPECT_TRUE(std::regex_search(gateway_log, gateway_line)) << gateway_log;
}

}  // namespace
}  // namespace classplan
