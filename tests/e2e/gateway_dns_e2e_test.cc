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

// Replicas a (127.0.0.1) and b (127.0.0.2) on one port, both in the answer of the test's DNS
// server, and a gateway routing the test service (Echo idempotent) to that name.
struct DnsRoute {
  explicit DnsRoute(const std::string& dir_prefix, std::vector<std::string> flags = {})
      : dir(testing::MakeTempDir(dir_prefix)),
        dns(kName),
        port(testing::FreeTcpPort()),
        backend_flags(std::move(flags)),
        a(Backend("127.0.0.1", "a")),
        b(Backend("127.0.0.2", "b")) {
    EXPECT_GT(dns.port(), 0);
    dns.SetAddresses({"127.0.0.1", "127.0.0.2"});
    key = testing::MakeKey(dir, "ats-1", "agency_system");
    testing::WritePolicy(dir);
    int metrics_port = 0;
    // dns://<server>/<name>:<port>: gRPC's c-ares resolver asks that server.
    const std::string target = absl::StrCat("dns://127.0.0.1:", dns.port(), "/", kName, ":", port);
    gw = testing::StartGateway(dir,
                               testing::RouteTo("classplan.test.v1.TestService", target, "Echo"), 0,
                               "", &metrics_port);
  }
  // One more replica on `host`, same port and flags.
  testing::Proc Backend(const std::string& host, const std::string& name) {
    return testing::StartTestBackend(dir, host, port, name, backend_flags);
  }

  const std::string dir;
  FakeDns dns;
  const int port;
  const std::vector<std::string> backend_flags;
  testing::Proc a, b, gw;
  std::string key;
};

TEST(GatewayDnsE2eTest, DnsTargetBalancesSurvivesAKilledReplicaAndFollowsTheNewAnswer) {
  DnsRoute route("gateway_dns");
  FakeDns& dns = route.dns;
  testing::Proc& a = route.a;
  const Reader reader(testing::FastChannel(route.gw.port), route.key);

  // Round robin over both resolved addresses, once both connections are up (on a loaded
  // machine the second may connect a moment after the first).
  const absl::Time up_by = absl::Now() + absl::Seconds(5);
  for (Reads warm; absl::Now() < up_by;) {
    Reads one = reader.ReadN(1);
    for (const auto& [name, n] : one.served_by) warm.served_by[name] += n;
    if (warm.served_by.count("a") > 0 && warm.served_by.count("b") > 0) break;
  }
  Reads before = reader.ReadN(40);
  EXPECT_EQ(before.failures, 0) << before.first_error;
  EXPECT_GE(before.served_by["a"], 10);
  EXPECT_GE(before.served_by["b"], 10);
  EXPECT_GT(dns.Queries(FakeDns::kA), 0);

  // Replica a dies under two concurrent readers: idempotent Echo is retried on b.
  std::atomic<int> done{0};
  std::vector<Reads> during(2);
  std::vector<std::thread> readers;
  readers.reserve(during.size());
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
  testing::Proc c = route.Backend("127.0.0.3", "c");
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

// A replica killed and dropped from the answer, and only then a new one added (a scale-up,
// or a pod replaced outside a rollout): no connection fails after the answer settles, so
// only the backends' maximum connection age makes the gateway resolve again.
TEST(GatewayDnsE2eTest, ReplicaAddedLaterIsFoundThroughMaxConnectionAge) {
  DnsRoute route("gateway_dns_age", {"--max_connection_age=1s"});
  const Reader reader(testing::FastChannel(route.gw.port), route.key);
  Reads before = reader.ReadN(20);
  EXPECT_EQ(before.failures, 0) << before.first_error;
  EXPECT_GT(before.served_by["a"], 0);

  // One reader all along, while connections are recycled every second or so.
  std::atomic<bool> stop{false};
  absl::Mutex mu;
  Reads reads;
  std::thread loop([&] {
    while (!stop) {
      Reads one;
      reader.Read(&one);
      absl::MutexLock lock(&mu);
      reads.failures += one.failures;
      if (reads.first_error.empty()) reads.first_error = one.first_error;
      for (const auto& [who, n] : one.served_by) reads.served_by[who] += n;
    }
  });
  auto served = [&](const std::string& who) {
    absl::MutexLock lock(&mu);
    return reads.served_by[who];
  };

  // a leaves: out of the answer, then killed. Its closed connection makes the gateway
  // resolve again and drop it.
  int queries = route.dns.Queries(FakeDns::kA);
  route.dns.SetAddresses({"127.0.0.2"});
  route.a.process->Kill();
  const absl::Time settle = absl::Now() + absl::Seconds(5);
  while (route.dns.Queries(FakeDns::kA) == queries && absl::Now() < settle) {
    absl::SleepFor(absl::Milliseconds(10));
  }
  ASSERT_GT(route.dns.Queries(FakeDns::kA), queries)
      << "the gateway did not resolve after a closed";
  // Past dns_min_time_between_resolutions: nothing of a's is left to fail.
  absl::SleepFor(absl::Milliseconds(1500));

  // c appears in the answer.
  testing::Proc c = route.Backend("127.0.0.3", "c");
  queries = route.dns.Queries(FakeDns::kA);
  route.dns.SetAddresses({"127.0.0.2", "127.0.0.3"});
  const absl::Time added = absl::Now();
  // Bound: b's age (1 s + 10%) + dns_min_time_between_resolutions (1 s) + connecting.
  const absl::Time deadline = added + absl::Seconds(6);
  while (served("c") == 0 && absl::Now() < deadline) absl::SleepFor(absl::Milliseconds(10));
  const absl::Duration found_after = absl::Now() - added;
  const int b_before_settled = served("b");
  absl::SleepFor(absl::Milliseconds(1500));  // both serve, connections still recycled
  stop = true;
  loop.join();
  EXPECT_GT(route.dns.Queries(FakeDns::kA), queries);
  ASSERT_GT(reads.served_by["c"], 0) << "the new replica got no call within 6 s";
  EXPECT_LT(found_after, absl::Seconds(6));
  EXPECT_GT(reads.served_by["b"], b_before_settled);
  EXPECT_EQ(reads.failures, 0) << reads.first_error;
}

}  // namespace
}  // namespace classplan
