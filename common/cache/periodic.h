#ifndef CLASSPLAN_COMMON_CACHE_PERIODIC_H_
#define CLASSPLAN_COMMON_CACHE_PERIODIC_H_

// A background thread that runs a task every `interval` until the Periodic is destroyed.
// The caches use it to retry what Redis refused (an invalidation that could not be
// published) until Redis takes it.

#include <functional>
#include <thread>

#include "absl/synchronization/notification.h"
#include "absl/time/time.h"

namespace classplan::cache {

class Periodic {
 public:
  // Runs `task` every `interval` (the first run one interval after construction), on its own
  // thread, one run at a time.
  Periodic(absl::Duration interval, std::function<void()> task);
  // Stops promptly: the wait for the next run ends at once (it never waits out the
  // interval); a run under way finishes first, and none follows.
  ~Periodic();

  Periodic(const Periodic&) = delete;
  Periodic& operator=(const Periodic&) = delete;

 private:
  absl::Notification stop_;
  std::thread thread_;
};

}  // namespace classplan::cache

#endif  // CLASSPLAN_COMMON_CACHE_PERIODIC_H_
