// interceptor_bench: what the undecodable-request interceptor (common/server/unary.h) that
// every ServerHost installs costs a unary call. The same empty Health.Check answered on the
// callback thread, by a server with the interceptor and one without, over loopback TCP.
//
//   ./build/bench/interceptor_bench --benchmark_repetitions=6
//       --benchmark_enable_random_interleaving=true
//
// See docs/performance.md ("Undecodable-request interceptor").

#include <time.h>

#include <chrono>
#include <cstdint>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "benchmark/benchmark.h"
#include "common/server/unary.h"
#include "grpc/health/v1/health.grpc.pb.h"
#include "grpcpp/grpcpp.h"

namespace classplan::server {
namespace {

using grpc::health::v1::Health;
using grpc::health::v1::HealthCheckRequest;
using grpc::health::v1::HealthCheckResponse;

class EmptyCheck final : public Health::CallbackService {
 public:
  grpc::ServerUnaryReactor* Check(grpc::CallbackServerContext* ctx, const HealthCheckRequest*,
                                  HealthCheckResponse*) override {
    grpc::ServerUnaryReactor* reactor = ctx->DefaultReactor();
    reactor->Finish(grpc::Status::OK);
    return reactor;
  }
};

struct Server {
  EmptyCheck service;
  std::unique_ptr<grpc::Server> server;
  std::unique_ptr<Health::Stub> stub;

  explicit Server(bool with_interceptor) {
    grpc::ServerBuilder builder;
    int port = 0;
    builder.AddListeningPort("127.0.0.1:0", grpc::InsecureServerCredentials(), &port);
    builder.RegisterService(&service);
    if (with_interceptor) {
      std::vector<std::unique_ptr<grpc::experimental::ServerInterceptorFactoryInterface>> c;
      c.push_back(UndecodableRequestInterceptorFactory());
      builder.experimental().SetInterceptorCreators(std::move(c));
    }
    server = builder.BuildAndStart();
    stub = Health::NewStub(grpc::CreateChannel("127.0.0.1:" + std::to_string(port),
                                               grpc::InsecureChannelCredentials()));
  }
};

// CPU of the whole process (client and server threads), per call: the machine these run on is
// shared, so wall time says little.
int64_t ProcessCpuNanos() {
  timespec t{};
  clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &t);
  return int64_t{t.tv_sec} * 1000000000 + t.tv_nsec;
}

void Call(benchmark::State& state, Server& s) {
  HealthCheckRequest req;
  const int64_t cpu_start = ProcessCpuNanos();
  for (auto _ : state) {
    grpc::ClientContext ctx;
    ctx.set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(10));
    HealthCheckResponse resp;
    if (!s.stub->Check(&ctx, req, &resp).ok()) state.SkipWithError("call failed");
  }
  state.counters["process_cpu_ns"] = benchmark::Counter(
      static_cast<double>(ProcessCpuNanos() - cpu_start), benchmark::Counter::kAvgIterations);
}

void BM_UnaryCallWithoutInterceptor(benchmark::State& state) {
  static auto* s = new Server(false);
  Call(state, *s);
}
void BM_UnaryCallWithInterceptor(benchmark::State& state) {
  static auto* s = new Server(true);
  Call(state, *s);
}
BENCHMARK(BM_UnaryCallWithoutInterceptor)->MinTime(2.0)->UseRealTime();
BENCHMARK(BM_UnaryCallWithInterceptor)->MinTime(2.0)->UseRealTime();

}  // namespace
}  // namespace classplan::server

BENCHMARK_MAIN();
