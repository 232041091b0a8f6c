#ifndef CLASSPLAN_COMMON_CACHE_SUBSCRIBER_H_
#define CLASSPLAN_COMMON_CACHE_SUBSCRIBER_H_

// Listens on one Redis pub/sub channel (e.g. Cache::InvalidationChannel()) on a dedicated
// connection and background thread, reconnecting with backoff when the connection drops.
// Like RedisClient, constructing one sets SIGPIPE to SIG_IGN if still at its default.

#include <atomic>
#include <functional>
#include <memory>
#include <string>
#include <thread>
#include <utility>

#include "absl/base/thread_annotations.h"
#include "absl/synchronization/mutex.h"
#include "common/cache/redis_options.h"

namespace classplan::cache {

class Subscriber {
 public:
  using MessageCallback = std::function<void(std::string message)>;
  // healthy == true on every (re)subscribe: messages may have been missed while not
  // subscribed, so the owner must drop any in-process cache. false when the subscription
  // is lost.
  using StateCallback = std::function<void(bool healthy)>;

  // Both callbacks run on the subscriber's thread, one at a time.
  Subscriber(RedisOptions options, std::string channel, MessageCallback on_message,
             StateCallback on_state_change = nullptr);
  ~Subscriber();  // Stop()s.

  Subscriber(const Subscriber&) = delete;
  Subscriber& operator=(const Subscriber&) = delete;

  // Starts the background thread; no-op if already started or stopped. Start() and Stop()
  // are for the owner's thread, not for the callbacks.
  void Start();
  // Stops and joins the thread (within a few hundred ms). No callback runs after Stop()
  // returns; in particular there is no healthy == false callback for a deliberate stop.
  void Stop();

  // True only while the subscription is confirmed and the connection alive.
  bool healthy() const { return healthy_.load(); }

 private:
  void Run();
  // One connection's lifetime: connect, subscribe, deliver messages until error or stop.
  // Returns whether the subscription was ever confirmed (which resets the backoff).
  bool Session();
  bool stopping() const;
  // Sleeps up to d, returning early (true) if Stop() is called.
  bool SleepUnlessStopped(absl::Duration d);
  void SetHealthy(bool healthy);

  const RedisOptions options_;
  const std::string channel_;
  const MessageCallback on_message_;
  const StateCallback on_state_change_;

  std::atomic<bool> healthy_{false};
  mutable absl::Mutex mu_;
  bool stop_ ABSL_GUARDED_BY(mu_) = false;
  std::thread thread_;
};

// Subscribes an in-process tier (a LocalTier) to its invalidation channel, started: each
// message drops the entry it names; when the subscription is lost or comes back, every entry
// (messages may have been missed meanwhile), then `on_state(healthy)` runs (may be null).
template <typename Tier>
std::unique_ptr<Subscriber> SubscribeTier(RedisOptions options, std::string channel, Tier* tier,
                                          Subscriber::StateCallback on_state) {
  auto subscriber = std::make_unique<Subscriber>(
      std::move(options), std::move(channel), [tier](std::string key) { tier->Drop(key); },
      [tier, on_state = std::move(on_state)](bool healthy) {
        tier->DropAll();
        if (on_state) on_state(healthy);
      });
  subscriber->Start();
  return subscriber;
}

}  // namespace classplan::cache

#endif  // CLASSPLAN_COMMON_CACHE_SUBSCRIBER_H_
