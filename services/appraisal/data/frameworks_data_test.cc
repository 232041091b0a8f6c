// The shipped frameworks against the source documents. Expected counts were written by hand
// from the seed (seed 002: 8 competencies x 5 level columns), not computed from the data.
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <map>
#include <sstream>

#include "gtest/gtest.h"
#include "services/appraisal/data/loader.h"

namespace classplan::appraisal {
namespace {

std::string SourceDir() {
  const char* s = std::getenv("CLASSPLAN_SOURCE_DIR");
  return s ? s : ".";
}

std::vector<v1::Framework> Shipped() {
  auto got = LoadFrameworkDir(SourceDir() + "/data/appraisal");
  EXPECT_TRUE(got.ok()) << got.status();
  return got.ok() ? *got : std::vector<v1::Framework>{};
}

const v1::Framework* Find(const std::vector<v1::Framework>& all, const std::string& id) {
  for (const auto& f : all) {
    if (f.id() == id) return &f;
  }
  return nullptr;
}

// Collapses whitespace, folds curly quotes and dashes, lower-cases.
std::string Normalize(const std::string& in) {
  std::string s;
  for (size_t i = 0; i < in.size(); ++i) {
    const unsigned char c = in[i];
    if (c == 0xE2 && i + 2 < in.size() && static_cast<unsigned char>(in[i + 1]) == 0x80) {
      const unsigned char d = in[i + 2];
      if (d == 0x98 || d == 0x99)
        s += '\'';
      else if (d == 0x9C || d == 0x9D)
        s += '"';
      else if (d == 0x93 || d == 0x94)
        s += '-';
      else
        s += in.substr(i, 3);
      i += 2;
      continue;
    }
    if (std::isspace(c)) {
      if (!s.empty() && s.back() != ' ') s += ' ';
      continue;
    }
    s += static_cast<char>(std::tolower(c));
  }
  return s;
}

TEST(FrameworkData, SanFranciscoCounts) {
  const auto all = Shipped();
  const v1::Framework* f = Find(all, "sf-hsa-2944-anchors");
  ASSERT_NE(f, nullptr);
  ASSERT_EQ(f->clusters_size(), 2);
  EXPECT_EQ(f->clusters(0).competencies_size(), 4);
  EXPECT_EQ(f->clusters(1).competencies_size(), 4);
  // name -> {subcompetencies, Emerging, Developing, Acquired, Accomplished, Mastery}
  const std::vector<std::pair<std::string, std::vector<int>>> want = {
      {"Personal Effectiveness", {6, 9, 9, 11, 11, 9}},
      {"Communication", {5, 6, 5, 6, 4, 4}},
      {"Work Effectiveness", {5, 7, 6, 5, 5, 6}},
      {"Customer Service", {5, 6, 5, 9, 7, 7}},
      {"Critical Evaluation", {4, 7, 8, 8, 6, 5}},
      {"Relating To Others", {3, 6, 5, 6, 5, 5}},
      {"Professional Expertise", {4, 5, 3, 5, 4, 6}},
      {"Performance Management", {5, 10, 11, 12, 11, 9}},
  };
  int k = 0, total = 0;
  for (const auto& cl : f->clusters()) {
    for (const auto& c : cl.competencies()) {
      ASSERT_LT(k, 8);
      SCOPED_TRACE(c.name());
      EXPECT_EQ(c.name(), want[k].first);
      EXPECT_EQ(c.subcompetencies_size(), want[k].second[0]);
      ASSERT_EQ(c.levels_size(), 5);
      for (int l = 0; l < 5; ++l) {
        EXPECT_EQ(c.levels(l).indicators_size(), want[k].second[l + 1]) << "level " << l;
        total += c.levels(l).indicators_size();
      }
      EXPECT_FALSE(c.definition().empty());
      ++k;
    }
  }
  EXPECT_EQ(total, 274);
  // Levels and tenure: Mastery is never an expectation.
  ASSERT_EQ(f->levels_size(), 5);
  EXPECT_EQ(f->levels(1).tenure_from_months(), 24);
  EXPECT_EQ(f->levels(3).tenure_until_months(), 0);
  EXPECT_FALSE(f->levels(4).expected_by_tenure());
  // The source states no threshold or overall rule: modelled as unknown, not invented.
  EXPECT_EQ(f->demonstration_rule().basis(), v1::RULE_BASIS_UNSPECIFIED);
  EXPECT_EQ(f->overall_rating_rule().basis(), v1::RULE_BASIS_UNSPECIFIED);
  EXPECT_EQ(f->rating_scale().basis(), v1::RULE_BASIS_UNSPECIFIED);
}

TEST(FrameworkData, SanFranciscoWording) {
  const auto all = Shipped();
  const v1::Framework* f = Find(all, "sf-hsa-2944-anchors");
  ASSERT_NE(f, nullptr);
  std::map<std::string, std::string> text;
  for (const auto& cl : f->clusters()) {
    for (const auto& c : cl.competencies()) {
      for (const auto& l : c.levels()) {
        for (const auto& i : l.indicators()) text[i.id()] = i.text();
      }
    }
  }
  EXPECT_EQ(text["pe.emg.02"], "Has a desire to make a positive contribution to the workplace.");
  EXPECT_EQ(text["we.mas.06"],
            "Responds to clients, staff, management and stakeholders within 24 hours of requests.");
  EXPECT_EQ(text["ce.dev.05"],
            "Seeks relevant information and answers to key questions from appropriate sources. "
            "Learning to understand levels of inclusion in decision making.");  // image removed
  EXPECT_EQ(text["pm.mas.09"].substr(0, 26), "Models for team and peers ");
  EXPECT_EQ(f->clusters(1).competencies(2).subcompetencies(2),
            "Knowledge of tools used in assessment and consultations (SOP, SDM, Safe Measures, "
            "etc.)");
}

TEST(FrameworkData, ScaleRatedCounts) {
  const auto all = Shipped();
  struct Want {
    const char* id;
    std::vector<int> per_cluster;
  };
  for (const Want& w :
       {Want{"denver-csa-ca2459-competencies", {17}}, Want{"denver-csa-ca2460-competencies", {19}},
        Want{"nm-spo-spps26-onet", {9, 11}}, Want{"nm-spo-spcp-onet", {8, 10}}}) {
    SCOPED_TRACE(w.id);
    const v1::Framework* f = Find(all, w.id);
    ASSERT_NE(f, nullptr);
    EXPECT_EQ(f->kind(), v1::FRAMEWORK_KIND_SCALE_RATED);
    ASSERT_EQ(f->clusters_size(), static_cast<int>(w.per_cluster.size()));
    for (size_t i = 0; i < w.per_cluster.size(); ++i) {
      EXPECT_EQ(f->clusters(i).competencies_size(), w.per_cluster[i]);
    }
  }
  const v1::Framework* d = Find(all, "denver-csa-ca2459-competencies");
  ASSERT_NE(d, nullptr);
  EXPECT_EQ(d->clusters(0).competencies(0).name(), "Integrity/Honesty");
  EXPECT_EQ(d->clusters(0).competencies(2).definition(),
            "Is thorough when performing work and conscientious about attending to detail.");
}

// Every text in the data occurs in its seed (whitespace, quotes and dashes normalised).
TEST(FrameworkData, EveryTextIsInTheSeed) {
  const std::string seeds = SourceDir() + "/../shared/seeds";
  if (!std::filesystem::exists(seeds)) {
    if (std::getenv("CLASSPLAN_REQUIRE_SOURCES")) FAIL() << "seeds missing: " << seeds;
    GTEST_SKIP() << "seeds not found at " << seeds;
  }
  std::map<std::string, std::string> seed_text;  // "002" -> normalised text
  for (const auto& e : std::filesystem::directory_iterator(seeds)) {
    std::ifstream in(e.path());
    std::stringstream b;
    b << in.rdbuf();
    std::string raw = b.str();
    // Drop "[image: ...]" markers, as the data does.
    for (size_t p; (p = raw.find("[image:")) != std::string::npos;) {
      raw.erase(p, raw.find(']', p) - p + 1);
    }
    // Drop the page header seed 001 repeats mid-list (it splits one O*NET definition).
    const std::string header = "\nCHILD PROTECTIVE SERVICES (CPS) PERMANENCY PLANNING WORKER\n";
    for (size_t p; (p = raw.find(header)) != std::string::npos;) raw.erase(p, header.size() - 1);
    seed_text[e.path().filename().string().substr(0, 3)] = Normalize(raw);
  }
  int checked = 0;
  for (const auto& f : Shipped()) {
    const std::string key = f.source().substr(5, 3);  // "seed 002_..."
    ASSERT_TRUE(seed_text.count(key)) << f.id();
    const std::string& src = seed_text[key];
    auto check = [&](const std::string& t, const std::string& what) {
      if (t.empty()) return;
      ++checked;
      EXPECT_NE(src.find(Normalize(t)), std::string::npos) << f.id() << " " << what << ": " << t;
    };
    for (const auto& cl : f.clusters()) {
      for (const auto& c : cl.competencies()) {
        check(c.name(), c.id() + ".name");
        check(c.definition(), c.id() + ".definition");
        for (const auto& s : c.subcompetencies()) check(s, c.id() + ".subcompetency");
        for (const auto& l : c.levels()) {
          for (const auto& i : l.indicators()) check(i.text(), i.id());
        }
      }
    }
    for (const auto& g : f.guidance()) check(g, "guidance");
  }
  EXPECT_GT(checked, 400);
}

TEST(FrameworkData, BadFileReportsFileAndLine) {
  auto got = ParseFrameworkFile("bad.textproto", "frameworks {\n  id: \"x\"\n  nope: 1\n}\n");
  ASSERT_FALSE(got.ok());
  EXPECT_NE(got.status().message().find("bad.textproto:3:"), std::string::npos) << got.status();
  got = ParseFrameworkFile("bad.textproto", "\nframeworks {\n  id: \"x\"\n}\n");
  ASSERT_FALSE(got.ok());
  EXPECT_NE(got.status().message().find("bad.textproto:2: frameworks[0].version"),
            std::string::npos)
      << got.status();
}

}  // namespace
}  // namespace classplan::appraisal
