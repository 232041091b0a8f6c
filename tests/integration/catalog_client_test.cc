// The catalog client's degraded mode, in process: a catalog that refuses connections and one
// that accepts them but never answers both give UNAVAILABLE "catalog unavailable", within the
// deadline, counted in catalog_client.unavailable.

#include "common/catalog_client/catalog_client.h"

#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include "absl/time/clock.h"
#include "common/metrics/metrics.h"
#include "common/server/call_deadline.h"
#include "gtest/gtest.h"
#include "tests/support/temp.h"

namespace classplan {
namespace {

using catalog_client::CatalogClient;

// A TCP socket that listens but never accepts or answers, like a hung host.
class SilentListener {
 public:
  SilentListener() {
    fd_ = socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in a{};
    a.sin_family = AF_INET;
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    a.sin_port = 0;
    EXPECT_EQ(bind(fd_, reinterpret_cast<sockaddr*>(&a), sizeof(a)), 0);
    EXPECT_EQ(listen(fd_, 16), 0);
    socklen_t len = sizeof(a);
    EXPECT_EQ(getsockname(fd_, reinterpret_cast<sockaddr*>(&a), &len), 0);
    port_ = ntohs(a.sin_port);
  }
  ~SilentListener() { close(fd_); }
  int port() const { return port_; }

 private:
  int fd_ = -1;
  int port_ = 0;
};

int64_t Unavailable() { return metrics::GetCounter("catalog_client.unavailable").value(); }

TEST(CatalogClientTest, RefusedConnectionIsUnavailableAndCounted) {
  catalog_client::CatalogClientOptions o;
  o.deadline = absl::Seconds(2);
  auto client = CatalogClient::Connect("127.0.0.1:" + std::to_string(testing::FreeTcpPort()), o);
  const int64_t before = Unavailable();
  auto c = client->GetJobClass("CA2459", std::nullopt);
  EXPECT_EQ(c.status().code(), absl::StatusCode::kUnavailable);
  EXPECT_EQ(c.status().message().rfind("catalog unavailable", 0), 0u) << c.status();
  EXPECT_TRUE(client->degraded());
  auto list = client->ListJobClasses("jurisdiction = \"nm-spo\"", std::nullopt);
  EXPECT_EQ(list.status().code(), absl::StatusCode::kUnavailable);
  EXPECT_EQ(Unavailable(), before + 2);
}

TEST(CatalogClientTest, SilentCatalogHitsTheDeadlineAndIsUnavailable) {
  SilentListener silent;
  catalog_client::CatalogClientOptions o;
  o.deadline = absl::Milliseconds(300);
  auto client = CatalogClient::Connect("127.0.0.1:" + std::to_string(silent.port()), o);
  const int64_t before = Unavailable();
  const absl::Time start = absl::Now();
  auto c = client->GetJobClass("CA2459", std::nullopt);
  const absl::Duration took = absl::Now() - start;
  EXPECT_EQ(c.status().code(), absl::StatusCode::kUnavailable) << c.status();
  EXPECT_NE(c.status().message().find("no answer within 300ms"), std::string::npos) << c.status();
  EXPECT_LT(took, absl::Seconds(2));  // the deadline, not gRPC's default of none
  EXPECT_EQ(Unavailable(), before + 1);
}

TEST(CatalogClientTest, CallsNeverOutliveTheCallBeingServed) {
  SilentListener silent;
  catalog_client::CatalogClientOptions o;
  o.deadline = absl::Seconds(5);
  auto client = CatalogClient::Connect("127.0.0.1:" + std::to_string(silent.port()), o);
  // The incoming call has 200 ms left: the outgoing one must give up then, not after 5 s.
  server::ScopedCallDeadline caller(absl::Now() + absl::Milliseconds(200));
  const absl::Time start = absl::Now();
  auto c = client->GetJobClass("CA2459", std::nullopt);
  EXPECT_EQ(c.status().code(), absl::StatusCode::kUnavailable) << c.status();
  EXPECT_LT(absl::Now() - start, absl::Seconds(2));
}

}  // namespace
}  // namespace classplan
