#ifndef CLASSPLAN_SERVICES_GATEWAY_DOMAIN_ROLES_H_
#define CLASSPLAN_SERVICES_GATEWAY_DOMAIN_ROLES_H_

// The roles a principal may hold (common/identity), as bits so that an authorization check
// is one AND.

#include <cstdint>
#include <string>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "common/identity/identity.h"

namespace classplan::gateway {

using RoleSet = uint32_t;
inline constexpr RoleSet kAnyRole = 0xffffffffu;

// The bit of a role: its position in identity::kAllRoles.
constexpr RoleSet RoleBit(identity::Role role) { return RoleSet{1} << static_cast<int>(role); }
// The bit of a known role name; error for an unknown name.
absl::StatusOr<RoleSet> RoleBit(absl::string_view name);
// The roles header (identity::FormatRoles) of a set, in canonical order.
std::string RoleNames(RoleSet roles);

}  // namespace classplan::gateway

#endif  // CLASSPLAN_SERVICES_GATEWAY_DOMAIN_ROLES_H_
