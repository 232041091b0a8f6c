#ifndef CLASSPLAN_SERVICES_ELIGIBILITY_DOMAIN_RULING_SERVICE_H_
#define CLASSPLAN_SERVICES_ELIGIBILITY_DOMAIN_RULING_SERVICE_H_

// The rulings RPCs' rules (RecordRuling, ListRulings, WithdrawRuling) over the messages, no
// gRPC types. Only hr_analyst and hr_admin may call them, checked here on the verified
// identity as well as by the method table. Every write is audited in its transaction.

#include <functional>
#include <string>

#include "absl/status/statusor.h"
#include "classplan/common/v1/audit.pb.h"
#include "classplan/eligibility/v1/rulings.pb.h"
#include "common/clock/clock.h"
#include "common/identity/identity.h"
#include "services/eligibility/store/ruling_store.h"

namespace classplan::eligibility {

inline constexpr size_t kMaxRulingReason = 2000;
inline constexpr size_t kMaxEvidenceRef = 500;

class RulingService {
 public:
  // Draws the random part of a new ruling id; the default uses OpenSSL.
  using RandomId = std::function<absl::StatusOr<std::string>()>;

  // `store` must outlive this.
  explicit RulingService(RulingStore* store, clock::Clock clock = clock::Clock(),
                         RandomId random_id = nullptr);

  absl::StatusOr<v1::Ruling> Record(const identity::Caller& caller,
                                    const v1::RecordRulingRequest& request);
  absl::StatusOr<v1::ListRulingsResponse> List(const identity::Caller& caller,
                                               const v1::ListRulingsRequest& request);
  absl::StatusOr<v1::Ruling> Withdraw(const identity::Caller& caller,
                                      const v1::WithdrawRulingRequest& request);
  // The audit log of the ruling writes (hr_admin only, as every service's).
  absl::StatusOr<common::v1::ListAuditEventsResponse> ListAuditEvents(
      const identity::Caller& caller, const common::v1::ListAuditEventsRequest& request);

 private:
  RulingStore* store_;
  clock::Clock clock_;
  RandomId random_id_;
};

}  // namespace classplan::eligibility

#endif  // CLASSPLAN_SERVICES_ELIGIBILITY_DOMAIN_RULING_SERVICE_H_
