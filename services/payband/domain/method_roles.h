#ifndef CLASSPLAN_SERVICES_PAYBAND_DOMAIN_METHOD_ROLES_H_
#define CLASSPLAN_SERVICES_PAYBAND_DOMAIN_METHOD_ROLES_H_

// Who may call each method of classplan.payband.v1.PaybandService, checked by the service itself
// on every call (common/identity/method_roles.h), whatever the gateway's policy file says.
// docs/security.md lists the tables of every service.

#include "common/identity/method_roles.h"

namespace classplan::payband {

const identity::MethodRoles& PaybandMethodRoles();

}  // namespace classplan::payband

#endif  // CLASSPLAN_SERVICES_PAYBAND_DOMAIN_METHOD_ROLES_H_
