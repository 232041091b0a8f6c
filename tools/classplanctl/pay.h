#ifndef CLASSPLAN_TOOLS_CLASSPLANCTL_PAY_H_
#define CLASSPLAN_TOOLS_CLASSPLANCTL_PAY_H_

// `classplanctl pay ...`: the pay-band service's commands (target --payband_target).

#include <string>
#include <vector>

#include "google/protobuf/message.h"
#include "grpcpp/support/status.h"

namespace classplan::ctl {

// Defined in main.cc, shared by every command.
int ExitCodeFor(grpc::StatusCode code);
int PrintJson(const google::protobuf::Message& m);
int Usage();
// "error: <message> (<CODE>)" and one line per field violation, on stderr.
void PrintStatusError(const grpc::Status& s);

// The usage lines of the pay commands.
const char* PayUsage();

// args[0] == "pay". Returns the process exit code.
int RunPay(const std::vector<std::string>& args);

}  // namespace classplan::ctl

#endif  // CLASSPLAN_TOOLS_CLASSPLANCTL_PAY_H_
