#ifndef CLASSPLAN_TESTS_SUPPORT_WAIT_H_
#define CLASSPLAN_TESTS_SUPPORT_WAIT_H_

// The one way a test waits for something another thread or process does: on a condition it
// can observe, never for a fixed time. The caller asserts the result, so a condition that
// never holds fails the test (after `timeout`) instead of letting it pass untested.

#include <functional>

#include "absl/time/time.h"

namespace classplan::testing {

// Evaluates `condition` until it returns true (then true) or `timeout` has passed (then
// false). Between evaluations it backs off from 1 ms to 50 ms, so a quick condition is seen
// quickly and a slow one does not spin. `condition` runs on the calling thread.
bool WaitFor(const std::function<bool()>& condition, absl::Duration timeout = absl::Seconds(10));

}  // namespace classplan::testing

#endif  // CLASSPLAN_TESTS_SUPPORT_WAIT_H_
