#include "services/eligibility/domain/engine.h"

#include <algorithm>

#include "absl/strings/str_cat.h"
#include "common/dates/dates.h"
#include "services/eligibility/domain/months.h"

namespace classplan::eligibility {
namespace {

State Worse(State a, State b) { return a > b ? a : b; }

State EvalEducation(const CompiledRules& r, const EducationSpec& s,
                    const std::vector<CompiledProfile::Degree>& degrees, Reason* reason,
                    int* decided = nullptr) {
  State best = State::kNotQualified;
  Reason best_reason = Reason::kNoDegree;
  int best_degree = -1;
  for (size_t i = 0; i < degrees.size(); ++i) {
    const auto& d = degrees[i];
    if (d.level < s.min_level) continue;
    const FieldMatch m = MatchField(r, s, d.field, d.cip);
    State st = m.state;
    Reason rs = m.reason;
    if (s.accreditation_required && st != State::kNotQualified) {
      if (d.accreditation == v1::ACCREDITATION_NOT_ACCREDITED) {
        st = State::kNotQualified;
        rs = Reason::kNotAccredited;
      } else if (d.accreditation == v1::ACCREDITATION_UNKNOWN) {
        st = State::kNeedsReview;
        if (rs == Reason::kMet) rs = Reason::kAccreditationUnknown;
      }
    }
    // Better state wins; among failures a degree at the level explains more than none.
    if (st < best || (st == best && best_reason == Reason::kNoDegree)) {
      best = st;
      best_reason = rs;
      best_degree = static_cast<int>(i);
    }
  }
  *reason = best_reason;
  if (decided != nullptr) *decided = best_degree;
  return best;
}

// How a degree or partial study counts towards a combination's education share: a field the
// rule does not list is for a person to judge (EducationSpec::closely_related is set).
State CombinationClass(const CompiledRules& r, const CompiledNode& n, int field, int32_t cip,
                       int accreditation) {
  State st = MatchField(r, n.education, field, cip).state;
  if (n.education.accreditation_required) {
    if (accreditation == v1::ACCREDITATION_NOT_ACCREDITED) return State::kNotQualified;
    if (accreditation == v1::ACCREDITATION_UNKNOWN) st = State::kNeedsReview;
  }
  return st;
}

class Evaluator {
 public:
  Evaluator(const CompiledRules& r, const CompiledProfile& p, EvalResult* out)
      : r_(r), p_(p), out_(out) {}

  void Node(int i) {
    const CompiledNode& n = r_.nodes[i];
    NodeEval& e = out_->nodes[i];
    e = NodeEval{};
    switch (n.kind) {
      case NodeKind::kAllOf: {
        e.state = State::kQualified;
        e.reason = Reason::kGroup;
        for (int c = 0; c < n.child_count; ++c) {
          const int ci = r_.children[n.first_child + c];
          Node(ci);
          const NodeEval& ce = out_->nodes[ci];
          e.state = Worse(e.state, ce.state);
          e.missing += ce.missing;
        }
        break;
      }
      case NodeKind::kAnyOf: {
        e.reason = Reason::kGroup;
        int best = -1;
        for (int c = 0; c < n.child_count; ++c) {
          const int ci = r_.children[n.first_child + c];
          Node(ci);
          const NodeEval& ce = out_->nodes[ci];
          if (best < 0 || ce.state < out_->nodes[best].state ||
              (ce.state == out_->nodes[best].state && ce.missing < out_->nodes[best].missing)) {
            best = ci;
          }
        }
        e.state = out_->nodes[best].state;
        e.missing = out_->nodes[best].missing;
        e.chosen = best;
        break;
      }
      case NodeKind::kEducation:
        e.state = EvalEducation(r_, n.education, p_.degrees, &e.reason, &e.degree);
        if (e.state == State::kNotQualified) e.missing = kNonMonthPenalty;
        break;
      case NodeKind::kExperience:
        Experience(n, &e);
        break;
      case NodeKind::kLicence: {
        bool held = false, state_unknown = false;
        for (const auto& l : p_.licences) {
          if (((n.licence_types >> l.type) & 1u) == 0) continue;
          held = held || n.licence_state == 0 || n.licence_state == l.state;
          // The applicant did not say which state issued it: only a person can confirm it.
          state_unknown = state_unknown || l.state == 0;
        }
        if (held) {
          e.state = State::kQualified;
        } else if (state_unknown) {
          e.state = State::kNeedsReview;
          e.reason = Reason::kLicenceStateUnknown;
        } else if (n.licence_eligibility) {
          e.state = State::kNeedsReview;
          e.reason = Reason::kLicenceEligibility;
        } else {
          e.reason = Reason::kLicenceMissing;
          e.missing = kNonMonthPenalty;
        }
        break;
      }
      case NodeKind::kDriversLicence:
        if (p_.drivers_licence) {
          e.state = State::kQualified;
        } else {
          e.reason = Reason::kDriversLicenceMissing;
          e.missing = kNonMonthPenalty;
        }
        break;
      case NodeKind::kCombination:
        Combination(n, &e);
        break;
    }
  }

 private:
  // Months still missing with `sub` units substituted.
  int64_t Need(const CompiledNode& n, int64_t credited, int64_t sub) const {
    int64_t need = Shortfall(n.required, credited + sub);
    for (int k = 0; k < n.part_count; ++k) {
      const int64_t have =
          out_->part_credit[n.first_part + k] + (n.substitution_reduces_parts ? sub : 0);
      need = std::max(need, Shortfall(r_.parts[n.first_part + k].required, have));
    }
    return need;
  }

  void Experience(const CompiledNode& n, NodeEval* e) {
    e->credited = CreditedUnits(p_, n.kinds, 0);
    for (int k = 0; k < n.part_count; ++k) {
      out_->part_credit[n.first_part + k] =
          CreditedUnits(p_, n.kinds, r_.parts[n.first_part + k].attrs);
    }
    const int64_t need0 = Need(n, e->credited, 0);
    if (need0 == 0) {
      e->state = State::kQualified;
      return;
    }
    // Substitutions: what confirmed options supply, and what they supply with the options a
    // person must review, each capped.
    int64_t sub_q = 0, sub_nr = 0;
    uint32_t mask_q = 0, mask_nr = 0;
    for (int o = 0; o < n.option_count; ++o) {
      const CompiledOption& opt = r_.options[n.first_option + o];
      State st = State::kNotQualified;
      if (opt.is_education) {
        Reason unused;
        st = EvalEducation(r_, opt.education, p_.degrees, &unused);
      } else {
        for (const auto& pl : p_.placements) {
          if (pl.setting == opt.setting && (pl.state_approved || !opt.state_approved_required)) {
            st = State::kQualified;
          }
        }
      }
      if (st == State::kQualified) {
        sub_q += opt.credit;
        mask_q |= 1u << o;
      }
      if (st != State::kNotQualified) {
        sub_nr += opt.credit;
        mask_nr |= 1u << o;
      }
    }
    sub_q = std::min(sub_q, n.substitution_cap);
    sub_nr = std::min(sub_nr, n.substitution_cap);
    const auto apply = [&](int64_t available, uint32_t mask) {
      // Only as much as was needed, from the options in order. A substitution that does not
      // count towards the "of which" parts can only supply what the total lacks.
      e->substituted = std::min(
          available, n.substitution_reduces_parts ? need0 : Shortfall(n.required, e->credited));
      int64_t acc = 0;
      for (int o = 0; o < n.option_count && acc < e->substituted; ++o) {
        if ((mask >> o) & 1u) {
          e->options_used |= 1u << o;
          acc += r_.options[n.first_option + o].credit;
        }
      }
    };
    if (sub_q > 0 && Need(n, e->credited, sub_q) == 0) {
      e->state = State::kQualified;
      apply(sub_q, mask_q);
    } else if (sub_nr > 0 && Need(n, e->credited, sub_nr) == 0) {
      e->state = State::kNeedsReview;
      e->reason = Reason::kFieldNeedsReview;
      apply(sub_nr, mask_nr);
    } else {
      e->state = State::kNotQualified;
      e->reason = Reason::kExperienceShort;
      if (sub_q > 0) apply(sub_q, mask_q);
      e->missing = Need(n, e->credited, e->substituted);
    }
  }

  void Combination(const CompiledNode& n, NodeEval* e) {
    int64_t degree_q = 0, degree_nr = 0;
    for (const auto& d : p_.degrees) {
      const int64_t credit = d.level >= cv1::EDUCATION_LEVEL_BACHELOR    ? n.bachelor_units
                             : d.level == cv1::EDUCATION_LEVEL_ASSOCIATE ? n.associate_units
                                                                         : 0;
      const State st = CombinationClass(r_, n, d.field, d.cip, d.accreditation);
      if (st == State::kQualified) degree_q = std::max(degree_q, credit);
      if (st != State::kNotQualified) degree_nr = std::max(degree_nr, credit);
    }
    int64_t partial_q = 0, partial_nr = 0;
    for (const auto& s : p_.partial) {
      const int64_t credit = int64_t{s.credit_hours} * Months(12) / n.credit_hours_per_year;
      const State st = CombinationClass(r_, n, s.field, s.cip, s.accreditation);
      if (st == State::kQualified) partial_q += credit;
      if (st != State::kNotQualified) partial_nr += credit;
    }
    const int64_t edu_q = std::min(n.education_cap, degree_q + partial_q);
    const int64_t edu_nr = std::min(n.education_cap, degree_nr + partial_nr);
    const int64_t exp = CreditedUnits(p_, n.kinds, 0);
    e->education = edu_q;
    e->credited = edu_q + exp;
    if (edu_q + exp >= n.required) {
      e->state = State::kQualified;
    } else if (edu_nr + exp >= n.required) {
      e->state = State::kNeedsReview;
      e->reason = Reason::kCombinationReview;
    } else {
      e->state = State::kNotQualified;
      e->reason = Reason::kCombinationShort;
      e->missing = n.required - edu_q - exp;
    }
  }

  const CompiledRules& r_;
  const CompiledProfile& p_;
  EvalResult* out_;
};

}  // namespace

FieldMatch MatchField(const CompiledRules& rules, const EducationSpec& s, int field, int32_t cip) {
  FieldMatch m;
  if (s.any_field) {
    m.state = State::kQualified;
    m.reason = Reason::kMet;
    return m;
  }
  const State unlisted = s.closely_related ? State::kNeedsReview : State::kNotQualified;
  const Reason unlisted_reason =
      s.closely_related ? Reason::kFieldNeedsReview : Reason::kFieldNotAccepted;
  m.code = cip;
  if (m.code < 0) {
    if (s.has_legacy) {  // the old answer for the old input
      m.legacy = true;
      const bool listed = ((s.fields >> (field & 31)) & 1u) != 0;
      m.state = listed ? State::kQualified : unlisted;
      m.reason = listed ? Reason::kMet : unlisted_reason;
      return m;
    }
    if (const char* code = LegacyCip(field)) {
      m.code = cip::ParseSixDigit(code);
      m.from_enum = true;
    }
    if (m.code < 0) {
      m.state = State::kNeedsReview;
      m.reason = Reason::kFieldNoCip;
      return m;
    }
  }
  for (int k = 0; k < s.cip_count; ++k) {
    const CipEntry& c = rules.cips[s.first_cip + k];
    if (!c.range.Contains(m.code)) continue;
    m.entry = s.first_cip + k;
    m.state = c.how == CipHow::kReview ? State::kNeedsReview : State::kQualified;
    m.reason = c.how == CipHow::kReview ? Reason::kFieldMayBe : Reason::kMet;
    return m;
  }
  m.state = unlisted;
  m.reason = unlisted_reason;
  return m;
}

void Evaluate(const CompiledRules& rules, const CompiledProfile& profile, EvalResult* out) {
  out->nodes.resize(rules.nodes.size());
  out->part_credit.assign(rules.parts.size(), 0);
  Evaluator(rules, profile, out).Node(0);
}

v1::Determination ToDetermination(State s) {
  switch (s) {
    case State::kQualified:
      return v1::DETERMINATION_QUALIFIED;
    case State::kNeedsReview:
      return v1::DETERMINATION_NEEDS_REVIEW;
    case State::kNotQualified:
      return v1::DETERMINATION_NOT_QUALIFIED;
  }
  return v1::DETERMINATION_UNSPECIFIED;
}

}  // namespace classplan::eligibility
