// payband_store_bench: the payband store's cache-miss read and its write, on SQLite and on
// PostgreSQL side by side in one run (docs/performance.md, "Payband and appraisal stores:
// SQLite vs PostgreSQL").
//
//   ./build/bench/payband_store_bench
//
// Both stores hold the shipped data (data/payband). PostgreSQL is a private PostgreSQL 15
// started by the bench (tests/support/postgres_server: initdb + pg_ctl, fsync on, as in
// production), reached over TCP on 127.0.0.1 (Postgres) and over its Unix socket
// (PostgresSocket, a second database on the same server); SQLite is a file in a temp dir.
//
// GetBandMiss (the store-level miss): the domain's GetBand (denver-csa 806-A, today) through a
// CachingPaybandStore built afresh for each call, without Redis: the in-process cache cold, so
// every call loads the jurisdiction's snapshot from the store (one ReadJurisdiction), and the
// domain's later look-ups of the band check the version (no invalidations without Redis).
// ReadJurisdiction/1: the store's snapshot read alone; /0 the same data read as the cache read
// it before this change (schedules, each schedule's bands, the version twice), for comparison.
// GetBandRedisMiss (the cache-miss path): the same GetBand through the service's
// caching layer as payband_server builds it (one replica: CachingPaybandStore with a real
// redis-server started by the bench and a healthy invalidation subscription), with Redis
// emptied of the snapshot and the in-process tier dropped before each call (outside the timed
// region, through the invalidation channel as another replica's import would): a Redis GET
// that misses, the store's read (one statement: the version and the snapshot), the Redis SET;
// the band's later look-ups are in-process hits.
// VersionRead: one statement of one indexed row, the round trip of each transport.
// GetBandRpcMiss (the RPC level): the same miss through the gRPC adapter, the replica's
// PaybandGrpcService started in this process on 127.0.0.1 (4 worker threads, identity checked
// as in production) and called with a unary GetBand over a signed channel.
// GetBandRedisMissAfterIdle: the issue path as the earlier runs measured it, a caching layer
// built afresh for each call and its subscription awaited (~200 ms) first, so that each call
// also pays for waking the processes that sat idle meanwhile (PostgreSQL's backend, Redis).
// ImportSchedule: the store's AddSchedule of a new schedule (10 bands, the overlap check, an
// audit event in the same transaction), each in a jurisdiction of its own; with 1 and 8
// concurrent writers (each a thread of one replica sharing its pool of 8 connections).
// PostgresNoFsync: the same on a server with fsync off, to show what the WAL flush of each
// commit costs (never a production setting).

#include <atomic>
#include <chrono>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "benchmark/benchmark.h"
#include "common/cache/cache.h"
#include "common/cache/redis_client.h"
#include "common/clock/clock.h"
#include "common/metrics/metrics.h"
#include "common/server/server_host.h"
#include "common/server/worker_pool.h"
#include "grpcpp/grpcpp.h"
#include "services/payband/cache/caching_payband_store.h"
#include "services/payband/data/importer.h"
#include "services/payband/domain/payband.h"
#include "services/payband/domain/schedules.h"
#include "services/payband/grpc/payband_grpc_service.h"
#include "services/payband/store/postgres_payband_store.h"
#include "services/payband/store/sqlite_payband_store.h"
#include "tests/support/identity.h"
#include "tests/support/postgres_server.h"
#include "tests/support/redis_server.h"
#include "tests/support/temp.h"
#include "tests/support/wait.h"

#ifndef CLASSPLAN_SOURCE_DIR
#error "CLASSPLAN_SOURCE_DIR must be defined"
#endif

namespace classplan::payband {
namespace {

constexpr int kPoolSize = 8;

// Loads the shipped data into `store`; aborts the bench when it cannot.
std::unique_ptr<PaybandStore> Loaded(absl::StatusOr<std::unique_ptr<PaybandStore>> store) {
  if (!store.ok()) {
    std::fprintf(stderr, "cannot open store: %s\n", store.status().ToString().c_str());
    std::abort();
  }
  auto files = ReadPayDataDir(std::string(CLASSPLAN_SOURCE_DIR) + "/data/payband");
  auto report = files.ok() ? ImportPayDataFiles(*files, store->get())
                           : absl::StatusOr<PayDataReport>(files.status());
  if (!report.ok() || !report->problems.empty()) {
    std::fprintf(stderr, "cannot load the shipped data\n");
    std::abort();
  }
  return *std::move(store);
}

PaybandStore* Sqlite() {
  static PaybandStore* store = [] {
    std::string path = testing::MakeTempDir("payband_store_bench") + "/payband.db";
    auto s = SqlitePaybandStore::Open(path, kPoolSize);
    if (!s.ok()) return Loaded(s.status()).release();
    return Loaded(std::unique_ptr<PaybandStore>(*std::move(s))).release();
  }();
  return store;
}

testing::PostgresServer* Server(bool fsync) {
  static std::vector<std::unique_ptr<testing::PostgresServer>> servers(2);
  auto& server = servers[fsync ? 1 : 0];
  if (server == nullptr) {
    auto started = testing::PostgresServer::Start(testing::PostgresServer::Options{fsync});
    if (!started.ok()) Loaded(started.status());
    server = *std::move(started);
  }
  return server.get();
}

// A store on a fresh database `name` of the server, over TCP or over the server's socket.
PaybandStore* OpenPostgres(bool fsync, const std::string& name, bool socket) {
  testing::PostgresServer* server = Server(fsync);
  auto url = server->CreateDatabase(name);
  if (!url.ok()) return Loaded(url.status()).release();
  if (socket) {
    auto dir = server->Psql(name, "SHOW unix_socket_directories");
    if (!dir.ok()) return Loaded(dir.status()).release();
    url = absl::StrCat("host=", absl::StripAsciiWhitespace(*dir), " port=", server->port(),
                       " user=classplan dbname=", name);
  }
  auto s = PostgresPaybandStore::Open(*url, kPoolSize);
  if (!s.ok()) return Loaded(s.status()).release();
  return Loaded(std::unique_ptr<PaybandStore>(*std::move(s))).release();
}

PaybandStore* Postgres() {
  static PaybandStore* store = OpenPostgres(/*fsync=*/true, "payband", /*socket=*/false);
  return store;
}

PaybandStore* PostgresSocket() {
  static PaybandStore* store = OpenPostgres(/*fsync=*/true, "payband_socket", /*socket=*/true);
  return store;
}

// Only to show what the commit's WAL flush costs: never run PostgreSQL like this.
PaybandStore* PostgresNoFsync() {
  static PaybandStore* store = OpenPostgres(/*fsync=*/false, "payband", /*socket=*/false);
  return store;
}

template <PaybandStore* (*Store)()>
void BM_GetBandMiss(benchmark::State& state) {
  PaybandStore* store = Store();
  pb::GetBandRequest req;
  req.set_jurisdiction_id("denver-csa");
  req.set_code("806-A");
  const clock::Clock today = clock::Clock::Fixed(absl::CivilDay(2026, 3, 10));
  for (auto _ : state) {
    CachingPaybandStore cold(store, CachingPaybandStoreOptions{}, nullptr, std::nullopt);
    Payband payband(&cold, nullptr, today);
    auto band = payband.GetBand(req);
    if (!band.ok() || band->band().given().minimum().cents() != 4291700) {
      state.SkipWithError("GetBand failed");
      break;
    }
    benchmark::DoNotOptimize(band);
  }
  state.SetItemsProcessed(state.iterations());
}

// The store's snapshot read alone: range(0) 1 is ReadJurisdiction's one statement, 0 the
// interface's default, statement by statement between two version reads, as the cache loaded
// it before (a baseline in the same run).
template <PaybandStore* (*Store)()>
void BM_ReadJurisdiction(benchmark::State& state) {
  PaybandStore* store = Store();
  const bool one_statement = state.range(0) == 1;
  for (auto _ : state) {
    auto data = one_statement ? store->ReadJurisdiction("denver-csa", PaybandStore::kAnyVersion)
                              : store->PaybandStore::ReadJurisdiction("denver-csa",
                                                                      PaybandStore::kAnyVersion);
    if (!data.ok() || !data->has_value() || (*data)->schedules_size() != 1 ||
        (*data)->schedules(0).bands_size() != 2) {
      state.SkipWithError("ReadJurisdiction failed");
      break;
    }
    benchmark::DoNotOptimize(data);
  }
  state.SetItemsProcessed(state.iterations());
}

// One statement of one indexed row (the jurisdiction's version) through the store and
// common/postgres: what one round trip costs over each transport, next to `SELECT 1`.
template <PaybandStore* (*Store)()>
void BM_VersionRead(benchmark::State& state) {
  PaybandStore* store = Store();
  for (auto _ : state) {
    auto version = store->ScheduleVersion("denver-csa");
    if (!version.ok() || *version < 1) {
      state.SkipWithError("ScheduleVersion failed");
      break;
    }
    benchmark::DoNotOptimize(version);
  }
  state.SetItemsProcessed(state.iterations());
}

// The bench's redis-server and one client of it (as a replica has), started on first use.
cache::RedisClient* Redis() {
  static testing::RedisServer* server = [] {
    auto started = testing::RedisServer::Start();
    if (!started.ok()) Loaded(started.status());
    return started->release();
  }();
  static cache::RedisClient* client = [] {
    cache::RedisOptions ro;
    ro.host = server->host();
    ro.port = server->port();
    return new cache::RedisClient(ro);
  }();
  return client;
}

pb::GetBandRequest BenchRequest() {
  pb::GetBandRequest req;
  req.set_jurisdiction_id("denver-csa");
  req.set_code("806-A");
  return req;
}

bool IsBenchBand(const pb::GetBandResponse& band) {
  return band.band().given().minimum().cents() == 4291700;
}

// Snapshots the caching layer loaded from the store: each timed miss must add exactly one
// (Redis missed and the in-process tier was cold), or the bench stops.
metrics::Counter& StoreLoads() { return metrics::GetCounter("payband.cache.store_load"); }

// The payband stack of one replica on `Store` as payband_server builds it: the caching layer
// with its Redis namespace and a healthy invalidation subscription, the domain, and (started on
// first use of rpc()) the gRPC adapter on 127.0.0.1, called over a signed channel.
struct Replica {
  PaybandStore* store = nullptr;
  std::unique_ptr<cache::Cache> ns;
  std::unique_ptr<CachingPaybandStore> cached;
  std::unique_ptr<Payband> payband;
  std::string snapshot_key;
  std::unique_ptr<server::WorkerPool> workers;
  std::unique_ptr<PaybandGrpcService> service;
  std::unique_ptr<server::ServerHost> host;
  std::unique_ptr<pb::PaybandService::Stub> stub;

  // Empties Redis of the jurisdiction's snapshot and the in-process tier of it (through the
  // invalidation channel, as an import on another replica would), and waits, spinning rather
  // than sleeping so that no process of the path goes idle, until the subscriber has dropped
  // it. False if it never is.
  bool MakeCold() {
    ns->Invalidate(snapshot_key);
    ns->Invalidate("denver-csa");
    const absl::Time deadline = absl::Now() + absl::Seconds(10);
    while (cached->HoldsLocal("denver-csa")) {
      if (absl::Now() > deadline) return false;
      std::this_thread::yield();
    }
    return true;
  }
};

template <PaybandStore* (*Store)()>
Replica* ReplicaOn(bool rpc) {
  static Replica* r = [] {
    auto* out = new Replica;
    out->store = Store();
    cache::RedisClient* redis = Redis();
    static std::atomic<int64_t> next{0};
    out->ns = std::make_unique<cache::Cache>(redis, absl::StrCat("replica", next.fetch_add(1)),
                                             absl::Minutes(1));
    out->cached = std::make_unique<CachingPaybandStore>(out->store, CachingPaybandStoreOptions{},
                                                        out->ns.get(), redis->options());
    if (!testing::WaitFor([&] { return out->cached->subscription_healthy(); })) {
      Loaded(absl::UnavailableError("no invalidation subscription"));
    }
    out->payband = std::make_unique<Payband>(out->cached.get(), nullptr,
                                             clock::Clock::Fixed(absl::CivilDay(2026, 3, 10)));
    out->snapshot_key = "snap:denver-csa";
    return out;
  }();
  if (rpc && r->host == nullptr) {
    r->workers = std::make_unique<server::WorkerPool>(4);
    r->service = std::make_unique<PaybandGrpcService>(r->payband.get(), r->workers.get(),
                                                      testing::IdentityKeys());
    server::ServerOptions so;
    so.service_name = "payband";
    so.listen = "127.0.0.1:0";
    so.drain_timeout = absl::Seconds(1);
    r->host = std::make_unique<server::ServerHost>(so);
    r->host->AddService(r->service.get());
    if (absl::Status s = r->host->Start(); !s.ok()) Loaded(s);
    r->host->MarkServing();
    r->stub = pb::PaybandService::NewStub(
        testing::SignedChannel(absl::StrCat("127.0.0.1:", r->host->port())));
  }
  return r;
}

// Times `call` (true: the expected band came back) with both tiers of `r` emptied before each
// one, outside the timed region; stops unless each call loaded exactly one snapshot.
template <typename Call>
void TimeColdCalls(benchmark::State& state, Replica* r, const Call& call) {
  for (auto _ : state) {
    state.PauseTiming();
    if (!r->MakeCold()) {
      state.SkipWithError("in-process snapshot never dropped");
      break;
    }
    const int64_t loads = StoreLoads().value();
    state.ResumeTiming();
    if (!call()) {
      state.SkipWithError("GetBand failed");
      break;
    }
    if (StoreLoads().value() != loads + 1) {
      state.SkipWithError("the call did not miss both tiers");
      break;
    }
  }
  state.SetItemsProcessed(state.iterations());
}

// The cache-miss path: one replica's caching layer (above), Redis emptied and the
// in-process tier dropped before each call.
template <PaybandStore* (*Store)()>
void BM_GetBandRedisMiss(benchmark::State& state) {
  Replica* r = ReplicaOn<Store>(false);
  const pb::GetBandRequest req = BenchRequest();
  TimeColdCalls(state, r, [&] {
    auto band = r->payband->GetBand(req);
    benchmark::DoNotOptimize(band);
    return band.ok() && IsBenchBand(*band);
  });
}

// The same miss through the gRPC adapter: a unary GetBand over loopback TCP to the replica's
// server in this process (a worker thread runs the domain), Redis and the in-process tier
// emptied before each call as above.
template <PaybandStore* (*Store)()>
void BM_GetBandRpcMiss(benchmark::State& state) {
  Replica* r = ReplicaOn<Store>(true);
  const pb::GetBandRequest req = BenchRequest();
  TimeColdCalls(state, r, [&] {
    grpc::ClientContext ctx;
    ctx.set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(5));
    pb::GetBandResponse resp;
    return r->stub->GetBand(&ctx, req, &resp).ok() && IsBenchBand(resp);
  });
}

// The issue path as measured before (kept to show the difference): a caching layer built afresh
// for each call, whose subscription is awaited (~200 ms, outside the timed region) before it;
// every process of the path (PostgreSQL's backend, Redis) has been idle that long, and the
// timed call pays for waking each one.
template <PaybandStore* (*Store)()>
void BM_GetBandRedisMissAfterIdle(benchmark::State& state) {
  PaybandStore* store = Store();
  cache::RedisClient* redis = Redis();
  const pb::GetBandRequest req = BenchRequest();
  const clock::Clock today = clock::Clock::Fixed(absl::CivilDay(2026, 3, 10));
  static std::atomic<int64_t> next{0};
  for (auto _ : state) {
    state.PauseTiming();
    // A namespace of its own: Redis holds nothing under it.
    auto ns = std::make_unique<cache::Cache>(redis, absl::StrCat("bench", next.fetch_add(1)),
                                             absl::Minutes(1));
    auto cold = std::make_unique<CachingPaybandStore>(store, CachingPaybandStoreOptions{}, ns.get(),
                                                      redis->options());
    if (!testing::WaitFor([&] { return cold->subscription_healthy(); })) {
      state.SkipWithError("no invalidation subscription");
      break;
    }
    Payband payband(cold.get(), nullptr, today);
    state.ResumeTiming();
    auto band = payband.GetBand(req);
    if (!band.ok() || !IsBenchBand(*band)) {
      state.SkipWithError("GetBand failed");
      break;
    }
    benchmark::DoNotOptimize(band);
    state.PauseTiming();
    cold.reset();
    ns.reset();
    state.ResumeTiming();
  }
  state.SetItemsProcessed(state.iterations());
}

pb::PayBand BenchBand(int i) {
  pb::PayBand b;
  b.set_code(absl::StrCat("B", i));
  b.set_figures_status(pb::FIGURES_STATUS_ON_FILE);
  auto* g = b.mutable_given();
  g->set_unit(pb::RATE_UNIT_ANNUAL);
  g->mutable_minimum()->set_currency_code("USD");
  g->mutable_minimum()->set_cents(4000000 + i * 100000);
  g->mutable_maximum()->set_currency_code("USD");
  g->mutable_maximum()->set_cents(6000000 + i * 100000);
  return b;
}

template <PaybandStore* (*Store)()>
void BM_ImportSchedule(benchmark::State& state) {
  static std::atomic<int64_t> next{0};
  PaybandStore* store = Store();
  constexpr int kBands = 10;
  std::vector<pb::PayBand> bands;
  bands.reserve(kBands);
  for (int i = 0; i < kBands; ++i) bands.push_back(BenchBand(i));
  for (auto _ : state) {
    const std::string jurisdiction = absl::StrCat("bench-", next.fetch_add(1));
    pb::PaySchedule s;
    s.set_id(jurisdiction + "/2026-01-01");
    s.set_jurisdiction_id(jurisdiction);
    s.set_name("bench");
    s.set_currency_code("USD");
    s.mutable_source()->set_document("payband_store_bench");
    audit::Event e;
    e.time = absl::Now();
    e.principal = "bench";
    e.roles = {"hr_admin"};
    e.method = "ImportSchedule";
    e.resource_type = "pay_schedule";
    e.resource_id = s.id();
    absl::Status st = store->AddSchedule(
        s, bands,
        [&](const std::vector<pb::PaySchedule>& existing) { return CheckNoOverlap(existing, s); },
        e);
    if (!st.ok()) {
      state.SkipWithError(st.ToString().c_str());
      break;
    }
  }
  state.SetItemsProcessed(state.iterations());
}

BENCHMARK_TEMPLATE(BM_GetBandMiss, Sqlite)->UseRealTime();
BENCHMARK_TEMPLATE(BM_GetBandMiss, Postgres)->UseRealTime();
BENCHMARK_TEMPLATE(BM_GetBandMiss, PostgresSocket)->UseRealTime();
BENCHMARK_TEMPLATE(BM_ReadJurisdiction, Sqlite)->UseRealTime()->Arg(0)->Arg(1);
BENCHMARK_TEMPLATE(BM_ReadJurisdiction, Postgres)->UseRealTime()->Arg(0)->Arg(1);
BENCHMARK_TEMPLATE(BM_ReadJurisdiction, PostgresSocket)->UseRealTime()->Arg(0)->Arg(1);
BENCHMARK_TEMPLATE(BM_VersionRead, Sqlite)->UseRealTime();
BENCHMARK_TEMPLATE(BM_VersionRead, Postgres)->UseRealTime();
BENCHMARK_TEMPLATE(BM_VersionRead, PostgresSocket)->UseRealTime();
BENCHMARK_TEMPLATE(BM_GetBandRedisMiss, Sqlite)->UseRealTime();
BENCHMARK_TEMPLATE(BM_GetBandRedisMiss, Postgres)->UseRealTime();
BENCHMARK_TEMPLATE(BM_GetBandRedisMiss, PostgresSocket)->UseRealTime();
BENCHMARK_TEMPLATE(BM_GetBandRpcMiss, Sqlite)->UseRealTime();
BENCHMARK_TEMPLATE(BM_GetBandRpcMiss, Postgres)->UseRealTime();
BENCHMARK_TEMPLATE(BM_GetBandRpcMiss, PostgresSocket)->UseRealTime();
BENCHMARK_TEMPLATE(BM_GetBandRedisMissAfterIdle, Sqlite)->UseRealTime();
BENCHMARK_TEMPLATE(BM_GetBandRedisMissAfterIdle, Postgres)->UseRealTime();
BENCHMARK_TEMPLATE(BM_ImportSchedule, Sqlite)->UseRealTime()->Threads(1)->Threads(8);
BENCHMARK_TEMPLATE(BM_ImportSchedule, Postgres)->UseRealTime()->Threads(1)->Threads(8);
BENCHMARK_TEMPLATE(BM_ImportSchedule, PostgresSocket)->UseRealTime()->Threads(1)->Threads(8);
BENCHMARK_TEMPLATE(BM_ImportSchedule, PostgresNoFsync)->UseRealTime()->Threads(1)->Threads(8);

}  // namespace
}  // namespace classplan::payband

BENCHMARK_MAIN();
