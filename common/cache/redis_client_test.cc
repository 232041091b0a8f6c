// RedisClient against endpoints that are not a working Redis: nothing listening, and a
// listener that never answers. The real-server behaviour is in tests/integration.

#include "common/cache/redis_client.h"

#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include "absl/time/clock.h"
#include "common/metrics/metrics.h"
#include "gtest/gtest.h"
#include "tests/support/temp.h"

namespace classplan::cache {
namespace {

int64_t CounterValue(std::string_view name) { return metrics::GetCounter(name).value(); }

// A loopback socket that listens but never accepts or replies: connects succeed (the kernel
// completes them), commands time out.
class SilentListener {
 public:
  SilentListener() {
    fd_ = socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    socklen_t len = sizeof(addr);
    if (bind(fd_, reinterpret_cast<sockaddr*>(&addr), sizeof(addr)) == 0 && listen(fd_, 16) == 0 &&
        getsockname(fd_, reinterpret_cast<sockaddr*>(&addr), &len) == 0) {
      port_ = ntohs(addr.sin_port);
    }
  }
  ~SilentListener() { close(fd_); }
  int port() const { return port_; }

 private:
  int fd_ = -1;
  int port_ = -1;
};

RedisOptions ClosedPortOptions() {
  RedisOptions o;
  o.port = testing::FreeTcpPort();
  o.breaker_failures = 3;
  o.breaker_open_for = absl::Seconds(60);
  return o;
}

TEST(RedisClientTest, DefaultOptions) {
  RedisOptions o;
  EXPECT_EQ(o.host, "127.0.0.1");
  EXPECT_EQ(o.port, 6379);
  EXPECT_EQ(o.connect_timeout, absl::Milliseconds(200));
  EXPECT_EQ(o.command_timeout, absl::Milliseconds(100));
  EXPECT_EQ(o.pool_size, 4);
  EXPECT_EQ(o.breaker_failures, 3);
  EXPECT_EQ(o.breaker_open_for, absl::Seconds(2));
  EXPECT_EQ(o.key_prefix, "classplan");
  EXPECT_EQ(o.key_version, 1);
}

TEST(RedisClientTest, ConstructionNeedsNoServerAndErrorsAreUnavailable) {
  RedisOptions o = ClosedPortOptions();
  ASSERT_GT(o.port, 0);
  RedisClient client(o);
  EXPECT_EQ(client.breaker_state(), CircuitBreaker::State::kClosed);
  const int64_t errors = CounterValue("cache.redis.errors");
  absl::StatusOr<std::optional<std::string>> got = client.Get("k");
  EXPECT_TRUE(absl::IsUnavailable(got.status())) << got.status();
  EXPECT_EQ(CounterValue("cache.redis.errors"), errors + 1);
}

TEST(RedisClientTest, BreakerOpensAfterFailuresAndThenRefusesWithoutNetwork) {
  RedisOptions o = ClosedPortOptions();
  ASSERT_GT(o.port, 0);
  RedisClient client(o);
  const int64_t errors = CounterValue("cache.redis.errors");
  const int64_t refused = CounterValue("cache.redis.breaker_open");

  EXPECT_FALSE(client.Ping().ok());
  EXPECT_FALSE(client.Set("k", "v", absl::Seconds(1)).ok());
  EXPECT_EQ(client.breaker_state(), CircuitBreaker::State::kClosed);
  EXPECT_FALSE(client.Del({"k"}).ok());
  EXPECT_EQ(client.breaker_state(), CircuitBreaker::State::kOpen);
  EXPECT_EQ(CounterValue("cache.redis.errors"), errors + 3);

  // Refused calls are counted as refusals, not as errors: they never reached the network.
  for (int i = 0; i < 5; ++i) {
    absl::StatusOr<int64_t> published = client.Publish("ch", "m");
    EXPECT_TRUE(absl::IsUnavailable(published.status()));
    EXPECT_EQ(published.status().message(), "redis circuit breaker open");
  }
  EXPECT_EQ(CounterValue("cache.redis.breaker_open"), refused + 5);
  EXPECT_EQ(CounterValue("cache.redis.errors"), errors + 3);
}

TEST(RedisClientTest, EmptyDelIsANoOp) {
  RedisOptions o = ClosedPortOptions();
  RedisClient client(o);
  const int64_t errors = CounterValue("cache.redis.errors");
  EXPECT_TRUE(client.Del({}).ok());
  EXPECT_EQ(CounterValue("cache.redis.errors"), errors);
}

TEST(RedisClientTest, HungServerCostsAboutCommandTimeoutPerCall) {
  SilentListener listener;
  ASSERT_GT(listener.port(), 0);
  RedisOptions o;
  o.port = listener.port();
  o.command_timeout = absl::Milliseconds(100);
  o.breaker_failures = 2;
  o.breaker_open_for = absl::Seconds(60);
  RedisClient client(o);

  for (int i = 0; i < 2; ++i) {
    const absl::Time start = absl::Now();
    absl::StatusOr<std::optional<std::string>> got = client.Get("k");
    const absl::Duration took = absl::Now() - start;
    EXPECT_TRUE(absl::IsUnavailable(got.status())) << got.status();
    EXPECT_GE(took, absl::Milliseconds(90));
    EXPECT_LT(took, absl::Seconds(1));
  }
  EXPECT_EQ(client.breaker_state(), CircuitBreaker::State::kOpen);
  const absl::Time start = absl::Now();
  EXPECT_FALSE(client.Get("k").ok());
  EXPECT_LT(absl::Now() - start, absl::Milliseconds(50));
}

}  // namespace
}  // namespace classplan::cache
