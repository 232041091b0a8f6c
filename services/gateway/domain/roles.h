#ifndef CLASSPLAN_SERVICES_GATEWAY_DOMAIN_ROLES_H_
#define CLASSPLAN_SERVICES_GATEWAY_DOMAIN_ROLES_H_

// The roles a principal may hold, as bits so that an authorization check is one AND.

#include <cstdint>
#include <string>
#include "absl/strings/string_view.h"
#include <vector>

#include "absl/status/statusor.h"

namespace classplan::gateway {

using RoleSet = uint32_t;
inline constexpr RoleSet kAnyRole = 0xffffffffu;

// "agency_system", "hr_analyst", "hr_admin", "supervisor", "employee".
const std::vector<std::string>& KnownRoles();
// The bit of a known role; error for an unknown name.
absl::StatusOr<RoleSet> RoleBit(absl::string_view name);
// Comma-separated names in KnownRoles() order, as sent in x-classplan-roles.
std::string RoleNames(RoleSet roles);

}  // namespace classplan::gateway

#endif  // CLASSPLAN_SERVICES_GATEWAY_DOMAIN_ROLES_H_
