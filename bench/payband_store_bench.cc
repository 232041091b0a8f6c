// payband_store_bench: the payband store's cache-miss read and its write, on SQLite and on
// PostgreSQL side by side in one run (docs/performance.md, "Payband and appraisal stores:
// SQLite vs PostgreSQL").
//
//   ./build/bench/payband_store_bench
//
// Both stores hold the shipped data (data/payband). PostgreSQL is a private PostgreSQL 15
// started by the bench (tests/support/postgres_server: initdb + pg_ctl on loopback, fsync on,
// as in production), reached over TCP on 127.0.0.1; SQLite is a file in a temp dir.
//
// GetBandMiss: the domain's GetBand (denver-csa 806-A, today) through a CachingPaybandStore
// built afresh for each call, without Redis: Redis empty and the in-process cache cold, so
// every call loads the jurisdiction's snapshot from the store between two version reads, as
// the first read after a start or an import does.
// ImportSchedule: the store's AddSchedule of a new schedule (10 bands, the overlap check, an
// audit event in the same transaction), each in a jurisdiction of its own; with 1 and 8
// concurrent writers (each a thread of one replica sharing its pool of 8 connections).
// PostgresNoFsync: the same on a server with fsync off, to show what the WAL flush of each
// commit costs (never a production setting).

#include <atomic>
#include <memory>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "benchmark/benchmark.h"
#include "common/clock/clock.h"
#include "services/payband/cache/caching_payband_store.h"
#include "services/payband/data/importer.h"
#include "services/payband/domain/payband.h"
#include "services/payband/domain/schedules.h"
#include "services/payband/store/postgres_payband_store.h"
#include "services/payband/store/sqlite_payband_store.h"
#include "tests/support/postgres_server.h"
#include "tests/support/temp.h"

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

PaybandStore* OpenPostgres(bool fsync) {
  static std::vector<std::unique_ptr<testing::PostgresServer>> servers;
  auto server = testing::PostgresServer::Start(testing::PostgresServer::Options{fsync});
  if (!server.ok()) return Loaded(server.status()).release();
  servers.push_back(*std::move(server));
  auto url = servers.back()->CreateDatabase("payband");
  if (!url.ok()) return Loaded(url.status()).release();
  auto s = PostgresPaybandStore::Open(*url, kPoolSize);
  if (!s.ok()) return Loaded(s.status()).release();
  return Loaded(std::unique_ptr<PaybandStore>(*std::move(s))).release();
}

PaybandStore* Postgres() {
  static PaybandStore* store = OpenPostgres(/*fsync=*/true);
  return store;
}

// Only to show what the commit's WAL flush costs: never run PostgreSQL like this.
PaybandStore* PostgresNoFsync() {
  static PaybandStore* store = OpenPostgres(/*fsync=*/false);
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
BENCHMARK_TEMPLATE(BM_ImportSchedule, Sqlite)->UseRealTime()->Threads(1)->Threads(8);
BENCHMARK_TEMPLATE(BM_ImportSchedule, Postgres)->UseRealTime()->Threads(1)->Threads(8);
BENCHMARK_TEMPLATE(BM_ImportSchedule, PostgresNoFsync)->UseRealTime()->Threads(1)->Threads(8);

}  // namespace
}  // namespace classplan::payband

BENCHMARK_MAIN();
