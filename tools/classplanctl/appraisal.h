#ifndef CLASSPLAN_TOOLS_CLASSPLANCTL_APPRAISAL_H_
#define CLASSPLAN_TOOLS_CLASSPLANCTL_APPRAISAL_H_

// `classplanctl appraisal ...`: the appraisal service's commands (target --appraisal_target).
// Every call carries the caller's identity as the gateway would set it: --principal and
// --roles (env CLASSPLAN_PRINCIPAL, CLASSPLAN_ROLES).

#include <string>
#include <vector>

namespace classplan::ctl {

// The usage lines of the appraisal commands.
const char* AppraisalUsage();

// True for the names of the flags only the appraisal commands use.
bool IsAppraisalFlag(const std::string& name);

// args[0] == "appraisal". Returns the process exit code.
int RunAppraisal(const std::vector<std::string>& args);

}  // namespace classplan::ctl

#endif  // CLASSPLAN_TOOLS_CLASSPLANCTL_APPRAISAL_H_
