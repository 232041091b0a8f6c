// Where each named counter goes in Prometheus, and every family's HELP. A name not listed
// here still gets a family of its own (classplan_<name with _>_total) and a HELP that names
// it; add a line here when adding a counter, so the HELP says what it counts.

#include <algorithm>
#include <array>
#include <cctype>
#include <string>
#include <string_view>

#include "absl/strings/str_cat.h"
#include "common/metrics/metrics.h"

namespace classplan::metrics {
namespace {

struct Known {
  const char* name;
  const char* family;
  const char* help;
  const char* label1;  // "key=value" or nullptr
  const char* label2;
};

constexpr char kHits[] = "classplan_cache_hits_total";
constexpr char kHitsHelp[] =
    "Reads answered by a cache tier (local: in process, redis: the shared tier), by cache.";
constexpr char kMisses[] = "classplan_cache_misses_total";
constexpr char kMissesHelp[] =
    "Reads that missed every cache tier and went to the source of truth, by cache.";

// clang-format off
constexpr std::array<Known, 43> kKnown = {{
    {"catalog.cache.local_hit", kHits, kHitsHelp, "cache=catalog", "tier=local"},
    {"catalog.cache.redis_hit", kHits, kHitsHelp, "cache=catalog", "tier=redis"},
    {"payband.cache.local_hit", kHits, kHitsHelp, "cache=payband", "tier=local"},
    {"payband.cache.local_checked_hit", kHits, kHitsHelp, "cache=payband", "tier=local_checked"},
    {"payband.cache.redis_hit", kHits, kHitsHelp, "cache=payband", "tier=redis"},
    {"payband.cache.store_load", kMisses, kMissesHelp, "cache=payband", nullptr},
    {"eligibility.rules.local_hit", kHits, kHitsHelp, "cache=eligibility_rules", "tier=local"},
    {"eligibility.rules.redis_hit", kHits, kHitsHelp, "cache=eligibility_rules", "tier=redis"},
    {"eligibility.rules.catalog_fetch", kMisses, kMissesHelp, "cache=eligibility_rules", nullptr},
    {"catalog.cache.corrupt", "classplan_cache_corrupt_total",
     "Cached values that did not parse and were dropped, by cache.", "cache=catalog", nullptr},
    {"payband.cache.corrupt", "classplan_cache_corrupt_total",
     "Cached values that did not parse and were dropped, by cache.", "cache=payband", nullptr},
    {"eligibility.rules.redis_corrupt", "classplan_cache_corrupt_total",
     "Cached values that did not parse and were dropped, by cache.", "cache=eligibility_rules",
     nullptr},
    {"catalog.cache.unsynced_writes", "classplan_catalog_cache_unsynced_writes_total",
     "Catalog writes whose Redis copy could not be replaced at once (retried in the background).",
     nullptr, nullptr},
    {"payband.cache.invalidation_unpublished",
     "classplan_payband_cache_invalidation_unpublished_total",
     "Pay-band invalidations Redis did not take at once (retried in the background).", nullptr,
     nullptr},
    {"eligibility.rules.settling_fetch", "classplan_eligibility_rules_settling_fetch_total",
     "Rule reads sent to the catalog because an invalidation was settling.", nullptr, nullptr},
    {"eligibility.rules.invalidated", "classplan_eligibility_rules_invalidated_total",
     "Invalidations of cached eligibility rules received.", nullptr, nullptr},
    {"eligibility.rules.epoch_write_failed", "classplan_eligibility_rules_epoch_write_failed_total",
     "Rule cache epochs that could not be written to Redis.", nullptr, nullptr},
    {"eligibility.screen.applicants", "classplan_eligibility_screen_applicants_total",
     "Applicants screened by the batch screening stream.", nullptr, nullptr},
    {"cache.redis.fallback", "classplan_cache_redis_fallback_total",
     "Cache reads that fell back to the store because Redis failed or its breaker was open.",
     nullptr, nullptr},
    {"cache.redis.errors", "classplan_cache_redis_errors_total",
     "Redis commands that failed (error, timeout or lost connection).", nullptr, nullptr},
    {"cache.redis.breaker_open", "classplan_cache_redis_breaker_open_total",
     "Times the Redis circuit breaker opened after consecutive failures.", nullptr, nullptr},
    {"cache.redis.rejected", "classplan_cache_redis_rejected_total",
     "Redis values discarded because their seal did not verify for their key.", nullptr, nullptr},
    {"cache.redis.put_failed", "classplan_cache_redis_put_failed_total",
     "Writes of a value to Redis that failed.", nullptr, nullptr},
    {"cache.redis.invalidate_failed", "classplan_cache_redis_invalidate_failed_total",
     "Invalidations (delete and publish) Redis did not take.", nullptr, nullptr},
    {"cache.redis.auth_failed", "classplan_cache_redis_auth_failed_total",
     "Redis connections whose AUTH was refused.", nullptr, nullptr},
    {"catalog_client.unavailable", "classplan_catalog_client_unavailable_total",
     "Calls to the catalog that failed UNAVAILABLE (down or too slow).", nullptr, nullptr},
    {"postgres_grouped_writes", "classplan_postgres_grouped_writes_total",
     "Writes committed in a group with others (pipeline mode).", nullptr, nullptr},
    {"postgres_reads_retried", "classplan_postgres_reads_retried_total",
     "PostgreSQL reads retried once on a new connection after a lost one.", nullptr, nullptr},
    {"postgres_connections_lost", "classplan_postgres_connections_lost_total",
     "PostgreSQL connections found lost and replaced.", nullptr, nullptr},
    {"postgres_begins_retried", "classplan_postgres_begins_retried_total",
     "PostgreSQL transactions whose BEGIN was retried on a new connection.", nullptr, nullptr},
    {"gateway.auth.unauthenticated", "classplan_gateway_auth_unauthenticated_total",
     "Calls refused UNAUTHENTICATED at the gateway (no, unknown or expired key).", nullptr,
     nullptr},
    {"gateway.auth.permission_denied", "classplan_gateway_auth_permission_denied_total",
     "Calls refused by the gateway's policy.", nullptr, nullptr},
    {"gateway.auth.key_cache_hit", "classplan_gateway_auth_key_cache_hit_total",
     "Authenticated calls whose API key was already verified (no hashing).", nullptr, nullptr},
    {"gateway.auth.key_cache_miss", "classplan_gateway_auth_key_cache_miss_total",
     "Authenticated calls whose API key had to be verified (PBKDF2).", nullptr, nullptr},
    {"gateway.auth.expired_key", "classplan_gateway_auth_expired_key_total",
     "Calls refused because their key was right but past its expiry.", nullptr, nullptr},
    {"gateway.auth.failed_auth_limited", "classplan_gateway_auth_failed_auth_limited_total",
     "Calls refused because their address failed too many authentications.", nullptr, nullptr},
    {"gateway.ratelimit.rejected", "classplan_gateway_ratelimit_rejected_total",
     "Calls refused RESOURCE_EXHAUSTED by a principal's rate limit.", nullptr, nullptr},
    {"gateway.ratelimit.shed", "classplan_gateway_ratelimit_shed_total",
     "Calls shed by the gateway because its workers were saturated.", nullptr, nullptr},
    {"gateway.ratelimit.redis_fallback", "classplan_gateway_ratelimit_redis_fallback_total",
     "Rate-limit leases Redis did not answer; local buckets took over.", nullptr, nullptr},
    {"gateway.keys.reloaded", "classplan_gateway_keys_reloaded_total",
     "Reloads of the API key file with new content.", nullptr, nullptr},
    {"gateway.keys.reload_failed", "classplan_gateway_keys_reload_failed_total",
     "Changes of the API key file that did not load (old keys kept).", nullptr, nullptr},
    {"gateway.unrouted", "classplan_gateway_unrouted_total",
     "Calls to a service no route names (UNIMPLEMENTED).", nullptr, nullptr},
    {"gateway.backend.errors", "classplan_gateway_backend_errors_total",
     "Calls a backend answered with a server-side error.", nullptr, nullptr},
}};
// clang-format on

// "<service>.rpc.<what>": the adapter's counters (common/server/unary.h), one family each
// with the service as a label.
struct RpcKind {
  const char* suffix;
  const char* family;
  const char* help;
};
constexpr std::array<RpcKind, 4> kRpc = {{
    {".rpc.server_errors", "classplan_rpc_server_errors_total",
     "Calls that failed with a server-side code (INTERNAL, UNKNOWN, DATA_LOSS, UNAVAILABLE, "
     "DEADLINE_EXCEEDED), by service."},
    {".rpc.shed", "classplan_rpc_shed_total",
     "Calls refused UNAVAILABLE because the worker pool's queue was full, by service."},
    {".rpc.unauthenticated", "classplan_rpc_unauthenticated_total",
     "Calls without a valid identity assertion, by service."},
    {".rpc.denied", "classplan_rpc_denied_total",
     "Calls the service's role table refused, by service."},
}};

void AddLabel(const char* kv, std::map<std::string, std::string>* labels) {
  if (kv == nullptr) return;
  std::string_view s(kv);
  const size_t eq = s.find('=');
  (*labels)[std::string(s.substr(0, eq))] = std::string(s.substr(eq + 1));
}

std::string Sanitize(std::string_view name) {
  std::string out(name);
  for (char& c : out) {
    if (std::isalnum(static_cast<unsigned char>(c)) == 0) c = '_';
  }
  return out;
}

}  // namespace

Series SeriesOf(std::string_view name) {
  // The gateway's backend_unavailable shares backend errors' family, by kind.
  if (name == "gateway.backend.unavailable") {
    return {"classplan_gateway_backend_unavailable_total",
            "Calls no backend replica could take (UNAVAILABLE).",
            {}};
  }
  for (const Known& k : kKnown) {
    if (name == k.name) {
      Series s{k.family, k.help, {}};
      AddLabel(k.label1, &s.labels);
      AddLabel(k.label2, &s.labels);
      return s;
    }
  }
  for (const RpcKind& k : kRpc) {
    const std::string_view suffix(k.suffix);
    if (name.size() > suffix.size() && name.substr(name.size() - suffix.size()) == suffix) {
      return {
          k.family, k.help, {{"service", Sanitize(name.substr(0, name.size() - suffix.size()))}}};
    }
  }
  return {absl::StrCat("classplan_", Sanitize(name), "_total"),
          absl::StrCat("Count of ", Sanitize(name), " events (common/metrics/names.cc)."),
          {}};
}

}  // namespace classplan::metrics
