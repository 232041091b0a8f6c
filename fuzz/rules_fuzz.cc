// The rule compiler (services/eligibility/domain/rules.h) on QualificationRules in protobuf
// binary (seeds: every class's rules in data/catalog, converted by fuzz_seeds), and the engine
// on what compiles, against a fixed applicant.

#include <memory>
#include <string>

#include "absl/time/civil_time.h"
#include "classplan/catalog/v1/qualifications.pb.h"
#include "classplan/eligibility/v1/applicant.pb.h"
#include "common/status/field_violations.h"
#include "fuzz/fuzz_check.h"
#include "google/protobuf/util/json_util.h"
#include "services/eligibility/domain/engine.h"
#include "services/eligibility/domain/profile.h"
#include "services/eligibility/domain/rules.h"

namespace {

namespace el = classplan::eligibility;

// examples/applicants/social-worker-bsw.json
constexpr char kApplicant[] = R"({
  "applicantRef": "example-bsw-case-manager",
  "education": [{"level": "EDUCATION_LEVEL_BACHELOR", "cipCode": "44.0701",
                 "fieldName": "Social Work",
                 "accreditation": "ACCREDITATION_ACCREDITED",
                 "completed": {"year": 2019, "month": 5, "day": 10}}],
  "experience": [{"start": {"year": 2022, "month": 1, "day": 1},
                  "end": {"year": 2025, "month": 12, "day": 31}, "hoursPerWeek": 40,
                  "kinds": ["EXPERIENCE_KIND_SOCIAL_WORK_CASE_MANAGEMENT"]}],
  "licences": [{"type": "LICENCE_TYPE_LBSW", "state": "NM",
                "expires": {"year": 2027, "month": 6, "day": 30}}]
})";

const el::CompiledProfile& Profile() {
  static const el::CompiledProfile* const profile = [] {
    el::ev1::Applicant applicant;
    FUZZ_CHECK(google::protobuf::util::JsonStringToMessage(kApplicant, &applicant).ok());
    classplan::status::Violations violations;
    el::ValidateApplicant(applicant, "applicant", &violations);
    FUZZ_CHECK(violations.empty());
    auto* p = new el::CompiledProfile;
    el::CompileProfile(applicant, absl::CivilDay(2026, 6, 30), el::CreditSettings{}, p);
    return p;
  }();
  return *profile;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  el::cv1::QualificationRules rules;
  if (!rules.ParseFromArray(data, static_cast<int>(size))) return 0;
  auto compiled = el::CompileRules(rules);
  if (!compiled.ok()) {
    FUZZ_CHECK(compiled.status().code() == absl::StatusCode::kInvalidArgument);
    return 0;
  }
  el::EvalResult eval;
  el::Evaluate(**compiled, Profile(), &eval);
  FUZZ_CHECK(eval.nodes.size() == (*compiled)->nodes.size());
  (void)el::DecidedPath(**compiled, eval);
  el::v1::Evaluation explained;
  el::Explain(**compiled, Profile(), eval, el::ExplainContext{}, &explained);
  return 0;
}
