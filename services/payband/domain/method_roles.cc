#include "services/payband/domain/method_roles.h"

#include <vector>

namespace classplan::payband {

const identity::MethodRoles& PaybandMethodRoles() {
  using identity::Role;
  // Published schedules and calculations: any role. Importing a schedule: hr_admin.
  static const auto* table = new identity::MethodRoles({
      {"GetBand", identity::kAnyRole},
      {"ListBands", identity::kAnyRole},
      {"ListSchedules", identity::kAnyRole},
      {"GetClassPayRange", identity::kAnyRole},
      {"ConvertRate", identity::kAnyRole},
      {"PlaceSalary", identity::kAnyRole},
      {"FindBandsForSalary", identity::kAnyRole},
      {"CheckPayAction", identity::kAnyRole},
      {"ListAlternativeBandReviewsDue", identity::kAnyRole},
      {"CheckFlsaSalaryLevel", identity::kAnyRole},
      {"ImportSchedule", {Role::kHrAdmin}},
      // The audit trail: hr_admin only (the domain checks again; docs/security.md).
      {"ListAuditEvents", {Role::kHrAdmin}},
  });
  return *table;
}

}  // namespace classplan::payband
