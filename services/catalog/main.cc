// catalog_server: the classification catalog service.
//
//   catalog_server --listen=127.0.0.1:50051 --db=var/catalog.db --data_dir=data/catalog
//                  --redis=127.0.0.1:6379
//   catalog_server --db_url_file=/run/secrets/catalog-db-url   # PostgreSQL
//   catalog_server --db_url_file=/run/secrets/catalog-db-url --migrate_only   # a migration Job
//
// --db is a SQLite file (the default, one machine) or a postgresql:// URL without a password;
// a URL with a password comes from --db_url_file, so it never shows in ps. Replicas on one
// PostgreSQL database may start together: migrations run under an advisory lock, and the data
// file import is one transaction per file whose loser retries and finds the file imported.

#include <filesystem>
#include <memory>

#include "absl/flags/flag.h"
#include "absl/time/time.h"
#include "common/clock/clock_flags.h"
#include "common/log/log.h"
#include "common/postgres/store_flags.h"
#include "common/server/flags.h"
#include "common/server/redis_startup.h"
#include "common/server/server_host.h"
#include "common/server/startup.h"
#include "common/server/worker_pool.h"
#include "services/catalog/cache/built_view_cache.h"
#include "services/catalog/cache/tiered_class_cache.h"
#include "services/catalog/data/importer.h"
#include "services/catalog/domain/catalog.h"
#include "services/catalog/grpc/catalog_grpc_service.h"
#include "services/catalog/store/postgres_catalog_store.h"
#include "services/catalog/store/sqlite_catalog_store.h"

CLASSPLAN_STORE_FLAGS("CLASSPLAN_CATALOG", "var/catalog.db");
ABSL_FLAG(std::string, data_dir, classplan::server::EnvOr("CLASSPLAN_CATALOG_DATA", "data/catalog"),
          "directory of *.textproto data files imported on start (env CLASSPLAN_CATALOG_DATA); "
          "empty to import nothing");
ABSL_FLAG(bool, allow_bad_data, false,
          "start even when a data file is rejected (it is still not imported)");
ABSL_FLAG(absl::Duration, cache_ttl, absl::Minutes(10), "Redis TTL for cached classes");
ABSL_FLAG(absl::Duration, local_cache_ttl, absl::Seconds(30), "in-process TTL for classes");

namespace classplan::catalog {
namespace {

int Run() {
  log::Init("catalog");
  // First, so that --migrate_only needs nothing else (no keys, Redis or data files).
  auto opened = postgres::OpenStoreFromFlags<CatalogStore>(
      absl::GetFlag(FLAGS_db), absl::GetFlag(FLAGS_db_url_file), absl::GetFlag(FLAGS_migrate_only),
      [](const std::string& path) { return SqliteCatalogStore::Open(path); },
      [](const std::string& url) { return PostgresCatalogStore::Open(url); });
  if (opened.store == nullptr) return opened.exit_code;
  auto identity_keys = server::IdentityKeysFromFlags();
  if (!identity_keys.ok()) return server::BadFlag(identity_keys.status().message());
  auto redis_addr = server::RedisFromFlags();
  if (!redis_addr.ok()) return server::BadFlag(redis_addr.status().message());
  auto clock = clock::ClockFromFlags();
  if (!clock.ok()) return server::BadFlag(clock.status().message());
  // The competency frameworks a class may name: the appraisal service's shipped files, in the
  // "appraisal" folder beside --data_dir (data/ ships as one tree; docs/data.md). Without
  // --data_dir there are none, and a class naming one is refused.
  KnownFrameworks frameworks;
  if (std::string dir = absl::GetFlag(FLAGS_data_dir); !dir.empty()) {
    while (dir.size() > 1 && dir.back() == '/') dir.pop_back();
    const std::string frameworks_dir =
        (std::filesystem::path(dir).parent_path() / "appraisal").string();
    auto known = LoadKnownFrameworks(frameworks_dir);
    if (!known.ok()) return server::StartFailed("cannot read frameworks", known.status());
    frameworks = *std::move(known);
    log::Info("competency frameworks", {{"dir", absl::string_view(frameworks_dir)},
                                        {"count", static_cast<int64_t>(frameworks.size())}});
  }
  if (std::string dir = absl::GetFlag(FLAGS_data_dir); !dir.empty()) {
    auto files = ReadDataDir(dir);
    if (!files.ok()) return server::StartFailed("cannot read data", files.status());
    auto report = ImportDataFiles(*files, opened.store.get(), &frameworks);
    if (!report.ok()) return server::StartFailed("data import failed", report.status());
    for (const auto& p : report->problems) {
      log::Error("data file rejected", {{"problem", absl::string_view(p.ToString())}});
    }
    log::Info("data import", {{"files_imported", int64_t{report->files_imported}},
                              {"files_unchanged", int64_t{report->files_unchanged}},
                              {"classes_imported", int64_t{report->classes_imported}},
                              {"rejected", static_cast<int64_t>(report->problems.size())}});
    if (!report->problems.empty() && !absl::GetFlag(FLAGS_allow_bad_data)) return 1;
  }

  cache::RedisCacheSetup redis =
      server::RedisCacheFromFlag(*redis_addr, "catalog", absl::GetFlag(FLAGS_cache_ttl),
                                 "redis cache off: in-process cache only");
  TieredClassCacheOptions co;
  co.local_ttl = absl::GetFlag(FLAGS_local_cache_ttl);
  TieredClassCache class_cache(co, redis.cache.get(), redis.subscriber);
  BuiltViewCache views;
  Catalog catalog(opened.store.get(), &class_cache, *clock, &views, &frameworks);

  auto workers = server::WorkersFromFlags();
  CatalogGrpcService service(&catalog, workers.get(), *std::move(identity_keys));
  return server::ServeFromFlags(&service, "catalog", "classplan.catalog.v1.CatalogService");
}

}  // namespace
}  // namespace classplan::catalog

int main(int argc, char** argv) {
  return classplan::server::ServiceMain(argc, argv, {"classplan catalog service"},
                                        &classplan::catalog::Run);
}
