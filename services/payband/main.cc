// payband_server: the pay-band service.
//
//   payband_server --listen=127.0.0.1:50061 --db=var/payband.db --data_dir=data/payband
//                  --redis=127.0.0.1:6379 --catalog=127.0.0.1:50051
//   payband_server --db_url_file=/run/secrets/payband-db-url ...   # PostgreSQL
//   payband_server --db_url_file=... --migrate_only                # migrate, exit 0
//
// --db is a SQLite file (the default, one machine) or a postgresql:// URL without a password;
// a URL with a password comes from --db_url_file, so it never shows in ps. Replicas may share
// one PostgreSQL database; each imports the data files at start, and an import another
// replica finished first counts as already present.
//
// --listen defaults to 127.0.0.1:50061 here (env CLASSPLAN_PAYBAND_LISTEN), not to the
// catalog's CLASSPLAN_LISTEN.

#include <memory>

#include "absl/flags/flag.h"
#include "absl/time/time.h"
#include "common/catalog_client/catalog_flags.h"
#include "common/clock/clock_flags.h"
#include "common/log/log.h"
#include "common/postgres/store_flags.h"
#include "common/server/flags.h"
#include "common/server/redis_startup.h"
#include "common/server/server_host.h"
#include "common/server/startup.h"
#include "common/server/worker_pool.h"
#include "services/payband/cache/caching_payband_store.h"
#include "services/payband/clients/catalog_class_directory.h"
#include "services/payband/data/importer.h"
#include "services/payband/domain/payband.h"
#include "services/payband/grpc/payband_grpc_service.h"
#include "services/payband/store/postgres_payband_store.h"
#include "services/payband/store/sqlite_payband_store.h"

CLASSPLAN_STORE_FLAGS("CLASSPLAN_PAYBAND", "var/payband.db");
ABSL_FLAG(std::string, data_dir, classplan::server::EnvOr("CLASSPLAN_PAYBAND_DATA", "data/payband"),
          "directory of *.textproto pay data files imported on start (env CLASSPLAN_PAYBAND_DATA); "
          "empty to import nothing");
ABSL_FLAG(bool, allow_bad_data, false,
          "start even when a data file is rejected (it is still not imported)");
ABSL_FLAG(absl::Duration, cache_ttl, absl::Minutes(10), "Redis TTL for cached schedules");
ABSL_FLAG(absl::Duration, local_cache_ttl, absl::Seconds(60),
          "in-process TTL for cached schedules");

namespace classplan::payband {
namespace {

int Run() {
  log::Init("payband");
  // First: a migration Job (--migrate_only) needs no other flag.
  auto opened = postgres::OpenStoreFromFlags<PaybandStore>(
      absl::GetFlag(FLAGS_db), absl::GetFlag(FLAGS_db_url_file), absl::GetFlag(FLAGS_migrate_only),
      [](const std::string& path) { return SqlitePaybandStore::Open(path); },
      [](const std::string& url) { return PostgresPaybandStore::Open(url); });
  if (opened.store == nullptr) return opened.exit_code;
  auto identity_keys = server::IdentityKeysFromFlags();
  if (!identity_keys.ok()) return server::BadFlag(identity_keys.status().message());
  auto redis_addr = server::RedisFromFlags();
  if (!redis_addr.ok()) return server::BadFlag(redis_addr.status().message());
  auto clock = clock::ClockFromFlags();
  if (!clock.ok()) return server::BadFlag(clock.status().message());
  if (!catalog_client::CatalogFlagsValid()) {
    return server::BadFlag("--catalog and a positive --catalog_deadline are required");
  }

  cache::RedisCacheSetup redis = server::RedisCacheFromFlag(
      *redis_addr, "payband", absl::GetFlag(FLAGS_cache_ttl),
      "redis cache off: in-process cache only, checked against the store's version");
  CachingPaybandStoreOptions co;
  co.local_ttl = absl::GetFlag(FLAGS_local_cache_ttl);
  CachingPaybandStore cached(opened.store.get(), co, redis.cache.get(), redis.subscriber);

  // Imported through the cache so that other replicas drop what a new schedule replaces.
  if (std::string dir = absl::GetFlag(FLAGS_data_dir); !dir.empty()) {
    auto files = ReadPayDataDir(dir);
    if (!files.ok()) return server::StartFailed("cannot read data", files.status());
    auto report = ImportPayDataFiles(*files, &cached);
    if (!report.ok()) return server::StartFailed("data import failed", report.status());
    for (const auto& p : report->problems) {
      log::Error("data file rejected", {{"problem", absl::string_view(p)}});
    }
    log::Info("data import", {{"schedules_imported", int64_t{report->schedules_imported}},
                              {"schedules_present", int64_t{report->schedules_present}},
                              {"assignments_imported", int64_t{report->assignments_imported}},
                              {"rejected", static_cast<int64_t>(report->problems.size())}});
    if (!report->problems.empty() && !absl::GetFlag(FLAGS_allow_bad_data)) return 1;
  }

  auto catalog = catalog_client::ConnectFromFlags(*identity_keys, "payband");
  CatalogClassDirectory classes(catalog.get());
  Payband payband(&cached, &classes, *clock);

  auto workers = server::WorkersFromFlags();
  PaybandGrpcService service(&payband, workers.get(), *std::move(identity_keys));
  return server::ServeFromFlags(&service, "payband", "classplan.payband.v1.PaybandService");
}

}  // namespace
}  // namespace classplan::payband

int main(int argc, char** argv) {
  return classplan::server::ServiceMain(
      argc, argv, {"classplan pay-band service", "CLASSPLAN_PAYBAND_LISTEN", "127.0.0.1:50061"},
      &classplan::payband::Run);
}
