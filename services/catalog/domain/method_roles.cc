#include "services/catalog/domain/method_roles.h"

#include <vector>

namespace classplan::catalog {

const identity::MethodRoles& CatalogMethodRoles() {
  using identity::Role;
  // Reads: any role (class specifications are public records). Changing the plan is HR's:
  // analysts draft and revise, an hr_admin alone records a notice's approval.
  const std::vector<Role> kWriters = {Role::kHrAnalyst, Role::kHrAdmin};
  static const auto* table = new identity::MethodRoles({
      {"GetJurisdiction", identity::kAnyRole},
      {"ListJurisdictions", identity::kAnyRole},
      {"GetClassSeries", identity::kAnyRole},
      {"ListClassSeries", identity::kAnyRole},
      {"GetJobClass", identity::kAnyRole},
      {"ListJobClasses", identity::kAnyRole},
      {"SearchJobClasses", identity::kAnyRole},
      {"ListClassRevisions", identity::kAnyRole},
      {"GetClassificationNotice", identity::kAnyRole},
      {"ListClassificationNotices", identity::kAnyRole},
      {"CreateJobClass", kWriters},
      {"ReviseJobClass", kWriters},
      {"AbolishJobClass", kWriters},
      {"CreateClassificationNotice", kWriters},
      {"RecordNoticeApproval", {Role::kHrAdmin}},
      // The audit trail: hr_admin only (the domain checks again; docs/security.md).
      {"ListAuditEvents", {Role::kHrAdmin}},
  });
  return *table;
}

}  // namespace classplan::catalog
