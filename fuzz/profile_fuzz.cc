// The applicant profile validator and compiler (services/eligibility/domain/profile.h) on an
// Applicant in protobuf binary (seeds: examples/applicants, converted by fuzz_seeds).
// Property: a profile that validates compiles, for any as-of date, and credits a bounded,
// non-negative number of months; study periods take a bounded, non-negative amount from it.

#include "absl/time/civil_time.h"
#include "classplan/eligibility/v1/applicant.pb.h"
#include "common/status/field_violations.h"
#include "fuzz/fuzz_check.h"
#include "services/eligibility/domain/profile.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  namespace el = classplan::eligibility;
  el::ev1::Applicant applicant;
  if (!applicant.ParseFromArray(data, static_cast<int>(size))) return 0;
  classplan::status::Violations violations;
  el::ValidateApplicant(applicant, "applicant", &violations);
  if (!violations.empty()) return 0;
  el::CompiledProfile profile;
  for (const absl::CivilDay as_of :
       {absl::CivilDay(2026, 6, 30), absl::CivilDay(1990, 1, 1), absl::CivilDay(2100, 12, 31)}) {
    el::CompileProfile(applicant, as_of, el::CreditSettings{}, &profile);
    FUZZ_CHECK(profile.entries.size() <= static_cast<size_t>(el::kMaxExperienceEntries));
    const int64_t all = el::CreditedUnits(profile, ~0U, 0);
    FUZZ_CHECK(all >= 0);
    FUZZ_CHECK(el::CreditedUnits(profile, ~0U, ~0U) <= all);
    // Study periods against all experience, each study credited its own length (full time):
    // what either side gives up is never negative nor more than it had (+1 for rounding up).
    int64_t weights[el::kMaxEducationEntries] = {};
    int64_t studied = 0;
    for (size_t s = 0; s < profile.studies.size(); ++s) {
      weights[s] = el::StudyWeight(profile, static_cast<int>(s), profile.studies[s].units);
      studied += profile.studies[s].units;
    }
    const el::StudyOverlap o = el::OverlapUnits(profile, ~0U, 0, weights);
    FUZZ_CHECK(o.education_lost >= 0 && o.education_lost <= studied + 1);
    FUZZ_CHECK(o.experience_lost >= 0 && o.experience_lost <= all + 1);
  }
  return 0;
}
