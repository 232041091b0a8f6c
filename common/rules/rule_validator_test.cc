#include "common/rules/rule_validator.h"

#include <google/protobuf/text_format.h>
#include <gtest/gtest.h>

#include <string>

namespace classplan::rules {
namespace {

namespace cv1 = ::classplan::catalog::v1;

cv1::QualificationRules Parse(const std::string& text) {
  cv1::QualificationRules r;
  EXPECT_TRUE(google::protobuf::TextFormat::ParseFromString(text, &r)) << text;
  return r;
}

// The violations' fields and descriptions, one "field: description" per line.
std::string Problems(const cv1::QualificationRules& r) {
  status::Violations v;
  CheckQualificationRules(r, "rules", v);
  std::string out;
  for (const auto& f : v.list()) out += f.field + ": " + f.description + "\n";
  return out;
}

constexpr char kValid[] = R"pb(
  rule_version: 1
  root {
    id: "mq"
    all_of {
      children {
        id: "mq/education"
        source_text: "Bachelor's Degree in Social Work"
        education {
          min_level: EDUCATION_LEVEL_BACHELOR
          accepted_fields: FIELD_OF_STUDY_SOCIAL_WORK
        }
      }
      children {
        id: "mq/experience"
        source_text: "two (2) years of experience"
        experience {
          months: 24
          kinds: EXPERIENCE_KIND_COMMUNITY_WORK
          parts { months: 12 attribute: EXPERIENCE_ATTRIBUTE_SUPERVISORY }
          substitution {
            max_months: 12
            source_text: "may substitute for one year"
            options {
              months: 12
              source_text: "A Masters Degree"
              education { min_level: EDUCATION_LEVEL_MASTER }
            }
          }
        }
      }
      children {
        id: "mq/licence"
        source_text: "a licence"
        licence { accepted: LICENCE_TYPE_LBSW state: "NM" }
      }
    }
  }
)pb";

TEST(RuleValidator, ValidTreePasses) {
  EXPECT_EQ(Problems(Parse(kValid)), "");
  EXPECT_TRUE(ValidateQualificationRules(Parse(kValid), "rules").ok());
}

TEST(RuleValidator, EachProblemIsNamed) {
  struct Case {
    const char* name;
    const char* text;
    const char* expected;  // a substring of the problems
  };
  const Case cases[] = {
      {"empty all_of", R"pb(root {
                              id: "a"
                              all_of {}
                            })pb",
       "rules.root.all_of.children: a group needs at least one rule"},
      {"empty any_of", R"pb(root {
                              id: "a"
                              any_of {}
                            })pb",
       "rules.root.any_of.children: a group needs at least one rule"},
      {"node with no rule", R"pb(root {
                                   id: "a"
                                   all_of { children { id: "b" } }
                                 })pb",
       "rules.root.all_of.children[0]: a node needs exactly one rule"},
      {"no root", R"pb(rule_version: 1)pb", "rules.root: is required"},
      {"negative months", R"pb(root {
                                 id: "a"
                                 source_text: "x"
                                 experience { months: -3 kinds: EXPERIENCE_KIND_OTHER }
                               })pb",
       "rules.root.experience.months: must not be negative (rule a)"},
      {"negative part months",
       R"pb(root {
              id: "a"
              source_text: "x"
              experience {
                months: 3
                kinds: EXPERIENCE_KIND_OTHER
                parts { months: -1 attribute: EXPERIENCE_ATTRIBUTE_SUPERVISORY }
              }
            })pb",
       "rules.root.experience.parts[0].months: must not be negative"},
      {"unknown experience kind", R"pb(root {
                                         id: "a"
                                         source_text: "x"
                                         experience { months: 3 kinds: 77 }
                                       })pb",
       "rules.root.experience.kinds[0]: unknown value 77"},
      {"unknown education level", R"pb(root {
                                         id: "a"
                                         source_text: "x"
                                         education { min_level: 9 }
                                       })pb",
       "rules.root.education.min_level: unknown value 9"},
      {"duplicate ids",
       R"pb(root {
              id: "a"
              any_of {
                children {
                  id: "b"
                  source_text: "x"
                  drivers_licence {}
                }
                children {
                  id: "b"
                  source_text: "y"
                  drivers_licence {}
                }
              }
            })pb",
       "rules.root.any_of.children[1].id: duplicate id"},
      {"missing clause text", R"pb(root {
                                     id: "a"
                                     drivers_licence {}
                                   })pb",
       "rules.root.source_text: is required"},
      {"missing id", R"pb(root {
                            source_text: "x"
                            drivers_licence {}
                          })pb",
       "rules.root.id: is required"},
      {"bad licence state", R"pb(root {
                                   id: "a"
                                   source_text: "x"
                                   licence { accepted: LICENCE_TYPE_LBSW state: "New Mexico" }
                                 })pb",
       "rules.root.licence.state"},
      {"substitution option of no kind",
       R"pb(root {
              id: "a"
              source_text: "x"
              experience {
                months: 3
                kinds: EXPERIENCE_KIND_OTHER
                substitution {
                  max_months: 3
                  source_text: "s"
                  options { months: 3 source_text: "o" }
                }
              }
            })pb",
       "needs an education or a field_placement"},
      {"combination without credit hours", R"pb(root {
                                                  id: "a"
                                                  source_text: "x"
                                                  combination { months: 48 }
                                                })pb",
       "rules.root.combination.credit_hours_per_year"},
      {"months beyond the limit", R"pb(root {
                                         id: "a"
                                         source_text: "x"
                                         experience { months: 5000 kinds: EXPERIENCE_KIND_OTHER }
                                       })pb",
       "must be at most 1200 months"},
  };
  for (const auto& c : cases) {
    SCOPED_TRACE(c.name);
    const std::string problems = Problems(Parse(c.text));
    EXPECT_NE(problems.find(c.expected), std::string::npos) << problems;
    absl::Status s = ValidateQualificationRules(Parse(c.text), "rules");
    EXPECT_EQ(s.code(), absl::StatusCode::kInvalidArgument);
    EXPECT_FALSE(status::GetFieldViolations(s).empty());
  }
}

// A chain of `levels` nested all_of groups ending in a leaf.
cv1::QualificationRules Nested(int levels) {
  cv1::QualificationRules r;
  cv1::QualificationRule* n = r.mutable_root();
  for (int i = 0; i < levels; ++i) {
    n->set_id("g" + std::to_string(i));
    n = n->mutable_all_of()->add_children();
  }
  n->set_id("leaf");
  n->set_source_text("x");
  n->mutable_drivers_licence();
  return r;
}

TEST(RuleValidator, DepthIsBounded) {
  EXPECT_EQ(Problems(Nested(kMaxDepth)), "");
  const std::string problems = Problems(Nested(45));
  EXPECT_NE(problems.find("nested more than 16 levels deep"), std::string::npos) << problems;
}

TEST(RuleValidator, SizeIsBoundedAndViolationsCapped) {
  cv1::QualificationRules r;
  r.mutable_root()->set_id("root");
  auto* g = r.mutable_root()->mutable_any_of();
  for (int i = 0; i < 30000; ++i) {
    auto* leaf = g->add_children();
    leaf->set_id("leaf");  // every one a duplicate, and no clause text: many problems
    leaf->mutable_drivers_licence();
  }
  status::Violations v;
  CheckQualificationRules(r, "rules", v);
  ASSERT_FALSE(v.empty());
  EXPECT_LE(v.list().size(), kMaxViolations + 2);
  bool size_named = false;
  for (const auto& f : v.list()) {
    size_named |= f.description.find("more than 256 nodes") != std::string::npos;
  }
  EXPECT_TRUE(size_named);
}

TEST(RuleValidator, TextLengthIsBounded) {
  cv1::QualificationRules r = Parse(kValid);
  r.mutable_root()->set_source_text(std::string(kMaxTextLength + 1, 'x'));
  r.add_notes(std::string(kMaxTextLength + 1, 'y'));
  const std::string problems = Problems(r);
  EXPECT_NE(problems.find("rules.root.source_text: must be at most 4000 bytes"), std::string::npos)
      << problems;
  EXPECT_NE(problems.find("rules.notes[0]: must be at most 4000 bytes"), std::string::npos);
}

}  // namespace
}  // namespace classplan::rules
