// catalog_server: the classification catalog service.
//
//   catalog_server --listen=127.0.0.1:50051 --db=var/catalog.db --data_dir=data/catalog
//                  --redis=127.0.0.1:6379

#include <memory>

#include "absl/flags/flag.h"
#include "absl/flags/parse.h"
#include "absl/flags/usage.h"
#include "absl/time/time.h"
#include "common/cache/cache.h"
#include "common/cache/redis_client.h"
#include "common/cache/redis_setup.h"
#include "common/clock/clock.h"
#include "common/log/log.h"
#include "common/server/flags.h"
#include "common/server/server_host.h"
#include "common/server/worker_pool.h"
#include "services/catalog/cache/built_view_cache.h"
#include "services/catalog/cache/tiered_class_cache.h"
#include "services/catalog/data/importer.h"
#include "services/catalog/domain/catalog.h"
#include "services/catalog/grpc/catalog_grpc_service.h"
#include "services/catalog/store/sqlite_catalog_store.h"

ABSL_FLAG(std::string, db, classplan::server::EnvOr("CLASSPLAN_CATALOG_DB", "var/catalog.db"),
          "SQLite database file (env CLASSPLAN_CATALOG_DB); created if missing");
ABSL_FLAG(std::string, data_dir, classplan::server::EnvOr("CLASSPLAN_CATALOG_DATA", "data/catalog"),
          "directory of *.textproto data files imported on start (env CLASSPLAN_CATALOG_DATA); "
          "empty to import nothing");
ABSL_FLAG(bool, allow_bad_data, false,
          "start even when a data file is rejected (it is still not imported)");
ABSL_FLAG(std::string, time_zone, classplan::server::EnvOr("CLASSPLAN_TIME_ZONE", "UTC"),
          "IANA time zone that decides what 'today' is for effective dates");
ABSL_FLAG(absl::Duration, cache_ttl, absl::Minutes(10), "Redis TTL for cached classes");
ABSL_FLAG(absl::Duration, local_cache_ttl, absl::Seconds(30), "in-process TTL for classes");

namespace classplan::catalog {
namespace {

int Run() {
  log::Init("catalog");
  auto redis_addr = server::ParseRedisFlag(absl::GetFlag(FLAGS_redis));
  if (!redis_addr.ok()) {
    log::Error("bad flag", {{"detail", absl::string_view(redis_addr.status().message())}});
    return 2;
  }
  std::string tz = absl::GetFlag(FLAGS_time_zone);
  if (absl::TimeZone loaded; !absl::LoadTimeZone(tz, &loaded)) {
    // "Today" decides which revision is in force; never guess it.
    log::Error("bad flag", {{"detail", "--time_zone is not a known IANA time zone"}});
    return 2;
  }
  auto store = SqliteCatalogStore::Open(absl::GetFlag(FLAGS_db));
  if (!store.ok()) {
    log::Error("cannot open store", {{"detail", absl::string_view(store.status().message())}});
    return 1;
  }
  if (std::string dir = absl::GetFlag(FLAGS_data_dir); !dir.empty()) {
    auto files = ReadDataDir(dir);
    if (!files.ok()) {
      log::Error("cannot read data", {{"detail", absl::string_view(files.status().message())}});
      return 1;
    }
    auto report = ImportDataFiles(*files, store->get());
    if (!report.ok()) {
      log::Error("data import failed", {{"detail", absl::string_view(report.status().message())}});
      return 1;
    }
    for (const auto& p : report->problems) {
      log::Error("data file rejected", {{"problem", absl::string_view(p.ToString())}});
    }
    log::Info("data import", {{"files_imported", int64_t{report->files_imported}},
                              {"files_unchanged", int64_t{report->files_unchanged}},
                              {"classes_imported", int64_t{report->classes_imported}},
                              {"rejected", static_cast<int64_t>(report->problems.size())}});
    if (!report->problems.empty() && !absl::GetFlag(FLAGS_allow_bad_data)) return 1;
  }

  cache::RedisCacheSetup redis;
  if (redis_addr->has_value()) {
    redis = cache::SetUpRedisCache((*redis_addr)->host, (*redis_addr)->port, "catalog",
                                   absl::GetFlag(FLAGS_cache_ttl));
  } else {
    log::Warn("redis cache off: in-process cache only");
  }
  TieredClassCacheOptions co;
  co.local_ttl = absl::GetFlag(FLAGS_local_cache_ttl);
  TieredClassCache class_cache(co, redis.cache.get(), redis.subscriber);
  BuiltViewCache views;
  Catalog catalog(store->get(), &class_cache, clock::Clock::System(tz), &views);

  // Calls beyond this many waiting are refused with UNAVAILABLE rather than queued past
  // their deadlines.
  server::WorkerPool workers(absl::GetFlag(FLAGS_worker_threads), /*max_queue=*/1024);
  CatalogGrpcService service(&catalog, &workers);
  return server::ServeFromFlags(&service, "catalog", "classplan.catalog.v1.CatalogService");
}

}  // namespace
}  // namespace classplan::catalog

int main(int argc, char** argv) {
  classplan::server::BlockShutdownSignals();
  absl::SetProgramUsageMessage("classplan catalog service");
  absl::ParseCommandLine(argc, argv);
  return classplan::catalog::Run();
}
