#ifndef CLASSPLAN_SERVICES_ELIGIBILITY_DOMAIN_TEST_RULES_H_
#define CLASSPLAN_SERVICES_ELIGIBILITY_DOMAIN_TEST_RULES_H_

// Test helpers: the shipped classes (data/catalog/*.textproto) and an applicant builder.

#include <initializer_list>
#include <memory>
#include <string>

#include "classplan/catalog/v1/resources.pb.h"
#include "classplan/eligibility/v1/eligibility_service.pb.h"
#include "services/eligibility/domain/engine.h"

namespace classplan::eligibility::testing {

// The shipped class (its only revision); fails the test when missing.
const cv1::JobClass& ShippedClass(const std::string& code);
std::shared_ptr<const CompiledRules> ShippedRules(const std::string& code, bool recommended);

common::v1::Date D(const char* ymd);

class ApplicantBuilder {
 public:
  ApplicantBuilder& Degree(cv1::EducationLevel level, cv1::FieldOfStudy field,
                           const char* completed = "2010-05-15",
                           v1::Accreditation acc = v1::ACCREDITATION_ACCREDITED);
  // A degree whose field is a CIP 2020 code ("51.1508").
  ApplicantBuilder& CipDegree(cv1::EducationLevel level, const char* cip,
                              const char* completed = "2010-05-15",
                              v1::Accreditation acc = v1::ACCREDITATION_ACCREDITED);
  ApplicantBuilder& CipCredits(int hours, const char* cip,
                               v1::Accreditation acc = v1::ACCREDITATION_ACCREDITED);
  ApplicantBuilder& Credits(int hours, cv1::FieldOfStudy field,
                            v1::Accreditation acc = v1::ACCREDITATION_ACCREDITED);
  // end == nullptr: ongoing.
  ApplicantBuilder& Job(const char* start, const char* end, double hours,
                        std::initializer_list<cv1::ExperienceKind> kinds, bool supervisory = false,
                        bool placement = false);
  ApplicantBuilder& Licence(cv1::LicenceType type, const char* state = "NM",
                            const char* expires = nullptr);
  ApplicantBuilder& DriversLicence(const char* expires = nullptr);
  ApplicantBuilder& Placement(bool state_approved, cv1::PlacementSetting setting,
                              const char* completed = "2010-05-01");
  const v1::Applicant& Build() const { return a_; }
  v1::Applicant* mutable_applicant() { return &a_; }

 private:
  v1::Applicant a_;
};

struct Outcome {
  State state;
  EvalResult eval;
  v1::Evaluation explained;
  google::protobuf::RepeatedPtrField<std::string> review_reasons;
};

// The explanation, one line each.
std::string Lines(const Outcome& o);

// Evaluates and explains `a` against `rules` (class code "TEST").
Outcome EvaluatedWith(const CompiledRules& rules, const v1::Applicant& a,
                      const char* as_of = "2026-01-31");

// Validates (must be valid), compiles and evaluates, and explains.
Outcome Evaluated(const std::string& code, const v1::Applicant& a, const char* as_of = "2026-01-31",
                  bool recommended = false);

}  // namespace classplan::eligibility::testing

#endif  // CLASSPLAN_SERVICES_ELIGIBILITY_DOMAIN_TEST_RULES_H_
