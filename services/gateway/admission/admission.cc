#include "services/gateway/admission/admission.h"

#include <utility>

#include "absl/strings/str_cat.h"
#include "services/gateway/telemetry/counters.h"

namespace classplan::gateway {
namespace {

using Verdict = Admission::Verdict;

Verdict Refused(absl::Status why, absl::string_view reason) {
  Verdict v;
  v.kind = Verdict::Kind::kRefused;
  v.refusal = std::move(why);
  v.reason = reason;
  return v;
}

Verdict RateLimited(absl::Duration retry_after) {
  Verdict v;
  v.kind = Verdict::Kind::kRateLimited;
  v.retry_after = retry_after;
  v.reason = Admission::kReasonRateLimited;
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
    return Refused(absl::UnauthenticatedError("missing API key (authorization: Bearer <key>)"),
                   kReasonNoKey);
  }
  // A key this thread verified recently costs nothing and is admitted even from an address
  // that is failing; any other is checked only while its address may still fail.
  const Principal* principal = deps_.keys->Lookup(key, call.now);
  if (principal != nullptr) {
    Counters().cache_hit.Increment();
  } else {
    Counters().cache_miss.Increment();
    absl::Duration retry_after;
    if (deps_.failed_auth != nullptr &&
        deps_.failed_auth->Blocked(call.client_address, call.now, &retry_after)) {
      Counters().failed_auth_limited.Increment();
      Verdict v = RateLimited(retry_after);
      v.reason = kReasonFailedAuthLimited;
      v.refusal = absl::ResourceExhaustedError(
          "too many failed authentications from this address; retry after the delay in "
          "google.rpc.RetryInfo");
      return v;
    }
    bool hit = false;
    KeyFailure failure = KeyFailure::kNone;
    auto p = deps_.keys->Authenticate(key, call.now, &hit, &failure);
    if (!p.ok()) {
      Counters().unauthenticated.Increment();
      if (failure == KeyFailure::kExpired) Counters().expired_key.Increment();
      if (deps_.failed_auth != nullptr) deps_.failed_auth->Failed(call.client_address, call.now);
      // One message for a wrong and an expired key; only the access log tells them apart.
      return Refused(absl::UnauthenticatedError(p.status().message()),
                     failure == KeyFailure::kExpired ? kReasonExpiredKey : kReasonBadKey);
    }
    principal = *p;
  }
  caller->principal = principal;
  caller->log_name = PrincipalForLog(*principal, key);
  if (!call.routed) {
    Counters().unrouted.Increment();
    return Refused(absl::UnimplementedError(
                       absl::StrCat("no service behind the gateway serves ", call.method)),
                   kReasonUnrouted);
  }
  if (deps_.policy->Decide(call.method, principal->roles) != Policy::Decision::kAllowed) {
    Counters().denied.Increment();
    // A person's id stays out of the message (personal data); the roles explain it.
    return Refused(absl::PermissionDeniedError(
                       principal->person
                           ? absl::StrCat("this key (roles ", principal->roles_header,
                                          ") may not call ", call.method)
                           : absl::StrCat("principal ", principal->id, " (",
                                          principal->roles_header, ") may not call ", call.method)),
                   kReasonDenied);
  }
  return RateLimit(*principal, call.now, std::move(later));
}

std::optional<Verdict> Admission::RateLimit(const Principal& principal, absl::Time now,
                                            Later later) const {
  absl::Duration retry_after;
  bool prefetch = false;
  // The limiter of the key set the principal came from (KeyRing).
  RateLimiter* limiter = principal.limiter;
  switch (limiter->TryAdmit(principal, now, &retry_after, &prefetch)) {
    case RateLimiter::Fast::kAdmitted:
      if (prefetch) {
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
    return Refused(absl::UnavailableError("gateway overloaded; retry"), kReasonOverloaded);
  }
  return std::nullopt;
}

}  // namespace classplan::gateway
