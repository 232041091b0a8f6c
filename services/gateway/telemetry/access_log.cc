#include "services/gateway/telemetry/access_log.h"

#include <unistd.h>

#include <atomic>

#include "common/log/log.h"

namespace classplan::gateway {
namespace {
constexpr size_t kFlushBytes = 16 << 10;
std::atomic<uint64_t> next_instance{1};
struct ThreadBuffer {
  uint64_t instance = 0;
  void* buffer = nullptr;
};
thread_local ThreadBuffer tls_buffer;
}  // namespace

AccessLog::AccessLog(int fd) : fd_(fd), instance_(next_instance.fetch_add(1)) {
  flusher_ = std::thread([this] {
    while (!stop_.WaitForNotificationWithTimeout(absl::Milliseconds(100))) Flush();
  });
}

AccessLog::~AccessLog() {
  stop_.Notify();
  flusher_.join();
  Flush();
}

AccessLog::Buffer* AccessLog::Mine() {
  ThreadBuffer& t = tls_buffer;
  if (t.instance != instance_) {
    auto b = std::make_unique<Buffer>();
    t.buffer = b.get();
    t.instance = instance_;
    absl::MutexLock lock(&mu_);
    buffers_.push_back(std::move(b));
  }
  return static_cast<Buffer*>(t.buffer);
}

void AccessLog::WriteOut(std::string* data) {
  size_t off = 0;
  while (off < data->size()) {
    const ssize_t n = ::write(fd_, data->data() + off, data->size() - off);
    if (n <= 0) break;
    off += static_cast<size_t>(n);
  }
  data->clear();
}

void AccessLog::Write(absl::string_view method, absl::string_view principal, int code,
                      absl::Duration latency, int64_t bytes_in, int64_t bytes_out,
                      absl::string_view request_id) {
  std::string line = log::Format(log::Level::kInfo, "access",
                                 {{"method", method},
                                  {"principal", principal},
                                  {"code", int64_t{code}},
                                  {"latency_us", absl::ToInt64Microseconds(latency)},
                                  {"bytes_in", bytes_in},
                                  {"bytes_out", bytes_out},
                                  {"request_id", request_id}});
  line += '\n';
  Buffer* b = Mine();
  absl::MutexLock lock(&b->mu);
  b->data += line;
  if (b->data.size() >= kFlushBytes) WriteOut(&b->data);
}

void AccessLog::Flush() {
  absl::MutexLock lock(&mu_);
  for (auto& b : buffers_) {
    absl::MutexLock buffer_lock(&b->mu);
    if (!b->data.empty()) WriteOut(&b->data);
  }
}

}  // namespace classplan::gateway
