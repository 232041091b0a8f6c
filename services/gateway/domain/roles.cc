#include "services/gateway/domain/roles.h"

#include <vector>

#include "absl/strings/str_cat.h"

namespace classplan::gateway {

absl::StatusOr<RoleSet> RoleBit(absl::string_view name) {
  if (auto role = identity::RoleFromName(name)) return RoleBit(*role);
  return absl::InvalidArgumentError(
      absl::StrCat("unknown role \"", name, "\" (known: ", identity::KnownRoleNames(), ")"));
}

std::string RoleNames(RoleSet set) {
  std::vector<identity::Role> roles;
  for (identity::Role r : identity::kAllRoles) {
    if (set & RoleBit(r)) roles.push_back(r);
  }
  return identity::FormatRoles(roles);
}

}  // namespace classplan::gateway
