#ifndef CLASSPLAN_COMMON_LOG_TRACE_H_
#define CLASSPLAN_COMMON_LOG_TRACE_H_

// W3C trace context (https://www.w3.org/TR/trace-context/) and the request id, as the log
// sees them: the `traceparent` header parsed and checked, a child of it for an outgoing call,
// and the context of the call a thread is serving (ScopedCallContext), which log::Format adds
// to every line written meanwhile ("request_id", "trace_id"). Only values of a fixed shape
// are ever logged: a client's header that is not one is dropped, never quoted.

#include <string>

#include "absl/strings/string_view.h"

namespace classplan::log {

inline constexpr char kTraceparentHeader[] = "traceparent";

struct TraceContext {
  std::string trace_id;   // 32 lower-case hex digits, not all zero; empty: none
  std::string parent_id;  // 16 lower-case hex digits, not all zero
  std::string flags;      // 2 hex digits ("01": sampled)
  bool valid() const { return !trace_id.empty(); }
  // "00-<trace_id>-<parent_id>-<flags>"; empty when not valid.
  std::string Header() const;
};

// The header's context, or an empty one when it is missing or malformed (version ff, wrong
// lengths, upper case, all-zero ids: the spec's rules for ignoring it).
TraceContext ParseTraceparent(absl::string_view header);
// A new trace (random ids, flags "01").
TraceContext NewTrace();
// The same trace with a new parent id: what an outgoing call carries.
TraceContext ChildOf(const TraceContext& parent);

// The request id if it has a request id's shape (1-64 of [A-Za-z0-9._:-]), else "".
std::string SafeRequestId(absl::string_view id);

// The call a thread is serving, for the log lines written on it meanwhile and for the
// traceparent of outgoing calls (CurrentTraceparentForCall).
class ScopedCallContext {
 public:
  ScopedCallContext(std::string request_id, TraceContext trace);
  ~ScopedCallContext();
  ScopedCallContext(const ScopedCallContext&) = delete;
  ScopedCallContext& operator=(const ScopedCallContext&) = delete;

  // The innermost context of this thread; null when none.
  static const ScopedCallContext* Current();
  const std::string& request_id() const { return request_id_; }
  const TraceContext& trace() const { return trace_; }

 private:
  const std::string request_id_;
  const TraceContext trace_;
  const ScopedCallContext* const previous_;
};

// The traceparent header for a call made now on behalf of the call this thread serves (a
// child of its trace), or "" when it serves none with a trace.
std::string CurrentTraceparentForCall();

}  // namespace classplan::log

#endif  // CLASSPLAN_COMMON_LOG_TRACE_H_
