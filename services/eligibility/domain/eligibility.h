#ifndef CLASSPLAN_SERVICES_ELIGIBILITY_DOMAIN_ELIGIBILITY_H_
#define CLASSPLAN_SERVICES_ELIGIBILITY_DOMAIN_ELIGIBILITY_H_

// The eligibility service's domain core: every RPC's rules over the request and response
// messages, no gRPC types. The class rules come from a RuleSource (the catalog, through the
// cache); calls that need it block, so run them on worker threads.

#include <memory>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/time/civil_time.h"
#include "classplan/catalog/v1/resources.pb.h"
#include "classplan/eligibility/v1/eligibility_service.pb.h"
#include "services/eligibility/domain/class_fetcher.h"
#include "services/eligibility/domain/engine.h"
#include "services/eligibility/domain/rulings.h"

namespace classplan::eligibility {

// The note on a class judged by an undated revision (CheckUndated below), shown in its
// explanations. The class's own notes are not carried.
inline constexpr char kUndatedNote[] =
    "The sources do not give when this class's only revision took effect; it was used for the "
    "as-of date.";

// One class revision's compiled rules.
struct ClassRules {
  std::string code;
  std::string title;
  std::string jurisdiction_id;
  int32_t revision = 0;
  bool abolished = false;          // the revision in force abolished the class
  std::vector<std::string> notes;  // kUndatedNote when it applies, shown in explanations
  std::shared_ptr<const CompiledRules> minimum;      // null when the class has none
  std::shared_ptr<const CompiledRules> recommended;  // null when the class has none
  // FAILED_PRECONDITION naming the class and the problem when the track's stored rules do not
  // pass the rule validator (written by an older version, say); the track's rules are null
  // then. OK otherwise.
  absl::Status minimum_invalid, recommended_invalid;
  // Why the class cannot be evaluated at all on the day (the undated-revision rule refused
  // it); only in RuleSource::All's list. OK otherwise.
  absl::Status refused;
};
using ClassRulesPtr = std::shared_ptr<const ClassRules>;

// Compiles both tracks of a class revision; `undated` (the revision was used although the
// catalog could not date it) adds kUndatedNote. A track whose rules do not pass the rule
// validator is kept as its *_invalid status (TrackRules answers it), never an error here:
// the other track may still be good.
ClassRulesPtr BuildClassRules(const catalog::v1::JobClass& job_class, bool undated = false);

// The undated-revision rule. When the catalog cannot tell which revision of a class was in
// force on the day (FetchedClass::undated) and the class has only one revision, there is no
// doubt which text applies: that revision is used, with kUndatedNote. With several revisions
// the catalog's refusal stands (returned here; a list leaves the class out). OK otherwise.
absl::Status CheckUndated(const FetchedClass& fetched);

// CheckUndated, then BuildClassRules with the note when it applies.
absl::StatusOr<ClassRulesPtr> BuildClassRules(const FetchedClass& fetched);
// For a list: BuildClassRules, or a ClassRules whose `refused` is CheckUndated's refusal.
ClassRulesPtr BuildListedClassRules(const FetchedClass& fetched);

// Where class rules come from. Implementations: services/eligibility/cache/CachingRuleSource
// (catalog over gRPC, cached); tests use a fake over the shipped data.
class RuleSource {
 public:
  virtual ~RuleSource() = default;
  // The class revision in force on `as_of`. NOT_FOUND for an unknown class; UNAVAILABLE when
  // the catalog cannot be reached.
  virtual absl::StatusOr<ClassRulesPtr> Get(const std::string& code, absl::CivilDay as_of) = 0;
  // Every class in force on `as_of`, by code; a class that cannot be evaluated is in the list
  // with its reason (ClassRules::refused, *_invalid).
  virtual absl::StatusOr<std::vector<ClassRulesPtr>> All(absl::CivilDay as_of) = 0;
};

// Reusable per-thread working memory for evaluations.
struct Scratch {
  CompiledProfile profile;
  EvalResult eval;
  std::vector<AppliedRuling> applied;
};

class Eligibility {
 public:
  // `rules` and `rulings` must outlive this; without `rulings` no ruling is applied.
  Eligibility(RuleSource* rules, JurisdictionSettings settings, RulingCache* rulings = nullptr);

  absl::StatusOr<v1::Evaluation> Evaluate(const v1::EvaluateRequest& request);
  absl::StatusOr<v1::FindQualifyingClassesResponse> FindQualifyingClasses(
      const v1::FindQualifyingClassesRequest& request);

  // A screening stream: the header resolved once, then one applicant at a time.
  struct Screening {
    ClassRulesPtr cls;
    const CompiledRules* rules = nullptr;
    absl::CivilDay as_of;
    v1::Track track = v1::TRACK_MINIMUM;
    bool detail = false;
    CreditSettings credit;    // the class's jurisdiction's
    ClassRulingsPtr rulings;  // the class's, read once for the stream; null when none
  };
  absl::StatusOr<Screening> StartScreening(const v1::ScreenHeader& header);
  // Never fails: a malformed applicant gets a result whose `error` names the bad fields.
  void ScreenOne(const Screening& screening, const v1::Applicant& applicant, int64_t index,
                 Scratch* scratch, v1::ScreenResult* out) const;

 private:
  JurisdictionSettings settings_;
  RuleSource* rules_;
  RulingCache* rulings_;
};

// The track's rules, or FAILED_PRECONDITION when the class has none for it, is abolished, or
// its stored rules for the track are invalid (ClassRules::*_invalid).
absl::StatusOr<const CompiledRules*> TrackRules(const ClassRules& cls, v1::Track track);

}  // namespace classplan::eligibility

#endif  // CLASSPLAN_SERVICES_ELIGIBILITY_DOMAIN_ELIGIBILITY_H_
