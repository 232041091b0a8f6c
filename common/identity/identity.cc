#include "common/identity/identity.h"

#include "absl/strings/ascii.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"

namespace classplan::identity {

const char* RoleName(Role role) {
  switch (role) {
    case Role::kAgencySystem:
      return "agency_system";
    case Role::kHrAnalyst:
      return "hr_analyst";
    case Role::kHrAdmin:
      return "hr_admin";
    case Role::kSupervisor:
      return "supervisor";
    case Role::kEmployee:
      return "employee";
  }
  return "";
}

std::optional<Role> RoleFromName(absl::string_view name) {
  for (Role r : kAllRoles) {
    if (name == RoleName(r)) return r;
  }
  return std::nullopt;
}

std::string KnownRoleNames() {
  return absl::StrJoin(kAllRoles, ", ", [](std::string* out, Role r) { out->append(RoleName(r)); });
}

std::string FormatRoles(const std::vector<Role>& roles) {
  return absl::StrJoin(roles, ",", [](std::string* out, Role r) { out->append(RoleName(r)); });
}

std::vector<Role> ParseRoles(absl::string_view header) {
  std::vector<Role> roles;
  for (absl::string_view item : absl::StrSplit(header, ',', absl::SkipWhitespace())) {
    if (auto r = RoleFromName(absl::StripAsciiWhitespace(item))) roles.push_back(*r);
  }
  return roles;
}

bool Caller::Has(Role role) const {
  for (Role r : roles) {
    if (r == role) return true;
  }
  return false;
}

}  // namespace classplan::identity
