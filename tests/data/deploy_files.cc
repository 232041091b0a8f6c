#include "tests/data/deploy_files.h"

#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <memory>
#include <regex>
#include <sstream>

namespace classplan::testing {
namespace fs = std::filesystem;
namespace {

fs::path EnvDir(const char* name, const char* fallback) {
  const char* env = std::getenv(name);
  return fs::path(env != nullptr && *env != '\0' ? env : fallback);
}

}  // namespace

fs::path SourceDir() { return EnvDir("CLASSPLAN_SOURCE_DIR", CLASSPLAN_DEFAULT_SOURCE_DIR); }
fs::path BuildDir() { return EnvDir("CLASSPLAN_BUILD_DIR", CLASSPLAN_DEFAULT_BUILD_DIR); }

std::string ReadFile(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream out;
  out << in.rdbuf();
  return out.str();
}

std::string RunShell(const std::string& command) {
  std::string out;
  std::unique_ptr<FILE, int (*)(FILE*)> pipe(popen(command.c_str(), "r"), pclose);
  if (!pipe) return out;
  char buf[4096];
  size_t n;
  while ((n = fread(buf, 1, sizeof buf, pipe.get())) > 0) out.append(buf, n);
  return out;
}

std::vector<LaunchedService> LaunchedServices() {
  std::vector<LaunchedService> out;
  std::string text = ReadFile(SourceDir() / "deploy/local/run.sh");
  std::regex re(R"re(\nstart_replicas (\w+) "\$BUILD_DIR/([^"]+)")re");
  for (std::sregex_iterator it(text.begin(), text.end(), re), end; it != end; ++it) {
    out.push_back({(*it)[1], (*it)[2]});
  }
  return out;
}

std::set<std::string> AcceptedFlags(const fs::path& binary) {
  std::set<std::string> flags;
  std::string text = RunShell(binary.string() + " --helpfull 2>&1");
  std::regex re(R"(\n\s+--([A-Za-z0-9_]+) \()");
  for (std::sregex_iterator it(text.begin(), text.end(), re), end; it != end; ++it) {
    flags.insert((*it)[1]);
  }
  return flags;
}

std::map<std::string, std::string> OwnFlags(const fs::path& binary) {
  std::map<std::string, std::string> flags;
  std::istringstream text(RunShell(binary.string() + " --helpfull 2>&1"));
  // --helpfull groups flags under "  Flags from <source file>:"; abseil's own live under
  // an absl/ path.
  bool own = false;
  std::string line, current;
  std::regex flag_re(R"(^\s+--([A-Za-z0-9_]+) \((.*)$)");
  std::smatch m;
  while (std::getline(text, line)) {
    if (line.rfind("  Flags from ", 0) == 0) {
      own = line.find("absl/") == std::string::npos;
      current.clear();
    } else if (own && std::regex_match(line, m, flag_re)) {
      current = m[1];
      flags[current] = m[2];
    } else if (own && !current.empty() && !line.empty()) {
      flags[current] += " " + line.substr(line.find_first_not_of(' '));
    }
  }
  return flags;
}

}  // namespace classplan::testing
