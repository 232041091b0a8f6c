// appraisal_store_bench: the appraisal store's read and write, on SQLite and on PostgreSQL
// side by side in one run (docs/performance.md, "Payband and appraisal stores: SQLite vs
// PostgreSQL").
//
//   ./build/bench/appraisal_store_bench
//
// PostgreSQL is a private PostgreSQL 15 started by the bench (tests/support/postgres_server:
// initdb + pg_ctl on loopback, fsync on), reached over TCP on 127.0.0.1 (`Postgres`) and over
// its Unix socket (`PostgresSocket`, libpq host=/dir; a database of its own); SQLite is a file
// in a temp dir (synchronous=FULL, as the appraisal store runs it).
//
// GetAppraisal<…, false>: the store read behind the GetAppraisal RPC (an appraisal with 3
// assessments and its addenda, one statement). Appraisals are personal data and never cached,
// so every read is issue 13's "cache miss" (no Redis, no in-process cache: none exists for
// them). <…, true> is the RPC's whole store path: the read plus its audit event
// (RecordReads, a write transaction, group-committed).
// GetAppraisalRpc: the GetAppraisal RPC itself through the gRPC adapter, as appraisal_server
// builds it (Appraisals over the store, AppraisalGrpcService on 4 worker threads, started in
// this process on 127.0.0.1, identity checked as in production), called with a unary
// GetAppraisal over a signed channel (the test operator, hr_admin among its roles): the read, the
// access check and the read's audit event (never cached). UpdateAppraisal: read the stored version,
// then UpdateAppraisal with it as the expected version and its audit event (one transaction); with
// 1 and 8 concurrent writers, each on an appraisal of its own (each a thread of one replica sharing
// its pool of 8 connections).

#include <atomic>
#include <chrono>
#include <cstdio>
#include <memory>
#include <string>

#include "absl/strings/str_cat.h"
#include "benchmark/benchmark.h"
#include "common/clock/clock.h"
#include "common/server/server_host.h"
#include "common/server/worker_pool.h"
#include "grpcpp/grpcpp.h"
#include "services/appraisal/domain/appraisals.h"
#include "services/appraisal/grpc/appraisal_grpc_service.h"
#include "services/appraisal/store/postgres_appraisal_store.h"
#include "services/appraisal/store/sqlite_appraisal_store.h"
#include "tests/support/identity.h"
#include "tests/support/postgres_server.h"
#include "tests/support/temp.h"

namespace classplan::appraisal {
namespace {

constexpr int kPoolSize = 8;

v1::Appraisal Sample(const std::string& id) {
  v1::Appraisal a;
  a.set_id(id);
  a.set_employee_id("emp-" + id);
  a.set_supervisor_id("sup-1");
  a.set_unit_id("unit-a");
  a.set_state(v1::APPRAISAL_STATE_DRAFT);
  a.set_framework_id("f");
  for (const char* c : {"pe", "cs", "tw"}) a.add_assessments()->set_competency_id(c);
  return a;
}

audit::Event Event(const std::string& method, const std::string& id) {
  audit::Event e;
  e.time = absl::Now();
  e.principal = "bench";
  e.roles = {"supervisor"};
  e.method = method;
  e.resource_type = "appraisal";
  e.resource_id = id;
  return e;
}

AppraisalStore* Ready(absl::StatusOr<std::unique_ptr<AppraisalStore>> store) {
  if (!store.ok()) {
    std::fprintf(stderr, "cannot open store: %s\n", store.status().ToString().c_str());
    std::abort();
  }
  if (!(*store)->CreateAppraisal(Sample("read"), Event("CreateAppraisal", "read")).ok()) {
    std::abort();
  }
  return store->release();
}

AppraisalStore* Sqlite() {
  static AppraisalStore* store = [] {
    auto s = SqliteAppraisalStore::Open(
        testing::MakeTempDir("appraisal_store_bench") + "/appraisal.db", kPoolSize);
    if (!s.ok()) return Ready(s.status());
    return Ready(std::unique_ptr<AppraisalStore>(*std::move(s)));
  }();
  return store;
}

// Stopped (and its dir removed) when the bench exits.
testing::PostgresServer* Server() {
  static auto server = testing::PostgresServer::Start();  // fsync on
  if (!server.ok()) {
    std::fprintf(stderr, "cannot start PostgreSQL: %s\n", server.status().ToString().c_str());
    std::abort();
  }
  return server->get();
}

// A store on a database of its own, over TCP (127.0.0.1) or the server's Unix socket.
AppraisalStore* OpenPostgres(const std::string& name, bool socket) {
  auto url = Server()->CreateDatabase(name);
  if (!url.ok()) return Ready(url.status());
  auto s = PostgresAppraisalStore::Open(socket ? Server()->SocketUrl(name) : *url, kPoolSize);
  if (!s.ok()) return Ready(s.status());
  return Ready(std::unique_ptr<AppraisalStore>(*std::move(s)));
}

AppraisalStore* Postgres() {
  static AppraisalStore* store = OpenPostgres("appraisal", false);
  return store;
}

AppraisalStore* PostgresSocket() {
  static AppraisalStore* store = OpenPostgres("appraisal_socket", true);
  return store;
}

template <AppraisalStore* (*Store)(), bool kAudited>
void BM_GetAppraisal(benchmark::State& state) {
  AppraisalStore* store = Store();
  for (auto _ : state) {
    auto a = store->GetAppraisal("read");
    if (!a.ok() || (kAudited && !store->RecordReads({Event("GetAppraisal", "read")}).ok())) {
      state.SkipWithError("GetAppraisal failed");
      break;
    }
    benchmark::DoNotOptimize(a);
  }
  state.SetItemsProcessed(state.iterations());
}

// The appraisal service of one replica on `Store`, started on first use: the domain, the gRPC
// adapter on 127.0.0.1 and a signed channel to it.
struct Replica {
  std::unique_ptr<Appraisals> appraisals;
  std::unique_ptr<server::WorkerPool> workers;
  std::unique_ptr<AppraisalGrpcService> service;
  std::unique_ptr<server::ServerHost> host;
  std::unique_ptr<v1::AppraisalService::Stub> stub;
};

template <AppraisalStore* (*Store)()>
Replica* ReplicaOn() {
  static Replica* r = [] {
    auto* out = new Replica;
    Appraisals::Options options;
    options.clock = clock::Clock::System();
    out->appraisals = std::make_unique<Appraisals>(Store(), options);
    out->workers = std::make_unique<server::WorkerPool>(4);
    out->service = std::make_unique<AppraisalGrpcService>(out->appraisals.get(), out->workers.get(),
                                                          testing::IdentityKeys());
    server::ServerOptions so;
    so.service_name = "appraisal";
    so.listen = "127.0.0.1:0";
    so.drain_timeout = absl::Seconds(1);
    out->host = std::make_unique<server::ServerHost>(so);
    out->host->AddService(out->service.get());
    if (absl::Status s = out->host->Start(); !s.ok()) {
      std::fprintf(stderr, "cannot start the server: %s\n", s.ToString().c_str());
      std::abort();
    }
    out->host->MarkServing();
    out->stub = v1::AppraisalService::NewStub(
        testing::SignedChannel(absl::StrCat("127.0.0.1:", out->host->port())));
    return out;
  }();
  return r;
}

template <AppraisalStore* (*Store)()>
void BM_GetAppraisalRpc(benchmark::State& state) {
  Replica* r = ReplicaOn<Store>();
  v1::GetAppraisalRequest req;
  req.set_appraisal_id("read");
  for (auto _ : state) {
    grpc::ClientContext ctx;
    ctx.set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(5));
    v1::GetAppraisalResponse resp;
    grpc::Status s = r->stub->GetAppraisal(&ctx, req, &resp);
    if (!s.ok() || resp.appraisal().id() != "read") {
      state.SkipWithError(absl::StrCat("GetAppraisal RPC failed: ", s.error_message()).c_str());
      break;
    }
  }
  state.SetItemsProcessed(state.iterations());
}

template <AppraisalStore* (*Store)()>
void BM_UpdateAppraisal(benchmark::State& state) {
  static std::atomic<int> next{0};
  AppraisalStore* store = Store();
  const std::string id = absl::StrCat("w", next.fetch_add(1));
  v1::Appraisal a = Sample(id);
  if (!store->CreateAppraisal(a, Event("CreateAppraisal", id)).ok()) {
    state.SkipWithError("CreateAppraisal failed");
    return;
  }
  int64_t n = 0;
  for (auto _ : state) {
    auto stored = store->GetAppraisal(id);
    if (!stored.ok()) {
      state.SkipWithError(stored.status().ToString().c_str());
      break;
    }
    a.mutable_assessments(0)->set_rating(static_cast<int32_t>(++n % 5));
    absl::Status s = store->UpdateAppraisal(a, stored->version, Event("UpdateAppraisal", id));
    if (!s.ok()) {
      state.SkipWithError(s.ToString().c_str());
      break;
    }
  }
  state.SetItemsProcessed(state.iterations());
}

BENCHMARK_TEMPLATE(BM_GetAppraisal, Sqlite, false)->UseRealTime();
BENCHMARK_TEMPLATE(BM_GetAppraisal, Postgres, false)->UseRealTime();
BENCHMARK_TEMPLATE(BM_GetAppraisal, PostgresSocket, false)->UseRealTime();
BENCHMARK_TEMPLATE(BM_GetAppraisal, Sqlite, true)->UseRealTime();
BENCHMARK_TEMPLATE(BM_GetAppraisal, Postgres, true)->UseRealTime();
BENCHMARK_TEMPLATE(BM_GetAppraisal, PostgresSocket, true)->UseRealTime();
BENCHMARK_TEMPLATE(BM_GetAppraisalRpc, Sqlite)->UseRealTime();
BENCHMARK_TEMPLATE(BM_GetAppraisalRpc, Postgres)->UseRealTime();
BENCHMARK_TEMPLATE(BM_GetAppraisalRpc, PostgresSocket)->UseRealTime();
BENCHMARK_TEMPLATE(BM_UpdateAppraisal, Sqlite)->UseRealTime()->Threads(1)->Threads(8);
BENCHMARK_TEMPLATE(BM_UpdateAppraisal, Postgres)->UseRealTime()->Threads(1)->Threads(8);
BENCHMARK_TEMPLATE(BM_UpdateAppraisal, PostgresSocket)->UseRealTime()->Threads(1)->Threads(8);

}  // namespace
}  // namespace classplan::appraisal

BENCHMARK_MAIN();
