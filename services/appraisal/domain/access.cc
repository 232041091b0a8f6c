#include "services/appraisal/domain/access.h"

#include <algorithm>
#include <string>

#include "absl/strings/strip.h"
#include "common/status/field_violations.h"

namespace classplan::appraisal {

bool Principal::Has(Role r) const {
  return std::find(roles.begin(), roles.end(), r) != roles.end();
}

absl::StatusOr<Principal> ParsePrincipal(absl::string_view id, absl::string_view roles) {
  Principal p;
  p.id = std::string(absl::StripAsciiWhitespace(id));
  if (p.id.empty()) return absl::UnauthenticatedError("no principal");
  p.roles = identity::ParseRoles(roles);
  return p;
}

bool IsSupervisorOf(const Principal& p, const v1::Appraisal& a) {
  return p.Has(Role::kSupervisor) && a.supervisor_id() == p.id;
}
bool IsEmployeeOf(const Principal& p, const v1::Appraisal& a) {
  return p.Has(Role::kEmployee) && a.employee_id() == p.id;
}
bool CanRead(const Principal& p, const v1::Appraisal& a) {
  return p.Has(Role::kHrAdmin) || IsSupervisorOf(p, a) || IsEmployeeOf(p, a);
}
bool EditRole(const Principal& p, const v1::Appraisal& a, Role* role) {
  if (IsSupervisorOf(p, a)) {
    *role = Role::kSupervisor;
    return true;
  }
  if (p.Has(Role::kHrAdmin)) {
    *role = Role::kHrAdmin;
    return true;
  }
  return false;
}

absl::Status Denied() {
  return absl::PermissionDeniedError("not allowed for this principal's roles");
}

absl::Status RequirePrincipal(const Principal& p) {
  if (p.id.empty()) return absl::UnauthenticatedError("no principal");
  return absl::OkStatus();
}

absl::Status Appraisals::AuthorizeTeam(const Principal& p, std::string* supervisor_id,
                                       const std::string& unit_id) {
  if (auto s = RequirePrincipal(p); !s.ok()) return s;
  // Neither named: a supervisor means their own team.
  if (supervisor_id->empty() && unit_id.empty() && p.Has(Role::kSupervisor)) *supervisor_id = p.id;
  if (supervisor_id->empty() == unit_id.empty()) {
    return status::InvalidField("supervisor_id", "exactly one of supervisor_id and unit_id");
  }
  if (p.Has(Role::kHrAdmin)) return absl::OkStatus();
  if (p.Has(Role::kSupervisor) && *supervisor_id == p.id) return absl::OkStatus();
  return Denied();
}

}  // namespace classplan::appraisal
