#ifndef CLASSPLAN_SERVICES_ELIGIBILITY_DOMAIN_METHOD_ROLES_H_
#define CLASSPLAN_SERVICES_ELIGIBILITY_DOMAIN_METHOD_ROLES_H_

// Who may call each method of classplan.eligibility.v1.EligibilityService, checked by the service
// itself on every call (common/identity/method_roles.h), whatever the gateway's policy file says.
// docs/security.md lists the tables of every service.

#include "common/identity/method_roles.h"

namespace classplan::eligibility {

const identity::MethodRoles& EligibilityMethodRoles();

}  // namespace classplan::eligibility

#endif  // CLASSPLAN_SERVICES_ELIGIBILITY_DOMAIN_METHOD_ROLES_H_
