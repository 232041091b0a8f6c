#ifndef CLASSPLAN_SERVICES_APPRAISAL_DOMAIN_MODEL_H_
#define CLASSPLAN_SERVICES_APPRAISAL_DOMAIN_MODEL_H_
// Framework rules without I/O: tenure arithmetic, expected and demonstrated levels, gaps,
// overall rating and the development plan. See docs/appraisal.md.
#include <map>
#include <string>

#include "absl/status/statusor.h"
#include "absl/time/civil_time.h"
#include "classplan/appraisal/v1/resources.pb.h"
#include "common/status/field_violations.h"

namespace classplan::appraisal {

// The day `months` calendar months after `day`, clamped to the end of the target month
// (2020-02-29 + 12 months = 2021-02-28; 2021-01-31 + 1 month = 2021-02-28).
absl::CivilDay AddMonthsClamped(absl::CivilDay day, int months);

// Completed calendar months from `entered` to `as_of`: the largest n with
// AddMonthsClamped(entered, n) <= as_of. InvalidArgument (field "as_of") when as_of < entered.
absl::StatusOr<int> CompletedMonths(absl::CivilDay entered, absl::CivilDay as_of);

// The level whose tenure range holds `months` (never Mastery). Unspecified when the framework
// defines no tenure ranges (scale-rated frameworks).
v1::ProficiencyLevel ExpectedLevel(const v1::Framework& framework, int months);

// Where an indicator sits in its framework.
struct IndicatorRef {
  std::string competency_id;
  v1::ProficiencyLevel level = v1::PROFICIENCY_LEVEL_UNSPECIFIED;
  std::string text;
};

// Lookup tables over one framework.
class FrameworkIndex {
 public:
  explicit FrameworkIndex(const v1::Framework& framework);
  const v1::Framework& framework() const { return *framework_; }
  const v1::Competency* FindCompetency(const std::string& id) const;
  const IndicatorRef* FindIndicator(const std::string& id) const;
  bool HasScaleValue(int value) const;
  bool ScaleKnown() const;

 private:
  const v1::Framework* framework_;
  std::map<std::string, const v1::Competency*> competencies_;
  std::map<std::string, IndicatorRef> indicators_;
};

// Checks a framework's structure (ids unique and well formed, levels complete, rules
// consistent). Violations name fields under `prefix` (e.g. "frameworks[0]").
void ValidateFramework(const v1::Framework& framework, const std::string& prefix,
                       status::Violations* violations);

// Fills the output-only computed fields of `appraisal` (tenure, expected level, each
// assessment's demonstrated level, gap and comparison, overall rating, development plan)
// from its inputs. The inputs must have been validated against the framework.
void Evaluate(const FrameworkIndex& index, v1::Appraisal* appraisal);

}  // namespace classplan::appraisal

#endif  // CLASSPLAN_SERVICES_APPRAISAL_DOMAIN_MODEL_H_
