// Explain() and the screening summaries: an evaluation (engine.cc) put into words.
#include <algorithm>

#include "absl/strings/str_cat.h"
#include "common/cip/cip.h"
#include "common/dates/dates.h"
#include "services/eligibility/domain/engine.h"
#include "services/eligibility/domain/months.h"

namespace classplan::eligibility {

namespace {

const char* StateWord(State s) {
  switch (s) {
    case State::kQualified:
      return "QUALIFIED";
    case State::kNeedsReview:
      return "NEEDS REVIEW";
    case State::kNotQualified:
      return "NOT QUALIFIED";
  }
  return "";
}

const char* Mark(State s, bool ruled) {
  switch (s) {
    case State::kQualified:
      return ruled ? "[met by ruling]" : "[met]";
    case State::kNeedsReview:
      return "[review]";
    case State::kNotQualified:
      return ruled ? "[not met by ruling]" : "[not met]";
  }
  return "";
}

// "bachelor's degree", as in "no bachelor's degree or higher".
const char* BareLevelName(int level) {
  switch (level) {
    case cv1::EDUCATION_LEVEL_HIGH_SCHOOL_OR_GED:
      return "high school diploma or GED";
    case cv1::EDUCATION_LEVEL_ASSOCIATE:
      return "associate degree";
    case cv1::EDUCATION_LEVEL_BACHELOR:
      return "bachelor's degree";
    case cv1::EDUCATION_LEVEL_MASTER:
      return "master's degree";
    case cv1::EDUCATION_LEVEL_DOCTORATE:
      return "doctorate";
  }
  return "degree";
}

const char* LevelName(int level) {
  switch (level) {
    case cv1::EDUCATION_LEVEL_HIGH_SCHOOL_OR_GED:
      return "a high school diploma or GED";
    case cv1::EDUCATION_LEVEL_ASSOCIATE:
      return "an associate degree";
    case cv1::EDUCATION_LEVEL_BACHELOR:
      return "a bachelor's degree";
    case cv1::EDUCATION_LEVEL_MASTER:
      return "a master's degree";
    case cv1::EDUCATION_LEVEL_DOCTORATE:
      return "a doctorate";
  }
  return "a degree";
}

// How an attribute reads before and after "experience", and on its own.
struct AttrWords {
  const char* pre;
  const char* post;
  const char* alone;
};
AttrWords Words(int attribute) {
  if (attribute == cv1::EXPERIENCE_ATTRIBUTE_SUPERVISORY)
    return {"supervisory ", "", "supervisory"};
  return {"", " involving out-of-home placement", "involving out-of-home placement"};
}

std::string M(int64_t units_ceil) { return FormatHundredths(CeilHundredths(units_ceil)); }
// "1 more month", "0.5 more months", "8 more months" (missing months, rounded up).
std::string MoreMonths(int64_t units) {
  return absl::StrCat(M(units), CeilHundredths(units) == 100 ? " more month" : " more months");
}
std::string Credited(int64_t units) { return FormatHundredths(FloorHundredths(units)); }

// The words for an education node's reason (the CIP match is added by NodeReason).
std::string EducationReason(const CompiledNode& n, const CompiledProfile& p, const NodeEval& e) {
  switch (e.reason) {
    case Reason::kMet:
      return "holds a qualifying degree completed by the as-of date";
    case Reason::kNoDegree:
      return absl::StrCat(
          "no ", BareLevelName(n.education.min_level), " or higher completed by the as-of date",
          p.degree_after_as_of ? " (a degree completed after it does not count)" : "");
    case Reason::kFieldNotAccepted:
      return "the degree's field of study is not one the class accepts";
    case Reason::kFieldNeedsReview:
      return "a person must judge whether the degree's field of study is closely related";
    case Reason::kFieldMayBe:
      return "a person must judge whether the degree's field of study is one the class lists";
    case Reason::kFieldNoCip:
      return "the degree gives no CIP code: a person must match its field to the fields the "
             "class lists";
    case Reason::kNotAccredited:
      return "the degree is not from an accredited college or university";
    case Reason::kAccreditationUnknown:
      return "a person must confirm the college or university is accredited";
    default:
      return "";
  }
  return "";
}

// "51.1508 Mental Health Counseling/Counselor." (the title when the shipped list has it).
std::string CipName(const cip::Range& code) {
  std::string s = cip::Format(code);
  if (const std::string* title = cip::Shipped().Title(s)) absl::StrAppend(&s, " ", *title);
  return s;
}

// Which CIP code matched which listed field, and by which rule; empty when the enum list
// (deprecated) or no field list decided.
std::string CipMatch(const CompiledRules& r, const EducationSpec& s, const FieldMatch& m,
                     int field) {
  if (s.any_field || m.legacy) return "";
  if (m.reason == Reason::kFieldNoCip) return "";
  const cip::Range code{m.code, m.code, 6};
  std::string out = absl::StrCat("CIP ", CipName(code));
  if (m.from_enum) {
    absl::StrAppend(&out, " (read from the deprecated field ", LegacyFieldName(field), ")");
  }
  if (m.entry < 0) {
    return absl::StrCat(out, ": no listed field",
                        m.state == State::kNeedsReview ? "; closely related: needs review" : "");
  }
  const CipEntry& c = r.cips[m.entry];
  const std::string entry = cip::Format(c.range);
  const std::string name = c.field >= 0 ? (*s.cip_fields)[c.field].name() : "";
  switch (c.how) {
    case CipHow::kListed:
      return absl::StrCat(out, ": ", name, ", listed (", entry, ")");
    case CipHow::kRelatedList:
      return absl::StrCat(out, ": closely related, on the class's list (", entry, ")");
    case CipHow::kRelatedBasis:
      return absl::StrCat(out, ": closely related, same ",
                          c.range.digits == 2 ? "family" : "series", " as listed ",
                          cip::Format(c.listed), " (", name, ")");
    case CipHow::kReview:
      return absl::StrCat(out, ": may be ", name, " (", entry, "); needs review");
  }
  return out;
}

std::string NodeReason(const CompiledRules& r, const CompiledProfile& p, const EvalResult& ev,
                       int i) {
  const CompiledNode& n = r.nodes[i];
  const NodeEval& e = ev.nodes[i];
  switch (n.kind) {
    case NodeKind::kAllOf:
      return e.state == State::kQualified     ? "every part is met"
             : e.state == State::kNeedsReview ? "no part is unmet, but some need review"
                                              : "some part is not met";
    case NodeKind::kAnyOf:
      return e.chosen >= 0 ? absl::StrCat(e.state == State::kQualified     ? "met by"
                                          : e.state == State::kNeedsReview ? "needs review on"
                                                                           : "closest",
                                          " alternative ", r.nodes[e.chosen].rule->id())
                           : "";
    case NodeKind::kEducation: {
      std::string match;
      if (e.degree >= 0) {
        const auto& d = p.degrees[e.degree];
        match = CipMatch(r, n.education, MatchField(r, n.education, d.field, d.cip), d.field);
      }
      std::string base = EducationReason(n, p, e);
      return match.empty() ? base : absl::StrCat(base, "; ", match);
    }
    case NodeKind::kExperience: {
      std::string s = absl::StrCat(n.required / kUnitsPerMonth, " months required, ",
                                   Credited(e.credited), " credited");
      for (int k = 0; k < n.part_count; ++k) {
        const auto& part = r.parts[n.first_part + k];
        absl::StrAppend(&s, "; ", part.required / kUnitsPerMonth, " ",
                        Words(part.part->attribute()).alone, " required, ",
                        Credited(ev.part_credit[n.first_part + k]), " credited");
      }
      if (e.substituted > 0) absl::StrAppend(&s, "; ", Credited(e.substituted), " by substitution");
      if (e.reason == Reason::kFieldNeedsReview) {
        absl::StrAppend(&s, "; met only if a person accepts the substituting degree's field");
      }
      return s;
    }
    case NodeKind::kLicence:
      if (e.state == State::kQualified) return "holds an accepted licence active on the as-of date";
      if (e.reason == Reason::kLicenceStateUnknown) {
        return absl::StrCat(
            "holds an accepted licence whose issuing state is not given; a "
            "person must confirm it was issued in ",
            n.rule->licence().state());
      }
      if (e.reason == Reason::kLicenceEligibility) {
        return "no accepted licence active on the as-of date; eligibility for such licensure "
               "must be confirmed by a person";
      }
      return "no accepted licence active on the as-of date";
    case NodeKind::kDriversLicence:
      // "At the time of application": say which day that was taken to be.
      return absl::StrCat(
          e.state == State::kQualified ? "holds a" : "no", " driver's licence valid on ",
          p.application_given ? absl::StrCat("the application date, ",
                                             dates::Format(dates::FromCivilDay(p.application)))
                              : "the as-of date (no application date given)");
    case NodeKind::kCombination: {
      std::string s =
          absl::StrCat(n.required / kUnitsPerMonth, " months required, ", Credited(e.credited),
                       " credited (", Credited(e.education), " for education, ",
                       Credited(e.credited - e.education), " for experience)");
      if (e.reason == Reason::kCombinationReview) {
        absl::StrAppend(&s,
                        "; met only if a person accepts the education as related (field or "
                        "accreditation)");
      }
      return s;
    }
  }
  return "";
}

// "Study and work overlap from ... : each day is credited once, as experience, ...": which
// time went where, and why that way.
std::string OverlapLine(const CompiledProfile& p, const NodeEval& e) {
  std::string studies;
  for (uint32_t b = e.overlap_studies; b != 0; b &= b - 1) {
    const auto& st = p.studies[__builtin_ctz(b)];
    absl::StrAppend(&studies, studies.empty() ? "" : ", ", "education[", st.education, "] studied ",
                    dates::Format(dates::FromCivilDay(st.first)), " to ",
                    dates::Format(dates::FromCivilDay(st.last)));
  }
  const bool as_experience = e.overlap == Overlap::kAsExperience;
  const int64_t missing = e.state == State::kNotQualified ? e.missing : 0;
  const auto left = [](int64_t units) {
    return units == 0 ? std::string("nothing missing") : absl::StrCat(M(units), " months missing");
  };
  std::string why =
      e.overlap_other == missing
          ? absl::StrCat("either way leaves ", left(missing),
                         "; on a tie the overlap is credited "
                         "as experience")
          : absl::StrCat("crediting it as ", as_experience ? "education" : "experience",
                         " instead would leave ", left(e.overlap_other), ", this way ",
                         left(missing));
  return absl::StrCat(
      "Study and work overlap from ",
      dates::Format(dates::FromCivilDay(p.segment_days[e.overlap_first].first)), " to ",
      dates::Format(dates::FromCivilDay(p.segment_days[e.overlap_last].second)), " (", studies,
      "): each day is credited once, as education and experience together at most full time; "
      "the overlap is credited as ",
      as_experience ? "experience" : "education", ", so ", Credited(e.overlap_lost), " months of ",
      as_experience ? "education" : "experience", " are not credited here; ", why);
}

void BuildTree(const CompiledRules& r, const CompiledProfile& p, const EvalResult& ev, int i,
               v1::NodeResult* out) {
  const CompiledNode& n = r.nodes[i];
  const NodeEval& e = ev.nodes[i];
  out->set_rule_id(n.rule->id());
  out->set_kind(NodeKindName(n.kind));
  out->set_determination(ToDetermination(e.state));
  out->set_reason(NodeReason(r, p, ev, i));
  out->set_source_text(n.rule->source_text());
  if (n.kind == NodeKind::kExperience || n.kind == NodeKind::kCombination) {
    out->set_required_months(static_cast<int32_t>(n.required / kUnitsPerMonth));
    out->set_credited_month_hundredths(FloorHundredths(e.credited));
    out->set_substituted_month_hundredths(FloorHundredths(e.substituted));
  }
  for (int k = 0; k < n.part_count; ++k) {
    const auto& part = r.parts[n.first_part + k];
    auto* pr = out->add_parts();
    pr->set_attribute(part.part->attribute());
    pr->set_required_months(part.part->months());
    pr->set_credited_month_hundredths(FloorHundredths(ev.part_credit[n.first_part + k]));
  }
  for (int c = 0; c < n.child_count; ++c) {
    BuildTree(r, p, ev, r.children[n.first_child + c], out->add_children());
  }
}

// The leaves on the decided path: every child of an all_of, the chosen child of an any_of.
void PathLeaves(const CompiledRules& r, const EvalResult& ev, int i, std::vector<int>* out) {
  const CompiledNode& n = r.nodes[i];
  if (n.kind == NodeKind::kAnyOf) {
    PathLeaves(r, ev, ev.nodes[i].chosen, out);
  } else if (n.kind == NodeKind::kAllOf) {
    for (int c = 0; c < n.child_count; ++c) PathLeaves(r, ev, r.children[n.first_child + c], out);
  } else {
    out->push_back(i);
  }
}

void LeafShortfalls(const CompiledRules& r, const EvalResult& ev, int i,
                    google::protobuf::RepeatedPtrField<v1::Shortfall>* out) {
  const CompiledNode& n = r.nodes[i];
  const NodeEval& e = ev.nodes[i];
  if (e.state != State::kNotQualified) return;
  const auto add = [&](int64_t missing_units, int attribute, std::string text) {
    auto* s = out->Add();
    s->set_rule_id(n.rule->id());
    s->set_kind(NodeKindName(n.kind));
    s->set_missing_month_hundredths(CeilHundredths(missing_units));
    s->set_attribute(static_cast<cv1::ExperienceAttribute>(attribute));
    s->set_description(std::move(text));
  };
  switch (n.kind) {
    case NodeKind::kEducation: {
      // Say what is wrong with the degree the applicant has, if any: "needs a bachelor's
      // degree or higher" would be untrue of a bachelor's in the wrong field.
      const char* what = e.reason == Reason::kFieldNotAccepted ? " in a field the class accepts"
                         : e.reason == Reason::kNotAccredited
                             ? " from an accredited college or university"
                             : "";
      std::string text =
          absl::StrCat("needs ", LevelName(n.education.min_level), " or higher", what);
      if (!n.rule->source_text().empty()) absl::StrAppend(&text, ": ", n.rule->source_text());
      add(0, 0, std::move(text));
      break;
    }
    case NodeKind::kExperience: {
      const int64_t total = Shortfall(n.required, e.credited + e.substituted);
      bool any_part = false;
      for (int k = 0; k < n.part_count; ++k) {
        const auto& part = r.parts[n.first_part + k];
        const int64_t have =
            ev.part_credit[n.first_part + k] + (n.substitution_reduces_parts ? e.substituted : 0);
        const int64_t short_part = Shortfall(part.required, have);
        if (short_part == 0) continue;
        any_part = true;
        const AttrWords w = Words(part.part->attribute());
        std::string text;
        if (total == 0 || short_part > total) {
          text =
              absl::StrCat("needs ", MoreMonths(short_part), " of ", w.pre, "experience", w.post);
        } else if (CeilHundredths(short_part) == CeilHundredths(total)) {
          text = absl::StrCat("needs ", MoreMonths(total), " of experience, all of it ", w.alone);
        } else {
          text = absl::StrCat("needs ", MoreMonths(total), " of experience, ", M(short_part),
                              " of them ", w.alone);
        }
        add(std::max(total, short_part), part.part->attribute(), std::move(text));
      }
      if (!any_part && total > 0) {
        // The clause says which kinds count: someone with years of another kind must see why
        // they were not credited.
        add(total, 0,
            absl::StrCat("needs ", MoreMonths(total), " of experience",
                         n.rule->source_text().empty() ? "" : ": ", n.rule->source_text()));
      }
      break;
    }
    case NodeKind::kLicence:
      // The clause is quoted, not spliced in: it may read "Must possess licensure ...".
      add(0, 0,
          absl::StrCat("needs an accepted licence active on the as-of date",
                       n.rule->source_text().empty() ? "" : ": ", n.rule->source_text()));
      break;
    case NodeKind::kDriversLicence:
      add(0, 0, "needs a driver's licence valid at the time of application");
      break;
    case NodeKind::kCombination:
      add(e.missing, 0,
          absl::StrCat("needs ", MoreMonths(e.missing),
                       " of related education and/or direct experience"));
      break;
    default:
      break;
  }
}

}  // namespace

std::string DecidedPath(const CompiledRules& rules, const EvalResult& eval) {
  const int chosen = eval.nodes[0].chosen;
  return chosen >= 0 ? rules.nodes[chosen].rule->id() : rules.nodes[0].rule->id();
}

void ReviewReasons(const CompiledRules& rules, const CompiledProfile& profile,
                   const EvalResult& eval, google::protobuf::RepeatedPtrField<std::string>* out) {
  if (eval.state() != State::kNeedsReview) return;
  const std::vector<int> leaves = DecidedLeaves(rules, eval);
  for (int i : leaves) {
    if (eval.nodes[i].state != State::kNeedsReview) continue;
    *out->Add() =
        absl::StrCat(NodeKindName(rules.nodes[i].kind), ": ", NodeReason(rules, profile, eval, i));
  }
}

void Shortfalls(const CompiledRules& rules, const EvalResult& eval,
                google::protobuf::RepeatedPtrField<v1::Shortfall>* out) {
  if (eval.state() == State::kQualified) return;
  const std::vector<int> leaves = DecidedLeaves(rules, eval);
  for (int i : leaves) LeafShortfalls(rules, eval, i, out);
}

void Explain(const CompiledRules& rules, const CompiledProfile& profile, const EvalResult& eval,
             const ExplainContext& ctx, v1::Evaluation* out) {
  out->Clear();
  out->set_class_code(ctx.class_code);
  out->set_class_title(ctx.class_title);
  out->set_track(ctx.track);
  *out->mutable_as_of() = dates::FromCivilDay(ctx.as_of);
  *out->mutable_application_date() = dates::FromCivilDay(profile.application);
  out->set_class_revision(ctx.class_revision);
  out->set_rule_version(rules.rule_version);
  out->set_determination(ToDetermination(eval.state()));
  out->set_decided_path(DecidedPath(rules, eval));
  BuildTree(rules, profile, eval, 0, out->mutable_result());

  const std::vector<int> leaves = DecidedLeaves(rules, eval);
  const char* track = ctx.track == v1::TRACK_RECOMMENDED ? "recommended" : "minimum";
  out->add_explanation(absl::StrCat(ctx.class_code, " ", ctx.class_title, ", ", track,
                                    " qualifications as of ", dates::Format(out->as_of()),
                                    " (class revision ", ctx.class_revision, ", rules v",
                                    rules.rule_version, "): ", StateWord(eval.state())));
  if (rules.nodes[0].kind == NodeKind::kAnyOf) {
    const int chosen = eval.nodes[0].chosen;
    out->add_explanation(absl::StrCat(
        eval.state() == State::kNotQualified ? "Closest path " : "Decided by path ",
        rules.nodes[chosen].rule->id(), ": ", rules.nodes[chosen].rule->source_text()));
  }
  for (int i : leaves) {
    const CompiledNode& n = rules.nodes[i];
    const bool ruled = std::find(eval.ruled.begin(), eval.ruled.end(), i) != eval.ruled.end();
    out->add_explanation(absl::StrCat(Mark(eval.nodes[i].state, ruled), " ", NodeKindName(n.kind),
                                      ": ", NodeReason(rules, profile, eval, i)));
  }
  for (int i : leaves) {
    const NodeEval& e = eval.nodes[i];
    if (e.overlap != Overlap::kNone) {
      out->add_explanation(absl::StrCat(rules.nodes[i].rule->id(), ": ", OverlapLine(profile, e)));
    }
  }
  // Substitutions used on the decided path.
  for (int i : leaves) {
    const CompiledNode& n = rules.nodes[i];
    const NodeEval& e = eval.nodes[i];
    if (e.substituted <= 0) continue;
    // Each option used, in order, supplies what it can of what is still to substitute.
    int64_t remaining = e.substituted;
    for (int o = 0; o < n.option_count; ++o) {
      if (((e.options_used >> o) & 1u) == 0) continue;
      const auto& opt = rules.options[n.first_option + o];
      const int64_t credit = std::min(OptionSupply(rules, profile, e, i, o), remaining);
      remaining -= credit;
      auto* s = out->add_substitutions();
      s->set_rule_id(n.rule->id());
      s->set_source_text(opt.option->source_text());
      s->set_month_hundredths(FloorHundredths(credit));
      out->add_explanation(absl::StrCat("Substitution: ", opt.option->source_text(), " (",
                                        Credited(credit), " months)"));
    }
  }
  Shortfalls(rules, eval, out->mutable_shortfalls());
  for (const auto& s : out->shortfalls()) {
    out->add_explanation(absl::StrCat("Missing: ", s.description()));
  }
}

std::vector<int> DecidedLeaves(const CompiledRules& rules, const EvalResult& eval) {
  std::vector<int> leaves;
  leaves.reserve(rules.nodes.size());  // one allocation: a screening asks for every applicant
  PathLeaves(rules, eval, 0, &leaves);
  return leaves;
}

}  // namespace classplan::eligibility
