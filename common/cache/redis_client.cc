#include "common/cache/redis_client.h"

#include <hiredis/hiredis.h>
#include <sys/time.h>

#include <algorithm>
#include <utility>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "common/cache/redis_auth.h"
#include "common/cache/sigpipe.h"
#include "common/log/log.h"
#include "common/metrics/metrics.h"

namespace classplan::cache {
namespace {

// Debian's Abseil has its own absl::string_view, distinct from std::string_view.
absl::string_view Sv(std::string_view s) { return absl::string_view(s.data(), s.size()); }

// Only the error code ("WRONGTYPE", "ERR", ...): the rest of a Redis error message can echo
// command arguments, i.e. key contents, which must not reach logs or statuses.
std::string_view ErrorCode(const redisReply& reply) {
  std::string_view s(reply.str, reply.len);
  return s.substr(0, std::min(s.find(' '), s.size()));
}

absl::Status UnexpectedReply(std::string_view command, const redisReply& reply) {
  return absl::InternalError(
      absl::StrCat("redis ", Sv(command), ": unexpected reply type ", reply.type));
}

}  // namespace

void RedisClient::ContextDeleter::operator()(redisContext* c) const { redisFree(c); }
void RedisClient::ReplyDeleter::operator()(redisReply* r) const { freeReplyObject(r); }

RedisClient::RedisClient(RedisOptions options, CircuitBreaker::Clock clock)
    : options_(std::move(options)),
      breaker_(CircuitBreaker::Options{options_.breaker_failures, options_.breaker_open_for},
               std::move(clock)),
      errors_(metrics::GetCounter("cache.redis.errors")),
      breaker_open_(metrics::GetCounter("cache.redis.breaker_open")) {
  IgnoreSigpipe();
  absl::MutexLock lock(&mu_);
  free_.resize(std::max(1, options_.pool_size));
}

RedisClient::~RedisClient() = default;

absl::StatusOr<RedisClient::ContextPtr> RedisClient::Connect() const {
  redisContext* raw = redisConnectWithTimeout(options_.host.c_str(), options_.port,
                                              absl::ToTimeval(options_.connect_timeout));
  if (raw == nullptr) return absl::ResourceExhaustedError("redis: cannot allocate context");
  ContextPtr conn(raw);
  if (conn->err != 0) return absl::UnavailableError(absl::StrCat("redis connect: ", conn->errstr));
  // Bounds every read and write, so a hung server costs at most command_timeout per call.
  if (redisSetTimeout(conn.get(), absl::ToTimeval(options_.command_timeout)) != REDIS_OK ||
      redisEnableKeepAlive(conn.get()) != REDIS_OK) {
    return absl::UnavailableError(absl::StrCat("redis connect: ", conn->errstr));
  }
  // Every new connection authenticates (a reconnect after a Redis restart too).
  if (absl::Status auth = AuthenticateRedis(conn.get(), options_); !auth.ok()) return auth;
  return conn;
}

bool RedisClient::Acquire(ContextPtr* out) {
  absl::MutexLock lock(&mu_);
  const auto has_free = [](std::vector<ContextPtr>* free) { return !free->empty(); };
  if (!mu_.AwaitWithTimeout(absl::Condition(+has_free, &free_), options_.command_timeout)) {
    return false;
  }
  *out = std::move(free_.back());
  free_.pop_back();
  return true;
}

void RedisClient::Release(ContextPtr conn) {
  absl::MutexLock lock(&mu_);
  free_.push_back(std::move(conn));
}

void RedisClient::OnSuccess() {
  if (breaker_.RecordSuccess() == CircuitBreaker::Transition::kClosed) {
    log::Info("redis circuit breaker closed", {{"port", int64_t{options_.port}}});
  }
}

absl::Status RedisClient::OnFailure(absl::Status status) {
  errors_.Increment();
  switch (breaker_.RecordFailure()) {
    case CircuitBreaker::Transition::kOpened:
      log::Warn("redis circuit breaker opened",
                {{"port", int64_t{options_.port}},
                 {"open_for_ms", absl::ToInt64Milliseconds(options_.breaker_open_for)},
                 {"error", std::string_view(status.message().data(), status.message().size())}});
      break;
    case CircuitBreaker::Transition::kReopened:
      log::Write(log::Level::kDebug, "redis circuit breaker trial failed",
                 {{"port", int64_t{options_.port}}});
      break;
    default:
      break;
  }
  return status;
}

absl::StatusOr<RedisClient::ReplyPtr> RedisClient::Run(const std::vector<std::string_view>& args) {
  if (!breaker_.Allow()) {
    breaker_open_.Increment();
    return absl::UnavailableError("redis circuit breaker open");
  }
  ContextPtr conn;
  if (!Acquire(&conn)) {
    // Pool contention, not evidence that Redis is down: counted, but not a breaker failure.
    errors_.Increment();
    return absl::UnavailableError("redis: no free connection within command timeout");
  }
  if (conn == nullptr) {
    absl::StatusOr<ContextPtr> connected = Connect();
    if (!connected.ok()) {
      Release(nullptr);
      return OnFailure(connected.status());
    }
    conn = *std::move(connected);
  }

  std::vector<const char*> argv;
  std::vector<size_t> argvlen;
  argv.reserve(args.size());
  argvlen.reserve(args.size());
  for (std::string_view a : args) {
    argv.push_back(a.data());
    argvlen.push_back(a.size());
  }
  void* raw =
      redisCommandArgv(conn.get(), static_cast<int>(argv.size()), argv.data(), argvlen.data());
  if (raw == nullptr) {
    // The context is unusable after an I/O error or timeout (a late reply would be read as
    // the answer to the next command), so drop it; the slot reconnects on next use.
    absl::Status status = absl::UnavailableError(absl::StrCat("redis: ", conn->errstr));
    conn.reset();
    Release(nullptr);
    return OnFailure(std::move(status));
  }
  ReplyPtr reply(static_cast<redisReply*>(raw));
  if (reply->type == REDIS_REPLY_ERROR && NoteRedisAuthError(ErrorCode(*reply))) {
    // Redis wants credentials we do not have (or no longer accepts them, e.g. after an ACL
    // change): like an outage for this client. The connection is dropped so that the next
    // one authenticates again, and the breaker keeps calls from asking every time.
    absl::Status status = absl::UnavailableError(
        absl::StrCat("redis ", Sv(args.front()), ": ", Sv(ErrorCode(*reply))));
    conn.reset();
    Release(nullptr);
    return OnFailure(std::move(status));
  }
  Release(std::move(conn));
  // Any reply, even an error reply, shows the server is reachable.
  OnSuccess();
  if (reply->type == REDIS_REPLY_ERROR) {
    errors_.Increment();
    return absl::InternalError(
        absl::StrCat("redis ", Sv(args.front()), ": error reply ", Sv(ErrorCode(*reply))));
  }
  return reply;
}

absl::StatusOr<std::optional<std::string>> RedisClient::Get(std::string_view key) {
  absl::StatusOr<ReplyPtr> reply = Run({"GET", key});
  if (!reply.ok()) return reply.status();
  const redisReply& r = **reply;
  if (r.type == REDIS_REPLY_NIL) return std::nullopt;
  if (r.type != REDIS_REPLY_STRING) return UnexpectedReply("GET", r);
  return std::optional<std::string>(std::string(r.str, r.len));
}

absl::Status RedisClient::Set(std::string_view key, std::string_view value, absl::Duration ttl) {
  const int64_t ms = std::max<int64_t>(1, absl::ToInt64Milliseconds(ttl));
  const std::string ms_text = absl::StrCat(ms);
  absl::StatusOr<ReplyPtr> reply = Run({"SET", key, value, "PX", ms_text});
  if (!reply.ok()) return reply.status();
  if ((*reply)->type != REDIS_REPLY_STATUS) return UnexpectedReply("SET", **reply);
  return absl::OkStatus();
}

absl::StatusOr<bool> RedisClient::SetIfAbsent(std::string_view key, std::string_view value,
                                              absl::Duration ttl) {
  const std::string ms_text = absl::StrCat(std::max<int64_t>(1, absl::ToInt64Milliseconds(ttl)));
  absl::StatusOr<ReplyPtr> reply = Run({"SET", key, value, "PX", ms_text, "NX"});
  if (!reply.ok()) return reply.status();
  if ((*reply)->type == REDIS_REPLY_NIL) return false;
  if ((*reply)->type != REDIS_REPLY_STATUS) return UnexpectedReply("SET", **reply);
  return true;
}

absl::Status RedisClient::Del(const std::vector<std::string>& keys) {
  if (keys.empty()) return absl::OkStatus();
  std::vector<std::string_view> args;
  args.reserve(keys.size() + 1);
  args.push_back("DEL");
  args.insert(args.end(), keys.begin(), keys.end());
  absl::StatusOr<ReplyPtr> reply = Run(args);
  if (!reply.ok()) return reply.status();
  if ((*reply)->type != REDIS_REPLY_INTEGER) return UnexpectedReply("DEL", **reply);
  return absl::OkStatus();
}

absl::StatusOr<int64_t> RedisClient::Publish(std::string_view channel, std::string_view message) {
  absl::StatusOr<ReplyPtr> reply = Run({"PUBLISH", channel, message});
  if (!reply.ok()) return reply.status();
  if ((*reply)->type != REDIS_REPLY_INTEGER) return UnexpectedReply("PUBLISH", **reply);
  return static_cast<int64_t>((*reply)->integer);
}

absl::Status RedisClient::Ping() {
  absl::StatusOr<ReplyPtr> reply = Run({"PING"});
  if (!reply.ok()) return reply.status();
  if ((*reply)->type != REDIS_REPLY_STATUS) return UnexpectedReply("PING", **reply);
  return absl::OkStatus();
}

absl::StatusOr<int64_t> RedisClient::PTtl(std::string_view key) {
  absl::StatusOr<ReplyPtr> reply = Run({"PTTL", key});
  if (!reply.ok()) return reply.status();
  if ((*reply)->type != REDIS_REPLY_INTEGER) return UnexpectedReply("PTTL", **reply);
  return static_cast<int64_t>((*reply)->integer);
}

absl::StatusOr<std::vector<int64_t>> RedisClient::EvalIntegers(
    std::string_view sha1, std::string_view script, const std::vector<std::string_view>& keys,
    const std::vector<std::string_view>& args) {
  const std::string nkeys = absl::StrCat(keys.size());
  auto command = [&](std::string_view verb, std::string_view body) {
    std::vector<std::string_view> argv = {verb, body, nkeys};
    argv.insert(argv.end(), keys.begin(), keys.end());
    argv.insert(argv.end(), args.begin(), args.end());
    return Run(argv);
  };
  absl::StatusOr<ReplyPtr> reply = command("EVALSHA", sha1);
  if (!reply.ok() && absl::StrContains(reply.status().message(), "NOSCRIPT")) {
    reply = command("EVAL", script);
  }
  if (!reply.ok()) return reply.status();
  const redisReply& r = **reply;
  if (r.type != REDIS_REPLY_ARRAY) return UnexpectedReply("EVAL", r);
  std::vector<int64_t> out;
  for (size_t i = 0; i < r.elements; ++i) {
    if (r.element[i]->type != REDIS_REPLY_INTEGER) return UnexpectedReply("EVAL", *r.element[i]);
    out.push_back(static_cast<int64_t>(r.element[i]->integer));
  }
  return out;
}

}  // namespace classplan::cache
