#include "services/eligibility/domain/rulings.h"

#include <algorithm>
#include <utility>

#include "absl/strings/str_cat.h"
#include "absl/time/time.h"
#include "common/cip/cip.h"
#include "common/dates/dates.h"

namespace classplan::eligibility {
namespace {

constexpr const char* kCodes[] = {
    "field_needs_review",  "field_may_be",          "field_no_cip",       "accreditation_unknown",
    "licence_eligibility", "licence_state_unknown", "combination_review",
};

// A ruling's record time, newest first; the id breaks ties so the order is deterministic.
bool Newer(const v1::Ruling& a, const v1::Ruling& b) {
  if (a.record_time().seconds() != b.record_time().seconds()) {
    return a.record_time().seconds() > b.record_time().seconds();
  }
  if (a.record_time().nanos() != b.record_time().nanos()) {
    return a.record_time().nanos() > b.record_time().nanos();
  }
  return a.id() < b.id();
}

bool InForce(const v1::Ruling& r, absl::CivilDay as_of) {
  if (r.has_effective_from() && as_of < dates::ToCivilDay(r.effective_from())) return false;
  if (r.has_effective_until() && as_of > dates::ToCivilDay(r.effective_until())) return false;
  return true;
}

// The engine's group rules (engine.h): all_of takes the worst child, any_of the best (fewest
// missing months among equals). Leaves keep what the engine or a ruling gave them.
void Rederive(const CompiledRules& r, EvalResult* ev, int i) {
  const CompiledNode& n = r.nodes[i];
  if (n.kind != NodeKind::kAllOf && n.kind != NodeKind::kAnyOf) return;
  NodeEval& e = ev->nodes[i];
  int best = -1;
  State worst = State::kQualified;
  int64_t missing = 0;
  for (int c = 0; c < n.child_count; ++c) {
    const int ci = r.children[n.first_child + c];
    Rederive(r, ev, ci);
    const NodeEval& ce = ev->nodes[ci];
    worst = std::max(worst, ce.state);
    missing += ce.missing;
    if (best < 0 || ce.state < ev->nodes[best].state ||
        (ce.state == ev->nodes[best].state && ce.missing < ev->nodes[best].missing)) {
      best = ci;
    }
  }
  if (n.kind == NodeKind::kAllOf) {
    e.state = worst;
    e.missing = missing;
  } else if (best >= 0) {
    e.state = ev->nodes[best].state;
    e.missing = ev->nodes[best].missing;
    e.chosen = best;
  }
}

v1::NodeResult* FindNode(v1::NodeResult* n, const std::string& rule_id) {
  if (n->rule_id() == rule_id) return n;
  for (auto& c : *n->mutable_children()) {
    if (v1::NodeResult* found = FindNode(&c, rule_id)) return found;
  }
  return nullptr;
}

}  // namespace

const char* ReviewCode(Reason reason) {
  switch (reason) {
    case Reason::kFieldNeedsReview:
      return kCodes[0];
    case Reason::kFieldMayBe:
      return kCodes[1];
    case Reason::kFieldNoCip:
      return kCodes[2];
    case Reason::kAccreditationUnknown:
      return kCodes[3];
    case Reason::kLicenceEligibility:
      return kCodes[4];
    case Reason::kLicenceStateUnknown:
      return kCodes[5];
    case Reason::kCombinationReview:
      return kCodes[6];
    default:
      return nullptr;
  }
}

bool IsReviewCode(absl::string_view code) {
  return std::find(std::begin(kCodes), std::end(kCodes), code) != std::end(kCodes);
}

std::string ReviewReasonId(const CompiledRules& rules, const CompiledProfile& profile,
                           const EvalResult& eval, int node) {
  const NodeEval& e = eval.nodes[node];
  const char* code = ReviewCode(e.reason);
  std::string id = absl::StrCat(rules.nodes[node].rule->id(), "|", code == nullptr ? "" : code);
  // A field judgement is about one field: a standing ruling names the CIP code it accepts.
  if ((e.reason == Reason::kFieldNeedsReview || e.reason == Reason::kFieldMayBe) && e.degree >= 0 &&
      static_cast<size_t>(e.degree) < profile.degrees.size()) {
    const int32_t cip = profile.degrees[e.degree].cip;
    if (cip >= 0) absl::StrAppend(&id, "|", cip::Format(cip::Range{cip, cip, 6}));
  }
  return id;
}

ClassRulingsPtr IndexRulings(const std::vector<StoredRuling>& active, int64_t version) {
  auto out = std::make_shared<ClassRulings>();
  out->version = version;
  for (const auto& s : active) {
    if (s.ruling.withdrawn()) continue;
    if (s.ruling.standing()) {
      out->standing.push_back(s.ruling);
    } else {
      out->by_applicant[s.ruling.applicant_ref()].push_back(s.ruling);
    }
  }
  std::sort(out->standing.begin(), out->standing.end(), Newer);
  for (auto& [ref, list] : out->by_applicant) std::sort(list.begin(), list.end(), Newer);
  // Pointers into `standing`, which no longer changes.
  for (const auto& r : out->standing) out->standing_by_reason[r.review_reason_id()].push_back(&r);
  return out;
}

absl::StatusOr<ClassRulingsPtr> RulingCache::At(const std::string& class_code, int64_t version) {
  if (version == 0) return ClassRulingsPtr();
  {
    absl::MutexLock lock(&mu_);
    auto it = cache_.find(class_code);
    if (it != cache_.end() && it->second->version == version) return it->second;
  }
  RulingQuery q;
  q.class_code = class_code;
  auto rows = store_->ListRulings(q);
  if (!rows.ok()) return rows.status();
  // Read after the version: a write in between only makes the next request reload again.
  ClassRulingsPtr loaded = IndexRulings(*rows, version);
  absl::MutexLock lock(&mu_);
  cache_[class_code] = loaded;
  return loaded;
}

absl::StatusOr<ClassRulingsPtr> RulingCache::For(const std::string& class_code) {
  auto version = store_->ClassVersion(class_code);
  if (!version.ok()) return version.status();
  return At(class_code, *version);
}

absl::StatusOr<absl::flat_hash_map<std::string, ClassRulingsPtr>> RulingCache::All() {
  auto versions = store_->ClassVersions();
  if (!versions.ok()) return versions.status();
  absl::flat_hash_map<std::string, ClassRulingsPtr> out;
  for (const auto& [code, version] : *versions) {
    auto r = At(code, version);
    if (!r.ok()) return r.status();
    if (*r != nullptr && !(*r)->empty()) out[code] = *std::move(r);
  }
  return out;
}

void ApplyRulings(const CompiledRules& rules, const CompiledProfile& profile,
                  const ClassRulings& rulings, absl::string_view applicant_ref,
                  absl::CivilDay as_of, EvalResult* eval, std::vector<AppliedRuling>* applied) {
  applied->clear();
  if (eval->state() != State::kNeedsReview) return;
  const std::vector<v1::Ruling>* own = nullptr;
  if (!applicant_ref.empty()) {
    auto it = rulings.by_applicant.find(applicant_ref);
    if (it != rulings.by_applicant.end()) own = &it->second;
  }
  if (own == nullptr && rulings.standing.empty()) return;
  for (size_t i = 0; i < rules.nodes.size(); ++i) {
    NodeEval& e = eval->nodes[i];
    const NodeKind kind = rules.nodes[i].kind;
    if (e.state != State::kNeedsReview || kind == NodeKind::kAllOf || kind == NodeKind::kAnyOf) {
      continue;
    }
    std::string id = ReviewReasonId(rules, profile, *eval, static_cast<int>(i));
    const v1::Ruling* decided = nullptr;
    if (own != nullptr) {
      for (const auto& r : *own) {
        if (r.review_reason_id() == id) {
          decided = &r;
          break;
        }
      }
    }
    if (decided == nullptr) {
      auto it = rulings.standing_by_reason.find(id);
      if (it != rulings.standing_by_reason.end()) {
        for (const v1::Ruling* r : it->second) {
          if (InForce(*r, as_of)) {
            decided = r;
            break;
          }
        }
      }
    }
    if (decided == nullptr) continue;
    if (decided->decision() == v1::RULING_DECISION_QUALIFIED) {
      e.state = State::kQualified;
      e.missing = 0;
    } else {
      e.state = State::kNotQualified;
      e.missing = std::max(e.missing, kNonMonthPenalty);
    }
    applied->push_back(AppliedRuling{static_cast<int>(i), std::move(id), decided});
    eval->ruled.push_back(static_cast<int>(i));
  }
  if (!applied->empty()) Rederive(rules, eval, 0);
}

void AddReviewReasons(const CompiledRules& rules, const CompiledProfile& profile,
                      const EvalResult& eval,
                      google::protobuf::RepeatedPtrField<v1::ReviewReason>* out) {
  if (eval.state() != State::kNeedsReview) return;
  google::protobuf::RepeatedPtrField<std::string> texts;
  ReviewReasons(rules, profile, eval, &texts);
  int k = 0;
  for (int i : DecidedLeaves(rules, eval)) {
    if (eval.nodes[i].state != State::kNeedsReview) continue;
    v1::ReviewReason* r = out->Add();
    r->set_id(ReviewReasonId(rules, profile, eval, i));
    r->set_rule_id(rules.nodes[i].rule->id());
    const char* code = ReviewCode(eval.nodes[i].reason);
    r->set_code(code == nullptr ? "" : code);
    if (k < texts.size()) r->set_text(texts[k]);
    ++k;
  }
}

void AddApplied(const std::vector<AppliedRuling>& applied,
                google::protobuf::RepeatedPtrField<v1::AppliedRuling>* out) {
  for (const auto& a : applied) {
    v1::AppliedRuling* r = out->Add();
    r->set_ruling_id(a.ruling->id());
    r->set_review_reason_id(a.reason_id);
    r->set_decision(a.ruling->decision());
    r->set_standing(a.ruling->standing());
  }
}

void ExplainApplied(const std::vector<AppliedRuling>& applied, v1::Evaluation* out) {
  AddApplied(applied, out->mutable_applied_rulings());
  for (const auto& a : applied) {
    const v1::Ruling& r = *a.ruling;
    const char* decision =
        r.decision() == v1::RULING_DECISION_QUALIFIED ? "QUALIFIED" : "NOT QUALIFIED";
    const absl::Time when = absl::FromUnixSeconds(r.record_time().seconds());
    out->add_explanation(absl::StrCat(
        "By ruling ", r.id(), r.standing() ? " (standing ruling for the class" : " (ruling for",
        r.standing() ? "" : " this applicant reference", "): ", a.reason_id, " ruled ", decision,
        " by ", r.author(), " on ", absl::FormatTime("%Y-%m-%d", when, absl::UTCTimeZone()), ": ",
        r.reason()));
    const std::string rule_id = a.reason_id.substr(0, a.reason_id.find('|'));
    if (v1::NodeResult* n = FindNode(out->mutable_result(), rule_id)) {
      n->set_reason(absl::StrCat(n->reason(), " (decided ", decision, " by ruling ", r.id(), ")"));
    }
  }
}

}  // namespace classplan::eligibility
