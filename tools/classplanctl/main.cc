// classplanctl: command-line client for classplan. Every command and flag is described by
// `classplanctl --help` and `classplanctl COMMAND... --help` (the tree is in cli.cc and the
// command files: catalog.cc, pay.cc, appraisal.cc, eligibility.cc), e.g.
//
//   classplanctl class get SPCP20 --as_of=2015-01-01
//   classplanctl class list --jurisdiction=nm-spo
//   classplanctl pay band 806-A --jurisdiction=denver-csa
//   classplanctl appraisal expected --entered=2022-05-01
//   classplanctl eligibility check --class=SPCP23 --applicant=a.json
//   classplanctl completion bash
//
// Global flags, before or after the command words: --target=host:port (env CLASSPLAN_TARGET,
// default the gateway 127.0.0.1:50050) for every command, overridden per service by
// --payband_target, --appraisal_target, --eligibility_target (or their env variables);
// --json, --timeout=5s, --api_key (env CLASSPLAN_API_KEY), --tls_ca (env CLASSPLAN_TLS_CA),
// --tls_cert / --tls_key (env CLASSPLAN_TLS_CERT / _KEY: a service called directly under
// mutual TLS),
// --principal / --roles (appraisal, called directly). Flag names may be spelt with dashes.
// Exit codes: 0 ok, 1 other error, 2 usage, 3 not found, 4 invalid input or failed
// precondition, 5 unavailable or deadline exceeded, 6 conflict (stale etag, already exists).

#include <iostream>
#include <optional>
#include <string>
#include <vector>

#include "tools/classplanctl/cli.h"
#include "tools/classplanctl/context.h"
#include "tools/classplanctl/render.h"

int main(int argc, char** argv) {
  namespace ctl = classplan::ctl;
  // Nothing a service sends (or a bad argument echoed back) can drive the terminal.
  ctl::EscapingStream safe_err(std::cerr, ctl::Escape::kText);
  ctl::Cli cli;
  if (std::optional<int> done =
          cli.Parse(std::vector<std::string>(argv, argv + argc), std::cout, std::cerr)) {
    return *done;
  }
  ctl::EscapingStream safe_out(std::cout,
                               cli.flags().json ? ctl::Escape::kJson : ctl::Escape::kText);
  ctl::Context context(cli.flags(), ctl::ProcessEnv);
  return cli.Run(context);
}
