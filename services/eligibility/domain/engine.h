#ifndef CLASSPLAN_SERVICES_ELIGIBILITY_DOMAIN_ENGINE_H_
#define CLASSPLAN_SERVICES_ELIGIBILITY_DOMAIN_ENGINE_H_

// The evaluation engine: a compiled applicant profile against a compiled rule tree.
//
// Evaluate() is the hot path: integers only, no strings, no allocation once `out` has been
// used for a rule set of the same size. Explain() turns its result into the
// classplan.eligibility.v1.Evaluation message with the result tree, explanation lines,
// substitutions and shortfalls.
//
// Three-valued logic: "all of" is NOT_QUALIFIED if any child is, else NEEDS_REVIEW if any
// child is, else QUALIFIED; "any of" is the dual (QUALIFIED if any child is, else
// NEEDS_REVIEW if any is, else NOT_QUALIFIED).

#include <cstdint>
#include <string>
#include <vector>

#include "absl/time/civil_time.h"
#include "classplan/eligibility/v1/eligibility_service.pb.h"
#include "services/eligibility/domain/months.h"
#include "services/eligibility/domain/profile.h"
#include "services/eligibility/domain/rules.h"

namespace classplan::eligibility {

// Ordered so that a lower value is better.
enum class State : uint8_t { kQualified = 0, kNeedsReview = 1, kNotQualified = 2 };

enum class Reason : uint8_t {
  kMet,
  kGroup,
  kNoDegree,          // no degree at the level (in any field)
  kFieldNotAccepted,  // a degree at the level, in a field the text does not accept
  kFieldNeedsReview,  // ... in a field that may be "closely related"
  kFieldMayBe,        // ... whose CIP code may be a listed field (CipField.review_cip)
  kFieldNoCip,        // ... that gives no CIP code the rule's fields can be matched with
  kNotAccredited,
  kAccreditationUnknown,
  kExperienceShort,
  kLicenceMissing,
  kLicenceEligibility,   // no licence, "or eligibility for such licensure"
  kLicenceStateUnknown,  // an accepted licence whose issuing state is not given
  kDriversLicenceMissing,
  kCombinationShort,
  kCombinationReview,  // enough only if a person accepts the education as related
};

// Where the time of study that overlaps experience went: a day is credited once.
enum class Overlap : uint8_t {
  kNone,          // no study credited here overlaps experience credited here
  kAsExperience,  // the overlap is credited as experience; the education loses it
  kAsEducation,   // the overlap is credited as education; the experience loses it
};

struct NodeEval {
  State state = State::kNotQualified;
  Reason reason = Reason::kMet;
  int64_t credited = 0;       // units: experience (or education + experience for combination)
  int64_t education = 0;      // combination: units credited for education (accepted)
  int64_t substituted = 0;    // units the substitution supplied (only what was needed)
  uint32_t options_used = 0;  // bit per substitution option that applied
  // Missing months (units) on this node; for NOT_QUALIFIED leaves that are not about months,
  // a large penalty so that a path missing a degree ranks below one missing months.
  int64_t missing = 0;
  int chosen = -1;  // any_of: the child that decided it
  int degree = -1;  // education: the degree (CompiledProfile::degrees) that decided it
  // Experience and combination: how study credited as education here and the experience
  // credited here overlapped (profile.h OverlapUnits), when they did.
  Overlap overlap = Overlap::kNone;
  int64_t overlap_lost = 0;      // units not credited by the assignment chosen
  int64_t overlap_other = 0;     // units missing had the other assignment been chosen
  uint32_t overlap_studies = 0;  // bit per CompiledProfile::studies credited here
  int overlap_first = -1;        // the first and last segments with an overlap
  int overlap_last = -1;
};

// How a degree's field meets an education rule's fields.
struct FieldMatch {
  State state = State::kNotQualified;
  Reason reason = Reason::kFieldNotAccepted;
  int entry = -1;          // the CompiledRules::cips entry that decided, -1 for none
  int32_t code = -1;       // the CIP code compared (given, or the deprecated enum's), -1 for none
  bool legacy = false;     // decided by the deprecated enum list
  bool from_enum = false;  // `code` is the deprecated enum's CIP code
};

// `field` is the deprecated enum, `cip` the packed 6-digit code (-1: none given). A degree
// with a code is matched by CIP; one without is matched by the rule's enum list if it has one,
// else by its enum's CIP code; a degree with neither needs review.
FieldMatch MatchField(const CompiledRules& rules, const EducationSpec& s, int field, int32_t cip);

struct EvalResult {
  std::vector<NodeEval> nodes;       // parallel to CompiledRules::nodes
  std::vector<int64_t> part_credit;  // parallel to CompiledRules::parts
  // Rule nodes a ruling decided (ApplyRulings): Explain marks their lines "by ruling", since
  // their figures alone (a combination short of its months) would not say why they are met.
  std::vector<int> ruled;
  State state() const { return nodes.empty() ? State::kNotQualified : nodes[0].state; }
  int64_t missing() const { return nodes.empty() ? 0 : nodes[0].missing; }
};

inline constexpr int64_t kNonMonthPenalty = 1200 * kUnitsPerMonth / 1;  // 100 years

// Units still missing: `required - have`, or 0 when `have` is enough.
inline int64_t Shortfall(int64_t required, int64_t have) {
  return required > have ? required - have : 0;
}

void Evaluate(const CompiledRules& rules, const CompiledProfile& profile, EvalResult* out);

// What substitution option `option` of rules.nodes[node] supplied towards `e` at most: its
// credit, less its own study's overlap where the overlap went to experience.
int64_t OptionSupply(const CompiledRules& rules, const CompiledProfile& profile, const NodeEval& e,
                     int node, int option);

v1::Determination ToDetermination(State s);

// What Explain() needs besides the evaluation.
struct ExplainContext {
  std::string class_code;
  std::string class_title;
  int32_t class_revision = 0;
  v1::Track track = v1::TRACK_MINIMUM;
  absl::CivilDay as_of;
};

// The full, deterministic result message.
void Explain(const CompiledRules& rules, const CompiledProfile& profile, const EvalResult& eval,
             const ExplainContext& ctx, v1::Evaluation* out);

// Only the shortfalls of the decided path (for screening summaries).
void Shortfalls(const CompiledRules& rules, const EvalResult& eval,
                google::protobuf::RepeatedPtrField<v1::Shortfall>* out);
std::string DecidedPath(const CompiledRules& rules, const EvalResult& eval);
// What a person must check: "<kind>: <reason>" for each rule on the decided path that needs
// review (nothing unless the result is NEEDS_REVIEW).
void ReviewReasons(const CompiledRules& rules, const CompiledProfile& profile,
                   const EvalResult& eval, google::protobuf::RepeatedPtrField<std::string>* out);
// The leaf nodes on the decided path, in the order ReviewReasons and Explain list them.
std::vector<int> DecidedLeaves(const CompiledRules& rules, const EvalResult& eval);

}  // namespace classplan::eligibility

#endif  // CLASSPLAN_SERVICES_ELIGIBILITY_DOMAIN_ENGINE_H_
