// eligibility_server: the eligibility evaluation service.
//
//   eligibility_server --listen=127.0.0.1:50081 --redis=127.0.0.1:6379
//                      --catalog=127.0.0.1:50051 --full_time_hours=40 --db=var/eligibility.db
//   eligibility_server --db_url_file=/run/secrets/eligibility-db-url   # PostgreSQL
//   eligibility_server --db_url_file=... --migrate_only                # migrate, exit 0
//
// --listen defaults to 127.0.0.1:50081 here (env CLASSPLAN_ELIGIBILITY_LISTEN). Class rules
// come from the catalog, cached in process and in Redis. The database holds rulings only
// (docs/eligibility-rulings.md): a SQLite file (the default) or PostgreSQL. Applicant data is
// never logged, counted, cached or stored (a ruling keeps only the caller's applicant
// reference).

#include <cmath>
#include <memory>

#include "absl/flags/flag.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_split.h"
#include "absl/time/time.h"
#include "common/cache/cache.h"
#include "common/catalog_client/catalog_flags.h"
#include "common/log/log.h"
#include "common/postgres/store_flags.h"
#include "common/server/flags.h"
#include "common/server/redis_startup.h"
#include "common/server/server_host.h"
#include "common/server/startup.h"
#include "common/server/worker_pool.h"
#include "services/eligibility/cache/caching_rule_source.h"
#include "services/eligibility/clients/catalog_class_fetcher.h"
#include "services/eligibility/domain/eligibility.h"
#include "services/eligibility/grpc/eligibility_grpc_service.h"
#include "services/eligibility/store/postgres_ruling_store.h"
#include "services/eligibility/store/sqlite_ruling_store.h"

CLASSPLAN_STORE_FLAGS("CLASSPLAN_ELIGIBILITY", "var/eligibility.db");

ABSL_FLAG(double, full_time_hours, 40,
          "hours a week that count as full time when crediting part-time experience");
ABSL_FLAG(std::string, jurisdiction_full_time, "",
          "per-jurisdiction full time, e.g. \"denver-csa=40,nm-spo=40\" (others: "
          "--full_time_hours)");
ABSL_FLAG(absl::Duration, cache_ttl, absl::Minutes(10), "Redis TTL for cached class rules");
ABSL_FLAG(absl::Duration, local_cache_ttl, absl::Minutes(10),
          "in-process TTL for compiled class rules while revision notices are received");
ABSL_FLAG(int, screen_max_pending, 64,
          "results a screening stream may hold unwritten before it stops reading");

namespace classplan::eligibility {
namespace {

int Run() {
  log::Init("eligibility");
  // First: a migration Job (--migrate_only) needs no other flag.
  auto opened = postgres::OpenStoreFromFlags<RulingStore>(
      absl::GetFlag(FLAGS_db), absl::GetFlag(FLAGS_db_url_file), absl::GetFlag(FLAGS_migrate_only),
      [](const std::string& path) { return SqliteRulingStore::Open(path); },
      [](const std::string& url) { return PostgresRulingStore::Open(url); });
  if (opened.store == nullptr) return opened.exit_code;
  auto identity_keys = server::IdentityKeysFromFlags();
  if (!identity_keys.ok()) return server::BadFlag(identity_keys.status().message());
  auto redis_addr = server::RedisFromFlags();
  if (!redis_addr.ok()) return server::BadFlag(redis_addr.status().message());
  const double hours = absl::GetFlag(FLAGS_full_time_hours);
  if (!catalog_client::CatalogFlagsValid() || !(hours > 0) || hours > 168 ||
      absl::GetFlag(FLAGS_screen_max_pending) <= 0) {
    return server::BadFlag(
        "--catalog, a positive --catalog_deadline, --full_time_hours in (0, 168] and a "
        "positive --screen_max_pending are required");
  }

  cache::RedisCacheSetup redis = server::RedisCacheFromFlag(
      *redis_addr, "eligibility", absl::GetFlag(FLAGS_cache_ttl),
      "redis cache off: in-process rules only, kept a few seconds (no revision notices)");
  std::string catalog_channel;
  if (redis.client != nullptr) {
    // The channel the catalog publishes revised class codes on.
    catalog_channel =
        cache::Cache(redis.client.get(), "catalog", absl::Minutes(1)).InvalidationChannel();
  }

  auto catalog = catalog_client::ConnectFromFlags(*identity_keys, "eligibility");
  CatalogClassFetcher fetcher(catalog.get());
  RuleCacheOptions ro;
  ro.local_ttl = absl::GetFlag(FLAGS_local_cache_ttl);
  CachingRuleSource rules(&fetcher, ro, redis.cache.get(), redis.subscriber, catalog_channel);

  JurisdictionSettings settings;
  settings.defaults.full_time_centihours = std::llround(hours * 100);
  for (absl::string_view item :
       absl::StrSplit(absl::GetFlag(FLAGS_jurisdiction_full_time), ',', absl::SkipEmpty())) {
    std::pair<std::string, std::string> kv = absl::StrSplit(item, absl::MaxSplits('=', 1));
    double h = 0;
    if (kv.first.empty() || !absl::SimpleAtod(kv.second, &h) || !(h > 0) || h > 168) {
      return server::BadFlag("--jurisdiction_full_time must be id=hours,...");
    }
    settings.by_jurisdiction[kv.first].full_time_centihours = std::llround(h * 100);
  }
  RulingCache ruling_cache(opened.store.get());
  RulingService rulings(opened.store.get());
  Eligibility eligibility(&rules, settings, &ruling_cache);

  auto workers = server::WorkersFromFlags();
  EligibilityGrpcService service(&eligibility, workers.get(), *std::move(identity_keys),
                                 static_cast<size_t>(absl::GetFlag(FLAGS_screen_max_pending)),
                                 &rulings);
  return server::ServeFromFlags(&service, "eligibility",
                                "classplan.eligibility.v1.EligibilityService");
}

}  // namespace
}  // namespace classplan::eligibility

int main(int argc, char** argv) {
  return classplan::server::ServiceMain(
      argc, argv,
      {"classplan eligibility service", "CLASSPLAN_ELIGIBILITY_LISTEN", "127.0.0.1:50081"},
      &classplan::eligibility::Run);
}
