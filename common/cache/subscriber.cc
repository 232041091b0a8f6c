#include "common/cache/subscriber.h"

#include <hiredis/hiredis.h>
#include <poll.h>

#include <algorithm>
#include <cerrno>
#include <memory>
#include <string_view>
#include <utility>

#include "absl/time/clock.h"
#include "absl/time/time.h"
#include "common/cache/redis_auth.h"
#include "common/cache/sigpipe.h"
#include "common/log/log.h"

namespace classplan::cache {
namespace {

// How long one wait for data lasts, i.e. how quickly the thread notices Stop(). poll() is
// used instead of a socket read timeout because hiredis marks a context dead after a read
// timeout, and an idle subscription times out all the time.
constexpr int kPollMillis = 200;
constexpr absl::Duration kWriteTimeout = absl::Seconds(1);
constexpr absl::Duration kMinBackoff = absl::Milliseconds(100);
constexpr absl::Duration kMaxBackoff = absl::Seconds(2);
// A subscription with no traffic can't tell a quiet channel from a silently dead peer, so
// it pings; TCP keepalive alone takes minutes to notice.
constexpr absl::Duration kPingInterval = absl::Seconds(1);
constexpr absl::Duration kReplyTimeout = absl::Seconds(2);

struct ContextDeleter {
  void operator()(redisContext* c) const { redisFree(c); }
};
struct ReplyDeleter {
  void operator()(redisReply* r) const { freeReplyObject(r); }
};
using ContextPtr = std::unique_ptr<redisContext, ContextDeleter>;
using ReplyPtr = std::unique_ptr<redisReply, ReplyDeleter>;

// Writes everything appended to the context's output buffer.
bool Flush(redisContext* c) {
  int done = 0;
  while (done == 0) {
    if (redisBufferWrite(c, &done) != REDIS_OK) return false;
  }
  return true;
}

std::string_view Str(const redisReply* r) {
  if (r == nullptr || (r->type != REDIS_REPLY_STRING && r->type != REDIS_REPLY_STATUS)) {
    return {};
  }
  return std::string_view(r->str, r->len);
}

}  // namespace

Subscriber::Subscriber(RedisOptions options, std::string channel, MessageCallback on_message,
                       StateCallback on_state_change)
    : options_(std::move(options)),
      channel_(std::move(channel)),
      on_message_(std::move(on_message)),
      on_state_change_(std::move(on_state_change)) {
  IgnoreSigpipe();
}

Subscriber::~Subscriber() { Stop(); }

void Subscriber::Start() {
  absl::MutexLock lock(&mu_);
  if (thread_.joinable() || stop_) return;
  thread_ = std::thread([this] { Run(); });
}

void Subscriber::Stop() {
  {
    absl::MutexLock lock(&mu_);
    stop_ = true;
  }
  if (thread_.joinable()) thread_.join();
  healthy_ = false;
}

bool Subscriber::stopping() const {
  absl::MutexLock lock(&mu_);
  return stop_;
}

bool Subscriber::SleepUnlessStopped(absl::Duration d) {
  absl::MutexLock lock(&mu_);
  return mu_.AwaitWithTimeout(absl::Condition(&stop_), d);
}

void Subscriber::SetHealthy(bool healthy) {
  healthy_ = healthy;
  if (on_state_change_) on_state_change_(healthy);
}

void Subscriber::Run() {
  absl::Duration backoff = kMinBackoff;
  while (!stopping()) {
    if (Session()) backoff = kMinBackoff;
    if (SleepUnlessStopped(backoff)) break;
    backoff = std::min(backoff * 2, kMaxBackoff);
  }
}

bool Subscriber::Session() {
  ContextPtr c(redisConnectWithTimeout(options_.host.c_str(), options_.port,
                                       absl::ToTimeval(options_.connect_timeout)));
  if (c == nullptr || c->err != 0) return false;
  // Reads go through poll(); the socket timeout only bounds writes.
  if (redisSetTimeout(c.get(), absl::ToTimeval(kWriteTimeout)) != REDIS_OK ||
      redisEnableKeepAlive(c.get()) != REDIS_OK) {
    return false;
  }
  // The subscription's connection authenticates like the pooled ones (logged and counted
  // there); without it SUBSCRIBE would be refused with NOAUTH.
  if (!AuthenticateRedis(c.get(), options_).ok()) return false;
  const char* argv[] = {"SUBSCRIBE", channel_.data()};
  const size_t argvlen[] = {9, channel_.size()};
  if (redisAppendCommandArgv(c.get(), 2, argv, argvlen) != REDIS_OK || !Flush(c.get())) {
    return false;
  }

  bool subscribed = false;
  absl::Time last_reply = absl::Now();
  absl::Time last_ping = last_reply;
  bool ping_pending = false;
  while (!stopping()) {
    // Deliver whatever is already buffered before waiting for more.
    bool failed = false;
    for (;;) {
      void* raw = nullptr;
      if (redisGetReplyFromReader(c.get(), &raw) != REDIS_OK) {
        failed = true;
        break;
      }
      if (raw == nullptr) break;
      ReplyPtr reply(static_cast<redisReply*>(raw));
      last_reply = absl::Now();
      if (reply->type == REDIS_REPLY_STATUS && Str(reply.get()) == "PONG") {
        ping_pending = false;
        continue;
      }
      if (reply->type == REDIS_REPLY_ERROR) {
        // NOAUTH: Redis wants credentials this service lacks (counted and logged there).
        // Any error reply to SUBSCRIBE means there is no subscription: start over.
        const std::string_view text(reply->str, reply->len);
        NoteRedisAuthError(text.substr(0, std::min(text.find(' '), text.size())));
        failed = true;
        break;
      }
      if (reply->type != REDIS_REPLY_ARRAY || reply->elements < 2) continue;
      const std::string_view kind = Str(reply->element[0]);
      if (kind == "message" && reply->elements == 3 && subscribed) {
        if (on_message_) on_message_(std::string(Str(reply->element[2])));
      } else if (kind == "subscribe" && !subscribed) {
        subscribed = true;
        log::Info("redis subscription established", {{"channel", channel_}});
        SetHealthy(true);
      } else if (kind == "pong") {
        ping_pending = false;
      }
    }
    if (failed || stopping()) break;

    const absl::Time now = absl::Now();
    if (now - last_reply > kReplyTimeout && (ping_pending || !subscribed)) break;
    if (!ping_pending && now - last_ping >= kPingInterval) {
      const char* ping[] = {"PING"};
      const size_t pinglen[] = {4};
      if (redisAppendCommandArgv(c.get(), 1, ping, pinglen) != REDIS_OK || !Flush(c.get())) {
        break;
      }
      ping_pending = true;
      last_ping = now;
      // The reply clock restarts so the timeout measures this ping's round trip.
      last_reply = now;
    }

    pollfd pfd{c->fd, POLLIN, 0};
    const int ready = poll(&pfd, 1, kPollMillis);
    if (ready < 0 && errno != EINTR) break;
    // Readable, hung up or in error: a read tells which (EOF and errors fail the context).
    if (ready > 0 && redisBufferRead(c.get()) != REDIS_OK) break;
  }

  if (subscribed) {
    if (stopping()) {
      healthy_ = false;  // A deliberate stop is not a loss; no callback.
    } else {
      log::Warn("redis subscription lost", {{"channel", channel_}});
      SetHealthy(false);
    }
  }
  return subscribed;
}

}  // namespace classplan::cache
