#include "services/eligibility/domain/engine.h"

#include <algorithm>

#include "absl/strings/str_cat.h"
#include "common/dates/dates.h"
#include "services/eligibility/domain/months.h"

namespace classplan::eligibility {
namespace {

State Worse(State a, State b) { return a > b ? a : b; }

// Above the rule validator's 50 entries in a node's lists (rules::kMaxListEntries).
constexpr int kMaxParts = 64;
constexpr int kMaxOptions = 64;

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

// What a substitution option offers: its state, and for a degree whose study period is given,
// that study and what the option keeps when the overlap goes to experience (its study alone
// against the node's experience; the whole credit without a study).
struct OptionOffer {
  State state = State::kNotQualified;
  int study = -1;
  int64_t kept = 0;
};
OptionOffer Offer(const CompiledRules& r, const CompiledProfile& p, const CompiledNode& n,
                  const CompiledOption& opt) {
  OptionOffer out;
  out.kept = opt.credit;
  int degree = -1;
  if (opt.is_education) {
    Reason unused;
    out.state = EvalEducation(r, opt.education, p.degrees, &unused, &degree);
  } else {
    for (const auto& pl : p.placements) {
      if (pl.setting == opt.setting && (pl.state_approved || !opt.state_approved_required)) {
        out.state = State::kQualified;
      }
    }
  }
  out.study = opt.is_education && degree >= 0 ? p.degrees[degree].study : -1;
  if (out.state == State::kNotQualified || out.study < 0) return out;
  int64_t alone[kMaxEducationEntries] = {};
  alone[out.study] = StudyWeight(p, out.study, opt.credit);
  out.kept -= std::min(opt.credit, OverlapUnits(p, n.kinds, 0, alone).education_lost);
  return out;
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
  // Units still missing with `sub` units substituted, the "of which" parts credited `parts`.
  int64_t Need(const CompiledNode& n, int64_t credited, int64_t sub, const int64_t* parts) const {
    int64_t need = Shortfall(n.required, credited + sub);
    for (int k = 0; k < n.part_count; ++k) {
      const int64_t have = parts[k] + (n.substitution_reduces_parts ? sub : 0);
      need = std::max(need, Shortfall(r_.parts[n.first_part + k].required, have));
    }
    return need;
  }

  // One way of crediting an experience node with its substitution at one level (confirmed
  // options, or with those a person must review).
  struct Assignment {
    // The arrays are not cleared (this runs for every applicant the experience alone does not
    // qualify): parts up to part_count and avail up to option_count are always written.
    int64_t credited = 0;
    // The "of which" parts credited: the node's own (part_credit) unless the overlap went to
    // education, then parts_e (not copied otherwise: this runs for most applicants).
    const int64_t* parts = nullptr;
    int64_t parts_e[kMaxParts];
    int64_t available = 0;       // the substitution, capped
    int64_t avail[kMaxOptions];  // per option, what it supplies under the assignment
    uint32_t mask = 0;
    int64_t need = 0;
    StudyOverlap overlap;
    Overlap how = Overlap::kNone;
    int64_t other = 0;  // need under the other assignment
    uint32_t studies = 0;
  };

  // The options that apply confirmed (`q`) and with those a person must review (`nr`), each
  // option looked at once; then each level's better assignment (Choose).
  void Assign(const CompiledNode& n, int64_t credited, const int64_t* parts, Assignment* q,
              Assignment* nr) const {
    int64_t weights_q[kMaxEducationEntries], weights_nr[kMaxEducationEntries];
    const bool studies = !p_.studies.empty();
    if (studies) {
      std::fill(weights_q, weights_q + kMaxEducationEntries, 0);
      std::fill(weights_nr, weights_nr + kMaxEducationEntries, 0);
    }
    int64_t offered_q = 0, offered_nr = 0;
    for (int o = 0; o < n.option_count; ++o) {
      const CompiledOption& opt = r_.options[n.first_option + o];
      const OptionOffer offer = Offer(r_, p_, n, opt);
      q->avail[o] = 0;
      nr->avail[o] = 0;
      if (offer.state == State::kNotQualified) continue;
      const int64_t w = offer.study >= 0 ? StudyWeight(p_, offer.study, opt.credit) : 0;
      for (Assignment* a : {q, nr}) {
        if (a == q && offer.state != State::kQualified) continue;
        a->mask |= 1u << o;
        a->avail[o] = offer.kept;
        (a == q ? offered_q : offered_nr) += opt.credit;
        if (offer.study < 0) continue;
        (a == q ? weights_q : weights_nr)[offer.study] += w;
        a->studies |= 1u << offer.study;
      }
    }
    Choose(n, credited, parts, offered_q, weights_q, q);
    Choose(n, credited, parts, offered_nr, weights_nr, nr);
  }

  // The better of crediting the overlap of the options' study with the experience as
  // experience or as education (experience on a tie). `weights` is read only with studies.
  void Choose(const CompiledNode& n, int64_t credited, const int64_t* parts, int64_t offered,
              const int64_t* weights, Assignment* a) const {
    a->credited = credited;
    a->parts = parts;
    a->available = std::min(offered, n.substitution_cap);
    a->need = Need(n, credited, a->available, parts);
    if (a->studies == 0) return;
    a->overlap = OverlapUnits(p_, n.kinds, 0, weights);
    if (a->overlap.first_segment < 0) return;
    // As experience: the education gives up the overlap.
    const int64_t as_experience =
        std::min(std::max<int64_t>(0, offered - a->overlap.education_lost), n.substitution_cap);
    const int64_t need_x = Need(n, credited, as_experience, parts);
    // As education: the experience (and each "of which" part) gives it up.
    int64_t* parts_e = a->parts_e;
    for (int k = 0; k < n.part_count; ++k) {
      parts_e[k] = std::max<int64_t>(
          0,
          parts[k] -
              OverlapUnits(p_, n.kinds, r_.parts[n.first_part + k].attrs, weights).experience_lost);
    }
    const int64_t credited_e = std::max<int64_t>(0, credited - a->overlap.experience_lost);
    const int64_t need_e = Need(n, credited_e, a->available, parts_e);
    if (need_x <= need_e) {
      a->how = Overlap::kAsExperience;
      a->available = as_experience;
      a->need = need_x;
      a->other = need_e;
    } else {
      a->how = Overlap::kAsEducation;
      a->credited = credited_e;
      a->parts = parts_e;
      for (int o = 0; o < n.option_count; ++o) {
        if (((a->mask >> o) & 1u) != 0) a->avail[o] = r_.options[n.first_option + o].credit;
      }
      a->need = need_e;
      a->other = need_x;
    }
  }

  // Records `a` on the node: its credit, parts and overlap, and the options used, only as
  // much as was needed, in order. A substitution that does not count towards the "of which"
  // parts can only supply what the total lacks.
  void Commit(const CompiledNode& n, const Assignment& a, NodeEval* e) {
    e->credited = a.credited;
    int64_t* parts = out_->part_credit.data() + n.first_part;
    if (a.parts != parts) std::copy(a.parts, a.parts + n.part_count, parts);
    e->substituted =
        std::min(a.available, n.substitution_reduces_parts ? Need(n, a.credited, 0, a.parts)
                                                           : Shortfall(n.required, a.credited));
    int64_t acc = 0;
    for (int o = 0; o < n.option_count && acc < e->substituted; ++o) {
      if (((a.mask >> o) & 1u) != 0 && a.avail[o] > 0) {
        e->options_used |= 1u << o;
        acc += a.avail[o];
      }
    }
    if (a.how == Overlap::kNone) return;
    e->overlap = a.how;
    e->overlap_lost =
        a.how == Overlap::kAsExperience ? a.overlap.education_lost : a.overlap.experience_lost;
    e->overlap_other = a.other;
    e->overlap_studies = a.studies;
    e->overlap_first = a.overlap.first_segment;
    e->overlap_last = a.overlap.last_segment;
  }

  void Experience(const CompiledNode& n, NodeEval* e) {
    e->credited = CreditedUnits(p_, n.kinds, 0);
    int64_t* parts = out_->part_credit.data() + n.first_part;
    for (int k = 0; k < n.part_count; ++k) {
      parts[k] = CreditedUnits(p_, n.kinds, r_.parts[n.first_part + k].attrs);
    }
    if (Need(n, e->credited, 0, parts) == 0) {
      e->state = State::kQualified;  // no education is credited, so nothing overlaps
      return;
    }
    // Substitutions: what confirmed options supply, and what they supply with the options a
    // person must review, each capped.
    Assignment q, nr;
    Assign(n, e->credited, parts, &q, &nr);
    if (q.available > 0 && q.need == 0) {
      e->state = State::kQualified;
      Commit(n, q, e);
    } else if (nr.available > 0 && nr.need == 0) {
      e->state = State::kNeedsReview;
      e->reason = Reason::kFieldNeedsReview;
      Commit(n, nr, e);
    } else {
      e->state = State::kNotQualified;
      e->reason = Reason::kExperienceShort;
      // Also when the overlap took the whole substitution: the explanation says where it went.
      if (q.available > 0 || q.how != Overlap::kNone) Commit(n, q, e);
      e->missing = Need(n, e->credited, e->substituted, parts);
    }
  }

  // A combination's total at one level: the education share (the best degree, or none, plus
  // partial study) capped, plus experience, with the overlap of dated study and experience
  // credited once, as experience or as education, whichever gives more (experience on a tie).
  struct ComboTotal {
    int64_t total = 0, education = 0;
    StudyOverlap overlap;
    Overlap how = Overlap::kNone;
    int64_t other = 0;  // the total under the other assignment
    uint32_t studies = 0;
  };
  ComboTotal ComboAt(const CompiledNode& n, bool review, int64_t exp) const {
    int64_t partial = 0;
    int64_t weights[kMaxEducationEntries];  // read only when the profile has study periods
    if (!p_.studies.empty()) std::fill(weights, weights + kMaxEducationEntries, 0);
    uint32_t studies = 0;
    for (const auto& s : p_.partial) {
      const int64_t credit = int64_t{s.credit_hours} * Months(12) / n.credit_hours_per_year;
      const State st = CombinationClass(r_, n, s.field, s.cip, s.accreditation);
      if (st == State::kNotQualified || (st == State::kNeedsReview && !review)) continue;
      partial += credit;
      if (s.study >= 0 && credit > 0) {
        weights[s.study] += StudyWeight(p_, s.study, credit);
        studies |= 1u << s.study;
      }
    }
    ComboTotal best;
    bool first = true;
    // Each degree in turn (only the best counts), and none.
    for (int d = -1; d < static_cast<int>(p_.degrees.size()); ++d) {
      int64_t degree = 0;
      int64_t w[kMaxEducationEntries];
      if (!p_.studies.empty()) std::copy(weights, weights + kMaxEducationEntries, w);
      uint32_t st_bits = studies;
      if (d >= 0) {
        const auto& deg = p_.degrees[d];
        degree = deg.level >= cv1::EDUCATION_LEVEL_BACHELOR    ? n.bachelor_units
                 : deg.level == cv1::EDUCATION_LEVEL_ASSOCIATE ? n.associate_units
                                                               : 0;
        const State st = CombinationClass(r_, n, deg.field, deg.cip, deg.accreditation);
        if (degree == 0 || st == State::kNotQualified || (st == State::kNeedsReview && !review)) {
          continue;
        }
        if (deg.study >= 0) {
          w[deg.study] += StudyWeight(p_, deg.study, degree);
          st_bits |= 1u << deg.study;
        }
      }
      ComboTotal c;
      c.education = std::min(n.education_cap, degree + partial);
      c.total = c.education + exp;
      if (st_bits != 0) c.overlap = OverlapUnits(p_, n.kinds, 0, w);
      if (c.overlap.first_segment >= 0) {
        const int64_t edu_x = std::min(
            n.education_cap, std::max<int64_t>(0, degree + partial - c.overlap.education_lost));
        const int64_t as_experience = edu_x + exp;
        const int64_t as_education = c.education + exp - c.overlap.experience_lost;
        c.studies = st_bits;
        if (as_experience >= as_education) {
          c.how = Overlap::kAsExperience;
          c.education = edu_x;
          c.total = as_experience;
          c.other = as_education;
        } else {
          c.how = Overlap::kAsEducation;
          c.total = as_education;
          c.other = as_experience;
        }
      }
      if (first || c.total > best.total) best = c;
      first = false;
    }
    return best;
  }

  // ComboAt for both levels when the profile has no study period (so nothing overlaps): each
  // degree and partial study classified once, the best degree alone counting.
  void ComboWithoutStudies(const CompiledNode& n, int64_t exp, ComboTotal* q,
                           ComboTotal* nr) const {
    int64_t degree_q = 0, degree_nr = 0;
    for (const auto& d : p_.degrees) {
      const int64_t credit = d.level >= cv1::EDUCATION_LEVEL_BACHELOR    ? n.bachelor_units
                             : d.level == cv1::EDUCATION_LEVEL_ASSOCIATE ? n.associate_units
                                                                         : 0;
      if (credit == 0) continue;
      const State st = CombinationClass(r_, n, d.field, d.cip, d.accreditation);
      if (st == State::kQualified) degree_q = std::max(degree_q, credit);
      if (st != State::kNotQualified) degree_nr = std::max(degree_nr, credit);
    }
    int64_t partial_q = 0, partial_nr = 0;
    for (const auto& ps : p_.partial) {
      const int64_t credit = int64_t{ps.credit_hours} * Months(12) / n.credit_hours_per_year;
      const State st = CombinationClass(r_, n, ps.field, ps.cip, ps.accreditation);
      if (st == State::kQualified) partial_q += credit;
      if (st != State::kNotQualified) partial_nr += credit;
    }
    q->education = std::min(n.education_cap, degree_q + partial_q);
    q->total = q->education + exp;
    nr->education = std::min(n.education_cap, degree_nr + partial_nr);
    nr->total = nr->education + exp;
  }

  void Combination(const CompiledNode& n, NodeEval* e) {
    const int64_t exp = CreditedUnits(p_, n.kinds, 0);
    ComboTotal q, nr;
    if (p_.studies.empty()) {
      ComboWithoutStudies(n, exp, &q, &nr);
    } else {
      q = ComboAt(n, false, exp);
      nr = ComboAt(n, true, exp);
    }
    e->education = q.education;
    e->credited = q.total;
    const ComboTotal* decided = &q;
    if (q.total >= n.required) {
      e->state = State::kQualified;
    } else if (nr.total >= n.required) {
      e->state = State::kNeedsReview;
      e->reason = Reason::kCombinationReview;
      decided = &nr;
    } else {
      e->state = State::kNotQualified;
      e->reason = Reason::kCombinationShort;
      e->missing = n.required - q.total;
    }
    if (decided->how == Overlap::kNone) return;
    e->overlap = decided->how;
    e->overlap_lost = decided->how == Overlap::kAsExperience ? decided->overlap.education_lost
                                                             : decided->overlap.experience_lost;
    e->overlap_other = Shortfall(n.required, decided->other);
    e->overlap_studies = decided->studies;
    e->overlap_first = decided->overlap.first_segment;
    e->overlap_last = decided->overlap.last_segment;
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

int64_t OptionSupply(const CompiledRules& rules, const CompiledProfile& profile, const NodeEval& e,
                     int node, int option) {
  const CompiledNode& n = rules.nodes[node];
  const CompiledOption& opt = rules.options[n.first_option + option];
  return e.overlap == Overlap::kAsExperience ? Offer(rules, profile, n, opt).kept : opt.credit;
}

void Evaluate(const CompiledRules& rules, const CompiledProfile& profile, EvalResult* out) {
  out->nodes.resize(rules.nodes.size());
  out->part_credit.assign(rules.parts.size(), 0);
  out->ruled.clear();
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
