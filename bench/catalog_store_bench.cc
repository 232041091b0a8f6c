// catalog_store_bench: the catalog's store on SQLite and on PostgreSQL, side by side in one run.
//
//   ./build/bench/catalog_store_bench
//
// Both stores hold the shipped classes (data/catalog). The PostgreSQL 15 server is started by
// the bench (tests/support/postgres_server: initdb in a temp dir, loopback, fsync ON, the
// server's default synchronous_commit=on), the SQLite file is in a temp dir (WAL,
// synchronous=NORMAL, as the catalog runs it).
//
//   BM_GetJobClassMiss/<backend>  Catalog::GetJobClass("SPCP20") in process, with a class cache
//       that always misses (a cold in-process tier and an empty Redis, without Redis's own
//       GET) and no built-view cache: the store read of the class and all its revisions, the
//       parse, the choice of the revision in force and the response. No gRPC.
//   BM_StoreGetClass/<backend>    CatalogStore::GetClass alone.
//   BM_ReviseClass/<backend>      CatalogStore::Commit of one class revision with its audit
//       event, as ReviseJobClass commits it: etag check, version upsert, the class's revisions
//       and their full-text rows rewritten (3 revisions of SPCP20's text), the audit event
//       appended to the hash chain, one durable commit. Each writer thread revises its own
//       class; ->Threads(n) runs n concurrent writers.
//   BM_PostgresRoundTrip          "SELECT 1" on one connection: the floor of any PostgreSQL
//       statement on this machine (loopback TCP and two processes scheduled in turn).
//   BM_ReviseBatch/<backend>      One Commit revising all 16 writer classes (no audit event, as
//       a data file import commits): items are class revisions.
//
// See docs/performance.md ("Catalog store: SQLite vs PostgreSQL") for results.

#include <cstdio>
#include <memory>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "benchmark/benchmark.h"
#include "common/clock/clock.h"
#include "services/catalog/data/importer.h"
#include "services/catalog/domain/catalog.h"
#include "services/catalog/domain/class_cache.h"
#include "services/catalog/store/postgres_catalog_store.h"
#include "services/catalog/store/sqlite_catalog_store.h"
#include "tests/support/postgres_server.h"
#include "tests/support/temp.h"

#ifndef CLASSPLAN_SOURCE_DIR
#error "CLASSPLAN_SOURCE_DIR must be defined"
#endif

namespace classplan::catalog {
namespace {

constexpr char kReadCode[] = "SPCP20";
constexpr int kWriterClasses = 16;  // at most this many writer threads

struct Backend {
  std::unique_ptr<CatalogStore> store;
  NoClassCache cache;
  std::unique_ptr<Catalog> catalog;
  pb::ClassRecord writer_template;  // SPCP20 with 3 revisions
};

std::unique_ptr<testing::PostgresServer> g_pg;
std::string g_pg_url;
std::string g_temp;
Backend g_sqlite;
Backend g_postgres;

bool Fail(const std::string& what) {
  std::fprintf(stderr, "catalog_store_bench: %s\n", what.c_str());
  return false;
}

std::string WriterCode(int i) { return absl::StrCat("BENCH", i < 10 ? "0" : "", i); }

bool Fill(Backend& b, std::unique_ptr<CatalogStore> store) {
  b.store = std::move(store);
  auto files = ReadDataDir(std::string(CLASSPLAN_SOURCE_DIR) + "/data/catalog");
  if (!files.ok()) return Fail("read data: " + files.status().ToString());
  auto report = ImportDataFiles(*files, b.store.get());
  if (!report.ok()) return Fail("import: " + report.status().ToString());
  if (!report->problems.empty()) return Fail("import: " + report->problems.front().ToString());
  b.catalog = std::make_unique<Catalog>(b.store.get(), &b.cache, clock::Clock::System());
  auto model = b.store->GetClass(kReadCode);
  if (!model.ok() || !model->has_value()) return Fail("no " + std::string(kReadCode));
  // The writers' classes: SPCP20's text under other codes, three revisions each.
  for (int i = 0; i < kWriterClasses; ++i) {
    pb::ClassRecord rec;
    rec.set_code(WriterCode(i));
    for (int r = 1; r <= 3; ++r) {
      pb::ClassRevision* rev = rec.add_revisions();
      *rev = (*model)->revisions(0);
      rev->set_class_code(rec.code());
      rev->set_revision(r);
      rev->mutable_job_class()->set_code(rec.code());
    }
    WriteBatch batch;
    batch.classes.push_back({rec, 0});
    if (absl::Status s = b.store->Commit(batch); !s.ok()) return Fail(s.ToString());
    if (i == 0) b.writer_template = rec;
  }
  return true;
}

bool SetUp() {
  g_temp = testing::MakeTempDir("catalog_store_bench");
  if (g_temp.empty()) return Fail("cannot make a temp dir");
  auto sqlite = SqliteCatalogStore::Open(g_temp + "/catalog.db");
  if (!sqlite.ok()) return Fail("sqlite: " + sqlite.status().ToString());
  if (!Fill(g_sqlite, *std::move(sqlite))) return false;

  auto pg = testing::PostgresServer::Start();  // fsync on: commits are durable
  if (!pg.ok()) return Fail("postgres: " + pg.status().ToString());
  g_pg = *std::move(pg);
  auto url = g_pg->CreateDatabase("catalog");
  if (!url.ok()) return Fail("postgres: " + url.status().ToString());
  g_pg_url = *url;
  // Pool as large as the most writer threads, as a server sizes it to its workers.
  auto store = PostgresCatalogStore::Open(*url, kWriterClasses);
  if (!store.ok()) return Fail("postgres store: " + store.status().ToString());
  return Fill(g_postgres, *std::move(store));
}

void BM_GetJobClassMiss(benchmark::State& state, Backend* b) {
  pb::GetJobClassRequest req;
  req.set_code(kReadCode);
  for (auto _ : state) {
    auto resp = b->catalog->GetJobClass(req);
    if (!resp.ok()) {
      state.SkipWithError(resp.status().ToString().c_str());
      break;
    }
    benchmark::DoNotOptimize(resp);
  }
  state.SetItemsProcessed(state.iterations());
}

void BM_StoreGetClass(benchmark::State& state, Backend* b) {
  for (auto _ : state) {
    auto rec = b->store->GetClass(kReadCode);
    if (!rec.ok() || !rec->has_value()) {
      state.SkipWithError("GetClass failed");
      break;
    }
    benchmark::DoNotOptimize(rec);
  }
  state.SetItemsProcessed(state.iterations());
}

void BM_ReviseClass(benchmark::State& state, Backend* b) {
  const std::string code = WriterCode(state.thread_index());
  auto current = b->store->GetClass(code);
  if (!current.ok() || !current->has_value()) {
    state.SkipWithError("no writer class");
    return;
  }
  int64_t version = (*current)->version();
  pb::ClassRecord rec = b->writer_template;
  rec.set_code(code);
  for (auto& rev : *rec.mutable_revisions()) {
    rev.set_class_code(code);
    rev.mutable_job_class()->set_code(code);
  }
  audit::Event event;
  event.principal = "bench";
  event.roles = {"hr_analyst"};
  event.method = "ReviseJobClass";
  event.resource_type = "job_class";
  event.resource_id = code;
  int64_t n = 0;
  for (auto _ : state) {
    rec.mutable_revisions(2)->mutable_job_class()->set_title(absl::StrCat("Revised ", ++n));
    WriteBatch batch;
    batch.classes.push_back({rec, version});
    event.time = absl::Now();
    event.etag_before = absl::StrCat("v", version);
    event.etag_after = absl::StrCat("v", version + 1);
    batch.audit = event;
    if (absl::Status s = b->store->Commit(batch); !s.ok()) {
      state.SkipWithError(s.ToString().c_str());
      break;
    }
    ++version;
  }
  state.SetItemsProcessed(state.iterations());
}

void BM_ReviseBatch(benchmark::State& state, Backend* b) {
  std::vector<ClassWrite> writes;
  for (int i = 0; i < kWriterClasses; ++i) {
    auto current = b->store->GetClass(WriterCode(i));
    if (!current.ok() || !current->has_value()) {
      state.SkipWithError("no writer class");
      return;
    }
    writes.push_back({**current, (*current)->version()});
  }
  int64_t n = 0;
  for (auto _ : state) {
    WriteBatch batch;
    ++n;
    for (ClassWrite& w : writes) {
      w.record.mutable_revisions(2)->mutable_job_class()->set_title(absl::StrCat("Batch ", n));
      batch.classes.push_back(w);
    }
    if (absl::Status s = b->store->Commit(batch); !s.ok()) {
      state.SkipWithError(s.ToString().c_str());
      break;
    }
    for (ClassWrite& w : writes) ++w.expected_version;
  }
  state.SetItemsProcessed(state.iterations() * kWriterClasses);
}

void BM_PostgresRoundTrip(benchmark::State& state) {
  auto db = postgres::Database::Open(g_pg_url);
  if (!db.ok()) {
    state.SkipWithError(db.status().ToString().c_str());
    return;
  }
  for (auto _ : state) {
    if (absl::Status s = (*db)->Exec("SELECT 1"); !s.ok()) {
      state.SkipWithError(s.ToString().c_str());
      break;
    }
  }
  state.SetItemsProcessed(state.iterations());
}

void Register() {
  benchmark::RegisterBenchmark("BM_PostgresRoundTrip", BM_PostgresRoundTrip)
      ->MinTime(2.0)
      ->UseRealTime();
  for (auto [name, backend] :
       {std::pair{"sqlite", &g_sqlite}, std::pair{"postgres", &g_postgres}}) {
    benchmark::RegisterBenchmark(absl::StrCat("BM_GetJobClassMiss/", name).c_str(),
                                 BM_GetJobClassMiss, backend)
        ->Threads(1)
        ->Threads(4)
        ->MinTime(2.0)
        ->UseRealTime();
    benchmark::RegisterBenchmark(absl::StrCat("BM_StoreGetClass/", name).c_str(), BM_StoreGetClass,
                                 backend)
        ->Threads(1)
        ->MinTime(2.0)
        ->UseRealTime();
    benchmark::RegisterBenchmark(absl::StrCat("BM_ReviseClass/", name).c_str(), BM_ReviseClass,
                                 backend)
        ->Threads(1)
        ->Threads(4)
        ->Threads(kWriterClasses)
        ->MinTime(3.0)
        ->UseRealTime();
    benchmark::RegisterBenchmark(absl::StrCat("BM_ReviseBatch/", name).c_str(), BM_ReviseBatch,
                                 backend)
        ->MinTime(3.0)
        ->UseRealTime();
  }
}

}  // namespace
}  // namespace classplan::catalog

int main(int argc, char** argv) {
  benchmark::Initialize(&argc, argv);
  if (!classplan::catalog::SetUp()) return 1;
  classplan::catalog::Register();
  benchmark::RunSpecifiedBenchmarks();
  benchmark::Shutdown();
  classplan::catalog::g_postgres = {};
  classplan::catalog::g_sqlite = {};
  classplan::catalog::g_pg.reset();
  return 0;
}
