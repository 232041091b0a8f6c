// A gateway route with a "dns:" target, as in Kubernetes (a headless Service's name that
// resolves to every ready pod): real gateway_server and test_backend processes, the name
// answered by a DNS server inside this test (tests/support/fake_dns.h) whose answer the test
// changes, like pods being replaced. The replicas listen on the same port on 127.0.0.1,
// 127.0.0.2 and 127.0.0.3 (Linux loopback answers all of 127/8), as pods do on their own IPs.

#include <atomic>
#include <map>
#include <string>
#include <thread>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/clock.h"
#include "gtest/gtest.h"
#include "tests/support/fake_dns.h"
#include "tests/support/gateway_processes.h"
#include "tests/support/generic_call.h"
#include "tests/support/grpc_server.h"
#include "tests/support/temp.h"

namespace classplan {
namespace {

using testing::Bearer;
using testing::CallGeneric;
using testing::FakeDns;

constexpr char kEcho[] = "/classplan.test.v1.TestService/Echo";
constexpr char kName[] = "backends.classplan.test";

// Who answered how many reads, and the failed reads (the first one's message kept).
struct Reads {
  std::map<std::string, int> served_by;
  int failures = 0;
  std::string first_error;
};

// Echo calls through the gateway with one key.
class Reader {
 public:
  Reader(std::shared_ptr<grpc::Channel> channel, std::string key)
      : channel_(std::move(channel)), key_(std::move(key)) {}

  void Read(Reads* reads) const {
    auto r = CallGeneric(channel_, kEcho, {"x"}, Bearer(key_), absl::Seconds(5));
    if (!r.status.ok()) {
      if (reads->failures++ == 0) reads->first_error = r.status.error_message();
      return;
    }
    ++reads->served_by[r.Header("x-served-by")];
  }
  Reads ReadN(int n) const {
    Reads reads;
    for (int i = 0; i < n; ++i) Read(&reads);
    return reads;
  }

 private:
  std::shared_ptr<grpc::Channel> channel_;
  std::string key_;
};

TEST(GatewayDnsE2eTest, DnsTargetBalancesSurvivesAKilledReplicaAndFollowsTheNewAnswer) {
  const std::string dir = testing::MakeTempDir("gateway_dns");
  FakeDns dns(kName);
  ASSERT_GT(dns.port(), 0);
  const int port = testing::FreeTcpPort();
  testing::Proc a = testing::StartTestBackend(dir, "127.0.0.1", port, "a");
  testing::Proc b = testing::StartTestBackend(dir, "127.0.0.2", port, "b");
  dns.SetAddresses({"127.0.0.1", "127.0.0.2"});
  const std::string key = testing::MakeKey(dir, "ats-1", "agency_system");
  testing::WritePolicy(dir);
  int metrics_port = 0;
  // dns://<server>/<name>:<port>: gRPC's c-ares resolver asks that server.
  const std::string target = absl::StrCat("dns://127.0.0.1:", dns.port(), "/", kName, ":", port);
  testing::Proc gw = testing::StartGateway(
      dir, testing::RouteTo("classplan.test.v1.TestService", target, "Echo"), 0, "", &metrics_port);
  const Reader reader(testing::FastChannel(gw.port), key);

  // Round robin over both resolved addresses.
  Reads before = reader.ReadN(40);
  EXPECT_EQ(before.failures, 0) << before.first_error;
  EXPECT_GE(before.served_by["a"], 10);
  EXPECT_GE(before.served_by["b"], 10);
  EXPECT_GT(dns.Queries(FakeDns::kA), 0);

  // Replica a dies under two concurrent readers: idempotent Echo is retried on b.
  std::atomic<int> done{0};
  std::vector<Reads> during(2);
  std::vector<std::thread> readers;
  for (auto& reads : during) {
    readers.emplace_back([&reader, &done, r = &reads] {
      for (int i = 0; i < 100; ++i, ++done) reader.Read(r);
    });
  }
  while (done < 50) std::this_thread::sleep_for(std::chrono::milliseconds(1));
  a.process->Kill();
  for (auto& t : readers) t.join();
  for (const auto& reads : during) EXPECT_EQ(reads.failures, 0) << reads.first_error;

  // The pod is replaced: the name now resolves to b and a new replica c. The dead
  // connection makes gRPC resolve again (at most every dns_min_time_between_resolutions).
  const int queries_before = dns.Queries(FakeDns::kA);
  testing::Proc c = testing::StartTestBackend(dir, "127.0.0.3", port, "c");
  dns.SetAddresses({"127.0.0.2", "127.0.0.3"});
  Reads after;
  const absl::Time deadline = absl::Now() + absl::Seconds(8);
  while (after.served_by["c"] == 0 && absl::Now() < deadline) reader.Read(&after);
  EXPECT_EQ(after.failures, 0) << after.first_error;
  ASSERT_GT(after.served_by["c"], 0) << "the new address was not used within 8 s";
  EXPECT_GT(dns.Queries(FakeDns::kA), queries_before);
  // From then on both b and c serve.
  Reads settled = reader.ReadN(40);
  EXPECT_EQ(settled.failures, 0) << settled.first_error;
  EXPECT_GE(settled.served_by["b"], 10);
  EXPECT_GE(settled.served_by["c"], 10);
}

}  // namespace
}  // namespace classplan
