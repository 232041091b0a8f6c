#include "services/eligibility/domain/method_roles.h"

#include <vector>

namespace classplan::eligibility {

const identity::MethodRoles& EligibilityMethodRoles() {
  using identity::Role;
  // Screening applicants (personal data): agency systems and HR.
  const std::vector<Role> kScreeners = {Role::kAgencySystem, Role::kHrAnalyst, Role::kHrAdmin};
  static const auto* table = new identity::MethodRoles({
      {"Evaluate", kScreeners},
      {"ScreenApplicants", kScreeners},
      {"FindQualifyingClasses", kScreeners},
      // Rulings are HR's judgements (and carry applicant references): HR only.
      {"RecordRuling", {Role::kHrAnalyst, Role::kHrAdmin}},
      {"ListRulings", {Role::kHrAnalyst, Role::kHrAdmin}},
      {"WithdrawRuling", {Role::kHrAnalyst, Role::kHrAdmin}},
      {"ListAuditEvents", {Role::kHrAdmin}},
  });
  return *table;
}

}  // namespace classplan::eligibility
