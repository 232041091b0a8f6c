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

constexpr char kCipValid[] = R"pb(
  root {
    id: "e"
    source_text: "Bachelor's Degree in Social Work, Psychology, or a closely related field"
    education {
      min_level: EDUCATION_LEVEL_BACHELOR
      fields { name: "Social Work" cip: "44.0701" cip: "51.1503" }
      fields { name: "Psychology" cip: "42" }
      fields { name: "Family Services" review_cip: "19.07" }
      closely_related_allowed: true
      closely_related { basis: BASIS_SAME_SERIES cip: "51.1508" }
    }
  }
)pb";

TEST(RuleValidator, CipFieldsPass) { EXPECT_EQ(Problems(Parse(kCipValid)), ""); }

TEST(RuleValidator, EachCipProblemIsNamed) {
  // Each case edits the valid tree; every problem is named with its path and the rule's id.
  struct Case {
    const char* name;
    void (*edit)(cv1::EducationRule*);
    const char* expected;
  };
  const Case cases[] = {
      {"code of bad syntax",
       [](cv1::EducationRule* e) { e->mutable_fields(0)->set_cip(0, "44.701"); },
       "rules.root.education.fields[0].cip[0]: must be a CIP 2020 code written NN, NN.NN or "
       "NN.NNNN (e.g. 44.0701) (rule e)"},
      {"code not in the list",
       [](cv1::EducationRule* e) { e->mutable_fields(1)->set_cip(0, "99"); },
       "rules.root.education.fields[1].cip[0]: CIP code 99 is not in the CIP 2020 list (data/cip) "
       "(rule e)"},
      {"review code not in the list",
       [](cv1::EducationRule* e) { e->mutable_fields(2)->set_review_cip(0, "19.0799"); },
       "rules.root.education.fields[2].review_cip[0]: CIP code 19.0799 is not in the CIP 2020 "
       "list"},
      {"closely related code",
       [](cv1::EducationRule* e) { e->mutable_closely_related()->add_cip("5"); },
       "rules.root.education.closely_related.cip[1]: must be a CIP 2020 code"},
      {"field without a name", [](cv1::EducationRule* e) { e->mutable_fields(0)->clear_name(); },
       "rules.root.education.fields[0].name: is required"},
      {"field without codes",
       [](cv1::EducationRule* e) { e->mutable_fields(2)->clear_review_cip(); },
       "rules.root.education.fields[2].cip: name at least one code in cip or review_cip"},
      {"closely related rule the clause does not allow",
       [](cv1::EducationRule* e) { e->set_closely_related_allowed(false); },
       "rules.root.education.closely_related: needs closely_related_allowed"},
      {"basis without fields", [](cv1::EducationRule* e) { e->clear_fields(); },
       "rules.root.education.closely_related.basis: needs fields"},
      {"unknown basis",
       [](cv1::EducationRule* e) {
         e->mutable_closely_related()->set_basis(static_cast<cv1::CloselyRelatedRule::Basis>(7));
       },
       "rules.root.education.closely_related.basis: unknown value 7"},
      {"name too long",
       [](cv1::EducationRule* e) { e->mutable_fields(0)->set_name(std::string(301, 'x')); },
       "rules.root.education.fields[0].name: must be at most 300 bytes"},
  };
  for (const auto& c : cases) {
    SCOPED_TRACE(c.name);
    cv1::QualificationRules r = Parse(kCipValid);
    c.edit(r.mutable_root()->mutable_education());
    const std::string problems = Problems(r);
    EXPECT_NE(problems.find(c.expected), std::string::npos) << problems;
  }
  // A combination's related fields are checked the same way.
  cv1::QualificationRules r =
      Parse(R"pb(root {
                   id: "c"
                   source_text: "x"
                   combination {
                     months: 48
                     credit_hours_per_year: 30
                     related_cip_fields { name: "Social Sciences" cip: "45.0" }
                   }
                 })pb");
  EXPECT_NE(Problems(r).find("rules.root.combination.related_cip_fields[0].cip[0]: must be a CIP"),
            std::string::npos)
      << Problems(r);
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
