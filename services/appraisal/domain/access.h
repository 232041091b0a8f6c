#ifndef CLASSPLAN_SERVICES_APPRAISAL_DOMAIN_ACCESS_H_
#define CLASSPLAN_SERVICES_APPRAISAL_DOMAIN_ACCESS_H_
// Who may see and do what with an appraisal (the access table of docs/appraisal.md), for the
// Appraisals rules. Internal to the domain; Principal and ParsePrincipal are in appraisals.h.
#include "absl/status/status.h"
#include "classplan/appraisal/v1/appraisal_service.pb.h"
#include "services/appraisal/domain/appraisals.h"

namespace classplan::appraisal {

bool IsSupervisorOf(const Principal& p, const v1::Appraisal& a);
bool IsEmployeeOf(const Principal& p, const v1::Appraisal& a);
bool CanRead(const Principal& p, const v1::Appraisal& a);
// The role under which `p` may edit `a` (supervisor of the employee, or HR), if any.
bool EditRole(const Principal& p, const v1::Appraisal& a, Role* role);

// PERMISSION_DENIED for an action the principal's roles do not allow.
absl::Status Denied();
// UNAUTHENTICATED when there is no principal.
absl::Status RequirePrincipal(const Principal& p);

}  // namespace classplan::appraisal

#endif  // CLASSPLAN_SERVICES_APPRAISAL_DOMAIN_ACCESS_H_
