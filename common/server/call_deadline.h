#ifndef CLASSPLAN_COMMON_SERVER_CALL_DEADLINE_H_
#define CLASSPLAN_COMMON_SERVER_CALL_DEADLINE_H_

// The deadline of the incoming call a worker thread is serving, so that outgoing calls made
// on its behalf never outlive the caller's patience (each client takes the earlier of its own
// per-call deadline and this one).

#include "absl/time/time.h"

namespace classplan::server {

class ScopedCallDeadline {
 public:
  explicit ScopedCallDeadline(absl::Time deadline);
  ~ScopedCallDeadline();
  ScopedCallDeadline(const ScopedCallDeadline&) = delete;
  ScopedCallDeadline& operator=(const ScopedCallDeadline&) = delete;

  // The deadline of the call being served on this thread; InfiniteFuture when none.
  static absl::Time Current();

 private:
  absl::Time previous_;
};

}  // namespace classplan::server

#endif  // CLASSPLAN_COMMON_SERVER_CALL_DEADLINE_H_
