#include "services/eligibility/domain/rules.h"

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
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

namespace {

constexpr int kMaxDepth = 16;

uint32_t FieldMask(const google::protobuf::RepeatedField<int>& fields) {
  uint32_t m = 0;
  for (int f : fields) m |= 1u << (f & 31);
  return m;
}

absl::Status Bad(const cv1::QualificationRule& r, const std::string& what) {
  return absl::InvalidArgumentError(absl::StrCat("rule ", r.id(), ": ", what));
}

EducationSpec CompileEducation(const cv1::EducationRule& e) {
  EducationSpec s;
  s.min_level = e.min_level();
  s.any_field = e.accepted_fields_size() == 0;
  s.fields = FieldMask(e.accepted_fields()) | FieldMask(e.closely_related_fields());
  s.closely_related = e.closely_related_allowed();
  s.accreditation_required = e.accreditation_required();
  return s;
}

uint32_t KindMask(const google::protobuf::RepeatedField<int>& kinds) {
  uint32_t m = 0;
  for (int k : kinds) m |= 1u << (k & 31);
  return m;
}

class Compiler {
 public:
  explicit Compiler(CompiledRules* out) : out_(out) {}

  absl::Status Node(const cv1::QualificationRule& r, int depth, int index) {
    if (depth > kMaxDepth) return Bad(r, "nested too deeply");
    CompiledNode n;
    n.rule = &r;
    switch (r.rule_case()) {
      case cv1::QualificationRule::kAllOf:
      case cv1::QualificationRule::kAnyOf: {
        n.kind = r.has_all_of() ? NodeKind::kAllOf : NodeKind::kAnyOf;
        const auto& g = r.has_all_of() ? r.all_of() : r.any_of();
        if (g.children_size() == 0) return Bad(r, "empty group");
        out_->nodes[index] = n;
        // Children are laid out after this node in pre-order; their indices are listed
        // together in `children`.
        std::vector<int> kids;
        for (const auto& c : g.children()) {
          const int ci = static_cast<int>(out_->nodes.size());
          out_->nodes.emplace_back();
          kids.push_back(ci);
          if (auto s = Node(c, depth + 1, ci); !s.ok()) return s;
        }
        out_->nodes[index].first_child = static_cast<int>(out_->children.size());
        out_->nodes[index].child_count = static_cast<int>(kids.size());
        out_->children.insert(out_->children.end(), kids.begin(), kids.end());
        return absl::OkStatus();
      }
      case cv1::QualificationRule::kEducation:
        n.kind = NodeKind::kEducation;
        if (r.education().min_level() == cv1::EDUCATION_LEVEL_UNSPECIFIED) {
          return Bad(r, "education without a level");
        }
        n.education = CompileEducation(r.education());
        break;
      case cv1::QualificationRule::kExperience: {
        const auto& e = r.experience();
        n.kind = NodeKind::kExperience;
        if (e.months() <= 0) return Bad(r, "experience months must be positive");
        if (e.kinds_size() == 0) return Bad(r, "experience without kinds");
        n.required = Months(e.months());
        n.kinds = KindMask(e.kinds());
        n.first_part = static_cast<int>(out_->parts.size());
        n.part_count = e.parts_size();
        for (const auto& p : e.parts()) {
          if (p.months() <= 0 || p.months() > e.months()) return Bad(r, "part months out of range");
          if (p.attribute() == cv1::EXPERIENCE_ATTRIBUTE_UNSPECIFIED) {
            return Bad(r, "part without attribute");
          }
          // An unknown value (proto3 keeps them) must not become a shift past the mask.
          if (!cv1::ExperienceAttribute_IsValid(p.attribute()) || p.attribute() >= 32) {
            return Bad(r, "part with an unknown attribute");
          }
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
            c.education = CompileEducation(o.education());
          } else if (o.has_field_placement()) {
            c.state_approved_required = o.field_placement().state_approved_required();
            c.setting = o.field_placement().setting();
          } else {
            return Bad(r, "substitution option without a kind");
          }
          out_->options.push_back(c);
        }
        break;
      }
      case cv1::QualificationRule::kLicence: {
        n.kind = NodeKind::kLicence;
        if (r.licence().accepted_size() == 0) return Bad(r, "licence without accepted types");
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
        if (c.months() <= 0 || c.credit_hours_per_year() <= 0) {
          return Bad(r, "combination months and credit hours a year must be positive");
        }
        n.required = Months(c.months());
        n.kinds = KindMask(c.kinds());
        n.education.any_field = false;
        n.education.fields = FieldMask(c.related_fields());
        n.education.accreditation_required = c.accreditation_required();
        n.associate_units = Months(c.associate_months());
        n.bachelor_units = Months(c.bachelor_months());
        n.education_cap =
            c.max_education_months() > 0 ? Months(c.max_education_months()) : n.required;
        n.credit_hours_per_year = c.credit_hours_per_year();
        break;
      }
      default:
        return Bad(r, "node without a rule");
    }
    out_->nodes[index] = n;
    return absl::OkStatus();
  }

 private:
  CompiledRules* out_;
};

}  // namespace

absl::StatusOr<std::shared_ptr<const CompiledRules>> CompileRules(
    const cv1::QualificationRules& rules) {
  auto out = std::make_shared<CompiledRules>();
  out->proto = rules;
  out->rule_version = rules.rule_version();
  if (!out->proto.has_root()) return absl::InvalidArgumentError("rules without a root");
  out->nodes.emplace_back();
  Compiler compiler(out.get());
  if (auto s = compiler.Node(out->proto.root(), 0, 0); !s.ok()) return s;
  return std::shared_ptr<const CompiledRules>(std::move(out));
}

}  // namespace classplan::eligibility
