#ifndef CLASSPLAN_SERVICES_APPRAISAL_DOMAIN_METHOD_ROLES_H_
#define CLASSPLAN_SERVICES_APPRAISAL_DOMAIN_METHOD_ROLES_H_

// Who may call each method of classplan.appraisal.v1.AppraisalService, checked by the service
// itself on every call (common/identity/method_roles.h), whatever the gateway's policy file says.
// docs/security.md lists the tables of every service.

#include "common/identity/method_roles.h"

namespace classplan::appraisal {

const identity::MethodRoles& AppraisalMethodRoles();

}  // namespace classplan::appraisal

#endif  // CLASSPLAN_SERVICES_APPRAISAL_DOMAIN_METHOD_ROLES_H_
