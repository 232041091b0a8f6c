// classplanctl's command tree, built and parsed without calling anything: help, usage
// errors, --version, the completion script and target resolution.

#include "tools/classplanctl/cli.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <cstdio>
#include <fstream>
#include <map>
#include <sstream>
#include <string>
#include <vector>

#include "tools/classplanctl/context.h"

namespace classplan::ctl {
namespace {

struct Parsed {
  std::optional<int> exit;  // nullopt: a command was chosen
  std::string out;
  std::string err;
  std::string command;
  GlobalFlags flags;
};

Parsed ParseArgs(std::vector<std::string> args) {
  args.insert(args.begin(), "classplanctl");
  Cli cli;
  std::ostringstream out;
  std::ostringstream err;
  Parsed p;
  p.exit = cli.Parse(args, out, err);
  p.out = out.str();
  p.err = err.str();
  p.command = cli.command();
  p.flags = cli.flags();
  return p;
}

// A usage error: exit 2, one line on stderr, which contains `want`.
void ExpectUsageError(const std::vector<std::string>& args, const std::string& want) {
  Parsed p = ParseArgs(args);
  ASSERT_TRUE(p.exit.has_value()) << "chose " << p.command;
  EXPECT_EQ(*p.exit, 2);
  EXPECT_EQ(std::count(p.err.begin(), p.err.end(), '\n'), 1) << p.err;
  EXPECT_EQ(p.err.rfind("error: ", 0), 0u) << p.err;
  EXPECT_NE(p.err.find(want), std::string::npos) << p.err;
  EXPECT_EQ(p.out, "");
}

TEST(Cli, ChoosesTheCommandWithItsFlagsAnywhere) {
  Parsed p = ParseArgs({"--json", "class", "get", "SPCP20", "--as_of=2019-01-01", "--timeout=2s"});
  EXPECT_FALSE(p.exit.has_value()) << p.err;
  EXPECT_EQ(p.command, "class get");
  EXPECT_TRUE(p.flags.json);
  EXPECT_EQ(p.flags.timeout, "2s");
  // Flag names spelt with dashes, values after a space.
  p = ParseArgs({"--principal=emp-1", "appraisal", "expected", "--entered", "2022-05-01", "--as-of",
                 "2025-11-01"});
  EXPECT_FALSE(p.exit.has_value()) << p.err;
  EXPECT_EQ(p.command, "appraisal expected");
  EXPECT_EQ(p.flags.principal, "emp-1");
  p = ParseArgs({"pay", "place", "50000", "--band=806-A", "--jurisdiction=denver-csa"});
  EXPECT_FALSE(p.exit.has_value()) << p.err;
  EXPECT_EQ(p.command, "pay place");
  // An empty value (an unset variable) is empty; the next word stays a command word.
  p = ParseArgs({"--api_key=", "class", "get", "X"});
  EXPECT_FALSE(p.exit.has_value()) << p.err;
  EXPECT_EQ(p.command, "class get");
  EXPECT_EQ(p.flags.api_key, "");
  p = ParseArgs({"health"});
  EXPECT_FALSE(p.exit.has_value()) << p.err;
  EXPECT_EQ(p.command, "health");
}

TEST(Cli, HelpOfACommandListsItsOwnFlags) {
  Parsed p = ParseArgs({"pay", "place", "--help"});
  ASSERT_EQ(p.exit, 0);
  for (const char* want : {"classplanctl pay place", "SALARY", "--band", "--jurisdiction", "--unit",
                           "--as_of", "-h,--help"}) {
    EXPECT_NE(p.out.find(want), std::string::npos) << want << " in\n" << p.out;
  }
  // Not another command's, nor the global ones (the footer only points to them).
  const std::string own = p.out.substr(0, p.out.find("Global flags ("));
  for (const char* unwanted :
       {"--effective_from", "--due_by", "--employee", "--class ", "--api_key", "--version"}) {
    EXPECT_EQ(own.find(unwanted), std::string::npos) << unwanted << " in\n" << p.out;
  }
  // -h on a group lists its commands; the root's lists the groups and global flags.
  p = ParseArgs({"appraisal", "-h"});
  ASSERT_EQ(p.exit, 0);
  EXPECT_NE(p.out.find("acknowledge"), std::string::npos) << p.out;
  EXPECT_EQ(p.out.find("--competency"), std::string::npos) << p.out;
  p = ParseArgs({"--help"});
  ASSERT_EQ(p.exit, 0);
  for (const char* want : {"eligibility", "completion", "--target", "--payband_target", "--api_key",
                           "CLASSPLAN_API_KEY", "--version", "Exit codes"}) {
    EXPECT_NE(p.out.find(want), std::string::npos) << want << " in\n" << p.out;
  }
  EXPECT_EQ(p.out.find("--band"), std::string::npos) << p.out;
}

TEST(Cli, UsageErrorsNameTheWrongFlagOrMissingArgument) {
  ExpectUsageError({"class", "list", "--colour=red"}, "--colour=red");
  // Another command's flag is refused, before or after the command words.
  ExpectUsageError({"class", "get", "X", "--band=1"}, "--band=1");
  ExpectUsageError({"--band=1", "class", "get", "X"}, "--band=1");
  ExpectUsageError({"class", "get"}, "CODE is required");
  ExpectUsageError({"class", "get", "X", "Y"}, "Y");
  ExpectUsageError({"pay", "import", "f.csv", "--jurisdiction=nm-spo"},
                   "--effective_from is required");
  ExpectUsageError({"eligibility", "check", "--class=SPCP23"}, "--applicant is required");
  ExpectUsageError({"eligibility", "check", "--class=X", "--applicant=a", "--track=most"},
                   "--track");
  ExpectUsageError({"class", "get", "X", "--as_of"}, "--as_of");
  ExpectUsageError({"--timeout=soon", "health"}, "--timeout");
  ExpectUsageError({"pay", "frobnicate"}, "frobnicate");
  ExpectUsageError({"pay"}, "classplanctl pay needs a command: band, bands,");
  ExpectUsageError({}, "classplanctl needs a command: class, notice,");
  ExpectUsageError({"completion", "tcsh"}, "tcsh");
  // The error says where the flags are listed.
  Parsed p = ParseArgs({"class", "get", "X", "--band=1"});
  EXPECT_NE(p.err.find("(see classplanctl class get --help)"), std::string::npos) << p.err;
}

TEST(Cli, VersionIsTheProjectVersion) {
  Parsed p = ParseArgs({"--version"});
  ASSERT_EQ(p.exit, 0);
  EXPECT_EQ(p.out, std::string(CLASSPLAN_VERSION) + "\n");
  EXPECT_NE(std::string(CLASSPLAN_VERSION).find('.'), std::string::npos);
}

TEST(Cli, TargetsResolveFlagsFirstThenTheEnvironment) {
  std::map<std::string, std::string> env;
  EnvFn get = [&env](const char* name) { return env.count(name) ? env[name] : std::string(); };
  GlobalFlags none;
  for (Service s :
       {Service::kCatalog, Service::kPayband, Service::kAppraisal, Service::kEligibility}) {
    EXPECT_EQ(ResolveTarget(none, s, get), "127.0.0.1:50050");
  }
  env["CLASSPLAN_TARGET"] = "env-all:1";
  env["CLASSPLAN_APPRAISAL_TARGET"] = "env-appraisal:2";
  EXPECT_EQ(ResolveTarget(none, Service::kCatalog, get), "env-all:1");
  EXPECT_EQ(ResolveTarget(none, Service::kPayband, get), "env-all:1");
  EXPECT_EQ(ResolveTarget(none, Service::kAppraisal, get), "env-appraisal:2");

  // Parsed flags: --target for every service, a service's own flag before it.
  Parsed p = ParseArgs({"--target=flag-all:3", "pay", "band", "X", "--payband_target=flag-pay:4"});
  ASSERT_FALSE(p.exit.has_value()) << p.err;
  EXPECT_EQ(ResolveTarget(p.flags, Service::kPayband, get), "flag-pay:4");
  EXPECT_EQ(ResolveTarget(p.flags, Service::kCatalog, get), "flag-all:3");
  EXPECT_EQ(ResolveTarget(p.flags, Service::kEligibility, get), "flag-all:3");
  // A flag on the command line wins over a service's environment variable.
  EXPECT_EQ(ResolveTarget(p.flags, Service::kAppraisal, get), "flag-all:3");
}

TEST(Cli, CompletionScriptComesFromTheTree) {
  Cli cli;
  const std::string script = cli.BashCompletion();
  EXPECT_NE(script.find("complete -o default -F _classplanctl classplanctl"), std::string::npos);
  EXPECT_NE(script.find("\" pay place\""), std::string::npos) << script;
  EXPECT_NE(script.find("\" appraisal acknowledge\""), std::string::npos) << script;

  // Runs it in bash as completion would.
  const std::string file = ::testing::TempDir() + "/classplanctl.bash";
  std::ofstream(file) << script;
  auto complete = [&](const std::string& words, int cword) {
    const std::string cmd = "bash -c 'source " + file + "; COMP_WORDS=(" + words +
                            "); COMP_CWORD=" + std::to_string(cword) +
                            "; _classplanctl; echo \"${COMPREPLY[*]}\"'";
    std::string out;
    FILE* pipe = popen(cmd.c_str(), "r");
    if (pipe == nullptr) return out;
    char buf[4096];
    while (size_t n = fread(buf, 1, sizeof buf, pipe)) out.append(buf, n);
    pclose(pipe);
    return out;
  };
  EXPECT_EQ(complete("classplanctl pa", 1), "pay\n");
  EXPECT_EQ(complete("classplanctl pay p", 2), "place\n");
  // A subcommand's flags (its own and the global ones), after other words and flags.
  EXPECT_EQ(complete("classplanctl --json pay place 50000 --ba", 5), "--band\n");
  const std::string flags = complete("classplanctl pay place --", 3);
  for (const char* want : {"--band", "--jurisdiction", "--unit", "--target", "--json"}) {
    EXPECT_NE(flags.find(want), std::string::npos) << want << " in " << flags;
  }
  EXPECT_EQ(flags.find("--effective_from"), std::string::npos) << flags;
}

TEST(Cli, AuditCommandsNeedAServiceThatKeepsATrail) {
  Parsed p = ParseArgs({"audit", "verify", "--service=appraisal", "--roles=hr_admin"});
  EXPECT_FALSE(p.exit.has_value()) << p.err;
  EXPECT_EQ(p.command, "audit verify");
  EXPECT_EQ(p.flags.roles, "hr_admin");
  p = ParseArgs({"audit", "list", "--service", "catalog", "--resource-id=SPCP20", "--by=a-1",
                 "--since=2026-01-01"});
  EXPECT_FALSE(p.exit.has_value()) << p.err;
  EXPECT_EQ(p.command, "audit list");
  ExpectUsageError({"audit", "list"}, "--service");
  ExpectUsageError({"audit", "verify", "--service=gateway"}, "gateway");
  p = ParseArgs({"audit", "verify", "--service=eligibility"});  // its rulings are audited
  EXPECT_FALSE(p.exit.has_value()) << p.err;
}

}  // namespace
}  // namespace classplan::ctl

// Amounts have one syntax (payband::ParseDollars). A refused amount is a usage error before
// any call (exit 2); an accepted one goes on to call the pay-band service, here unreachable
// (exit 5), which is how the test tells the two apart.
namespace classplan::ctl {
namespace {

int RunAgainstNothing(std::vector<std::string> args) {
  args.insert(args.begin(), "classplanctl");
  Cli cli;
  std::ostringstream out;
  std::ostringstream err;
  if (std::optional<int> exit = cli.Parse(args, out, err)) return 100 + *exit;
  GlobalFlags flags = cli.flags();
  flags.target = flags.payband_target = "127.0.0.1:1";
  flags.timeout = "1s";
  Context context(flags, [](const char*) { return std::string(); });
  return cli.Run(context);
}

TEST(Cli, AmountsHaveOneUnambiguousSyntax) {
  for (const char* bad :
       {"25,50", "5,0000", "57000.505", "1.2.3", "-5", "57 000", "$", "1e5", "57000.", ",570"}) {
    EXPECT_EQ(RunAgainstNothing({"pay", "convert", std::string(bad) + "/hour", "--to=annual"}), 2)
        << bad;
    EXPECT_EQ(RunAgainstNothing({"pay", "place", bad, "--band=806-A", "--jurisdiction=denver-csa"}),
              2)
        << bad;
  }
  EXPECT_EQ(RunAgainstNothing({"pay", "check", "promotion", "--from=57,000", "--to=40,00",
                               "--band=T1", "--jurisdiction=nm-spo"}),
            2);
  for (const char* good : {"57000", "57,000", "57000.50", "$1,234.50", "1,234,567.5"}) {
    EXPECT_EQ(
        RunAgainstNothing({"pay", "place", good, "--band=806-A", "--jurisdiction=denver-csa"}), 5)
        << good;
  }
}

}  // namespace
}  // namespace classplan::ctl
