#ifndef CLASSPLAN_SERVICES_ELIGIBILITY_DOMAIN_RULINGS_H_
#define CLASSPLAN_SERVICES_ELIGIBILITY_DOMAIN_RULINGS_H_

// Applying rulings (rulings.proto) to evaluations: a review reason's stable id, a class's
// rulings in force indexed by that id, a cache of them checked against the store's class
// version, and the re-derivation of the rule tree once a ruling has decided a reason.

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "absl/base/thread_annotations.h"
#include "absl/container/flat_hash_map.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/civil_time.h"
#include "classplan/eligibility/v1/eligibility_service.pb.h"
#include "classplan/eligibility/v1/rulings.pb.h"
#include "services/eligibility/domain/engine.h"
#include "services/eligibility/store/ruling_store.h"

namespace classplan::eligibility {

// The stable code of a reason a person must check ("licence_eligibility"), or nullptr when
// the reason is not one (a met or failed rule).
const char* ReviewCode(Reason reason);
// Whether `code` is one ReviewCode gives.
bool IsReviewCode(absl::string_view code);

// The id a ruling names for NEEDS_REVIEW node `node`: "<rule id>|<code>", and "|<CIP code>"
// of the degree compared when the reason is about a degree's field.
std::string ReviewReasonId(const CompiledRules& rules, const CompiledProfile& profile,
                           const EvalResult& eval, int node);

// A class's rulings in force (not withdrawn), indexed for matching.
struct ClassRulings {
  int64_t version = 0;  // the store's class version they were read at
  std::vector<v1::Ruling> standing;
  // Review reason id -> standing rulings, newest first.
  absl::flat_hash_map<std::string, std::vector<const v1::Ruling*>> standing_by_reason;
  // Applicant reference -> its per-determination rulings, newest first.
  absl::flat_hash_map<std::string, std::vector<v1::Ruling>> by_applicant;
  bool empty() const { return standing.empty() && by_applicant.empty(); }
};
using ClassRulingsPtr = std::shared_ptr<const ClassRulings>;

ClassRulingsPtr IndexRulings(const std::vector<StoredRuling>& active, int64_t version);

// The rulings of each class, loaded once and reused while the store's class version is the
// one they were read at: one small read per class per request. Thread-safe.
class RulingCache {
 public:
  explicit RulingCache(RulingStore* store) : store_(store) {}
  // Null when the class has no rulings.
  absl::StatusOr<ClassRulingsPtr> For(const std::string& class_code);
  // Every class's (one read of all versions).
  absl::StatusOr<absl::flat_hash_map<std::string, ClassRulingsPtr>> All();

 private:
  absl::StatusOr<ClassRulingsPtr> At(const std::string& class_code, int64_t version);

  RulingStore* store_;
  absl::Mutex mu_;
  absl::flat_hash_map<std::string, ClassRulingsPtr> cache_ ABSL_GUARDED_BY(mu_);
};

// A ruling that decided a review reason of an evaluation.
struct AppliedRuling {
  int node = 0;
  std::string reason_id;
  const v1::Ruling* ruling = nullptr;
};

// Resolves the NEEDS_REVIEW rule nodes of `eval` that a ruling in force for `applicant_ref`
// on `as_of` matches (a per-determination ruling before a standing one, the newest of each
// first), then re-derives the groups above them as the engine does. Nothing to do unless the
// result is NEEDS_REVIEW. `applied` is cleared, then lists what decided.
void ApplyRulings(const CompiledRules& rules, const CompiledProfile& profile,
                  const ClassRulings& rulings, absl::string_view applicant_ref,
                  absl::CivilDay as_of, EvalResult* eval, std::vector<AppliedRuling>* applied);

// The review reasons on the decided path, with ids (as ReviewReasons' lines).
void AddReviewReasons(const CompiledRules& rules, const CompiledProfile& profile,
                      const EvalResult& eval,
                      google::protobuf::RepeatedPtrField<v1::ReviewReason>* out);
void AddApplied(const std::vector<AppliedRuling>& applied,
                google::protobuf::RepeatedPtrField<v1::AppliedRuling>* out);
// Adds to an explained evaluation: a "By ruling" line per applied ruling, and the ruling's id
// on its node's reason in the result tree.
void ExplainApplied(const std::vector<AppliedRuling>& applied, v1::Evaluation* out);

}  // namespace classplan::eligibility

#endif  // CLASSPLAN_SERVICES_ELIGIBILITY_DOMAIN_RULINGS_H_
