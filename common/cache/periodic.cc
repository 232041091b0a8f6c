#include "common/cache/periodic.h"

#include <utility>

namespace classplan::cache {

Periodic::Periodic(absl::Duration interval, std::function<void()> task)
    : thread_([this, interval, task = std::move(task)] {
        while (!stop_.WaitForNotificationWithTimeout(interval)) task();
      }) {}

Periodic::~Periodic() {
  stop_.Notify();
  thread_.join();
}

}  // namespace classplan::cache
