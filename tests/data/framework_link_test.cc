// The catalog's link from each class to its competency framework
// (JobClass.competency_framework_id, data/catalog) and the appraisal service's link back
// (Framework.class_codes, data/appraisal) must agree: the appraisal service picks a class's
// framework from class_codes without calling the catalog, and `classplanctl class get` shows
// the catalog's side.

#include <google/protobuf/text_format.h>
#include <gtest/gtest.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <map>
#include <set>
#include <sstream>
#include <string>

#include "classplan/catalog/v1/data.pb.h"
#include "services/appraisal/data/loader.h"

namespace {

namespace fs = std::filesystem;

fs::path SourceDir() {
  const char* env = std::getenv("CLASSPLAN_SOURCE_DIR");
  return fs::path(env != nullptr && *env != '\0' ? env : ".");
}

// Class code -> the competency_framework_id of every revision of it in the shipped catalog.
std::map<std::string, std::set<std::string>> CatalogLinks() {
  std::map<std::string, std::set<std::string>> out;
  for (const auto& e : fs::directory_iterator(SourceDir() / "data" / "catalog")) {
    if (e.path().extension() != ".textproto") continue;
    std::ifstream in(e.path());
    std::stringstream text;
    text << in.rdbuf();
    classplan::catalog::v1::CatalogData data;
    EXPECT_TRUE(google::protobuf::TextFormat::ParseFromString(text.str(), &data)) << e.path();
    for (const auto& r : data.revisions()) {
      out[r.job_class().code()].insert(r.job_class().competency_framework_id());
    }
  }
  return out;
}

TEST(FrameworkLink, CatalogAndFrameworksPointAtEachOther) {
  const auto links = CatalogLinks();
  ASSERT_GE(links.size(), 9u) << "catalog data not found under " << SourceDir();
  auto frameworks =
      classplan::appraisal::LoadFrameworkDir((SourceDir() / "data" / "appraisal").string());
  ASSERT_TRUE(frameworks.ok()) << frameworks.status();
  std::map<std::string, std::string> by_class;  // from the frameworks' side
  std::set<std::string> ids;
  for (const auto& f : *frameworks) {
    ids.insert(f.id());
    for (const auto& code : f.class_codes()) {
      EXPECT_TRUE(by_class.emplace(code, f.id()).second) << code << ": in two frameworks";
      EXPECT_TRUE(links.count(code)) << f.id() << " names " << code << ", not in the catalog";
    }
  }
  std::set<std::string> without;
  for (const auto& [code, framework_ids] : links) {
    SCOPED_TRACE(code);
    ASSERT_EQ(framework_ids.size(), 1u) << "revisions disagree on the framework";
    const std::string& id = *framework_ids.begin();
    if (id.empty()) {
      without.insert(code);
      EXPECT_EQ(by_class.count(code), 0u) << "a framework names the class; the catalog does not";
      continue;
    }
    EXPECT_TRUE(ids.count(id)) << id << " is not a shipped framework";
    EXPECT_EQ(by_class[code], id) << "the framework does not list the class";
  }
  // Their source (seed 003) gives "Knowledge and Skills: N/A": no framework to appraise by.
  EXPECT_EQ(without, (std::set<std::string>{"G1099A", "G1099B", "G1099O"}));
  EXPECT_EQ(by_class.at("2944"), "sf-hsa-2944-anchors");
}

}  // namespace
