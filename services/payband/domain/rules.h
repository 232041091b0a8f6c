#ifndef CLASSPLAN_SERVICES_PAYBAND_DOMAIN_RULES_H_
#define CLASSPLAN_SERVICES_PAYBAND_DOMAIN_RULES_H_

// Pay-action rules as effective-dated rule sets with citations (docs/payband.md, "Rule sets").
// Each rule has periods; on an action date a rule is either in force (evaluated; a finding is
// IN_FORCE), possibly in force (evaluated; a finding is UNCONFIRMED with a note), text not
// seen (not evaluated; listed as unevaluated), or not in force (ignored). All tests are exact
// integer comparisons on annual cents.

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "absl/time/civil_time.h"
#include "classplan/payband/v1/payband_service.pb.h"
#include "services/payband/domain/pay_math.h"

namespace classplan::payband {

struct PayAction {
  pb::PayActionKind kind = pb::PAY_ACTION_KIND_UNSPECIFIED;
  std::optional<int64_t> current_annual;  // required for promotions
  int64_t new_annual = 0;
  absl::CivilDay date;
};

struct RuleResult {
  std::vector<pb::RuleFinding> findings;
  std::vector<pb::UnevaluatedRule> unevaluated;
};

// True when classplan holds a rule set for the jurisdiction ("nm-spo" only).
bool HasRuleSet(const std::string& jurisdiction_id);

// Evaluates the jurisdiction's rules on `action` in a band with `range`. Requires
// HasRuleSet(jurisdiction_id).
RuleResult EvaluateRules(const std::string& jurisdiction_id, const AnnualRange& range,
                         const PayAction& action);

// Day the New Mexico Register published the 2025 amendment of 1.7.4 NMAC (Vol. XXXVI
// Issue 14) and the 2026 one (Vol. XXXVII Issue 4).
absl::CivilDay NmAmendment2025();
absl::CivilDay NmAmendment2026();

}  // namespace classplan::payband

#endif  // CLASSPLAN_SERVICES_PAYBAND_DOMAIN_RULES_H_
