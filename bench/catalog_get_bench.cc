// catalog_get_bench: unary-call throughput of a cached GetJobClass against a bare gRPC "empty
// RPC" server, both hosted in this process on 127.0.0.1 and called over one shared channel.
//
//   ./build/bench/catalog_get_bench
//
// See docs/performance.md for what the numbers mean.

#include <chrono>
#include <cstdio>
#include <memory>
#include <string>
#include <variant>

#include "absl/time/time.h"
#include "benchmark/benchmark.h"
#include "classplan/catalog/v1/catalog_service.grpc.pb.h"
#include "common/clock/clock.h"
#include "common/server/server_host.h"
#include "common/server/worker_pool.h"
#include "grpcpp/grpcpp.h"
#include "services/catalog/cache/built_view_cache.h"
#include "services/catalog/cache/tiered_class_cache.h"
#include "services/catalog/data/importer.h"
#include "services/catalog/domain/catalog.h"
#include "services/catalog/grpc/catalog_grpc_service.h"
#include "services/catalog/store/sqlite_catalog_store.h"
#include "tests/support/identity.h"
#include "tests/support/temp.h"

#ifndef CLASSPLAN_SOURCE_DIR
#error "CLASSPLAN_SOURCE_DIR must be defined"
#endif

namespace classplan::catalog {
namespace {

constexpr char kClassCode[] = "SPCP20";

// The baseline: the same generated service, but GetJurisdiction answers at once with an empty
// response on the callback thread. Every other method is left unimplemented.
class EchoService final : public pb::CatalogService::CallbackService {
 public:
  grpc::ServerUnaryReactor* GetJurisdiction(grpc::CallbackServerContext* ctx,
                                            const pb::GetJurisdictionRequest*,
                                            pb::GetJurisdictionResponse*) override {
    grpc::ServerUnaryReactor* reactor = ctx->DefaultReactor();
    reactor->Finish(grpc::Status::OK);
    return reactor;
  }
};

server::ServerOptions LoopbackOptions(const char* name) {
  server::ServerOptions so;
  so.service_name = name;
  so.listen = "127.0.0.1:0";
  so.drain_timeout = absl::Seconds(1);
  return so;
}

std::shared_ptr<grpc::Channel> Connect(int port) {
  return grpc::CreateChannel("127.0.0.1:" + std::to_string(port),
                             grpc::InsecureChannelCredentials());
}

// Everything the benchmarks call. Built once in main(), before any benchmark runs.
struct Env {
  // Echo server.
  EchoService echo_service;
  std::unique_ptr<server::ServerHost> echo_host;
  std::unique_ptr<pb::CatalogService::Stub> echo_stub;

  // Catalog server, wired as in services/catalog/main.cc with an in-process-only cache.
  std::string temp_dir;
  std::unique_ptr<SqliteCatalogStore> store;
  std::unique_ptr<TieredClassCache> cache;
  std::unique_ptr<BuiltViewCache> views;
  std::unique_ptr<Catalog> catalog;
  std::unique_ptr<server::WorkerPool> workers;
  std::unique_ptr<CatalogGrpcService> catalog_service;
  std::unique_ptr<server::ServerHost> catalog_host;
  std::unique_ptr<pb::CatalogService::Stub> catalog_stub;
};

Env* g_env = nullptr;

bool Fail(const std::string& what) {
  std::fprintf(stderr, "catalog_get_bench: %s\n", what.c_str());
  return false;
}

bool SetUp(Env& env) {
  env.echo_host = std::make_unique<server::ServerHost>(LoopbackOptions("echo"));
  env.echo_host->AddService(&env.echo_service);
  if (absl::Status s = env.echo_host->Start(); !s.ok()) return Fail("echo: " + s.ToString());
  env.echo_host->MarkServing();
  env.echo_stub = pb::CatalogService::NewStub(Connect(env.echo_host->port()));

  env.temp_dir = testing::MakeTempDir("catalog_get_bench");
  if (env.temp_dir.empty()) return Fail("cannot make a temp dir");
  auto store = SqliteCatalogStore::Open(env.temp_dir + "/catalog.db");
  if (!store.ok()) return Fail("open store: " + store.status().ToString());
  env.store = std::move(*store);
  auto files = ReadDataDir(std::string(CLASSPLAN_SOURCE_DIR) + "/data/catalog");
  if (!files.ok()) return Fail("read data: " + files.status().ToString());
  auto report = ImportDataFiles(*files, env.store.get());
  if (!report.ok()) return Fail("import: " + report.status().ToString());
  if (!report->problems.empty()) return Fail("import: " + report->problems.front().ToString());

  TieredClassCacheOptions co;
  co.local_ttl = absl::Hours(1);  // no expiry during the run: measure the cached path only
  env.cache = std::make_unique<TieredClassCache>(co, nullptr, std::nullopt);
  env.views = std::make_unique<BuiltViewCache>();
  env.catalog = std::make_unique<Catalog>(env.store.get(), env.cache.get(), clock::Clock::System(),
                                          env.views.get());
  env.workers = std::make_unique<server::WorkerPool>(4);
  env.catalog_service = std::make_unique<CatalogGrpcService>(env.catalog.get(), env.workers.get(),
                                                             testing::IdentityKeys());
  env.catalog_host = std::make_unique<server::ServerHost>(LoopbackOptions("catalog"));
  env.catalog_host->AddService(env.catalog_service.get());
  if (absl::Status s = env.catalog_host->Start(); !s.ok()) {
    return Fail("catalog: " + s.ToString());
  }
  env.catalog_host->MarkServing();
  // Each call signed as the gateway would (the service verifies every call).
  env.catalog_stub = pb::CatalogService::NewStub(
      testing::SignedChannel("127.0.0.1:" + std::to_string(env.catalog_host->port())));

  // Warm up: the first call misses and fills the in-process cache on a worker thread.
  for (int i = 0; i < 2; ++i) {
    grpc::ClientContext ctx;
    ctx.set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(5));
    pb::GetJobClassRequest req;
    req.set_code(kClassCode);
    pb::GetJobClassResponse resp;
    grpc::Status s = env.catalog_stub->GetJobClass(&ctx, req, &resp);
    if (!s.ok()) return Fail("warm-up GetJobClass: " + s.error_message());
  }
  pb::GetJobClassRequest probe;
  probe.set_code(kClassCode);
  if (!std::holds_alternative<SharedJobClassResponse>(env.catalog->LookUpJobClass(probe))) {
    return Fail("GetJobClass(SPCP20) is not served from the in-process cache after warm-up");
  }
  {
    grpc::ClientContext ctx;
    pb::GetJurisdictionRequest req;
    pb::GetJurisdictionResponse resp;
    grpc::Status s = env.echo_stub->GetJurisdiction(&ctx, req, &resp);
    if (!s.ok()) return Fail("warm-up echo: " + s.error_message());
  }
  return true;
}

void TearDown(Env& env) {
  env.catalog_stub.reset();
  env.echo_stub.reset();
  env.catalog_host->Shutdown();
  env.echo_host->Shutdown();
}

void BM_EchoEmptyRpc(benchmark::State& state) {
  pb::GetJurisdictionRequest req;
  pb::GetJurisdictionResponse resp;
  for (auto _ : state) {
    grpc::ClientContext ctx;
    ctx.set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(5));
    grpc::Status s = g_env->echo_stub->GetJurisdiction(&ctx, req, &resp);
    if (!s.ok()) {
      state.SkipWithError(s.error_message().c_str());
      break;
    }
  }
  state.SetItemsProcessed(state.iterations());
  state.counters["resp_bytes"] =
      benchmark::Counter(static_cast<double>(resp.ByteSizeLong()), benchmark::Counter::kAvgThreads);
}

void BM_CatalogGetJobClassCached(benchmark::State& state) {
  pb::GetJobClassRequest req;
  req.set_code(kClassCode);
  pb::GetJobClassResponse resp;
  for (auto _ : state) {
    grpc::ClientContext ctx;
    ctx.set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(5));
    grpc::Status s = g_env->catalog_stub->GetJobClass(&ctx, req, &resp);
    if (!s.ok()) {
      state.SkipWithError(s.error_message().c_str());
      break;
    }
  }
  state.SetItemsProcessed(state.iterations());
  state.counters["resp_bytes"] =
      benchmark::Counter(static_cast<double>(resp.ByteSizeLong()), benchmark::Counter::kAvgThreads);
}

BENCHMARK(BM_EchoEmptyRpc)->Threads(1)->Threads(4)->MinTime(2.0)->UseRealTime();
BENCHMARK(BM_CatalogGetJobClassCached)->Threads(1)->Threads(4)->MinTime(2.0)->UseRealTime();

}  // namespace
}  // namespace classplan::catalog

int main(int argc, char** argv) {
  benchmark::Initialize(&argc, argv);
  if (benchmark::ReportUnrecognizedArguments(argc, argv)) return 1;
  classplan::catalog::Env env;
  if (!classplan::catalog::SetUp(env)) return 1;
  classplan::catalog::g_env = &env;
  benchmark::RunSpecifiedBenchmarks();
  benchmark::Shutdown();
  classplan::catalog::TearDown(env);
  return 0;
}
