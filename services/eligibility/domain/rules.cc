#include "services/eligibility/domain/rules.h"

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "common/rules/rule_validator.h"
#include "services/eligibility/domain/months.h"
#include "services/eligibility/domain/profile.h"

namespace classplan::eligibility {

const char* NodeKindName(NodeKind kind) {
  switch (kind) {
    case NodeKind::kAllOf:
      return "all_of";
    case NodeKind::kAnyOf:
      return "any_of";
    case NodeKind::kEducation:
      return "education";
    case NodeKind::kExperience:
      return "experience";
    case NodeKind::kLicence:
      return "licence";
    case NodeKind::kDriversLicence:
      return "drivers_licence";
    case NodeKind::kCombination:
      return "combination";
  }
  return "unknown";
}

const char* LegacyCip(int field) {
  switch (field) {
    case cv1::FIELD_OF_STUDY_SOCIAL_WORK:
      return "44.0701";
    case cv1::FIELD_OF_STUDY_EDUCATION:
      return "13.0101";
    case cv1::FIELD_OF_STUDY_PSYCHOLOGY:
      return "42.0101";
    case cv1::FIELD_OF_STUDY_SOCIOLOGY:
      return "45.1101";
    case cv1::FIELD_OF_STUDY_CRIMINAL_JUSTICE:
      return "43.0100";
    case cv1::FIELD_OF_STUDY_GUIDANCE_AND_COUNSELING:
      return "13.1101";
    case cv1::FIELD_OF_STUDY_SOCIAL_SCIENCES:
      return "45.0101";
    case cv1::FIELD_OF_STUDY_HUMAN_SERVICES:
      return "44.0000";
    case cv1::FIELD_OF_STUDY_BUSINESS:
      return "52.0101";
    default:
      return nullptr;  // COUNSELING, FAMILY_SERVICES, OTHER: no CIP code is that field
  }
}

const char* LegacyFieldName(int field) {
  switch (field) {
    case cv1::FIELD_OF_STUDY_SOCIAL_WORK:
      return "Social Work";
    case cv1::FIELD_OF_STUDY_EDUCATION:
      return "Education";
    case cv1::FIELD_OF_STUDY_COUNSELING:
      return "Counseling";
    case cv1::FIELD_OF_STUDY_PSYCHOLOGY:
      return "Psychology";
    case cv1::FIELD_OF_STUDY_SOCIOLOGY:
      return "Sociology";
    case cv1::FIELD_OF_STUDY_CRIMINAL_JUSTICE:
      return "Criminal Justice";
    case cv1::FIELD_OF_STUDY_FAMILY_SERVICES:
      return "Family Services";
    case cv1::FIELD_OF_STUDY_GUIDANCE_AND_COUNSELING:
      return "Guidance and Counseling";
    case cv1::FIELD_OF_STUDY_SOCIAL_SCIENCES:
      return "Social Sciences";
    case cv1::FIELD_OF_STUDY_HUMAN_SERVICES:
      return "Human Services";
    case cv1::FIELD_OF_STUDY_BUSINESS:
      return "Business";
    default:
      return "another field";
  }
}

namespace {

uint32_t FieldMask(const google::protobuf::RepeatedField<int>& fields) {
  uint32_t m = 0;
  for (int f : fields) m |= 1u << (f & 31);
  return m;
}

using CipFields = google::protobuf::RepeatedPtrField<cv1::CipField>;

const google::protobuf::RepeatedField<int>& NoFields() {
  static const auto* const none = new google::protobuf::RepeatedField<int>();
  return *none;
}

// A rule with no CipFields reads its enum list as CIP codes (FieldOfStudy's comments).
const CipFields* DeriveFields(const google::protobuf::RepeatedField<int>& legacy,
                              CompiledRules* out) {
  auto fields = std::make_unique<CipFields>();
  for (int f : legacy) {
    auto* c = fields->Add();
    c->set_name(LegacyFieldName(f));
    if (const char* code = LegacyCip(f)) c->add_cip(code);
  }
  out->derived_fields.push_back(std::move(fields));
  return out->derived_fields.back().get();
}

// Appends the rule's entries to out->cips in precedence order (CipHow).
void CompileCips(const CipFields& fields, const cv1::CloselyRelatedRule& related,
                 const google::protobuf::RepeatedField<int>& legacy_related, EducationSpec* s,
                 CompiledRules* out) {
  s->first_cip = static_cast<int>(out->cips.size());
  s->cip_fields = &fields;
  const auto add = [&](const std::string& code, CipHow how, int field, cip::Range listed) {
    // Validated already; a bad code would only match nothing.
    if (auto r = cip::Parse(code)) out->cips.push_back({*r, how, field, listed});
  };
  for (int i = 0; i < fields.size(); ++i) {
    for (const auto& c : fields[i].cip()) add(c, CipHow::kListed, i, {});
  }
  for (const auto& c : related.cip()) add(c, CipHow::kRelatedList, -1, {});
  for (int f : legacy_related) {
    if (const char* code = LegacyCip(f)) add(code, CipHow::kRelatedList, -1, {});
  }
  if (related.basis() != cv1::CloselyRelatedRule::BASIS_UNSPECIFIED) {
    const bool family = related.basis() == cv1::CloselyRelatedRule::BASIS_SAME_FAMILY;
    for (int i = 0; i < fields.size(); ++i) {
      for (const auto& c : fields[i].cip()) {
        if (auto r = cip::Parse(c)) {
          out->cips.push_back({family ? r->Family() : r->Series(), CipHow::kRelatedBasis, i, *r});
        }
      }
    }
  }
  for (int i = 0; i < fields.size(); ++i) {
    for (const auto& c : fields[i].review_cip()) add(c, CipHow::kReview, i, {});
  }
  s->cip_count = static_cast<int>(out->cips.size()) - s->first_cip;
}

EducationSpec CompileEducation(const cv1::EducationRule& e, CompiledRules* out) {
  EducationSpec s;
  s.min_level = e.min_level();
  s.any_field = e.accepted_fields_size() == 0 && e.fields_size() == 0;
  s.has_legacy = e.accepted_fields_size() > 0;
  s.fields = FieldMask(e.accepted_fields()) | FieldMask(e.closely_related_fields());
  s.closely_related = e.closely_related_allowed();
  s.accreditation_required = e.accreditation_required();
  const CipFields& fields =
      e.fields_size() > 0 ? e.fields() : *DeriveFields(e.accepted_fields(), out);
  CompileCips(fields, e.closely_related(),
              e.fields_size() > 0 ? NoFields() : e.closely_related_fields(), &s, out);
  return s;
}

uint32_t KindMask(const google::protobuf::RepeatedField<int>& kinds) {
  uint32_t m = 0;
  for (int k : kinds) m |= 1u << (k & 31);
  return m;
}

// Compiles a tree that passed rules::CheckQualificationRules: the checks are there, once
// (the catalog runs the same ones on every write).
class Compiler {
 public:
  explicit Compiler(CompiledRules* out) : out_(out) {}

  void Node(const cv1::QualificationRule& r, int index) {
    CompiledNode n;
    n.rule = &r;
    switch (r.rule_case()) {
      case cv1::QualificationRule::kAllOf:
      case cv1::QualificationRule::kAnyOf: {
        n.kind = r.has_all_of() ? NodeKind::kAllOf : NodeKind::kAnyOf;
        const auto& g = r.has_all_of() ? r.all_of() : r.any_of();
        out_->nodes[index] = n;
        // Children are laid out after this node in pre-order; their indices are listed
        // together in `children`.
        std::vector<int> kids;
        for (const auto& c : g.children()) {
          const int ci = static_cast<int>(out_->nodes.size());
          out_->nodes.emplace_back();
          kids.push_back(ci);
          Node(c, ci);
        }
        out_->nodes[index].first_child = static_cast<int>(out_->children.size());
        out_->nodes[index].child_count = static_cast<int>(kids.size());
        out_->children.insert(out_->children.end(), kids.begin(), kids.end());
        return;
      }
      case cv1::QualificationRule::kEducation:
        n.kind = NodeKind::kEducation;
        n.education = CompileEducation(r.education(), out_);
        break;
      case cv1::QualificationRule::kExperience: {
        const auto& e = r.experience();
        n.kind = NodeKind::kExperience;
        n.required = Months(e.months());
        n.kinds = KindMask(e.kinds());
        n.first_part = static_cast<int>(out_->parts.size());
        n.part_count = e.parts_size();
        for (const auto& p : e.parts()) {
          out_->parts.push_back({1u << p.attribute(), Months(p.months()), &p});
        }
        const auto& sub = e.substitution();
        n.first_option = static_cast<int>(out_->options.size());
        n.option_count = sub.options_size();
        n.substitution_cap = Months(sub.max_months());
        n.substitution_reduces_parts = sub.reduces_parts();
        for (const auto& o : sub.options()) {
          CompiledOption c;
          c.credit = Months(o.months());
          c.option = &o;
          c.is_education = o.has_education();
          if (o.has_education()) {
            c.education = CompileEducation(o.education(), out_);
          } else {
            c.state_approved_required = o.field_placement().state_approved_required();
            c.setting = o.field_placement().setting();
          }
          out_->options.push_back(c);
        }
        break;
      }
      case cv1::QualificationRule::kLicence: {
        n.kind = NodeKind::kLicence;
        for (int t : r.licence().accepted()) n.licence_types |= 1u << (t & 31);
        n.licence_state = PackState(r.licence().state());
        n.licence_eligibility = r.licence().eligibility_accepted();
        break;
      }
      case cv1::QualificationRule::kDriversLicence:
        n.kind = NodeKind::kDriversLicence;
        break;
      case cv1::QualificationRule::kCombination: {
        const auto& c = r.combination();
        n.kind = NodeKind::kCombination;
        n.required = Months(c.months());
        n.kinds = KindMask(c.kinds());
        n.education.any_field = false;
        n.education.has_legacy = c.related_fields_size() > 0;
        n.education.fields = FieldMask(c.related_fields());
        // "in a related field": education in any other field is for a person to judge.
        n.education.closely_related = true;
        CompileCips(c.related_cip_fields_size() > 0 ? c.related_cip_fields()
                                                    : *DeriveFields(c.related_fields(), out_),
                    cv1::CloselyRelatedRule::default_instance(), NoFields(), &n.education, out_);
        n.education.accreditation_required = c.accreditation_required();
        n.associate_units = Months(c.associate_months());
        n.bachelor_units = Months(c.bachelor_months());
        n.education_cap =
            c.max_education_months() > 0 ? Months(c.max_education_months()) : n.required;
        n.credit_hours_per_year = c.credit_hours_per_year();
        break;
      }
      case cv1::QualificationRule::RULE_NOT_SET:
        break;  // refused by the check
    }
    out_->nodes[index] = n;
  }

 private:
  CompiledRules* out_;
};

}  // namespace

absl::StatusOr<std::shared_ptr<const CompiledRules>> CompileRules(
    const cv1::QualificationRules& rules) {
  if (absl::Status s = rules::ValidateQualificationRules(rules, "rules"); !s.ok()) return s;
  auto out = std::make_shared<CompiledRules>();
  out->proto = rules;
  out->rule_version = rules.rule_version();
  out->nodes.emplace_back();
  Compiler compiler(out.get());
  compiler.Node(out->proto.root(), 0);
  return std::shared_ptr<const CompiledRules>(std::move(out));
}

}  // namespace classplan::eligibility
