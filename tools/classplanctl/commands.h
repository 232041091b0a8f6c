#ifndef CLASSPLAN_TOOLS_CLASSPLANCTL_COMMANDS_H_
#define CLASSPLAN_TOOLS_CLASSPLANCTL_COMMANDS_H_

// The command groups, each adding its commands, their flags and arguments to the tree.

#include <string>

#include "classplan/common/v1/types.pb.h"
#include "tools/classplanctl/cli.h"

namespace classplan::ctl {

// class, notice, jurisdiction, series, health (catalog.cc; --target).
void AddCatalogCommands(Cli& cli);
// pay ... (pay.cc; --payband_target).
void AddPayCommands(Cli& cli);
// appraisal ... (appraisal.cc; --appraisal_target, --principal, --roles).
void AddAppraisalCommands(Cli& cli);
// eligibility ... (eligibility.cc; --eligibility_target).
void AddEligibilityCommands(Cli& cli);
// audit list|verify --service=... (audit.cc; that service's target).
void AddAuditCommands(Cli& cli);

// Flags several groups take, described once.
Opt* AddAsOfFlag(Node* command, std::string* as_of, const std::string& what);
Opt* AddJurisdictionFlag(Node* command, std::string* jurisdiction);

// Parses a --flag holding a full date (YYYY-MM-DD) into `out` and sets `*has`; "" leaves
// `*has` false. False (after printing the error) when malformed.
bool ParseDateFlag(const char* flag, const std::string& value, bool* has,
                   classplan::common::v1::Date* out);

}  // namespace classplan::ctl

#endif  // CLASSPLAN_TOOLS_CLASSPLANCTL_COMMANDS_H_
