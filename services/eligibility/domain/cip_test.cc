// Fields of study as CIP 2020 codes (issue 18 §1): listed codes, families and series, the
// class's closely-related rule, review codes, and the deprecated enum still readable.
#include <google/protobuf/text_format.h>
#include <gtest/gtest.h>

#include "services/eligibility/domain/engine.h"
#include "services/eligibility/domain/test_rules.h"

namespace classplan::eligibility {
namespace {

using testing::ApplicantBuilder;
using testing::Evaluated;
using testing::EvaluatedWith;
using testing::Lines;
using testing::Outcome;

constexpr auto kAssociate = cv1::EDUCATION_LEVEL_ASSOCIATE;
constexpr auto kBachelor = cv1::EDUCATION_LEVEL_BACHELOR;
constexpr auto kCaseWork = cv1::EXPERIENCE_KIND_PROFESSIONAL_SOCIAL_CASE_WORK;
constexpr auto kCase = cv1::EXPERIENCE_KIND_SOCIAL_WORK_CASE_MANAGEMENT;
constexpr auto kCoordinator = cv1::EXPERIENCE_KIND_SOCIAL_OR_COMMUNITY_COORDINATOR;

bool Says(const Outcome& o, const std::string& text) {
  return Lines(o).find(text) != std::string::npos;
}

// Meets Denver's experience and licence clauses (CA2459 and CA2460): only the degree decides.
ApplicantBuilder DenverCaseWorker(const char* cip) {
  ApplicantBuilder b;
  b.CipDegree(kBachelor, cip);
  b.Job("2023-01-01", "2025-12-31", 40, {kCaseWork}, false, true);
  b.DriversLicence();
  return b;
}

TEST(CipFields, TheCounselingCase) {
  for (const char* code : {"CA2459", "CA2460"}) {
    SCOPED_TRACE(code);
    // A bachelor's in counseling is accepted at once, and the explanation says by which rule.
    Outcome o = Evaluated(code, DenverCaseWorker("51.1508").Build());
    EXPECT_EQ(o.state, State::kQualified) << Lines(o);
    EXPECT_TRUE(Says(o,
                     "[met] education: holds a qualifying degree completed by the as-of date; "
                     "CIP 51.1508 Mental Health Counseling/Counselor.: closely related, on "
                     "the class's list (51.1508)"))
        << Lines(o);
    EXPECT_TRUE(o.review_reasons.empty());
    // School counseling is the listed field itself, counseling psychology is psychology.
    o = Evaluated(code, DenverCaseWorker("13.1101").Build());
    EXPECT_EQ(o.state, State::kQualified) << Lines(o);
    EXPECT_TRUE(Says(o,
                     "CIP 13.1101 Counselor Education/School Counseling and Guidance "
                     "Services.: Guidance and Counseling, listed (13.11)"))
        << Lines(o);
    o = Evaluated(code, DenverCaseWorker("42.2803").Build());
    EXPECT_EQ(o.state, State::kQualified) << Lines(o);
    EXPECT_TRUE(Says(o, "CIP 42.2803 Counseling Psychology.: Psychology, listed (42)")) << Lines(o);
    // A genuinely unlisted, unrelated field: the class allows "a closely related field" and
    // states no rule that relates it, so a person judges.
    o = Evaluated(code, DenverCaseWorker("52.0101").Build());
    EXPECT_EQ(o.state, State::kNeedsReview) << Lines(o);
    ASSERT_EQ(o.review_reasons.size(), 1);
    EXPECT_EQ(o.review_reasons[0],
              "education: a person must judge whether the degree's field of study is closely "
              "related; CIP 52.0101 Business/Commerce, General.: no listed field; closely "
              "related: needs review");
  }
}

TEST(CipFields, TheDeprecatedEnumKeepsItsOldAnswer) {
  // The same applicant giving the old enum: Counseling is not Denver's "Guidance and
  // Counseling", so it still goes to review, as before CIP.
  ApplicantBuilder b;
  b.Degree(kBachelor, cv1::FIELD_OF_STUDY_COUNSELING);
  b.Job("2023-01-01", "2025-12-31", 40, {kCaseWork}, false, true);
  b.DriversLicence();
  const Outcome o = Evaluated("CA2459", b.Build());
  EXPECT_EQ(o.state, State::kNeedsReview) << Lines(o);
  EXPECT_FALSE(Says(o, "CIP ")) << Lines(o);
}

TEST(CipFields, NewMexicoListsSevenFieldsAndNoRelatedOnes) {
  struct Case {
    const char* cip;
    State state;
    const char* says;
  };
  const Case cases[] = {
      {"43.0104", State::kQualified,
       "CIP 43.0104 Criminal Justice/Safety Studies.: Criminal Justice, listed (43.01)"},
      // Any education programme: family 13.
      {"13.1205", State::kQualified, "CIP 13.1205: Education, listed (13)"},
      {"44.0703", State::kQualified, "Forensic Social Work.: Social Work, listed (44.0703)"},
      // "Family Services" has no CIP code: its nearest codes go to a person, never decided.
      {"19.0707", State::kNeedsReview,
       "CIP 19.0707 Family and Community Services.: may be Family Services (19.07); needs "
       "review"},
      {"45.0401", State::kNeedsReview,
       "Criminology.: may be Criminal Justice (45.0401); needs review"},
      // No "closely related" wording: anything else is not met.
      {"52.0101", State::kNotQualified,
       "the degree's field of study is not one the class accepts; CIP 52.0101 "
       "Business/Commerce, General.: no listed field"},
  };
  for (const auto& c : cases) {
    SCOPED_TRACE(c.cip);
    ApplicantBuilder b;
    b.CipDegree(kBachelor, c.cip).Job("2016-01-01", "2025-12-31", 40, {kCase});
    const Outcome o = Evaluated("SPCP20", b.Build());
    EXPECT_EQ(o.state, c.state) << Lines(o);
    EXPECT_TRUE(Says(o, c.says)) << Lines(o);
    if (c.state == State::kNotQualified) {
      EXPECT_FALSE(Says(o, "needs review")) << Lines(o);
    }
  }
}

TEST(CipFields, SocialWorkOnlyMeansSocialWork) {
  // SPPS26 path 1: "Bachelor's Degree in Social Work" and a licence.
  ApplicantBuilder b;
  b.CipDegree(kBachelor, "51.1503").Licence(cv1::LICENCE_TYPE_LBSW);
  b.Job("2016-01-01", "2025-12-31", 40, {kCase}, true);
  Outcome o = Evaluated("SPPS26", b.Build());
  EXPECT_TRUE(Says(o, "CIP 51.1503 Clinical/Medical Social Work.: Social Work, listed (51.1503)"))
      << Lines(o);
}

TEST(CipFields, CombinationCreditsRelatedStudyByCode) {
  // G1099A: "any combination of education ... in a related field and/or direct experience
  // totaling four (4) years". 60 hours of economics (family 45, Social Sciences) are two years.
  ApplicantBuilder b;
  b.CipCredits(60, "45.0601").Job("2024-01-01", "2025-12-31", 40, {kCoordinator});
  EXPECT_EQ(Evaluated("G1099A", b.Build()).state, State::kQualified)
      << Lines(Evaluated("G1099A", b.Build()));
  ApplicantBuilder other;
  other.CipCredits(60, "52.0101").Job("2024-01-01", "2025-12-31", 40, {kCoordinator});
  const Outcome o = Evaluated("G1099A", other.Build());
  EXPECT_EQ(o.state, State::kNeedsReview) << Lines(o);
  // An associate degree in Human Services (44.0000) meets the education clause itself.
  ApplicantBuilder hs;
  hs.CipDegree(kAssociate, "44.0000").Job("2024-01-01", "2025-12-31", 40, {kCoordinator});
  EXPECT_EQ(Evaluated("G1099A", hs.Build()).state, State::kQualified);
}

std::shared_ptr<const CompiledRules> Rules(const std::string& education) {
  cv1::QualificationRules r;
  const std::string text = R"pb(rule_version: 1
                                root { id: "e" source_text: "clause" education {)pb" +
                           education + "} }";
  EXPECT_TRUE(google::protobuf::TextFormat::ParseFromString(text, &r)) << text;
  auto compiled = CompileRules(r);
  EXPECT_TRUE(compiled.ok()) << compiled.status();
  return compiled.ok() ? *compiled : nullptr;
}

Outcome Degree(const CompiledRules& rules, const char* cip) {
  ApplicantBuilder b;
  b.CipDegree(kBachelor, cip);
  return EvaluatedWith(rules, b.Build());
}

TEST(CipFields, TheClassStatesWhatIsCloselyRelated) {
  // Same 2-digit family as a listed code.
  auto family = Rules(R"pb(min_level: EDUCATION_LEVEL_BACHELOR
                           fields { name: "Psychology" cip: "42.01" }
                           closely_related_allowed: true
                           closely_related { basis: BASIS_SAME_FAMILY })pb");
  ASSERT_NE(family, nullptr);
  Outcome o = Degree(*family, "42.2803");
  EXPECT_EQ(o.state, State::kQualified) << Lines(o);
  EXPECT_TRUE(Says(o,
                   "CIP 42.2803 Counseling Psychology.: closely related, same family as listed "
                   "42.01 (Psychology)"))
      << Lines(o);
  o = Degree(*family, "42.0101");
  EXPECT_TRUE(Says(o, "Psychology, listed (42.01)")) << Lines(o);
  EXPECT_EQ(Degree(*family, "45.1101").state, State::kNeedsReview);
  // Same 4-digit series.
  auto series = Rules(R"pb(min_level: EDUCATION_LEVEL_BACHELOR
                           fields { name: "Social Work" cip: "44.0701" }
                           closely_related_allowed: true
                           closely_related { basis: BASIS_SAME_SERIES })pb");
  ASSERT_NE(series, nullptr);
  o = Degree(*series, "44.0702");
  EXPECT_EQ(o.state, State::kQualified) << Lines(o);
  EXPECT_TRUE(Says(o, "closely related, same series as listed 44.0701 (Social Work)")) << Lines(o);
  EXPECT_EQ(Degree(*series, "44.0000").state, State::kNeedsReview);
  // Without the clause's "closely related" the same degree is not met.
  auto strict = Rules(R"pb(min_level: EDUCATION_LEVEL_BACHELOR
                           fields { name: "Social Work" cip: "44.0701" })pb");
  ASSERT_NE(strict, nullptr);
  EXPECT_EQ(Degree(*strict, "44.0702").state, State::kNotQualified);
}

TEST(CipFields, OldRulesAndOldDegreesAreReadThroughCip) {
  // A rule stored before CIP (enum only) against a degree that gives a CIP code: the enum's
  // code (FieldOfStudy comments) is listed.
  auto old_rule = Rules(R"pb(min_level: EDUCATION_LEVEL_BACHELOR
                             accepted_fields: FIELD_OF_STUDY_SOCIAL_WORK
                             accepted_fields: FIELD_OF_STUDY_FAMILY_SERVICES)pb");
  ASSERT_NE(old_rule, nullptr);
  Outcome o = Degree(*old_rule, "44.0701");
  EXPECT_EQ(o.state, State::kQualified) << Lines(o);
  EXPECT_TRUE(Says(o, "CIP 44.0701 Social Work.: Social Work, listed (44.0701)")) << Lines(o);
  EXPECT_EQ(Degree(*old_rule, "19.0707").state, State::kNotQualified);
  // A new rule (CIP only) against a degree that gives only the enum: the enum's code.
  auto new_rule = Rules(R"pb(min_level: EDUCATION_LEVEL_BACHELOR
                             fields { name: "Psychology" cip: "42" })pb");
  ASSERT_NE(new_rule, nullptr);
  ApplicantBuilder psych;
  psych.Degree(kBachelor, cv1::FIELD_OF_STUDY_PSYCHOLOGY);
  o = EvaluatedWith(*new_rule, psych.Build());
  EXPECT_EQ(o.state, State::kQualified) << Lines(o);
  EXPECT_TRUE(Says(o,
                   "CIP 42.0101 Psychology, General. (read from the deprecated field "
                   "Psychology): Psychology, listed (42)"))
      << Lines(o);
  // An enum with no CIP code, or no field at all: a person matches it.
  for (auto field : {cv1::FIELD_OF_STUDY_COUNSELING, cv1::FIELD_OF_STUDY_UNSPECIFIED}) {
    ApplicantBuilder b;
    b.Degree(kBachelor, field);
    o = EvaluatedWith(*new_rule, b.Build());
    EXPECT_EQ(o.state, State::kNeedsReview) << Lines(o);
    EXPECT_TRUE(Says(o,
                     "the degree gives no CIP code: a person must match its field to the "
                     "fields the class lists"))
        << Lines(o);
  }
}

TEST(CipFields, ApplicantCodesAreCheckedWithoutEchoingThem) {
  for (const char* bad : {"12.34", "12", "1234.56", "12.3456x", "secret"}) {
    v1::Applicant a;
    auto* e = a.add_education();
    e->set_level(kBachelor);
    *e->mutable_completed() = testing::D("2010-05-15");
    e->set_cip_code(bad);
    status::Violations v;
    ValidateApplicant(a, "applicant", &v);
    ASSERT_EQ(v.list().size(), 1u) << bad;
    EXPECT_EQ(v.list()[0].field, "applicant.education[0].cip_code");
    EXPECT_EQ(v.list()[0].description.find(bad), std::string::npos);
  }
  v1::Applicant a;
  auto* e = a.add_education();
  e->set_level(kBachelor);
  *e->mutable_completed() = testing::D("2010-05-15");
  e->set_cip_code("99.9999");  // syntactically valid, not in the shipped list: accepted
  e->set_field_name(std::string(201, 'x'));
  status::Violations v;
  ValidateApplicant(a, "applicant", &v);
  ASSERT_EQ(v.list().size(), 1u);
  EXPECT_EQ(v.list()[0].field, "applicant.education[0].field_name");
}

// Every field a shipped rule lists keeps the clause's own words, and every deprecated enum
// value a rule lists has its CIP field beside it.
void CheckFields(const cv1::QualificationRule& r, const std::string& code) {
  const auto check = [&](const std::string& text,
                         const google::protobuf::RepeatedPtrField<cv1::CipField>& fields,
                         const google::protobuf::RepeatedField<int>& legacy) {
    EXPECT_EQ(fields.size(), legacy.size()) << code << " " << r.id();
    for (int i = 0; i < fields.size(); ++i) {
      EXPECT_NE(text.find(fields[i].name()), std::string::npos)
          << code << " " << r.id() << ": " << fields[i].name();
      if (i < legacy.size()) {
        EXPECT_EQ(fields[i].name(), LegacyFieldName(legacy[i]));
      }
      EXPECT_FALSE(fields[i].note().empty()) << code << " " << fields[i].name();
    }
  };
  if (r.has_education()) {
    check(r.source_text(), r.education().fields(), r.education().accepted_fields());
  }
  if (r.has_combination()) {
    // "in a related field": the related fields are the ones the class's clauses name.
    EXPECT_EQ(r.combination().related_cip_fields_size(), r.combination().related_fields_size());
  }
  if (r.has_experience()) {
    for (const auto& o : r.experience().substitution().options()) {
      if (o.has_education()) {
        check(o.source_text(), o.education().fields(), o.education().accepted_fields());
      }
    }
  }
  for (const auto& c : r.all_of().children()) CheckFields(c, code);
  for (const auto& c : r.any_of().children()) CheckFields(c, code);
}

TEST(CipFields, ShippedFieldsKeepTheClauseWords) {
  for (const char* code :
       {"SPPS26", "SPCP20", "SPCP23", "G1099B", "G1099O", "G1099A", "CA2459", "CA2460"}) {
    const auto& c = testing::ShippedClass(code);
    CheckFields(c.minimum_qualification_rules().root(), code);
    CheckFields(c.recommended_qualification_rules().root(), code);
  }
}

}  // namespace
}  // namespace classplan::eligibility
