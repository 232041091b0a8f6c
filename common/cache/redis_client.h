#ifndef CLASSPLAN_COMMON_CACHE_REDIS_CLIENT_H_
#define CLASSPLAN_COMMON_CACHE_REDIS_CLIENT_H_

// A small thread-safe Redis client: a fixed pool of lazily (re)connected hiredis sync
// connections behind a circuit breaker. Construction never fails and never touches the
// network; while the breaker is open every call fails at once with UnavailableError.
// Constructing one sets SIGPIPE to SIG_IGN if it is still at its default (see sigpipe.h).

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "absl/base/thread_annotations.h"
#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/time.h"
#include "common/cache/circuit_breaker.h"
#include "common/cache/redis_options.h"

struct redisContext;
struct redisReply;

namespace classplan::metrics {
class Counter;
}  // namespace classplan::metrics

namespace classplan::cache {

class RedisClient {
 public:
  explicit RedisClient(RedisOptions options,
                       CircuitBreaker::Clock clock = CircuitBreaker::Clock::System());
  ~RedisClient();

  RedisClient(const RedisClient&) = delete;
  RedisClient& operator=(const RedisClient&) = delete;

  // nullopt when the key does not exist.
  absl::StatusOr<std::optional<std::string>> Get(std::string_view key);
  // SET key value PX <ttl in ms>; ttl is rounded up to at least 1ms.
  absl::Status Set(std::string_view key, std::string_view value, absl::Duration ttl);
  // SET ... NX: true when written, false when the key already existed.
  absl::StatusOr<bool> SetIfAbsent(std::string_view key, std::string_view value,
                                   absl::Duration ttl);
  absl::Status Del(const std::vector<std::string>& keys);
  // Returns the number of subscribers that received the message.
  absl::StatusOr<int64_t> Publish(std::string_view channel, std::string_view message);
  absl::Status Ping();
  // Remaining time to live in ms; -1 if the key has no TTL, -2 if it does not exist.
  absl::StatusOr<int64_t> PTtl(std::string_view key);

  // Runs a Lua script that returns an array of integers: EVALSHA `sha1`, and EVAL `script`
  // (which also caches it) when Redis does not know the script yet (NOSCRIPT, e.g. after a
  // restart). `sha1` is the lowercase hex SHA-1 of `script`.
  absl::StatusOr<std::vector<int64_t>> EvalIntegers(std::string_view sha1, std::string_view script,
                                                    const std::vector<std::string_view>& keys,
                                                    const std::vector<std::string_view>& args);

  const RedisOptions& options() const { return options_; }
  CircuitBreaker::State breaker_state() const { return breaker_.state(); }

 private:
  struct ContextDeleter {
    void operator()(redisContext* c) const;
  };
  struct ReplyDeleter {
    void operator()(redisReply* r) const;
  };
  using ContextPtr = std::unique_ptr<redisContext, ContextDeleter>;
  using ReplyPtr = std::unique_ptr<redisReply, ReplyDeleter>;

  // Runs one command (binary-safe argv) on a pooled connection, through the breaker.
  // Error replies from the server come back as an error status.
  absl::StatusOr<ReplyPtr> Run(const std::vector<std::string_view>& args);

  absl::StatusOr<ContextPtr> Connect() const;
  // Waits up to command_timeout for a free pool slot; the slot may hold no connection yet.
  bool Acquire(ContextPtr* out);
  void Release(ContextPtr conn);

  void OnSuccess();
  absl::Status OnFailure(absl::Status status);

  const RedisOptions options_;
  CircuitBreaker breaker_;
  metrics::Counter& errors_;
  metrics::Counter& breaker_open_;

  absl::Mutex mu_;
  // Free slots; a null entry is a slot whose connection is made on first use.
  std::vector<ContextPtr> free_ ABSL_GUARDED_BY(mu_);
};

}  // namespace classplan::cache

#endif  // CLASSPLAN_COMMON_CACHE_REDIS_CLIENT_H_
