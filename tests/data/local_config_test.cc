// Configuration is one file per component, with every setting documented (issue 6):
//   - each service run.sh starts has deploy/local/<name>.flags, an abseil flag file that
//     run.sh passes to it; the file sets every flag the server defines (from its --helpfull),
//     nothing else, each under a comment line saying what it does; the server accepts it;
//   - every field of the gateway's config (classplan.gateway.v1.GatewayConfig and the
//     messages inside it) is in docs/gateway.md's settings table.
// Each check collects problems as text, and the *CanFail tests feed it broken input.

#include <gtest/gtest.h>

#include <map>
#include <regex>
#include <set>
#include <sstream>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "classplan/gateway/v1/config.pb.h"
#include "tests/data/deploy_files.h"

namespace classplan::testing {
namespace {

namespace fs = std::filesystem;

// Problems with a flag file's text, given the flags its server defines.
std::vector<std::string> CheckFlagFile(const std::string& text,
                                       const std::map<std::string, std::string>& defined) {
  std::vector<std::string> problems;
  std::set<std::string> seen;
  std::istringstream in(text);
  std::string line;
  bool comment_above = false;
  int n = 0;
  const std::regex entry_re(R"(^--([A-Za-z0-9_]+)=(.*)$)");
  std::smatch m;
  while (std::getline(in, line)) {
    ++n;
    const std::string where = "line " + std::to_string(n) + ": ";
    if (line.empty()) {
      comment_above = false;
    } else if (line[0] == '#') {
      comment_above = true;
    } else if (std::regex_match(line, m, entry_re)) {
      const std::string name = m[1];
      if (!comment_above)
        problems.push_back(absl::StrCat(where, "--", name, " has no comment above it"));
      if (!seen.insert(name).second)
        problems.push_back(absl::StrCat(where, "--", name, " is set twice"));
      if (defined.count(name) == 0) {
        problems.push_back(absl::StrCat(where, "--", name, " is not a flag of this server"));
      }
      comment_above = false;
    } else {
      problems.push_back(absl::StrCat(where, "not a comment or --name=value: ", line));
    }
  }
  for (const auto& [name, help] : defined) {
    if (seen.count(name) == 0)
      problems.push_back(absl::StrCat("--", name, " (", help, ") is missing"));
  }
  return problems;
}

// Problems with the gateway's settings table: config fields it does not name.
std::vector<std::string> CheckGatewayDocs(const std::string& doc) {
  std::vector<std::string> problems;
  const auto start = doc.find("## Configuration: `gateway.textproto`");
  if (start == std::string::npos) return {"docs/gateway.md has no configuration section"};
  const std::string section = doc.substr(start, doc.find("\n## ", start + 1) - start);
  const auto* config = gateway::v1::GatewayConfig::descriptor();
  std::vector<const google::protobuf::Descriptor*> todo = {config};
  std::set<const google::protobuf::Descriptor*> done;
  while (!todo.empty()) {
    const auto* d = todo.back();
    todo.pop_back();
    if (!done.insert(d).second) continue;
    for (int i = 0; i < d->field_count(); ++i) {
      const auto* f = d->field(i);
      // Named as `name` (a top-level setting) or inside `parent { ... name ... }`.
      const std::regex named("`" + f->name() + "[` ]|[{ ]" + f->name() + "[ }]");
      if (!std::regex_search(section, named)) {
        problems.push_back(d->name() + "." + f->name() + " is not in the settings table");
      }
      if (f->message_type() != nullptr) todo.push_back(f->message_type());
    }
  }
  return problems;
}

std::string Join(const std::vector<std::string>& lines) {
  std::string out;
  for (const auto& l : lines) out += "  " + l + "\n";
  return out;
}

TEST(LocalConfig, EveryServiceHasAFlagFileWithEverySettingDocumented) {
  const auto services = LaunchedServices();
  ASSERT_GE(services.size(), 4u) << "run.sh starts fewer services than expected";
  const std::string run_sh = ReadFile(SourceDir() / "deploy/local/run.sh");
  for (const auto& s : services) {
    SCOPED_TRACE(s.name);
    const fs::path file = SourceDir() / "deploy/local" / (s.name + ".flags");
    ASSERT_TRUE(fs::exists(file)) << file << " is missing";
    const auto defined = OwnFlags(BuildDir() / s.binary);
    ASSERT_TRUE(defined.count("listen") && defined.count("db") + defined.count("catalog") > 0)
        << s.binary << " --helpfull lists none of its flags; is it built in " << BuildDir() << "?";
    const auto problems = CheckFlagFile(ReadFile(file), defined);
    EXPECT_TRUE(problems.empty()) << file << ":\n" << Join(problems);
    // The server takes the file as it is (an unknown flag or a bad value is an ERROR).
    const std::string out = RunShell((BuildDir() / s.binary).string() +
                                     " --flagfile=" + file.string() + " --helpfull 2>&1");
    EXPECT_EQ(out.find("ERROR"), std::string::npos) << out.substr(0, 500);
    // run.sh hands it to every replica of that service.
    const std::regex passed("\nstart_replicas " + s.name +
                            " [^\n]*(\\\\\n[^\n]*)*--flagfile=\"\\$ROOT/deploy/local/" + s.name +
                            "\\.flags\"");
    EXPECT_TRUE(std::regex_search(run_sh, passed))
        << "run.sh does not pass --flagfile=\"$ROOT/deploy/local/" << s.name << ".flags\"";
  }
}

TEST(LocalConfig, FlagFileCheckCanFail) {
  const std::map<std::string, std::string> defined = {{"listen", "where"}, {"db", "file"}};
  EXPECT_TRUE(CheckFlagFile("# where\n--listen=x\n# file\n--db=y\n", defined).empty());
  EXPECT_EQ(CheckFlagFile("# where\n--listen=x\n", defined).size(), 1u);           // missing
  EXPECT_EQ(CheckFlagFile("# where\n--listen=x\n--db=y\n", defined).size(), 1u);   // no comment
  EXPECT_EQ(CheckFlagFile("# both\n--listen=x\n\n--db=y\n", defined).size(), 1u);  // blank gap
  EXPECT_EQ(CheckFlagFile("# a\n--listen=x\n# b\n--db=y\n# c\n--other=1\n", defined).size(),
            1u);  // unknown
  EXPECT_EQ(CheckFlagFile("# a\n--listen=x\n# b\n--db=y\n# c\n--db=z\n", defined).size(), 1u);
  EXPECT_EQ(CheckFlagFile("# a\n--listen x\n# b\n--db=y\n", defined).size(), 2u);  // bad form
}

TEST(LocalConfig, EveryGatewaySettingIsInTheDocs) {
  const auto problems = CheckGatewayDocs(ReadFile(SourceDir() / "docs/gateway.md"));
  EXPECT_TRUE(problems.empty()) << Join(problems);
}

TEST(LocalConfig, GatewayDocsCheckCanFail) {
  std::string doc = ReadFile(SourceDir() / "docs/gateway.md");
  const auto at = doc.find("| `health_check_interval` |");
  ASSERT_NE(at, std::string::npos);
  doc.replace(at, std::string("| `health_check_interval` |").size(), "| `interval` |");
  const auto problems = CheckGatewayDocs(doc);
  ASSERT_EQ(problems.size(), 1u) << Join(problems);
  EXPECT_NE(problems[0].find("health_check_interval"), std::string::npos);
  EXPECT_FALSE(CheckGatewayDocs("# no settings here\n").empty());
}

}  // namespace
}  // namespace classplan::testing
