#include "services/eligibility/domain/eligibility.h"

#include <algorithm>

#include "absl/strings/str_cat.h"
#include "common/dates/dates.h"
#include "common/status/field_violations.h"

namespace classplan::eligibility {
namespace {

// Checks the request-level fields common to every RPC; adds violations.
void CheckAsOf(bool has, const common::v1::Date& d, const char* field, status::Violations* v) {
  if (!has) {
    v->Add(field, "required: the day qualifications are judged on (e.g. the closing date)");
  } else if (!dates::IsFull(d)) {
    v->Add(field, "must be a full calendar date");
  }
}

void CheckTrack(v1::Track track, const char* field, status::Violations* v) {
  if (!v1::Track_IsValid(track)) v->Add(field, "unknown track");
}

v1::Track Normal(v1::Track t) { return t == v1::TRACK_UNSPECIFIED ? v1::TRACK_MINIMUM : t; }

// Notes on how the class revision was chosen, after the first (summary) line.
void AddNotes(const ClassRules& cls, v1::Evaluation* e) {
  for (const auto& n : cls.notes) e->add_explanation(absl::StrCat("Note: ", n));
}

}  // namespace

namespace {

// Compiles one track; a tree that does not pass the validator becomes FAILED_PRECONDITION
// naming the class, the track and the first problems (field paths: no applicant data).
void CompileTrack(const catalog::v1::JobClass& c, const char* track,
                  const catalog::v1::QualificationRules& rules,
                  std::shared_ptr<const CompiledRules>* out, absl::Status* invalid) {
  auto r = CompileRules(rules);
  if (r.ok()) {
    *out = *r;
    return;
  }
  std::string problems;
  const auto violations = status::GetFieldViolations(r.status());
  constexpr size_t kNamed = 3;  // enough to act on; the catalog's own check lists them all
  for (size_t i = 0; i < violations.size() && i < kNamed; ++i) {
    absl::StrAppend(&problems, i == 0 ? "" : "; ", violations[i].field, ": ",
                    violations[i].description);
  }
  if (violations.size() > kNamed)
    absl::StrAppend(&problems, "; and ", violations.size() - kNamed, " more");
  if (problems.empty()) problems = std::string(r.status().message());
  *invalid = absl::FailedPreconditionError(
      absl::StrCat("class ", c.code(), " revision ", c.revision(), ": its stored ", track,
                   " qualification rules are invalid and cannot be evaluated (", problems,
                   "); the catalog must revise the class"));
}

}  // namespace

ClassRulesPtr BuildClassRules(const catalog::v1::JobClass& c, bool undated) {
  auto out = std::make_shared<ClassRules>();
  out->code = c.code();
  out->title = c.title();
  out->jurisdiction_id = c.jurisdiction_id();
  out->revision = c.revision();
  out->abolished = c.state() == catalog::v1::CLASS_STATE_ABOLISHED;
  if (undated) out->notes.push_back(kUndatedNote);
  if (c.has_minimum_qualification_rules()) {
    CompileTrack(c, "minimum", c.minimum_qualification_rules(), &out->minimum,
                 &out->minimum_invalid);
  }
  if (c.has_recommended_qualification_rules()) {
    CompileTrack(c, "recommended", c.recommended_qualification_rules(), &out->recommended,
                 &out->recommended_invalid);
  }
  return out;
}

absl::Status CheckUndated(const FetchedClass& f) {
  if (!f.undated || f.job_class.revision() == 1) return absl::OkStatus();
  if (!f.refusal.ok()) return f.refusal;
  return absl::FailedPreconditionError(
      absl::StrCat("the catalog cannot tell which revision of class ", f.job_class.code(),
                   " was in force on the as-of date"));
}

absl::StatusOr<ClassRulesPtr> BuildClassRules(const FetchedClass& f) {
  if (absl::Status s = CheckUndated(f); !s.ok()) return s;
  return BuildClassRules(f.job_class, f.undated);
}

ClassRulesPtr BuildListedClassRules(const FetchedClass& f) {
  if (absl::Status s = CheckUndated(f); !s.ok()) {
    auto out = std::make_shared<ClassRules>();
    out->code = f.job_class.code();
    out->title = f.job_class.title();
    out->jurisdiction_id = f.job_class.jurisdiction_id();
    out->revision = f.job_class.revision();
    out->refused = std::move(s);
    return out;
  }
  return BuildClassRules(f.job_class, f.undated);
}

absl::StatusOr<const CompiledRules*> TrackRules(const ClassRules& cls, v1::Track track) {
  if (cls.abolished) {
    return absl::FailedPreconditionError(
        absl::StrCat("class ", cls.code, " is abolished on the as-of date"));
  }
  if (!cls.refused.ok()) return cls.refused;
  const bool rec = Normal(track) == v1::TRACK_RECOMMENDED;
  if (const absl::Status& bad = rec ? cls.recommended_invalid : cls.minimum_invalid; !bad.ok()) {
    return bad;
  }
  const CompiledRules* r = rec ? cls.recommended.get() : cls.minimum.get();
  if (r == nullptr) {
    return absl::FailedPreconditionError(
        absl::StrCat("class ", cls.code, " has no ", rec ? "recommended" : "minimum",
                     " qualifications as rules (the sources give none, or they are not encoded)"));
  }
  return r;
}

Eligibility::Eligibility(RuleSource* rules, JurisdictionSettings settings, RulingCache* rulings)
    : settings_(std::move(settings)), rules_(rules), rulings_(rulings) {}

absl::StatusOr<v1::Evaluation> Eligibility::Evaluate(const v1::EvaluateRequest& req) {
  status::Violations v;
  if (req.class_code().empty()) v.Add("class_code", "required, e.g. SPCP23");
  CheckTrack(req.track(), "track", &v);
  CheckAsOf(req.has_as_of(), req.as_of(), "as_of", &v);
  ValidateApplicant(req.applicant(), "applicant", &v, req.has_as_of() ? &req.as_of() : nullptr);
  if (!v.empty()) return v.ToStatus("invalid evaluation request");

  const absl::CivilDay as_of = dates::ToCivilDay(req.as_of());
  auto cls = rules_->Get(req.class_code(), as_of);
  if (!cls.ok()) return cls.status();
  auto rules = TrackRules(**cls, req.track());
  if (!rules.ok()) return rules.status();
  ClassRulingsPtr rulings;
  if (rulings_ != nullptr) {
    auto r = rulings_->For((*cls)->code);
    if (!r.ok()) return r.status();
    rulings = *std::move(r);
  }
  Scratch s;
  CompileProfile(req.applicant(), as_of, settings_.For((*cls)->jurisdiction_id), &s.profile);
  ::classplan::eligibility::Evaluate(**rules, s.profile, &s.eval);
  if (rulings != nullptr) {
    ApplyRulings(**rules, s.profile, *rulings, req.applicant().applicant_ref(), as_of, &s.eval,
                 &s.applied);
  }
  v1::Evaluation out;
  Explain(**rules, s.profile, s.eval,
          ExplainContext{(*cls)->code, (*cls)->title, (*cls)->revision, Normal(req.track()), as_of},
          &out);
  AddNotes(**cls, &out);
  AddReviewReasons(**rules, s.profile, s.eval, out.mutable_review_reasons());
  ExplainApplied(s.applied, &out);
  return out;
}

absl::StatusOr<v1::FindQualifyingClassesResponse> Eligibility::FindQualifyingClasses(
    const v1::FindQualifyingClassesRequest& req) {
  status::Violations v;
  CheckTrack(req.track(), "track", &v);
  CheckAsOf(req.has_as_of(), req.as_of(), "as_of", &v);
  if (req.max_nearest_misses() < 0 || req.max_nearest_misses() > 20) {
    v.Add("max_nearest_misses", "must be between 0 and 20 (0 means 3)");
  }
  ValidateApplicant(req.applicant(), "applicant", &v, req.has_as_of() ? &req.as_of() : nullptr);
  if (!v.empty()) return v.ToStatus("invalid request");

  const absl::CivilDay as_of = dates::ToCivilDay(req.as_of());
  auto all = rules_->All(as_of);
  if (!all.ok()) return all.status();
  absl::flat_hash_map<std::string, ClassRulingsPtr> rulings;
  if (rulings_ != nullptr) {
    auto r = rulings_->All();
    if (!r.ok()) return r.status();
    rulings = *std::move(r);
  }
  Scratch s;
  int64_t compiled_for = -1;  // full time the profile was compiled with
  v1::FindQualifyingClassesResponse out;
  // A miss and how far it is: missing months, with a missing degree or licence counting as
  // very far (kNonMonthPenalty), so that a path short of months ranks first.
  std::vector<std::pair<int64_t, v1::ClassStanding>> misses;
  for (const auto& cls : *all) {
    auto rules = TrackRules(*cls, req.track());
    if (!rules.ok()) {
      // Stored rules that fail validation, or a day the catalog cannot place the class on:
      // said, never silently left out. No rules for the track, or abolished: nothing to say.
      const bool rec = Normal(req.track()) == v1::TRACK_RECOMMENDED;
      const absl::Status& why = !cls->refused.ok() ? cls->refused
                                : rec              ? cls->recommended_invalid
                                                   : cls->minimum_invalid;
      if (!why.ok()) {
        v1::NotEvaluatedClass* n = out.add_not_evaluated();
        n->set_class_code(cls->code);
        n->set_class_title(cls->title);
        n->set_class_revision(cls->revision);
        n->set_reason(std::string(why.message()));
      }
      continue;
    }
    const CreditSettings& credit = settings_.For(cls->jurisdiction_id);
    if (credit.full_time_centihours != compiled_for) {
      CompileProfile(req.applicant(), as_of, credit, &s.profile);
      compiled_for = credit.full_time_centihours;
    }
    ::classplan::eligibility::Evaluate(**rules, s.profile, &s.eval);
    s.applied.clear();
    if (auto it = rulings.find(cls->code); it != rulings.end()) {
      ApplyRulings(**rules, s.profile, *it->second, req.applicant().applicant_ref(), as_of, &s.eval,
                   &s.applied);
    }
    v1::ClassStanding st;
    st.set_class_code(cls->code);
    st.set_class_title(cls->title);
    st.set_class_revision(cls->revision);
    st.set_determination(ToDetermination(s.eval.state()));
    st.set_decided_path(DecidedPath(**rules, s.eval));
    Shortfalls(**rules, s.eval, st.mutable_shortfalls());
    ReviewReasons(**rules, s.profile, s.eval, st.mutable_review_reasons());
    google::protobuf::RepeatedPtrField<v1::ReviewReason> reasons;
    AddReviewReasons(**rules, s.profile, s.eval, &reasons);
    for (auto& r : reasons) st.add_review_reason_ids(std::move(*r.mutable_id()));
    AddApplied(s.applied, st.mutable_applied_rulings());
    int64_t missing = 0;
    for (const auto& f : st.shortfalls()) missing += f.missing_month_hundredths();
    st.set_missing_month_hundredths(missing);
    switch (s.eval.state()) {
      case State::kQualified:
        *out.add_qualifying() = std::move(st);
        break;
      case State::kNeedsReview:
        *out.add_needs_review() = std::move(st);
        break;
      case State::kNotQualified:
        misses.emplace_back(s.eval.missing(), std::move(st));
        break;
    }
  }
  // Fewest missing months first; the class code breaks ties, so the order is deterministic.
  std::stable_sort(misses.begin(), misses.end(), [](const auto& a, const auto& b) {
    if (a.first != b.first) return a.first < b.first;
    return a.second.class_code() < b.second.class_code();
  });
  const size_t n = req.max_nearest_misses() == 0 ? 3 : req.max_nearest_misses();
  for (size_t i = 0; i < misses.size() && i < n; ++i) {
    *out.add_nearest_misses() = misses[i].second;
  }
  const auto by_code = [](auto* list) {
    std::sort(list->begin(), list->end(),
              [](const auto& a, const auto& b) { return a.class_code() < b.class_code(); });
  };
  by_code(out.mutable_qualifying());
  by_code(out.mutable_needs_review());
  by_code(out.mutable_not_evaluated());
  return out;
}

absl::StatusOr<Eligibility::Screening> Eligibility::StartScreening(const v1::ScreenHeader& h) {
  status::Violations v;
  if (h.class_code().empty()) v.Add("header.class_code", "required, e.g. SPCP23");
  CheckTrack(h.track(), "header.track", &v);
  CheckAsOf(h.has_as_of(), h.as_of(), "header.as_of", &v);
  if (!v.empty()) return v.ToStatus("invalid screening header");
  Screening s;
  s.as_of = dates::ToCivilDay(h.as_of());
  auto cls = rules_->Get(h.class_code(), s.as_of);
  if (!cls.ok()) return cls.status();
  auto rules = TrackRules(**cls, h.track());
  if (!rules.ok()) return rules.status();
  s.cls = *cls;
  s.rules = *rules;
  s.track = Normal(h.track());
  s.detail = h.detail();
  s.credit = settings_.For(s.cls->jurisdiction_id);
  if (rulings_ != nullptr) {
    auto r = rulings_->For(s.cls->code);
    if (!r.ok()) return r.status();
    if (*r != nullptr && !(*r)->empty()) s.rulings = *std::move(r);
  }
  return s;
}

void Eligibility::ScreenOne(const Screening& sc, const v1::Applicant& a, int64_t index, Scratch* s,
                            v1::ScreenResult* out) const {
  out->Clear();
  out->set_applicant_ref(a.applicant_ref());
  out->set_index(index);
  status::Violations v;
  const common::v1::Date as_of = dates::FromCivilDay(sc.as_of);
  ValidateApplicant(a, "applicant", &v, &as_of);
  if (!v.empty()) {
    status::AppendToBadRequest(v.list(), out->mutable_error());
    return;
  }
  CompileProfile(a, sc.as_of, sc.credit, &s->profile);
  ::classplan::eligibility::Evaluate(*sc.rules, s->profile, &s->eval);
  s->applied.clear();
  if (sc.rulings != nullptr) {
    ApplyRulings(*sc.rules, s->profile, *sc.rulings, a.applicant_ref(), sc.as_of, &s->eval,
                 &s->applied);
  }
  out->set_determination(ToDetermination(s->eval.state()));
  out->set_decided_path(DecidedPath(*sc.rules, s->eval));
  Shortfalls(*sc.rules, s->eval, out->mutable_shortfalls());
  if (sc.detail) {
    Explain(*sc.rules, s->profile, s->eval,
            ExplainContext{sc.cls->code, sc.cls->title, sc.cls->revision, sc.track, sc.as_of},
            out->mutable_evaluation());
    AddNotes(*sc.cls, out->mutable_evaluation());
    AddReviewReasons(*sc.rules, s->profile, s->eval,
                     out->mutable_evaluation()->mutable_review_reasons());
    ExplainApplied(s->applied, out->mutable_evaluation());
  }
  AddReviewReasons(*sc.rules, s->profile, s->eval, out->mutable_review_reasons());
  AddApplied(s->applied, out->mutable_applied_rulings());
}

}  // namespace classplan::eligibility
