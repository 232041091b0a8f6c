#include "common/rules/rule_validator.h"

#include <algorithm>
#include <set>

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "common/cip/cip.h"

namespace classplan::rules {
namespace {

namespace cv1 = ::classplan::catalog::v1;
using status::Violations;

bool IsIdChar(char c) {
  return absl::ascii_isalnum(static_cast<unsigned char>(c)) || c == '-' || c == '_' || c == '/' ||
         c == '.';
}

// Walks one tree once, adding violations until kMaxViolations; never descends below
// kMaxDepth + 1 nor past kMaxNodes, so a hostile tree costs no more than a valid one.
class Checker {
 public:
  Checker(const std::string& prefix, Violations& v) : prefix_(prefix), v_(v) {}

  void Rules(const cv1::QualificationRules& r) {
    if (r.rule_version() < 0) Add(prefix_ + ".rule_version", "must not be negative");
    if (r.notes_size() > kMaxNotes) {
      Add(prefix_ + ".notes", absl::StrCat("at most ", kMaxNotes, " notes"));
    }
    for (int i = 0; i < r.notes_size() && i < kMaxNotes; ++i) {
      Text(r.notes(i), kMaxTextLength, absl::StrCat(prefix_, ".notes[", i, "]"));
    }
    if (!r.has_root()) {
      Add(prefix_ + ".root", "is required: the rule tree");
      return;
    }
    Node(r.root(), prefix_ + ".root", 0);
    if (nodes_ > kMaxNodes) {  // always listed, past the cap: it explains the rest
      v_.Add(prefix_, absl::StrCat("has more than ", kMaxNodes, " nodes; at most ", kMaxNodes));
    }
  }

  void Finish() {
    if (dropped_ > 0) {
      v_.Add(prefix_, absl::StrCat("and ", dropped_, " more problems not listed"));
    }
  }

 private:
  void Add(std::string field, std::string description) {
    if (added_ >= kMaxViolations) {
      ++dropped_;
      return;
    }
    ++added_;
    v_.Add(std::move(field), std::move(description));
  }

  // `what` names the node for the reader: its id when it has one.
  void AddAt(const std::string& field, const std::string& what, const std::string& description) {
    Add(field, what.empty() ? description : absl::StrCat(description, " (rule ", what, ")"));
  }

  void Text(const std::string& text, size_t max, const std::string& field) {
    if (text.size() > max) Add(field, absl::StrCat("must be at most ", max, " bytes"));
  }

  void Months(int months, const std::string& field, const std::string& id, bool positive) {
    if (months < 0) {
      AddAt(field, id, "must not be negative");
    } else if (positive && months == 0) {
      AddAt(field, id, "must be positive");
    } else if (months > kMaxMonths) {
      AddAt(field, id, absl::StrCat("must be at most ", kMaxMonths, " months"));
    }
  }

  // A repeated enum: at most kMaxListEntries, each a known value other than UNSPECIFIED.
  template <typename IsValid>
  void Enums(const google::protobuf::RepeatedField<int>& values, IsValid is_valid,
             const std::string& field, const std::string& id) {
    if (values.size() > kMaxListEntries) {
      AddAt(field, id, absl::StrCat("at most ", kMaxListEntries, " entries"));
    }
    for (int i = 0; i < values.size() && i < kMaxListEntries; ++i) {
      if (values[i] == 0 || !is_valid(values[i])) {
        AddAt(absl::StrCat(field, "[", i, "]"), id, absl::StrCat("unknown value ", values[i]));
      }
    }
  }

  // CIP codes: at most kMaxListEntries, each NN, NN.NN or NN.NNNN and in the shipped list.
  void Cips(const google::protobuf::RepeatedPtrField<std::string>& codes, const std::string& field,
            const std::string& id) {
    if (codes.size() > kMaxListEntries) {
      AddAt(field, id, absl::StrCat("at most ", kMaxListEntries, " entries"));
    }
    for (int i = 0; i < codes.size() && i < kMaxListEntries; ++i) {
      const std::string at = absl::StrCat(field, "[", i, "]");
      if (!cip::Parse(codes[i]).has_value()) {
        AddAt(at, id, "must be a CIP 2020 code written NN, NN.NN or NN.NNNN (e.g. 44.0701)");
      } else if (!cip::Shipped().Contains(codes[i])) {
        AddAt(at, id,
              absl::StrCat("CIP code ", codes[i], " is not in the CIP 2020 list (data/cip)"));
      }
    }
  }

  void CipFields(const google::protobuf::RepeatedPtrField<cv1::CipField>& fields,
                 const std::string& f, const std::string& id) {
    if (fields.size() > kMaxListEntries) {
      AddAt(f, id, absl::StrCat("at most ", kMaxListEntries, " fields"));
    }
    for (int i = 0; i < fields.size() && i < kMaxListEntries; ++i) {
      const auto& c = fields[i];
      const std::string cf = absl::StrCat(f, "[", i, "]");
      if (c.name().empty()) AddAt(cf + ".name", id, "is required: the clause's words");
      Text(c.name(), kMaxCipNameLength, cf + ".name");
      Text(c.note(), kMaxTextLength, cf + ".note");
      if (c.cip_size() == 0 && c.review_cip_size() == 0) {
        AddAt(cf + ".cip", id, "name at least one code in cip or review_cip");
      }
      Cips(c.cip(), cf + ".cip", id);
      Cips(c.review_cip(), cf + ".review_cip", id);
    }
  }

  void Education(const cv1::EducationRule& e, const std::string& f, const std::string& id) {
    if (e.min_level() == cv1::EDUCATION_LEVEL_UNSPECIFIED) {
      AddAt(f + ".min_level", id, "is required");
    } else if (!cv1::EducationLevel_IsValid(e.min_level())) {
      AddAt(f + ".min_level", id, absl::StrCat("unknown value ", e.min_level()));
    }
    Enums(e.accepted_fields(), cv1::FieldOfStudy_IsValid, f + ".accepted_fields", id);
    Enums(e.closely_related_fields(), cv1::FieldOfStudy_IsValid, f + ".closely_related_fields", id);
    CipFields(e.fields(), f + ".fields", id);
    const auto& cr = e.closely_related();
    const std::string crf = f + ".closely_related";
    if (!cv1::CloselyRelatedRule::Basis_IsValid(cr.basis())) {
      AddAt(crf + ".basis", id, absl::StrCat("unknown value ", cr.basis()));
    }
    Cips(cr.cip(), crf + ".cip", id);
    Text(cr.note(), kMaxTextLength, crf + ".note");
    const bool has_rule = cr.basis() != 0 || cr.cip_size() > 0;
    if (has_rule && !e.closely_related_allowed()) {
      AddAt(crf, id,
            "needs closely_related_allowed: the clause must allow a closely related field");
    }
    if (cr.basis() != 0 && e.fields_size() == 0) {
      AddAt(crf + ".basis", id, "needs fields: a basis relates to the listed codes");
    }
  }

  void Experience(const cv1::ExperienceRule& e, const std::string& f, const std::string& id) {
    Months(e.months(), f + ".months", id, true);
    if (e.kinds_size() == 0) AddAt(f + ".kinds", id, "must name at least one kind");
    Enums(e.kinds(), cv1::ExperienceKind_IsValid, f + ".kinds", id);
    if (e.parts_size() > kMaxListEntries) {
      AddAt(f + ".parts", id, absl::StrCat("at most ", kMaxListEntries, " parts"));
    }
    for (int i = 0; i < e.parts_size() && i < kMaxListEntries; ++i) {
      const auto& p = e.parts(i);
      const std::string pf = absl::StrCat(f, ".parts[", i, "]");
      Months(p.months(), pf + ".months", id, true);
      if (p.months() > e.months()) AddAt(pf + ".months", id, "must not exceed the requirement");
      if (p.attribute() == cv1::EXPERIENCE_ATTRIBUTE_UNSPECIFIED ||
          !cv1::ExperienceAttribute_IsValid(p.attribute())) {
        AddAt(pf + ".attribute", id, absl::StrCat("unknown value ", p.attribute()));
      }
    }
    const auto& s = e.substitution();
    const std::string sf = f + ".substitution";
    Months(s.max_months(), sf + ".max_months", id, false);
    Text(s.source_text(), kMaxTextLength, sf + ".source_text");
    if (s.options_size() > 0 && s.source_text().empty()) {
      AddAt(sf + ".source_text", id, "is required: the clause that states the cap, verbatim");
    }
    if (s.options_size() > kMaxListEntries) {
      AddAt(sf + ".options", id, absl::StrCat("at most ", kMaxListEntries, " options"));
    }
    for (int i = 0; i < s.options_size() && i < kMaxListEntries; ++i) {
      const auto& o = s.options(i);
      const std::string of = absl::StrCat(sf, ".options[", i, "]");
      Months(o.months(), of + ".months", id, true);
      if (o.source_text().empty()) AddAt(of + ".source_text", id, "is required: the clause");
      Text(o.source_text(), kMaxTextLength, of + ".source_text");
      switch (o.option_case()) {
        case cv1::SubstitutionOption::kEducation:
          Education(o.education(), of + ".education", id);
          break;
        case cv1::SubstitutionOption::kFieldPlacement:
          if (!cv1::PlacementSetting_IsValid(o.field_placement().setting())) {
            AddAt(of + ".field_placement.setting", id,
                  absl::StrCat("unknown value ", o.field_placement().setting()));
          }
          break;
        default:
          AddAt(of, id, "needs an education or a field_placement");
      }
    }
  }

  void Licence(const cv1::LicenceRule& l, const std::string& f, const std::string& id) {
    if (l.accepted_size() == 0) AddAt(f + ".accepted", id, "must name at least one licence");
    Enums(l.accepted(), cv1::LicenceType_IsValid, f + ".accepted", id);
    const std::string& st = l.state();
    if (!st.empty() && (st.size() != 2 || !absl::ascii_isupper(static_cast<unsigned char>(st[0])) ||
                        !absl::ascii_isupper(static_cast<unsigned char>(st[1])))) {
      AddAt(f + ".state", id, "must be empty or a 2-letter upper-case state code such as NM");
    }
    Text(l.issuer(), kMaxIssuerLength, f + ".issuer");
  }

  void Combination(const cv1::CombinationRule& c, const std::string& f, const std::string& id) {
    Months(c.months(), f + ".months", id, true);
    Enums(c.kinds(), cv1::ExperienceKind_IsValid, f + ".kinds", id);
    Enums(c.related_fields(), cv1::FieldOfStudy_IsValid, f + ".related_fields", id);
    CipFields(c.related_cip_fields(), f + ".related_cip_fields", id);
    Months(c.associate_months(), f + ".associate_months", id, false);
    Months(c.bachelor_months(), f + ".bachelor_months", id, false);
    Months(c.max_education_months(), f + ".max_education_months", id, false);
    if (c.credit_hours_per_year() <= 0 || c.credit_hours_per_year() > 100) {
      AddAt(f + ".credit_hours_per_year", id, "must be between 1 and 100");
    }
  }

  void Node(const cv1::QualificationRule& r, const std::string& f, int depth) {
    if (++nodes_ > kMaxNodes) return;  // reported once by Rules
    const std::string& id = r.id();
    if (id.empty()) {
      Add(f + ".id", "is required");
    } else if (id.size() > kMaxIdLength || !std::all_of(id.begin(), id.end(), IsIdChar)) {
      Add(f + ".id", absl::StrCat("must be 1-", kMaxIdLength,
                                  " letters, digits or - _ / . (e.g. path-1/experience)"));
    } else if (!ids_.insert(id).second) {
      AddAt(f + ".id", id, "duplicate id: ids must be unique within the rules");
    }
    Text(r.source_text(), kMaxTextLength, f + ".source_text");
    const bool group = r.has_all_of() || r.has_any_of();
    if (!group && r.rule_case() != cv1::QualificationRule::RULE_NOT_SET &&
        r.source_text().empty()) {
      AddAt(f + ".source_text", id, "is required: the clause this rule encodes, verbatim");
    }
    switch (r.rule_case()) {
      case cv1::QualificationRule::kAllOf:
      case cv1::QualificationRule::kAnyOf: {
        const char* name = r.has_all_of() ? "all_of" : "any_of";
        const auto& g = r.has_all_of() ? r.all_of() : r.any_of();
        if (g.children_size() == 0) {
          AddAt(absl::StrCat(f, ".", name, ".children"), id, "a group needs at least one rule");
        }
        if (depth + 1 > kMaxDepth && g.children_size() > 0) {
          AddAt(f, id, absl::StrCat("nested more than ", kMaxDepth, " levels deep"));
          return;
        }
        for (int i = 0; i < g.children_size() && nodes_ <= kMaxNodes; ++i) {
          Node(g.children(i), absl::StrCat(f, ".", name, ".children[", i, "]"), depth + 1);
        }
        return;
      }
      case cv1::QualificationRule::kEducation:
        Education(r.education(), f + ".education", id);
        return;
      case cv1::QualificationRule::kExperience:
        Experience(r.experience(), f + ".experience", id);
        return;
      case cv1::QualificationRule::kLicence:
        Licence(r.licence(), f + ".licence", id);
        return;
      case cv1::QualificationRule::kDriversLicence:
        return;
      case cv1::QualificationRule::kCombination:
        Combination(r.combination(), f + ".combination", id);
        return;
      case cv1::QualificationRule::RULE_NOT_SET:
        AddAt(f, id, "a node needs exactly one rule (all_of, any_of, education, ...)");
        return;
    }
  }

  const std::string& prefix_;
  Violations& v_;
  std::set<std::string> ids_;
  int nodes_ = 0;
  size_t added_ = 0;
  size_t dropped_ = 0;
};

}  // namespace

void CheckQualificationRules(const cv1::QualificationRules& rules, const std::string& prefix,
                             Violations& v) {
  Checker checker(prefix, v);
  checker.Rules(rules);
  checker.Finish();
}

absl::Status ValidateQualificationRules(const cv1::QualificationRules& rules,
                                        const std::string& prefix) {
  Violations v;
  CheckQualificationRules(rules, prefix, v);
  return v.ToStatus("invalid qualification rules");
}

}  // namespace classplan::rules
