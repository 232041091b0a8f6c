#include "services/appraisal/domain/access.h"

#include <algorithm>
#include <string>

#include "absl/strings/cord.h"
#include "absl/strings/str_cat.h"
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
Visibility VisibilityOf(const Principal& p, const v1::Appraisal& a) {
  // A draft is the supervisor's work in progress: its employee does not see it, whatever
  // roles their key holds.
  if (a.employee_id() == p.id && a.state() == v1::APPRAISAL_STATE_DRAFT) {
    return Visibility::kHidden;
  }
  if (p.Has(Role::kHrAdmin)) return Visibility::kVisible;
  const bool party = IsSupervisorOf(p, a) || IsEmployeeOf(p, a);
  if (!party) return Visibility::kDenied;
  return a.state() == v1::APPRAISAL_STATE_VOIDED ? Visibility::kHidden : Visibility::kVisible;
}

bool CanRead(const Principal& p, const v1::Appraisal& a) {
  return VisibilityOf(p, a) == Visibility::kVisible;
}

absl::Status VisibilityStatus(Visibility v) {
  switch (v) {
    case Visibility::kVisible:
      return absl::OkStatus();
    case Visibility::kHidden:
      return absl::NotFoundError("no such appraisal");
    case Visibility::kDenied:
      break;
  }
  return Denied();
}

absl::Status CheckNotSelf(const Principal& p, const v1::Appraisal& a, bool as_employee,
                          bool voiding) {
  if (!voiding && a.employee_id() == a.supervisor_id()) {
    return DeniedFor("appraisal.supervisor_id", kSelfAppraisal);
  }
  if (!as_employee && a.employee_id() == p.id &&
      (p.Has(Role::kSupervisor) || p.Has(Role::kHrAdmin))) {
    return DeniedFor("appraisal.employee_id", kSelfAppraisal);
  }
  return absl::OkStatus();
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

absl::Status DeniedFor(const std::string& field, const char* reason) {
  absl::Status inv = status::InvalidArgument("not allowed", {{field, reason}});
  absl::Status s(absl::StatusCode::kPermissionDenied,
                 absl::StrCat("not allowed (", reason, "): see docs/appraisal.md"));
  inv.ForEachPayload(
      [&](absl::string_view url, const absl::Cord& payload) { s.SetPayload(url, payload); });
  return s;
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
