#include "common/identity/method_roles.h"

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"

namespace classplan::identity {

MethodRoles::MethodRoles(std::vector<std::pair<std::string, std::vector<Role>>> entries)
    : roles_(std::make_move_iterator(entries.begin()), std::make_move_iterator(entries.end())) {}

absl::Status MethodRoles::Authorize(absl::string_view method, const Caller& caller) const {
  auto it = roles_.find(method);
  if (it == roles_.end()) {
    return absl::PermissionDeniedError(
        absl::StrCat(method, " is not in this service's role table; refused"));
  }
  for (Role r : it->second) {
    if (caller.Has(r)) return absl::OkStatus();
  }
  return absl::PermissionDeniedError(absl::StrCat(
      method, " needs one of the roles ",
      absl::StrJoin(it->second, ", ", [](std::string* out, Role r) { out->append(RoleName(r)); })));
}

bool MethodRoles::Lists(absl::string_view method) const { return roles_.count(method) > 0; }

std::vector<Role> MethodRoles::RolesFor(absl::string_view method) const {
  auto it = roles_.find(method);
  return it == roles_.end() ? std::vector<Role>{} : it->second;
}

}  // namespace classplan::identity
