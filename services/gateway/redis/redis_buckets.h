#ifndef CLASSPLAN_SERVICES_GATEWAY_REDIS_REDIS_BUCKETS_H_
#define CLASSPLAN_SERVICES_GATEWAY_REDIS_REDIS_BUCKETS_H_

// SharedBuckets in Redis: one hash per principal, "classplan:v1:gateway:rl:<digest>" (the
// principal id is hashed so no identifier appears in a key), with fields tokens and ts,
// refilled and taken from atomically by one Lua script run with EVALSHA. The script uses
// Redis's own clock, so gateway replicas with skewed clocks still share one bucket.

#include <string>

#include "common/cache/redis_client.h"
#include "services/gateway/domain/rate_limiter.h"

namespace classplan::gateway {

class RedisBuckets : public SharedBuckets {
 public:
  explicit RedisBuckets(cache::RedisClient* redis);
  absl::StatusOr<Grant> Take(const Principal& principal, int64_t want, double per_second,
                             int64_t burst) override;

  static const char* Script();

 private:
  cache::RedisClient* redis_;
  std::string sha1_;
};

}  // namespace classplan::gateway

#endif  // CLASSPLAN_SERVICES_GATEWAY_REDIS_REDIS_BUCKETS_H_
