#ifndef CLASSPLAN_COMMON_CACHE_SIGPIPE_H_
#define CLASSPLAN_COMMON_CACHE_SIGPIPE_H_

namespace classplan::cache {

// hiredis writes with write(), so a write to a connection the server has reset raises
// SIGPIPE, whose default action kills the process. Sets SIGPIPE to SIG_IGN once per process,
// unless the program already installed its own disposition; the write then fails with EPIPE.
void IgnoreSigpipe();

}  // namespace classplan::cache

#endif  // CLASSPLAN_COMMON_CACHE_SIGPIPE_H_
