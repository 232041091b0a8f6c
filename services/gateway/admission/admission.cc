#include "services/gateway/admission/admission.h"

#include <utility>

#include "absl/strings/str_cat.h"
#include "services/gateway/telemetry/counters.h"

namespace classplan::gateway {
namespace {

using Verdict = Admission::Verdict;

Verdict Refused(absl::Status why) {
  Verdict v;
  v.kind = Verdict::Kind::kRefused;
  v.refusal = std::move(why);
  return v;
}

Verdict RateLimited(absl::Duration retry_after) {
  Verdict v;
  v.kind = Verdict::Kind::kRateLimited;
  v.retry_after = retry_after;
  return v;
}

}  // namespace

std::optional<Verdict> Admission::Admit(const Call& call, Caller* caller, Later later) const {
  // With no roles, Decide can only answer public or denied.
  if (call.routed && deps_.policy->Decide(call.method, 0) == Policy::Decision::kPublic) {
    return Verdict{};
  }
  const absl::string_view key = BearerToken(call.authorization);
  if (key.empty()) {
    Counters().unauthenticated.Increment();
    return Refused(absl::UnauthenticatedError("missing API key (authorization: Bearer <key>)"));
  }
  bool hit = false;
  auto p = deps_.keys->Authenticate(key, call.now, &hit);
  (hit ? Counters().cache_hit : Counters().cache_miss).Increment();
  if (!p.ok()) {
    Counters().unauthenticated.Increment();
    return Refused(absl::UnauthenticatedError(p.status().message()));
  }
  const Principal& principal = **p;
  caller->principal = &principal;
  caller->log_name = PrincipalForLog(principal, key);
  if (!call.routed) {
    Counters().unrouted.Increment();
    return Refused(absl::UnimplementedError(
        absl::StrCat("no service behind the gateway serves ", call.method)));
  }
  if (deps_.policy->Decide(call.method, principal.roles) != Policy::Decision::kAllowed) {
    Counters().denied.Increment();
    // A person's id stays out of the message (personal data); the roles explain it.
    return Refused(absl::PermissionDeniedError(
        principal.person ? absl::StrCat("this key (roles ", principal.roles_header,
                                        ") may not call ", call.method)
                         : absl::StrCat("principal ", principal.id, " (", principal.roles_header,
                                        ") may not call ", call.method)));
  }
  return RateLimit(principal, call.now, std::move(later));
}

std::optional<Verdict> Admission::RateLimit(const Principal& principal, absl::Time now,
                                            Later later) const {
  absl::Duration retry_after;
  bool prefetch = false;
  switch (deps_.limiter->TryAdmit(principal, now, &retry_after, &prefetch)) {
    case RateLimiter::Fast::kAdmitted:
      if (prefetch) {
        RateLimiter* limiter = deps_.limiter;
        const Principal* p = &principal;
        deps_.workers->Submit([limiter, p] { limiter->Refill(*p, absl::Now()); });
      }
      return Verdict{};
    case RateLimiter::Fast::kRejected:
      Counters().rejected.Increment();
      return RateLimited(retry_after);
    case RateLimiter::Fast::kNeedLease:
      break;
  }
  // Waits for Redis (or the local bucket) on a worker, never on this thread.
  RateLimiter* limiter = deps_.limiter;
  const Principal* p = &principal;
  const bool queued = deps_.workers->TrySubmit([limiter, p, later = std::move(later)] {
    absl::Duration retry;
    if (limiter->AdmitSlow(*p, absl::Now(), &retry)) {
      later(Verdict{});
    } else {
      Counters().rejected.Increment();
      later(RateLimited(retry));
    }
  });
  if (!queued) {
    Counters().shed.Increment();
    return Refused(absl::UnavailableError("gateway overloaded; retry"));
  }
  return std::nullopt;
}

}  // namespace classplan::gateway
