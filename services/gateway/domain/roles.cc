#include "services/gateway/domain/roles.h"

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"

namespace classplan::gateway {

const std::vector<std::string>& KnownRoles() {
  static const auto* roles = new std::vector<std::string>{
      "agency_system", "hr_analyst", "hr_admin", "supervisor", "employee"};
  return *roles;
}

absl::StatusOr<RoleSet> RoleBit(absl::string_view name) {
  const auto& roles = KnownRoles();
  for (size_t i = 0; i < roles.size(); ++i) {
    if (roles[i] == name) return RoleSet{1} << i;
  }
  return absl::InvalidArgumentError(absl::StrCat("unknown role \"", name, "\" (known: ",
                                                 absl::StrJoin(roles, ", "), ")"));
}

std::string RoleNames(RoleSet set) {
  std::vector<std::string> names;
  const auto& roles = KnownRoles();
  for (size_t i = 0; i < roles.size(); ++i) {
    if (set & (RoleSet{1} << i)) names.push_back(roles[i]);
  }
  return absl::StrJoin(names, ",");
}

}  // namespace classplan::gateway
