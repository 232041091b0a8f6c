#include "services/eligibility/domain/test_rules.h"

#include <google/protobuf/text_format.h>
#include <gtest/gtest.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <map>
#include <sstream>

#include "absl/strings/str_join.h"
#include "classplan/catalog/v1/data.pb.h"
#include "common/dates/dates.h"

namespace classplan::eligibility::testing {

namespace fs = std::filesystem;

namespace {

const std::map<std::string, cv1::JobClass>& Classes() {
  static const auto* classes = [] {
    auto* m = new std::map<std::string, cv1::JobClass>;
    const char* src = std::getenv("CLASSPLAN_SOURCE_DIR");
#ifdef CLASSPLAN_DEFAULT_SOURCE_DIR
    if (src == nullptr) src = CLASSPLAN_DEFAULT_SOURCE_DIR;
#endif
    const fs::path dir = fs::path(src != nullptr ? src : ".") / "data" / "catalog";
    std::error_code ec;
    if (!fs::is_directory(dir, ec)) return m;
    for (const auto& entry : fs::directory_iterator(dir)) {
      if (entry.path().extension() != ".textproto") continue;
      std::ifstream in(entry.path());
      std::stringstream ss;
      ss << in.rdbuf();
      cv1::CatalogData data;
      if (!google::protobuf::TextFormat::ParseFromString(ss.str(), &data)) continue;
      for (const auto& r : data.revisions()) (*m)[r.job_class().code()] = r.job_class();
    }
    return m;
  }();
  return *classes;
}

}  // namespace

const cv1::JobClass& ShippedClass(const std::string& code) {
  static const cv1::JobClass kEmpty;
  auto it = Classes().find(code);
  EXPECT_NE(it, Classes().end()) << code << " not in data/catalog (CLASSPLAN_SOURCE_DIR set?)";
  return it == Classes().end() ? kEmpty : it->second;
}

std::shared_ptr<const CompiledRules> ShippedRules(const std::string& code, bool recommended) {
  const auto& c = ShippedClass(code);
  auto rules = CompileRules(recommended ? c.recommended_qualification_rules()
                                        : c.minimum_qualification_rules());
  EXPECT_TRUE(rules.ok()) << code << ": " << rules.status();
  return rules.ok() ? *rules : nullptr;
}

common::v1::Date D(const char* ymd) {
  auto d = dates::ParseFull(ymd);
  EXPECT_TRUE(d.ok()) << ymd;
  return d.ok() ? *d : common::v1::Date();
}

ApplicantBuilder& ApplicantBuilder::Degree(cv1::EducationLevel level, cv1::FieldOfStudy field,
                                           const char* completed, v1::Accreditation acc) {
  auto* e = a_.add_education();
  e->set_level(level);
  e->set_field(field);
  e->set_accreditation(acc);
  *e->mutable_completed() = D(completed);
  return *this;
}

ApplicantBuilder& ApplicantBuilder::CipDegree(cv1::EducationLevel level, const char* cip,
                                              const char* completed, v1::Accreditation acc) {
  Degree(level, cv1::FIELD_OF_STUDY_UNSPECIFIED, completed, acc);
  a_.mutable_education()->rbegin()->set_cip_code(cip);
  return *this;
}

ApplicantBuilder& ApplicantBuilder::CipCredits(int hours, const char* cip, v1::Accreditation acc) {
  Credits(hours, cv1::FIELD_OF_STUDY_UNSPECIFIED, acc);
  a_.mutable_education()->rbegin()->set_cip_code(cip);
  return *this;
}

ApplicantBuilder& ApplicantBuilder::Credits(int hours, cv1::FieldOfStudy field,
                                            v1::Accreditation acc) {
  auto* e = a_.add_education();
  e->set_credit_hours(hours);
  e->set_field(field);
  e->set_accreditation(acc);
  return *this;
}

ApplicantBuilder& ApplicantBuilder::Job(const char* start, const char* end, double hours,
                                        std::initializer_list<cv1::ExperienceKind> kinds,
                                        bool supervisory, bool placement) {
  auto* x = a_.add_experience();
  *x->mutable_start() = D(start);
  if (end != nullptr) *x->mutable_end() = D(end);
  x->set_hours_per_week(hours);
  for (auto k : kinds) x->add_kinds(k);
  x->set_supervisory(supervisory);
  x->set_out_of_home_placement(placement);
  return *this;
}

ApplicantBuilder& ApplicantBuilder::Licence(cv1::LicenceType type, const char* state,
                                            const char* expires) {
  auto* l = a_.add_licences();
  l->set_type(type);
  l->set_state(state);
  if (expires != nullptr) *l->mutable_expires() = D(expires);
  return *this;
}

ApplicantBuilder& ApplicantBuilder::DriversLicence(const char* expires) {
  auto* d = a_.mutable_drivers_licence();
  if (expires != nullptr) *d->mutable_expires() = D(expires);
  return *this;
}

ApplicantBuilder& ApplicantBuilder::Placement(bool state_approved, cv1::PlacementSetting setting,
                                              const char* completed) {
  auto* f = a_.add_field_placements();
  f->set_state_approved(state_approved);
  f->set_setting(setting);
  *f->mutable_completed() = D(completed);
  return *this;
}

namespace {

Outcome Run(const CompiledRules& rules, const v1::Applicant& a, const char* as_of,
            const std::string& code, const std::string& title, bool recommended) {
  status::Violations violations;
  ValidateApplicant(a, "applicant", &violations);
  EXPECT_TRUE(violations.empty()) << violations.ToStatus();
  Outcome out;
  CompiledProfile profile;
  const absl::CivilDay day = dates::ToCivilDay(D(as_of));
  CompileProfile(a, day, CreditSettings{}, &profile);
  Evaluate(rules, profile, &out.eval);
  out.state = out.eval.state();
  ExplainContext ctx{code, title, 1, recommended ? v1::TRACK_RECOMMENDED : v1::TRACK_MINIMUM, day};
  Explain(rules, profile, out.eval, ctx, &out.explained);
  ReviewReasons(rules, profile, out.eval, &out.review_reasons);
  return out;
}

}  // namespace

std::string Lines(const Outcome& o) { return absl::StrJoin(o.explained.explanation(), "\n"); }

Outcome EvaluatedWith(const CompiledRules& rules, const v1::Applicant& a, const char* as_of) {
  return Run(rules, a, as_of, "TEST", "Test class", false);
}

Outcome Evaluated(const std::string& code, const v1::Applicant& a, const char* as_of,
                  bool recommended) {
  auto rules = ShippedRules(code, recommended);
  if (rules == nullptr) return Outcome{};
  const auto& c = ShippedClass(code);
  return Run(*rules, a, as_of, c.code(), c.title(), recommended);
}

}  // namespace classplan::eligibility::testing
