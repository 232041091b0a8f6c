#ifndef CLASSPLAN_TOOLS_CLASSPLANCTL_ELIGIBILITY_H_
#define CLASSPLAN_TOOLS_CLASSPLANCTL_ELIGIBILITY_H_

// `classplanctl eligibility ...`: the eligibility service's commands
// (target --eligibility_target, env CLASSPLAN_ELIGIBILITY_TARGET).

#include <string>
#include <vector>

namespace classplan::ctl {

// The usage lines of the eligibility commands.
const char* EligibilityUsage();

// args[0] == "eligibility". Returns the process exit code.
int RunEligibility(const std::vector<std::string>& args);

}  // namespace classplan::ctl

#endif  // CLASSPLAN_TOOLS_CLASSPLANCTL_ELIGIBILITY_H_
