#ifndef CLASSPLAN_SERVICES_GATEWAY_TELEMETRY_COUNTERS_H_
#define CLASSPLAN_SERVICES_GATEWAY_TELEMETRY_COUNTERS_H_

// The gateway's counters (common/metrics), declared once. Admission counts refusals and key
// cache use; the rate limiter its fallbacks to local buckets; the proxy counts backend
// failures.

#include "common/metrics/metrics.h"

namespace classplan::gateway {

struct GatewayCounters {
  metrics::Counter& unauthenticated = metrics::GetCounter("gateway.auth.unauthenticated");
  metrics::Counter& denied = metrics::GetCounter("gateway.auth.permission_denied");
  metrics::Counter& cache_hit = metrics::GetCounter("gateway.auth.key_cache_hit");
  metrics::Counter& cache_miss = metrics::GetCounter("gateway.auth.key_cache_miss");
  metrics::Counter& rejected = metrics::GetCounter("gateway.ratelimit.rejected");
  metrics::Counter& shed = metrics::GetCounter("gateway.ratelimit.shed");
  // Redis did not answer a lease; this replica's local buckets took over (rate_limiter.cc).
  metrics::Counter& redis_fallback = metrics::GetCounter("gateway.ratelimit.redis_fallback");
  // Refused keys that were right but past their expiry (also in unauthenticated).
  metrics::Counter& expired_key = metrics::GetCounter("gateway.auth.expired_key");
  // Calls refused because their address failed too many authentications (key_ring.h).
  metrics::Counter& failed_auth_limited = metrics::GetCounter("gateway.auth.failed_auth_limited");
  // The key file: reloaded with new content / changed but did not load (old keys kept).
  metrics::Counter& keys_reloaded = metrics::GetCounter("gateway.keys.reloaded");
  metrics::Counter& keys_reload_failed = metrics::GetCounter("gateway.keys.reload_failed");
  metrics::Counter& unrouted = metrics::GetCounter("gateway.unrouted");
  metrics::Counter& backend_errors = metrics::GetCounter("gateway.backend.errors");
  metrics::Counter& backend_unavailable = metrics::GetCounter("gateway.backend.unavailable");
};

// The process's one instance (never destroyed).
inline GatewayCounters& Counters() {
  static GatewayCounters* c = new GatewayCounters;
  return *c;
}

}  // namespace classplan::gateway

#endif  // CLASSPLAN_SERVICES_GATEWAY_TELEMETRY_COUNTERS_H_
