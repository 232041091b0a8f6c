// Cache, RedisClient and Subscriber against a real redis-server started by the test,
// including the server dying and coming back.

#include <memory>
#include <optional>
#include <set>
#include <string>
#include <utility>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/clock.h"
#include "absl/time/time.h"
#include "common/cache/cache.h"
#include "common/cache/redis_client.h"
#include "common/cache/subscriber.h"
#include "common/clock/clock.h"
#include "common/metrics/metrics.h"
#include "gtest/gtest.h"
#include "tests/support/process.h"
#include "tests/support/redis_server.h"
#include "tests/support/wait.h"

namespace classplan::cache {
namespace {

int64_t CounterValue(std::string_view name) { return metrics::GetCounter(name).value(); }

using testing::WaitFor;

// PING commands the server has answered so far, from any client (INFO commandstats).
int64_t PingsAnswered(int port) {
  std::string out;
  if (testing::RunCommand(
          {"/usr/bin/redis-cli", "-p", std::to_string(port), "INFO", "commandstats"}, &out) != 0) {
    return -1;
  }
  const auto at = out.find("cmdstat_ping:calls=");
  return at == std::string::npos ? 0 : std::atoll(out.c_str() + at + 19);
}

// Records what a Subscriber delivers.
class Inbox {
 public:
  Subscriber::MessageCallback OnMessage() {
    return [this](std::string m) {
      absl::MutexLock lock(&mu_);
      messages_.push_back(std::move(m));
    };
  }
  Subscriber::StateCallback OnState() {
    return [this](bool healthy) {
      absl::MutexLock lock(&mu_);
      states_.push_back(healthy);
    };
  }
  std::vector<std::string> messages() const {
    absl::MutexLock lock(&mu_);
    return messages_;
  }
  std::vector<bool> states() const {
    absl::MutexLock lock(&mu_);
    return states_;
  }

 private:
  mutable absl::Mutex mu_;
  std::vector<std::string> messages_;
  std::vector<bool> states_;
};

class RedisCacheTest : public ::testing::Test {
 protected:
  void SetUp() override {
    absl::StatusOr<std::unique_ptr<testing::RedisServer>> server = testing::RedisServer::Start();
    ASSERT_TRUE(server.ok()) << server.status();
    server_ = *std::move(server);
    options_.host = server_->host();
    options_.port = server_->port();
    options_.breaker_open_for = absl::Milliseconds(200);
    client_ = std::make_unique<RedisClient>(options_);
  }

  std::unique_ptr<Subscriber> StartSubscriber(const std::string& channel, Inbox* inbox) {
    auto sub =
        std::make_unique<Subscriber>(options_, channel, inbox->OnMessage(), inbox->OnState());
    sub->Start();
    return sub;
  }

  std::unique_ptr<testing::RedisServer> server_;
  RedisOptions options_;
  std::unique_ptr<RedisClient> client_;
};

TEST_F(RedisCacheTest, PutThenGetRoundTripsUnderTheVersionedKey) {
  Cache cache(client_.get(), "catalog", absl::Minutes(5));
  const int64_t fallback = CounterValue("cache.redis.fallback");

  EXPECT_EQ(cache.Get("CS-2210"), std::nullopt);
  // Binary-safe: embedded NUL, CR/LF and a space must survive.
  const std::string value("line1\r\nline 2\0tail", 18);
  cache.Put("CS-2210", value);
  EXPECT_EQ(cache.Get("CS-2210"), value);
  EXPECT_EQ(cache.Get("CS-2211"), std::nullopt);

  absl::StatusOr<std::optional<std::string>> raw = client_->Get("classplan:v1:catalog:CS-2210");
  ASSERT_TRUE(raw.ok()) << raw.status();
  // Redis holds it sealed for its key (common/cache/cache.h).
  ASSERT_TRUE(raw->has_value());
  EXPECT_EQ(cache.Unseal("classplan:v1:catalog:CS-2210", **raw), value);
  // A hit and two misses, none of them a fallback.
  EXPECT_EQ(CounterValue("cache.redis.fallback"), fallback);

  // A version bump makes old entries invisible.
  RedisOptions v2 = options_;
  v2.key_version = 2;
  RedisClient client_v2(v2);
  Cache cache_v2(&client_v2, "catalog", absl::Minutes(5));
  EXPECT_EQ(cache_v2.Get("CS-2210"), std::nullopt);
}

TEST_F(RedisCacheTest, TtlIsBaseTtlPlusOrMinusJitter) {
  const absl::Duration base = absl::Seconds(100);
  Cache cache(client_.get(), "catalog", base, 0.1);
  std::set<int64_t> ttls;
  for (int i = 0; i < 40; ++i) {
    const std::string key = absl::StrCat("k", i);
    cache.Put(key, "v");
    absl::StatusOr<int64_t> pttl = client_->PTtl(cache.FullKey(key));
    ASSERT_TRUE(pttl.ok()) << pttl.status();
    // PTTL is what remains, so allow a second of elapsed time below the lower bound.
    EXPECT_GE(*pttl, 90'000 - 1'000) << i;
    EXPECT_LE(*pttl, 110'000) << i;
    ttls.insert(*pttl);
  }
  // Uniform over a 20s range: 40 draws landing on a few values means no jitter.
  EXPECT_GT(ttls.size(), 30u);

  Cache fixed(client_.get(), "fixed", base, 0.0);
  fixed.Put("k", "v");
  absl::StatusOr<int64_t> pttl = client_->PTtl(fixed.FullKey("k"));
  ASSERT_TRUE(pttl.ok()) << pttl.status();
  EXPECT_GT(*pttl, 99'000);
  EXPECT_LE(*pttl, 100'000);

  // Sanity-check PTTL itself: -2 for a missing key.
  absl::StatusOr<int64_t> missing = client_->PTtl(cache.FullKey("missing"));
  ASSERT_TRUE(missing.ok());
  EXPECT_EQ(*missing, -2);
}

TEST_F(RedisCacheTest, InvalidateDeletesAndNotifiesSubscribers) {
  Cache cache(client_.get(), "catalog", absl::Minutes(5));
  Inbox inbox;
  std::unique_ptr<Subscriber> sub = StartSubscriber(cache.InvalidationChannel(), &inbox);
  ASSERT_TRUE(WaitFor([&] { return sub->healthy(); }));
  EXPECT_EQ(inbox.states(), std::vector<bool>{true});

  cache.Put("CS-2210", "v");
  cache.Put("CS-2211", "w");
  ASSERT_EQ(cache.Get("CS-2210"), "v");
  const int64_t failed = CounterValue("cache.redis.invalidate_failed");
  cache.Invalidate("CS-2210");

  EXPECT_EQ(cache.Get("CS-2210"), std::nullopt);
  EXPECT_EQ(cache.Get("CS-2211"), "w");
  ASSERT_TRUE(WaitFor([&] { return !inbox.messages().empty(); }));
  // The raw key, not the prefixed one: subscribers key their in-process caches the same way.
  EXPECT_EQ(inbox.messages(), std::vector<std::string>{"CS-2210"});
  EXPECT_EQ(CounterValue("cache.redis.invalidate_failed"), failed);

  // Another namespace's invalidations are not delivered here.
  Cache other(client_.get(), "specs", absl::Minutes(5));
  other.Invalidate("X");
  cache.Invalidate("CS-2211");
  ASSERT_TRUE(WaitFor([&] { return inbox.messages().size() >= 2; }));
  EXPECT_EQ(inbox.messages(), (std::vector<std::string>{"CS-2210", "CS-2211"}));
}

TEST_F(RedisCacheTest, PutIfAbsentKeepsNewerCopyAndReplaceOverwritesAndNotifies) {
  Cache cache(client_.get(), "catalog", absl::Minutes(5));
  Inbox inbox;
  std::unique_ptr<Subscriber> sub = StartSubscriber(cache.InvalidationChannel(), &inbox);
  ASSERT_TRUE(WaitFor([&] { return sub->healthy(); }));

  // Values in Redis are sealed for their key (cache.h); a raw one would be rejected.
  const std::string key = cache.FullKey("a");
  absl::StatusOr<bool> first = client_->SetIfAbsent(key, cache.Seal(key, "1"), absl::Minutes(1));
  ASSERT_TRUE(first.ok()) << first.status();
  EXPECT_TRUE(*first);
  absl::StatusOr<bool> second = client_->SetIfAbsent(key, cache.Seal(key, "2"), absl::Minutes(1));
  ASSERT_TRUE(second.ok()) << second.status();
  EXPECT_FALSE(*second);
  EXPECT_EQ(cache.Get("a"), "1");

  const int64_t put_failed = CounterValue("cache.redis.put_failed");
  cache.PutIfAbsent("b", "old");
  cache.PutIfAbsent("b", "stale");
  EXPECT_EQ(cache.Get("b"), "old");
  absl::StatusOr<int64_t> pttl = client_->PTtl(cache.FullKey("b"));
  ASSERT_TRUE(pttl.ok());
  EXPECT_GT(*pttl, 0);
  EXPECT_EQ(CounterValue("cache.redis.put_failed"), put_failed);

  cache.Replace("b", "new");
  EXPECT_EQ(cache.Get("b"), "new");
  ASSERT_TRUE(WaitFor([&] { return !inbox.messages().empty(); }));
  EXPECT_EQ(inbox.messages(), std::vector<std::string>{"b"});
}

TEST_F(RedisCacheTest, IdleSubscriberStaysSubscribedAndStopsPromptly) {
  Inbox inbox;
  std::unique_ptr<Subscriber> sub = StartSubscriber("idle-channel", &inbox);
  ASSERT_TRUE(WaitFor([&] { return sub->healthy(); }));

  // Many poll timeouts, and enough time for an unanswered ping to count as a dead peer
  // (1s interval + 2s reply timeout), must not count as a lost subscription: four of the
  // subscriber's pings (one a second) answered span that time; waited for, not slept.
  const int64_t pings = PingsAnswered(server_->port());
  ASSERT_GE(pings, 0);
  ASSERT_TRUE(WaitFor([&] { return PingsAnswered(server_->port()) >= pings + 4; }))
      << "the idle subscriber did not ping";
  EXPECT_TRUE(sub->healthy());
  EXPECT_EQ(inbox.states(), std::vector<bool>{true});

  absl::StatusOr<int64_t> receivers = client_->Publish("idle-channel", "hello");
  ASSERT_TRUE(receivers.ok()) << receivers.status();
  EXPECT_EQ(*receivers, 1);
  ASSERT_TRUE(WaitFor([&] { return !inbox.messages().empty(); }));
  EXPECT_EQ(inbox.messages(), std::vector<std::string>{"hello"});

  const absl::Time start = absl::Now();
  sub->Stop();
  EXPECT_LT(absl::Now() - start, absl::Seconds(1));
  EXPECT_FALSE(sub->healthy());
  // A deliberate stop is not reported as a loss.
  EXPECT_EQ(inbox.states(), std::vector<bool>{true});
  absl::StatusOr<int64_t> after_stop = client_->Publish("idle-channel", "again");
  ASSERT_TRUE(after_stop.ok());
  EXPECT_EQ(*after_stop, 0);
}

TEST_F(RedisCacheTest, SurvivesRedisDyingAndComingBack) {
  // The breaker reads a clock the test moves: open_for passes when the test says so, not
  // after a sleep, and nothing the test checks depends on how fast the machine is.
  clock::ManualClock clock(absl::Now());
  RedisClient client(options_, clock.clock());
  Cache cache(&client, "catalog", absl::Minutes(5));
  Inbox inbox;
  std::unique_ptr<Subscriber> sub = StartSubscriber(cache.InvalidationChannel(), &inbox);
  ASSERT_TRUE(WaitFor([&] { return sub->healthy(); }));
  cache.Put("CS-2210", "v");
  ASSERT_EQ(cache.Get("CS-2210"), "v");

  server_->Kill();

  // Failing calls: each is a miss, fast, and counted as a fallback, until the breaker opens.
  const int64_t fallback = CounterValue("cache.redis.fallback");
  const int64_t errors = CounterValue("cache.redis.errors");
  int calls = 0;
  while (client.breaker_state() != CircuitBreaker::State::kOpen) {
    ASSERT_LT(calls, options_.breaker_failures) << "breaker did not open";
    const absl::Time start = absl::Now();
    EXPECT_EQ(cache.Get("CS-2210"), std::nullopt);
    EXPECT_LT(absl::Now() - start, absl::Seconds(1));
    ++calls;
  }
  EXPECT_EQ(calls, options_.breaker_failures);
  EXPECT_EQ(CounterValue("cache.redis.fallback"), fallback + calls);
  EXPECT_EQ(CounterValue("cache.redis.errors"), errors + calls);

  // While open, calls are refused without touching the network: refusals are counted,
  // errors are not.
  const int64_t refused = CounterValue("cache.redis.breaker_open");
  constexpr int kRefused = 5;
  for (int i = 0; i < kRefused; ++i) {
    EXPECT_EQ(cache.Get("CS-2210"), std::nullopt);
  }
  cache.Put("CS-2210", "ignored");
  EXPECT_EQ(CounterValue("cache.redis.breaker_open"), refused + kRefused + 1);
  EXPECT_EQ(CounterValue("cache.redis.errors"), errors + calls);
  EXPECT_EQ(CounterValue("cache.redis.fallback"), fallback + calls + kRefused);

  // The subscriber notices the loss.
  ASSERT_TRUE(WaitFor([&] { return !sub->healthy(); }));
  EXPECT_EQ(inbox.states(), (std::vector<bool>{true, false}));

  // Still down after open_for: the single trial call fails and the breaker reopens.
  clock.Advance(options_.breaker_open_for);
  EXPECT_EQ(cache.Get("CS-2210"), std::nullopt);
  EXPECT_EQ(client.breaker_state(), CircuitBreaker::State::kOpen);

  ASSERT_TRUE(server_->Restart().ok());
  // Data did not survive (no persistence). Once open_for passes, the trial call reconnects
  // and closes the breaker.
  clock.Advance(options_.breaker_open_for);
  cache.Put("CS-2210", "v2");
  EXPECT_EQ(cache.Get("CS-2210"), std::optional<std::string>("v2"));
  EXPECT_EQ(client.breaker_state(), CircuitBreaker::State::kClosed);
  EXPECT_TRUE(client.Ping().ok());

  // The subscriber resubscribes by itself and tells its owner to drop in-process state.
  ASSERT_TRUE(WaitFor([&] { return sub->healthy(); }));
  EXPECT_EQ(inbox.states(), (std::vector<bool>{true, false, true}));
  cache.Invalidate("CS-2210");
  ASSERT_TRUE(WaitFor([&] { return !inbox.messages().empty(); }));
  EXPECT_EQ(inbox.messages(), std::vector<std::string>{"CS-2210"});
  EXPECT_EQ(cache.Get("CS-2210"), std::nullopt);
}

TEST_F(RedisCacheTest, HungRedisCostsAboutCommandTimeoutThenNothing) {
  Cache cache(client_.get(), "catalog", absl::Minutes(5));
  Inbox inbox;
  std::unique_ptr<Subscriber> sub = StartSubscriber(cache.InvalidationChannel(), &inbox);
  ASSERT_TRUE(WaitFor([&] { return sub->healthy(); }));
  cache.Put("CS-2210", "v");
  ASSERT_EQ(cache.Get("CS-2210"), "v");

  server_->Pause();
  // Connections still open (the kernel accepts them) but nothing answers: each call waits
  // out command_timeout, then the breaker opens and calls cost nothing.
  for (int i = 0; i < options_.breaker_failures; ++i) {
    const absl::Time start = absl::Now();
    EXPECT_EQ(cache.Get("CS-2210"), std::nullopt);
    const absl::Duration took = absl::Now() - start;
    EXPECT_GE(took, options_.command_timeout * 0.9) << i;
    EXPECT_LT(took, absl::Seconds(1)) << i;
  }
  EXPECT_EQ(client_->breaker_state(), CircuitBreaker::State::kOpen);
  const absl::Time start = absl::Now();
  EXPECT_EQ(cache.Get("CS-2210"), std::nullopt);
  EXPECT_LT(absl::Now() - start, options_.command_timeout);

  // No FIN or RST arrives, so only the subscriber's own ping can reveal the dead peer.
  ASSERT_TRUE(WaitFor([&] { return !sub->healthy(); }, absl::Seconds(6)));
  EXPECT_EQ(inbox.states(), (std::vector<bool>{true, false}));

  server_->Resume();
  ASSERT_TRUE(WaitFor([&] { return cache.Get("CS-2210") == std::optional<std::string>("v"); }));
  EXPECT_EQ(client_->breaker_state(), CircuitBreaker::State::kClosed);
  ASSERT_TRUE(WaitFor([&] { return sub->healthy(); }));
  EXPECT_EQ(inbox.states(), (std::vector<bool>{true, false, true}));
}

TEST_F(RedisCacheTest, LargeWriteToDeadServerIsAnErrorNotSigpipe) {
  ASSERT_TRUE(client_->Ping().ok());  // A pooled connection exists.
  server_->Kill();
  // Big enough to need several write() calls: the ones after the peer's RST would raise
  // SIGPIPE, which by default kills the process.
  const std::string big(16 << 20, 'x');
  absl::Status status = client_->Set("big", big, absl::Seconds(10));
  EXPECT_TRUE(absl::IsUnavailable(status)) << status;
}

TEST(RedisServerTest, KillStopsAnsweringAndRestartComesBackOnTheSamePort) {
  absl::StatusOr<std::unique_ptr<testing::RedisServer>> server = testing::RedisServer::Start();
  ASSERT_TRUE(server.ok()) << server.status();
  RedisOptions o;
  o.port = (*server)->port();
  o.breaker_failures = 1000;  // Observe raw failures, not the breaker.
  RedisClient client(o);
  EXPECT_TRUE(client.Ping().ok());
  (*server)->Kill();
  EXPECT_FALSE((*server)->running());
  EXPECT_FALSE(client.Ping().ok());
  ASSERT_TRUE((*server)->Restart().ok());
  EXPECT_EQ((*server)->port(), o.port);
  EXPECT_TRUE(client.Ping().ok());
}

}  // namespace
}  // namespace classplan::cache
