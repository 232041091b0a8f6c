// catalog_store_bench: the catalog's store on SQLite and on PostgreSQL, side by side in one run.
//
//   ./build/bench/catalog_store_bench
//
// Both stores hold the shipped classes (data/catalog). The PostgreSQL 15 server is started by
// the bench (tests/support/postgres_server: initdb in a temp dir, fsync ON, the server's
// default synchronous_commit=on) and reached two ways: `postgres` over TCP 127.0.0.1 and
// `postgres_socket` over its Unix socket (libpq host=<dir>), the same database. The SQLite
// file is in a temp dir (WAL, synchronous=NORMAL, as the catalog runs it). A Redis server is
// started by the bench too (tests/support/redis_server: loopback, no persistence).
//
//   BM_CacheMissGetJobClass/<backend>  The cache-miss path: Catalog::GetJobClass
//       ("SPCP20") through the catalog's caching layer as catalog_server wires it
//       (TieredClassCache over the real Redis, with its invalidation subscriber, and the
//       built-view cache), with Redis empty (the class's key deleted before each call, outside
//       the timed region) and the in-process tier cold (a negative TTL: every entry it keeps
//       has expired by the next call). A call: local miss, Redis GET (miss), the store read, the
//       parse, SET NX into Redis, the response. The run fails if any call hit a cache.
//   BM_GetJobClassMiss/<backend>  Catalog::GetJobClass("SPCP20") with a class cache that
//       always misses (no Redis at all) and no built-view cache: the store read of the class and
//       all its revisions, the parse, the choice of the revision in force and the response.
//   BM_StoreGetClass/<backend>    CatalogStore::GetClass alone.
//   BM_ReviseClass/<backend>      CatalogStore::Commit of one class revision with its audit
//       event, as ReviseJobClass commits it: etag check, version update, the changed revision
//       and its full-text row (3 revisions of SPCP20's text, the last retitled on each write),
//       the audit event appended to the hash chain, one durable commit. Each writer thread
//       revises its own class; ->Threads(n) runs n concurrent writers.
//   BM_ReviseClassNewText/<backend>  As BM_ReviseClass, but each write changes the text of all
//       four indexed columns (title, the purpose, a knowledge and a skill statement), so nothing of
//       the previous revision's full-text vectors can be reused.
//   BM_PostgresRoundTrip/<backend> "SELECT 1" on one connection: the floor of any PostgreSQL
//       statement on this machine.
//   BM_ReviseBatch/<backend>      One Commit revising all 16 writer classes (no audit event, as
//       a data file import commits): items are class revisions.
//
// See docs/performance.md ("Catalog store: SQLite vs PostgreSQL") for results.

#include <algorithm>
#include <cstdio>
#include <filesystem>
#include <memory>
#include <string>
#include <vector>

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "benchmark/benchmark.h"
#include "common/cache/redis_setup.h"
#include "common/clock/clock.h"
#include "common/metrics/metrics.h"
#include "services/catalog/cache/built_view_cache.h"
#include "services/catalog/cache/tiered_class_cache.h"
#include "services/catalog/data/importer.h"
#include "services/catalog/domain/catalog.h"
#include "services/catalog/domain/class_cache.h"
#include "services/catalog/store/postgres_catalog_store.h"
#include "services/catalog/store/sqlite_catalog_store.h"
#include "tests/support/postgres_server.h"
#include "tests/support/redis_server.h"
#include "tests/support/temp.h"

#ifndef CLASSPLAN_SOURCE_DIR
#error "CLASSPLAN_SOURCE_DIR must be defined"
#endif

namespace classplan::catalog {
namespace {

constexpr char kReadCode[] = "SPCP20";
constexpr int kWriterClasses = 16;  // at most this many writer threads

struct Backend {
  std::string name;
  std::string pg_url;  // PostgreSQL only
  std::unique_ptr<CatalogStore> store;
  NoClassCache no_cache;
  std::unique_ptr<Catalog> catalog;  // store-level miss: no cache at all
  // The path: the caching layer catalog_server runs, over the bench's Redis.
  cache::RedisCacheSetup redis;
  std::unique_ptr<TieredClassCache> class_cache;
  BuiltViewCache views;
  std::unique_ptr<Catalog> cached_catalog;
};

std::unique_ptr<testing::PostgresServer> g_pg;
std::unique_ptr<testing::RedisServer> g_redis;
std::string g_temp;
std::vector<std::unique_ptr<Backend>> g_backends;  // sqlite, postgres, postgres_socket
pb::ClassRecord g_writer_template;                 // SPCP20 with 3 revisions

bool Fail(const std::string& what) {
  std::fprintf(stderr, "catalog_store_bench: %s\n", what.c_str());
  return false;
}

std::string WriterCode(int i) { return absl::StrCat("BENCH", i < 10 ? "0" : "", i); }

// Wires both catalogs over `store`; with `fill`, imports the shipped classes and creates the
// writers' classes first (the socket backend shares the TCP backend's database).
bool AddBackend(const std::string& name, std::unique_ptr<CatalogStore> store, bool fill,
                const std::string& pg_url = "") {
  auto b = std::make_unique<Backend>();
  b->name = name;
  b->pg_url = pg_url;
  b->store = std::move(store);
  if (fill) {
    auto files = ReadDataDir(std::string(CLASSPLAN_SOURCE_DIR) + "/data/catalog");
    if (!files.ok()) return Fail("read data: " + files.status().ToString());
    auto report = ImportDataFiles(*files, b->store.get());
    if (!report.ok()) return Fail("import: " + report.status().ToString());
    if (!report->problems.empty()) return Fail("import: " + report->problems.front().ToString());
    auto model = b->store->GetClass(kReadCode);
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
      if (absl::Status s = b->store->Commit(batch); !s.ok()) return Fail(s.ToString());
      if (i == 0) g_writer_template = rec;
    }
  }
  b->catalog = std::make_unique<Catalog>(b->store.get(), &b->no_cache, clock::Clock::System());
  b->redis = cache::SetUpRedisCache(g_redis->host(), g_redis->port(), "catalog", absl::Minutes(10));
  TieredClassCacheOptions options;
  options.local_ttl = -absl::Seconds(1);  // the in-process tier is cold on every call
  b->class_cache =
      std::make_unique<TieredClassCache>(options, b->redis.cache.get(), b->redis.subscriber);
  b->cached_catalog = std::make_unique<Catalog>(b->store.get(), b->class_cache.get(),
                                                clock::Clock::System(), &b->views);
  g_backends.push_back(std::move(b));
  return true;
}

bool SetUp() {
  g_temp = testing::MakeTempDir("catalog_store_bench");
  if (g_temp.empty()) return Fail("cannot make a temp dir");
  auto redis = testing::RedisServer::Start();
  if (!redis.ok()) return Fail("redis: " + redis.status().ToString());
  g_redis = *std::move(redis);

  auto sqlite = SqliteCatalogStore::Open(g_temp + "/catalog.db");
  if (!sqlite.ok()) return Fail("sqlite: " + sqlite.status().ToString());
  if (!AddBackend("sqlite", *std::move(sqlite), true)) return false;

  auto pg = testing::PostgresServer::Start();  // fsync on: commits are durable
  if (!pg.ok()) return Fail("postgres: " + pg.status().ToString());
  g_pg = *std::move(pg);
  auto url = g_pg->CreateDatabase("catalog");
  if (!url.ok()) return Fail("postgres: " + url.status().ToString());
  // Pool as large as the most writer threads, as a server sizes it to its workers.
  auto store = PostgresCatalogStore::Open(*url, kWriterClasses);
  if (!store.ok()) return Fail("postgres store: " + store.status().ToString());
  if (!AddBackend("postgres", *std::move(store), true, *url)) return false;

  // The same database through the server's Unix socket (the directory it reports).
  auto dir = g_pg->Psql("catalog", "SHOW unix_socket_directories");
  if (!dir.ok()) return Fail("postgres: " + dir.status().ToString());
  const std::string socket_url =
      absl::StrCat("postgresql://classplan@/catalog?host=", absl::StripAsciiWhitespace(*dir),
                   "&port=", g_pg->port());
  auto socket_store = PostgresCatalogStore::Open(socket_url, kWriterClasses);
  if (!socket_store.ok()) return Fail("postgres socket: " + socket_store.status().ToString());
  return AddBackend("postgres_socket", *std::move(socket_store), false, socket_url);
}

void BM_CacheMissGetJobClass(benchmark::State& state, Backend* b) {
  pb::GetJobClassRequest req;
  req.set_code(kReadCode);
  const std::vector<std::string> key = {b->redis.cache->FullKey(kReadCode)};
  metrics::Counter& local_hits = metrics::GetCounter("catalog.cache.local_hit");
  metrics::Counter& redis_hits = metrics::GetCounter("catalog.cache.redis_hit");
  const int64_t hits_before = local_hits.value() + redis_hits.value();
  for (auto _ : state) {
    state.PauseTiming();
    absl::Status emptied = b->redis.client->Del(key);
    state.ResumeTiming();
    if (!emptied.ok()) {
      state.SkipWithError(emptied.ToString().c_str());
      break;
    }
    auto resp = b->cached_catalog->GetJobClass(req);
    if (!resp.ok()) {
      state.SkipWithError(resp.status().ToString().c_str());
      break;
    }
    benchmark::DoNotOptimize(resp);
  }
  if (local_hits.value() + redis_hits.value() != hits_before) {
    state.SkipWithError("a call hit a cache: not the cache-miss path");
  }
  state.SetItemsProcessed(state.iterations());
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

void BM_ReviseClass(benchmark::State& state, Backend* b, bool new_text) {
  const std::string code = WriterCode(state.thread_index());
  auto current = b->store->GetClass(code);
  if (!current.ok() || !current->has_value()) {
    state.SkipWithError("no writer class");
    return;
  }
  int64_t version = (*current)->version();
  pb::ClassRecord rec = g_writer_template;
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
  metrics::Counter& grouped = metrics::GetCounter("postgres_grouped_writes");
  const int64_t grouped_before = grouped.value();
  int64_t n = 0;
  for (auto _ : state) {
    pb::JobClass* text = rec.mutable_revisions(2)->mutable_job_class();
    const std::string mark = absl::StrCat("Revised ", ++n);
    text->set_title(mark);
    if (new_text) {  // every indexed column changes: nothing can be reused
      text->mutable_purpose()->clear_paragraphs();  // part of the duties column
      text->mutable_purpose()->add_paragraphs(mark);
      text->mutable_knowledge(0)->set_description(mark);
      text->mutable_skills(0)->set_description(mark);
    }
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
  // The share of writes that committed in a group of two or more (PostgreSQL; summed over
  // the threads, so compare it with 1.0 only on thread 0's row).
  if (state.thread_index() == 0) {
    state.counters["grouped"] = benchmark::Counter(
        static_cast<double>(grouped.value() - grouped_before) /
        static_cast<double>(std::max<int64_t>(1, state.iterations() * state.threads())));
  }
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

void BM_PostgresRoundTrip(benchmark::State& state, Backend* b) {
  auto db = postgres::Database::Open(b->pg_url);
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
  for (const auto& backend : g_backends) {
    Backend* b = backend.get();
    auto named = [&](const char* bench) { return absl::StrCat(bench, "/", b->name); };
    if (!b->pg_url.empty()) {
      benchmark::RegisterBenchmark(named("BM_PostgresRoundTrip").c_str(), BM_PostgresRoundTrip, b)
          ->MinTime(2.0)
          ->UseRealTime();
    }
    benchmark::RegisterBenchmark(named("BM_CacheMissGetJobClass").c_str(), BM_CacheMissGetJobClass,
                                 b)
        ->MinTime(2.0)
        ->UseRealTime();
    benchmark::RegisterBenchmark(named("BM_GetJobClassMiss").c_str(), BM_GetJobClassMiss, b)
        ->Threads(1)
        ->Threads(4)
        ->MinTime(2.0)
        ->UseRealTime();
    benchmark::RegisterBenchmark(named("BM_StoreGetClass").c_str(), BM_StoreGetClass, b)
        ->Threads(1)
        ->MinTime(2.0)
        ->UseRealTime();
    for (bool new_text : {false, true}) {
      benchmark::RegisterBenchmark(
          named(new_text ? "BM_ReviseClassNewText" : "BM_ReviseClass").c_str(),
          [new_text](benchmark::State& state, Backend* backend) {
            BM_ReviseClass(state, backend, new_text);
          },
          b)
          ->Threads(1)
          ->Threads(4)
          ->Threads(8)
          ->Threads(kWriterClasses)
          ->MinTime(3.0)
          ->UseRealTime();
    }
    benchmark::RegisterBenchmark(named("BM_ReviseBatch").c_str(), BM_ReviseBatch, b)
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
  classplan::catalog::g_backends.clear();
  classplan::catalog::g_pg.reset();
  classplan::catalog::g_redis.reset();
  std::error_code ignored;
  std::filesystem::remove_all(classplan::catalog::g_temp, ignored);
  return 0;
}
