#include "tests/support/wait.h"

#include <algorithm>

#include "absl/time/clock.h"

namespace classplan::testing {

bool WaitFor(const std::function<bool()>& condition, absl::Duration timeout) {
  const absl::Time deadline = absl::Now() + timeout;
  absl::Duration pause = absl::Milliseconds(1);
  while (!condition()) {
    if (absl::Now() >= deadline) return false;
    // The tests' only polling pause: a back-off between looks at the condition.
    absl::SleepFor(pause);
    pause = std::min(pause * 2, absl::Milliseconds(50));
  }
  return true;
}

}  // namespace classplan::testing
