#ifndef CLASSPLAN_SERVICES_GATEWAY_TELEMETRY_ACCESS_LOG_H_
#define CLASSPLAN_SERVICES_GATEWAY_TELEMETRY_ACCESS_LOG_H_

// One JSON line per call on stderr (method, principal, status code, latency, bytes,
// request id, the W3C trace id, the client's address and, for a failed call, the reason; never
// message contents or keys). Lines are gathered in a per-thread buffer (its own mutex, so
// uncontended) and written with one write(2) when it holds 16 KiB, and at least every 100 ms by a
// flusher thread, so a busy gateway makes a few writes a second instead of one per call. At most
// the last 100 ms of lines are lost if the process is killed; they are flushed on a clean stop.

#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "absl/base/thread_annotations.h"
#include "absl/strings/string_view.h"
#include "absl/synchronization/mutex.h"
#include "absl/synchronization/notification.h"
#include "absl/time/time.h"

namespace classplan::gateway {

class AccessLog {
 public:
  explicit AccessLog(int fd = 2);
  ~AccessLog();  // flushes everything
  void Write(absl::string_view method, absl::string_view principal, int code,
             absl::Duration latency, int64_t bytes_in, int64_t bytes_out,
             absl::string_view request_id, absl::string_view client = {},
             absl::string_view reason = {}, absl::string_view trace_id = {});
  void Flush();

 private:
  struct Buffer {
    absl::Mutex mu;
    std::string data ABSL_GUARDED_BY(mu);
  };
  Buffer* Mine();
  void WriteOut(std::string* data);

  const int fd_;
  const uint64_t instance_;
  std::string line_tail_;  // `","level":"info","service":"gateway","msg":"access"`
  absl::Mutex mu_;
  std::vector<std::unique_ptr<Buffer>> buffers_ ABSL_GUARDED_BY(mu_);
  absl::Notification stop_;
  std::thread flusher_;
};

}  // namespace classplan::gateway

#endif  // CLASSPLAN_SERVICES_GATEWAY_TELEMETRY_ACCESS_LOG_H_
