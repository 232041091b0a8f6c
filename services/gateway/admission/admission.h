#ifndef CLASSPLAN_SERVICES_GATEWAY_ADMISSION_ADMISSION_H_
#define CLASSPLAN_SERVICES_GATEWAY_ADMISSION_ADMISSION_H_

// Whether a call may reach a backend: the API key, the policy (Policy::Decide) and the rate
// limit, in that order, with no gRPC types. The proxy asks once per call and only moves
// bytes; a refusal is a status (or a delay to retry after) for the proxy to send.
//
// Order of the checks, each refusal counted (telemetry/counters.h):
//   1. a public method served by a route needs no key: admitted with no principal;
//   2. a missing or wrong key: UNAUTHENTICATED; before a key not verified recently is
//      checked, the client address's failed authentications (FailedAuthLimiter): too many,
//      kRateLimited with the delay;
//   3. no route for the method's service: UNIMPLEMENTED (only a valid key learns which
//      services exist);
//   4. the policy denies the key's roles: PERMISSION_DENIED;
//   5. the rate limit: kRateLimited with the delay, or UNAVAILABLE when the worker queue
//      that would wait for a lease is full.

#include <functional>
#include <optional>
#include <string>

#include "absl/status/status.h"
#include "absl/strings/string_view.h"
#include "absl/time/time.h"
#include "common/server/worker_pool.h"
#include "services/gateway/domain/api_keys.h"
#include "services/gateway/domain/key_ring.h"
#include "services/gateway/domain/policy.h"
#include "services/gateway/domain/rate_limiter.h"

namespace classplan::gateway {

class Admission {
 public:
  // All outlive the Admission.
  struct Deps {
    const Policy* policy;
    const VerifiedKeyCache* keys;    // each principal brings its key set's RateLimiter
    FailedAuthLimiter* failed_auth;  // null: failed authentications are not limited
    server::WorkerPool* workers;     // the rate limiter's lease waits and refills run here
  };

  struct Call {
    absl::string_view method;          // "/pkg.Service/Method"
    bool routed = false;               // some route serves the method's service
    absl::string_view authorization;   // the "authorization" header's value; empty if none
    absl::string_view client_address;  // ClientAddress(peer): where failures are counted
    absl::Time now;                    // when the call arrived
  };

  // Who is calling, known once the key is verified (also when a later check refuses, so
  // that the refusal can be logged with it).
  struct Caller {
    const Principal* principal = nullptr;  // null: a public call, or no valid key
    std::string log_name;                  // PrincipalForLog
  };

  struct Verdict {
    enum class Kind { kAdmitted, kRefused, kRateLimited };
    Kind kind = Kind::kAdmitted;
    absl::Status refusal;        // kRefused: why; kRateLimited: the message, when not the usual
    absl::Duration retry_after;  // kRateLimited: when to try again
    // Not admitted: why, for the access log (kReason* below).
    absl::string_view reason;
  };

  // The access log's reasons for a refusal (the gateway's own; a backend's error is "backend").
  static constexpr absl::string_view kReasonNoKey = "no_key";
  static constexpr absl::string_view kReasonBadKey = "bad_key";
  static constexpr absl::string_view kReasonExpiredKey = "expired_key";
  static constexpr absl::string_view kReasonFailedAuthLimited = "auth_rate_limited";
  static constexpr absl::string_view kReasonUnrouted = "unrouted";
  static constexpr absl::string_view kReasonDenied = "denied";
  static constexpr absl::string_view kReasonRateLimited = "rate_limited";
  static constexpr absl::string_view kReasonOverloaded = "overloaded";

  using Later = std::function<void(const Verdict&)>;

  explicit Admission(Deps deps) : deps_(deps) {}

  // Fills *caller and returns the verdict. When the rate limiter must wait for a lease, it
  // returns nullopt instead and calls `later` once with the verdict, on a worker thread.
  // Never blocks the calling thread.
  std::optional<Verdict> Admit(const Call& call, Caller* caller, Later later) const;

 private:
  std::optional<Verdict> RateLimit(const Principal& principal, absl::Time now, Later later) const;

  Deps deps_;
};

}  // namespace classplan::gateway

#endif  // CLASSPLAN_SERVICES_GATEWAY_ADMISSION_ADMISSION_H_
