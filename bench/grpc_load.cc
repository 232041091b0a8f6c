// grpc_load: a small closed-loop gRPC load generator for the gateway benchmark
// (bench/gateway_vs_nginx.sh). Keeps --concurrency unary calls of --method in flight for
// --duration over --channels connections, each call carrying --payload_bytes raw bytes (or
// --payload_hex) and,
// when given, "authorization: Bearer --api_key". Prints one line:
//   calls=<n> errors=<n> qps=<n> p50_us=<n> p90_us=<n> p99_us=<n> calls_all=<n> cpu_us=<n>
// calls and the latencies count the measured time only; calls_all counts the warm-up too, and
// cpu_us is this process's CPU time (user + system) for the whole run, so that
// cpu_us / calls_all is the client's CPU per call (the script measures the other processes
// over the same run).

#include <sys/resource.h>

#include <algorithm>
#include <atomic>
#include <cstdio>
#include <thread>
#include <vector>

#include "absl/flags/flag.h"
#include "absl/flags/parse.h"
#include "absl/strings/escaping.h"
#include "absl/synchronization/mutex.h"
#include "absl/synchronization/notification.h"
#include "absl/time/clock.h"
#include "grpcpp/generic/generic_stub.h"
#include "grpcpp/grpcpp.h"

ABSL_FLAG(std::string, target, "127.0.0.1:50050", "host:port to load");
ABSL_FLAG(std::string, method, "/classplan.test.v1.TestService/Echo", "method to call");
ABSL_FLAG(int, concurrency, 16, "calls in flight");
ABSL_FLAG(int, channels, 2, "connections");
ABSL_FLAG(absl::Duration, duration, absl::Seconds(3), "how long to load");
ABSL_FLAG(absl::Duration, warmup, absl::Milliseconds(500), "load not measured at the start");
ABSL_FLAG(int, payload_bytes, 64, "request size ('x' bytes)");
ABSL_FLAG(std::string, payload_hex, "", "request bytes in hex, instead of --payload_bytes");
ABSL_FLAG(std::string, api_key, "", "API key for the gateway");

namespace {

struct Shared {
  std::vector<std::unique_ptr<grpc::GenericStub>> stubs;
  std::string method, key;
  grpc::ByteBuffer request;
  absl::Time measure_from, stop_at;
  std::atomic<int64_t> errors{0};
  std::atomic<int64_t> calls_all{0};  // completed calls, warm-up included
  absl::Mutex mu;
  std::vector<int64_t> latencies_us;  // guarded by mu (merged per loop at the end)
  std::atomic<int> running{0};
  absl::Notification all_done;
};

// One closed loop: a call, then the next when it completes.
class Loop {
 public:
  Loop(Shared* s, int i) : s_(s), stub_(s->stubs[i % s->stubs.size()].get()) {}
  void Start() { Next(); }

 private:
  void Next() {
    const absl::Time now = absl::Now();
    if (now >= s_->stop_at) {
      {
        absl::MutexLock lock(&s_->mu);
        s_->latencies_us.insert(s_->latencies_us.end(), mine_.begin(), mine_.end());
      }
      s_->calls_all += all_;
      if (--s_->running == 0) s_->all_done.Notify();
      return;
    }
    ctx_ = std::make_unique<grpc::ClientContext>();
    ctx_->set_deadline(absl::ToChronoTime(now + absl::Seconds(5)));
    if (!s_->key.empty()) ctx_->AddMetadata("authorization", "Bearer " + s_->key);
    start_ = now;
    stub_->UnaryCall(ctx_.get(), s_->method, {}, &s_->request, &resp_,
                     [this](const grpc::Status& st) {
                       const absl::Time end = absl::Now();
                       ++all_;
                       if (!st.ok()) {
                         ++s_->errors;
                       } else if (start_ >= s_->measure_from) {
                         mine_.push_back(absl::ToInt64Microseconds(end - start_));
                       }
                       Next();
                     });
  }
  Shared* s_;
  grpc::GenericStub* stub_;
  std::unique_ptr<grpc::ClientContext> ctx_;
  grpc::ByteBuffer resp_;
  absl::Time start_;
  std::vector<int64_t> mine_;
  int64_t all_ = 0;
};

}  // namespace

int main(int argc, char** argv) {
  absl::ParseCommandLine(argc, argv);
  Shared s;
  s.method = absl::GetFlag(FLAGS_method);
  s.key = absl::GetFlag(FLAGS_api_key);
  std::string payload(static_cast<size_t>(absl::GetFlag(FLAGS_payload_bytes)), 'x');
  if (!absl::GetFlag(FLAGS_payload_hex).empty()) {
    payload = absl::HexStringToBytes(absl::GetFlag(FLAGS_payload_hex));
  }
  grpc::Slice slice(payload);
  s.request = grpc::ByteBuffer(&slice, 1);
  for (int i = 0; i < absl::GetFlag(FLAGS_channels); ++i) {
    grpc::ChannelArguments args;
    args.SetInt("classplan.bench.channel", i);  // distinct channels, distinct connections
    args.SetInt(GRPC_ARG_USE_LOCAL_SUBCHANNEL_POOL, 1);
    s.stubs.push_back(std::make_unique<grpc::GenericStub>(grpc::CreateCustomChannel(
        absl::GetFlag(FLAGS_target), grpc::InsecureChannelCredentials(), args)));
  }
  const int n = absl::GetFlag(FLAGS_concurrency);
  std::vector<std::unique_ptr<Loop>> loops;
  loops.reserve(n);
  s.measure_from = absl::Now() + absl::GetFlag(FLAGS_warmup);
  s.stop_at = s.measure_from + absl::GetFlag(FLAGS_duration);
  s.running = n;
  for (int i = 0; i < n; ++i) loops.push_back(std::make_unique<Loop>(&s, i));
  for (auto& l : loops) l->Start();
  s.all_done.WaitForNotification();
  auto& v = s.latencies_us;
  std::sort(v.begin(), v.end());
  auto pct = [&](double p) { return v.empty() ? 0 : v[static_cast<size_t>(p * (v.size() - 1))]; };
  const double secs = absl::ToDoubleSeconds(absl::GetFlag(FLAGS_duration));
  rusage ru{};
  getrusage(RUSAGE_SELF, &ru);
  const long long cpu_us = (ru.ru_utime.tv_sec + ru.ru_stime.tv_sec) * 1000000LL +
                           ru.ru_utime.tv_usec + ru.ru_stime.tv_usec;
  std::printf(
      "calls=%zu errors=%lld qps=%.0f p50_us=%lld p90_us=%lld p99_us=%lld calls_all=%lld "
      "cpu_us=%lld\n",
      v.size(), static_cast<long long>(s.errors.load()), v.size() / secs,
      static_cast<long long>(pct(0.5)), static_cast<long long>(pct(0.9)),
      static_cast<long long>(pct(0.99)), static_cast<long long>(s.calls_all.load()), cpu_us);
  return s.errors.load() > 0 ? 1 : 0;
}
