#ifndef CLASSPLAN_TESTS_DATA_DEPLOY_FILES_H_
#define CLASSPLAN_TESTS_DATA_DEPLOY_FILES_H_

// What the deployment checks (kubernetes_manifests_test, local_config_test) share: where the
// checkout and the build are, reading files, running a command, what the launcher starts and
// which flags a binary accepts.

#include <filesystem>
#include <map>
#include <set>
#include <string>
#include <vector>

namespace classplan::testing {

// The checkout and the build tree (ctest's CLASSPLAN_SOURCE_DIR / CLASSPLAN_BUILD_DIR, else
// the directories this test was configured in).
std::filesystem::path SourceDir();
std::filesystem::path BuildDir();

std::string ReadFile(const std::filesystem::path& path);

// Standard output of a shell command.
std::string RunShell(const std::string& command);

// What the launcher starts: `start_replicas NAME "$BUILD_DIR/<path>" ...` in run.sh.
struct LaunchedService {
  std::string name;
  std::string binary;  // relative to the build dir
};
std::vector<LaunchedService> LaunchedServices();

// Every flag name a binary accepts, from its --helpfull text ("    --name (help); ...").
std::set<std::string> AcceptedFlags(const std::filesystem::path& binary);

// The flags the binary itself defines (not abseil's own --flagfile, --help...), by name,
// with the help text.
std::map<std::string, std::string> OwnFlags(const std::filesystem::path& binary);

}  // namespace classplan::testing

#endif  // CLASSPLAN_TESTS_DATA_DEPLOY_FILES_H_
