#ifndef CLASSPLAN_SERVICES_ELIGIBILITY_DOMAIN_RULES_H_
#define CLASSPLAN_SERVICES_ELIGIBILITY_DOMAIN_RULES_H_

// A class track's qualification rules compiled once into a flat array of nodes with integer
// masks, so that evaluating an applicant touches no strings and allocates nothing. The proto
// the rules came from is kept for explanations.

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "classplan/catalog/v1/qualifications.pb.h"
#include "common/cip/cip.h"

namespace classplan::eligibility {

namespace cv1 = ::classplan::catalog::v1;

enum class NodeKind : uint8_t {
  kAllOf,
  kAnyOf,
  kEducation,
  kExperience,
  kLicence,
  kDriversLicence,
  kCombination,
};

const char* NodeKindName(NodeKind kind);

// How a CIP code relates to a rule's fields, best first.
enum class CipHow : uint8_t {
  kListed,        // a code of a listed field
  kRelatedList,   // on the class's closely-related list
  kRelatedBasis,  // same series or family as a listed code (the class's basis)
  kReview,        // may be a listed field: a person judges (CipField.review_cip)
};

// One code, series or family a rule names, as a range; in CompiledRules::cips, each rule's
// entries together and in the order above, so that the first that contains a code decides.
struct CipEntry {
  cip::Range range;
  CipHow how;
  int field = -1;     // index into the rule's fields (kListed, kRelatedBasis, kReview)
  cip::Range listed;  // kRelatedBasis: the listed code it derives from
};

struct EducationSpec {
  int min_level = 0;
  bool any_field = true;  // no accepted fields listed (in either form)
  // The deprecated enum list, for a degree that gives no CIP code (has_legacy: the rule had one).
  bool has_legacy = false;
  uint32_t fields = 0;  // accepted (including already-accepted closely related) enum fields
  bool closely_related = false;
  bool accreditation_required = false;
  int first_cip = 0;  // index into CompiledRules::cips
  int cip_count = 0;
  // The rule's CipFields (owned by CompiledRules::proto), or the ones derived from the enum.
  const google::protobuf::RepeatedPtrField<cv1::CipField>* cip_fields = nullptr;
};

struct CompiledNode {
  NodeKind kind;
  int first_child = 0;  // index into CompiledRules::children
  int child_count = 0;
  // Experience and combination.
  int64_t required = 0;  // units
  uint32_t kinds = 0;
  int first_part = 0;  // index into CompiledRules::parts
  int part_count = 0;
  // Substitution (experience).
  int first_option = 0;  // index into CompiledRules::options
  int option_count = 0;
  int64_t substitution_cap = 0;  // units
  bool substitution_reduces_parts = false;
  // Education.
  EducationSpec education;
  // Licence.
  uint32_t licence_types = 0;
  uint32_t licence_state = 0;
  bool licence_eligibility = false;
  // Combination.
  int64_t associate_units = 0, bachelor_units = 0, education_cap = 0;
  int credit_hours_per_year = 0;
  // The rule this was compiled from (owned by CompiledRules::proto).
  const cv1::QualificationRule* rule = nullptr;
};

struct CompiledPart {
  uint32_t attrs;
  int64_t required;  // units
  const cv1::ExperiencePart* part;
};

struct CompiledOption {
  int64_t credit;  // units
  bool is_education;
  EducationSpec education;
  bool state_approved_required = false;
  int setting = 0;
  const cv1::SubstitutionOption* option;
};

struct CompiledRules {
  cv1::QualificationRules proto;
  std::vector<CipEntry> cips;
  // CipFields derived from a deprecated enum list, for rules that have no CipFields.
  std::vector<std::unique_ptr<google::protobuf::RepeatedPtrField<cv1::CipField>>> derived_fields;
  std::vector<CompiledNode> nodes;  // pre-order; nodes[0] is the root
  std::vector<int> children;
  std::vector<CompiledPart> parts;
  std::vector<CompiledOption> options;
  int rule_version = 0;
};

// The CIP code a deprecated FieldOfStudy value stands for (qualifications.proto), or nullptr
// when none does (COUNSELING, FAMILY_SERVICES, OTHER).
const char* LegacyCip(int field);
// The field's words for a deprecated FieldOfStudy value ("Social Work").
const char* LegacyFieldName(int field);

// Checks a rule tree with the one rule validator (common/rules: the catalog runs the same on
// every write) and compiles it. INVALID_ARGUMENT with a field violation per problem when it
// does not pass.
absl::StatusOr<std::shared_ptr<const CompiledRules>> CompileRules(
    const cv1::QualificationRules& rules);

}  // namespace classplan::eligibility

#endif  // CLASSPLAN_SERVICES_ELIGIBILITY_DOMAIN_RULES_H_
