#include "common/server/call_deadline.h"

namespace classplan::server {
namespace {
thread_local absl::Time t_deadline = absl::InfiniteFuture();
}  // namespace

ScopedCallDeadline::ScopedCallDeadline(absl::Time deadline) : previous_(t_deadline) {
  t_deadline = deadline;
}

ScopedCallDeadline::~ScopedCallDeadline() { t_deadline = previous_; }

absl::Time ScopedCallDeadline::Current() { return t_deadline; }

}  // namespace classplan::server
