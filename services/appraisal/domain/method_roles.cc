#include "services/appraisal/domain/method_roles.h"

#include <vector>

namespace classplan::appraisal {

const identity::MethodRoles& AppraisalMethodRoles() {
  using identity::Role;
  // Frameworks and expected levels: any role. Appraisals: the people in the workflow and HR
  // reach the domain, which decides per appraisal who may see or change it (access.h).
  const std::vector<Role> kWorkflow = {Role::kSupervisor, Role::kEmployee, Role::kHrAdmin,
                                       Role::kHrAnalyst};
  static const auto* table = new identity::MethodRoles({
      {"GetFramework", identity::kAnyRole},
      {"ListFrameworks", identity::kAnyRole},
      {"GetExpectedProficiency", identity::kAnyRole},
      {"CreateAppraisal", kWorkflow},
      {"GetAppraisal", kWorkflow},
      {"ListAppraisals", kWorkflow},
      {"UpdateAppraisal", kWorkflow},
      {"SubmitAppraisal", kWorkflow},
      {"AcknowledgeAppraisal", kWorkflow},
      {"ReturnAppraisal", kWorkflow},
      {"FinalizeAppraisal", kWorkflow},
      {"ListDueAppraisals", kWorkflow},
      {"GetTeamSummary", kWorkflow},
      {"DeclineAppraisal", kWorkflow},
      {"AddAppraisalAddendum", kWorkflow},
      // Reporting relationships: HR records and ends them; the list shows each caller their
      // own part (appraisal domain, assignments.cc).
      {"ListSupervisorAssignments", kWorkflow},
      {"AssignSupervisor", {Role::kHrAdmin}},
      {"EndSupervisorAssignment", {Role::kHrAdmin}},
      // Voiding a mistaken appraisal: hr_admin only.
      {"VoidAppraisal", {Role::kHrAdmin}},
      // The audit trail: hr_admin only (the domain checks again; docs/security.md).
      {"ListAuditEvents", {Role::kHrAdmin}},
  });
  return *table;
}

}  // namespace classplan::appraisal
