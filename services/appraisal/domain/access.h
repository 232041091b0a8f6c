#ifndef CLASSPLAN_SERVICES_APPRAISAL_DOMAIN_ACCESS_H_
#define CLASSPLAN_SERVICES_APPRAISAL_DOMAIN_ACCESS_H_
// Who may see and do what with an appraisal (the access table of docs/appraisal.md), for the
// Appraisals rules. Internal to the domain; Principal and ParsePrincipal are in appraisals.h.
#include <string>

#include "absl/status/status.h"
#include "classplan/appraisal/v1/appraisal_service.pb.h"
#include "services/appraisal/domain/appraisals.h"

namespace classplan::appraisal {

// Reason codes of a segregation-of-duties refusal: the description of the BadRequest
// violation a PERMISSION_DENIED carries (documented in appraisal_service.proto).
inline constexpr char kSelfAppraisal[] = "SELF_APPRAISAL";
inline constexpr char kNotAssigned[] = "NOT_ASSIGNED";
inline constexpr char kSelfAssignment[] = "SELF_ASSIGNMENT";

bool IsSupervisorOf(const Principal& p, const v1::Appraisal& a);
bool IsEmployeeOf(const Principal& p, const v1::Appraisal& a);

// What the caller may know of an appraisal: it, nothing (NOT_FOUND, as for an unknown id: a
// draft to its employee, a voided one to anyone but HR), or that they may not see it.
enum class Visibility { kVisible, kHidden, kDenied };
Visibility VisibilityOf(const Principal& p, const v1::Appraisal& a);
bool CanRead(const Principal& p, const v1::Appraisal& a);
// NOT_FOUND for kHidden, PERMISSION_DENIED for kDenied, OK for kVisible.
absl::Status VisibilityStatus(Visibility v);
// OK unless acting on `a` would have someone appraise themselves: its employee is its
// supervisor (unless `voiding`: voiding is how HR removes such a record), or `p`, holding the
// supervisor or HR role and not acting `as_employee` (acknowledge, decline), is its
// employee. Then PERMISSION_DENIED with reason kSelfAppraisal. Checked before visibility, so
// that the refusal says why.
absl::Status CheckNotSelf(const Principal& p, const v1::Appraisal& a, bool as_employee,
                          bool voiding = false);
// The role under which `p` may edit `a` (supervisor of the employee, or HR), if any.
bool EditRole(const Principal& p, const v1::Appraisal& a, Role* role);

// PERMISSION_DENIED for an action the principal's roles do not allow.
absl::Status Denied();
// PERMISSION_DENIED with a machine-readable reason: a BadRequest violation on `field` whose
// description is `reason` (kSelfAppraisal, ...). The message names no ids.
absl::Status DeniedFor(const std::string& field, const char* reason);
// UNAUTHENTICATED when there is no principal.
absl::Status RequirePrincipal(const Principal& p);

}  // namespace classplan::appraisal

#endif  // CLASSPLAN_SERVICES_APPRAISAL_DOMAIN_ACCESS_H_
