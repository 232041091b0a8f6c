#include "services/appraisal/domain/model.h"

#include <algorithm>
#include <set>
#include <utility>

#include "absl/strings/str_cat.h"
#include "common/dates/dates.h"

namespace classplan::appraisal {
namespace {

int DaysInMonth(absl::civil_year_t year, int month) {
  const absl::CivilMonth m(year, month);
  return static_cast<int>(absl::CivilDay(m + 1) - absl::CivilDay(m));
}

bool IsSlug(const std::string& s) {
  if (s.empty() || s.size() > 64) return false;
  for (char c : s) {
    if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' || c == '.')) return false;
  }
  return true;
}

int LevelValue(v1::ProficiencyLevel level) { return static_cast<int>(level); }

}  // namespace

absl::CivilDay AddMonthsClamped(absl::CivilDay day, int months) {
  const absl::CivilMonth target = absl::CivilMonth(day) + months;
  const int last = DaysInMonth(target.year(), target.month());
  return absl::CivilDay(target.year(), target.month(), std::min(day.day(), last));
}

absl::StatusOr<int> CompletedMonths(absl::CivilDay entered, absl::CivilDay as_of) {
  if (as_of < entered) {
    return status::InvalidField("as_of", "must not be before the date entered the class");
  }
  int n = static_cast<int>(absl::CivilMonth(as_of) - absl::CivilMonth(entered));
  while (n > 0 && AddMonthsClamped(entered, n) > as_of) --n;
  return n;
}

v1::ProficiencyLevel ExpectedLevel(const v1::Framework& framework, int months) {
  for (const auto& l : framework.levels()) {
    if (!l.expected_by_tenure()) continue;
    if (months >= l.tenure_from_months() &&
        (l.tenure_until_months() == 0 || months < l.tenure_until_months())) {
      return l.level();
    }
  }
  return v1::PROFICIENCY_LEVEL_UNSPECIFIED;
}

FrameworkIndex::FrameworkIndex(const v1::Framework& framework) : framework_(&framework) {
  for (const auto& cl : framework.clusters()) {
    for (const auto& c : cl.competencies()) {
      competencies_.emplace(c.id(), &c);
      for (const auto& lv : c.levels()) {
        for (const auto& ind : lv.indicators()) {
          indicators_.emplace(ind.id(), IndicatorRef{c.id(), lv.level(), ind.text()});
        }
      }
    }
  }
}

const v1::Competency* FrameworkIndex::FindCompetency(const std::string& id) const {
  auto it = competencies_.find(id);
  return it == competencies_.end() ? nullptr : it->second;
}

const IndicatorRef* FrameworkIndex::FindIndicator(const std::string& id) const {
  auto it = indicators_.find(id);
  return it == indicators_.end() ? nullptr : &it->second;
}

bool FrameworkIndex::ScaleKnown() const {
  return framework_->rating_scale().basis() != v1::RULE_BASIS_UNSPECIFIED &&
         framework_->rating_scale().points_size() > 0;
}

bool FrameworkIndex::HasScaleValue(int value) const {
  if (!ScaleKnown()) return false;
  for (const auto& p : framework_->rating_scale().points()) {
    if (p.value() == value) return true;
  }
  return false;
}

void ValidateFramework(const v1::Framework& f, const std::string& prefix, status::Violations* v) {
  auto field = [&](const std::string& rest) { return absl::StrCat(prefix, ".", rest); };
  if (!IsSlug(f.id())) v->Add(field("id"), "required: 1-64 characters of [a-z0-9.-]");
  if (f.version() < 1) v->Add(field("version"), "must be >= 1");
  if (f.title().empty()) v->Add(field("title"), "required");
  if (f.kind() == v1::FRAMEWORK_KIND_UNSPECIFIED || !v1::FrameworkKind_IsValid(f.kind())) {
    v->Add(field("kind"), "required: a known framework kind");
  }
  if (f.clusters().empty()) v->Add(field("clusters"), "at least one cluster is required");
  const bool indicators = f.kind() == v1::FRAMEWORK_KIND_INDICATOR_LEVELS;
  std::set<std::string> ids;
  for (int i = 0; i < f.clusters_size(); ++i) {
    const auto& cl = f.clusters(i);
    const std::string cp = absl::StrCat("clusters[", i, "]");
    if (!IsSlug(cl.id())) v->Add(field(cp + ".id"), "required: 1-64 characters of [a-z0-9.-]");
    if (cl.name().empty()) v->Add(field(cp + ".name"), "required");
    for (int j = 0; j < cl.competencies_size(); ++j) {
      const auto& c = cl.competencies(j);
      const std::string p = absl::StrCat(cp, ".competencies[", j, "]");
      if (!IsSlug(c.id())) v->Add(field(p + ".id"), "required: 1-64 characters of [a-z0-9.-]");
      if (!ids.insert(c.id()).second) v->Add(field(p + ".id"), "duplicate id in the framework");
      if (c.name().empty()) v->Add(field(p + ".name"), "required");
      if (!indicators) {
        if (!c.levels().empty()) v->Add(field(p + ".levels"), "scale-rated: must be empty");
        continue;
      }
      if (c.levels_size() != 5) {
        v->Add(field(p + ".levels"), "must hold the five levels, Emerging to Mastery");
        continue;
      }
      for (int k = 0; k < 5; ++k) {
        const auto& lv = c.levels(k);
        const std::string lp = absl::StrCat(p, ".levels[", k, "]");
        if (LevelValue(lv.level()) != k + 1) v->Add(field(lp + ".level"), "levels out of order");
        if (lv.indicators().empty()) v->Add(field(lp + ".indicators"), "at least one required");
        for (int n = 0; n < lv.indicators_size(); ++n) {
          const auto& ind = lv.indicators(n);
          const std::string ip = absl::StrCat(lp, ".indicators[", n, "]");
          if (!IsSlug(ind.id())) {
            v->Add(field(ip + ".id"), "required: 1-64 characters of [a-z0-9.-]");
          }
          if (!ids.insert(ind.id()).second) {
            v->Add(field(ip + ".id"), "duplicate id in the framework");
          }
          if (ind.text().empty()) v->Add(field(ip + ".text"), "required");
        }
      }
    }
  }
  if (indicators) {
    if (f.levels_size() != 5) v->Add(field("levels"), "must define the five levels");
    for (int k = 0; k < f.levels_size(); ++k) {
      const auto& l = f.levels(k);
      const std::string lp = absl::StrCat("levels[", k, "]");
      if (LevelValue(l.level()) != k + 1) v->Add(field(lp + ".level"), "levels out of order");
      if (l.level() == v1::PROFICIENCY_LEVEL_MASTERY && l.expected_by_tenure()) {
        v->Add(field(lp + ".expected_by_tenure"), "Mastery is never an expectation");
      }
      if (l.expected_by_tenure() && l.tenure_until_months() != 0 &&
          l.tenure_until_months() <= l.tenure_from_months()) {
        v->Add(field(lp + ".tenure_until_months"), "must be after tenure_from_months");
      }
    }
  } else if (!f.levels().empty()) {
    v->Add(field("levels"), "scale-rated: must be empty");
  }
  // Enum values the proto does not define are refused (a newer or corrupt data file).
  for (const auto& [basis, name] :
       {std::pair{f.demonstration_rule().basis(), "demonstration_rule.basis"},
        std::pair{f.overall_rating_rule().basis(), "overall_rating_rule.basis"},
        std::pair{f.rating_scale().basis(), "rating_scale.basis"}}) {
    if (!v1::RuleBasis_IsValid(basis)) v->Add(field(name), "not a known rule basis");
  }
  if (!v1::OverallRatingRule::Method_IsValid(f.overall_rating_rule().method())) {
    v->Add(field("overall_rating_rule.method"), "not a known method");
  }
  const auto& rule = f.demonstration_rule();
  if (rule.basis() != v1::RULE_BASIS_UNSPECIFIED &&
      (rule.threshold_percent() < 1 || rule.threshold_percent() > 100)) {
    v->Add(field("demonstration_rule.threshold_percent"), "must be 1..100 when basis is set");
  }
  if (f.overall_rating_rule().basis() != v1::RULE_BASIS_UNSPECIFIED &&
      f.overall_rating_rule().method() == v1::OverallRatingRule::METHOD_UNSPECIFIED) {
    v->Add(field("overall_rating_rule.method"), "required when basis is set");
  }
  const auto& scale = f.rating_scale();
  if (scale.basis() != v1::RULE_BASIS_UNSPECIFIED && scale.points().empty()) {
    v->Add(field("rating_scale.points"), "required when basis is set");
  }
  for (int k = 0; k < scale.points_size(); ++k) {
    if (scale.points(k).value() < 1 ||
        (k > 0 && scale.points(k).value() <= scale.points(k - 1).value())) {
      v->Add(field(absl::StrCat("rating_scale.points[", k, "].value")),
             "must be >= 1 and increasing");
    }
  }
}

void Evaluate(const FrameworkIndex& index, v1::Appraisal* a) {
  const v1::Framework& f = index.framework();
  a->set_tenure_months(0);
  a->set_expected_level(v1::PROFICIENCY_LEVEL_UNSPECIFIED);
  if (dates::IsFull(a->date_entered_class()) && dates::IsFull(a->period_end())) {
    auto months = CompletedMonths(dates::ToCivilDay(a->date_entered_class()),
                                  dates::ToCivilDay(a->period_end()));
    if (months.ok()) {
      a->set_tenure_months(*months);
      a->set_expected_level(ExpectedLevel(f, *months));
    }
  }
  const bool indicator_kind = f.kind() == v1::FRAMEWORK_KIND_INDICATOR_LEVELS;
  const auto& rule = f.demonstration_rule();
  const bool rule_known = rule.basis() != v1::RULE_BASIS_UNSPECIFIED;
  a->clear_development_plan();
  for (auto& as : *a->mutable_assessments()) {
    as.set_demonstrated_level(v1::PROFICIENCY_LEVEL_UNSPECIFIED);
    as.clear_demonstrated_level_note();
    as.set_gap(0);
    as.set_comparison(v1::COMPARISON_UNSPECIFIED);
    const v1::Competency* c = index.FindCompetency(as.competency_id());
    if (c == nullptr) continue;
    if (!indicator_kind) {
      as.set_demonstrated_level_note("scale-rated framework: no proficiency levels");
      continue;
    }
    const std::set<std::string> observed(as.observed_indicator_ids().begin(),
                                         as.observed_indicator_ids().end());
    // Per level: is it met at the threshold, and which indicators are not observed.
    int demonstrated = 0;
    bool chain = true;
    int first_incomplete = 0;
    for (const auto& lv : c->levels()) {
      int seen = 0;
      for (const auto& ind : lv.indicators()) seen += observed.count(ind.id()) ? 1 : 0;
      const int total = lv.indicators_size();
      if (first_incomplete == 0 && seen < total) first_incomplete = LevelValue(lv.level());
      if (rule_known && chain && total > 0 &&
          static_cast<int64_t>(seen) * 100 >=
              static_cast<int64_t>(rule.threshold_percent()) * total) {
        demonstrated = LevelValue(lv.level());
      } else {
        chain = false;
      }
    }
    int next = 0;
    if (rule_known) {
      as.set_demonstrated_level(static_cast<v1::ProficiencyLevel>(demonstrated));
      if (demonstrated == 0) as.set_demonstrated_level_note("no level is demonstrated");
      const int expected = LevelValue(a->expected_level());
      if (expected > 0) {
        as.set_gap(demonstrated - expected);
        as.set_comparison(demonstrated < expected    ? v1::COMPARISON_BELOW
                          : demonstrated == expected ? v1::COMPARISON_AT
                                                     : v1::COMPARISON_ABOVE);
      }
      next = demonstrated < 5 ? demonstrated + 1 : 0;
    } else {
      as.set_demonstrated_level_note(
          "not computed: the framework states no threshold for a demonstrated level");
      next = first_incomplete;  // the lowest level with indicators not yet observed
    }
    if (next == 0) continue;
    for (const auto& lv : c->levels()) {
      if (LevelValue(lv.level()) != next) continue;
      for (const auto& ind : lv.indicators()) {
        if (observed.count(ind.id())) continue;
        auto* item = a->add_development_plan();
        item->set_competency_id(c->id());
        item->set_target_level(lv.level());
        item->set_indicator_id(ind.id());
        item->set_text(ind.text());
      }
    }
  }
  // Overall rating.
  a->set_overall_rating(0);
  a->clear_overall_rating_note();
  const auto& orr = f.overall_rating_rule();
  if (orr.basis() == v1::RULE_BASIS_UNSPECIFIED ||
      orr.method() == v1::OverallRatingRule::METHOD_UNSPECIFIED) {
    a->set_overall_rating_note("not computed: the framework states no overall-rating rule");
    return;
  }
  int rated = 0;
  int64_t sum = 0;
  int lowest = 0;
  for (const auto& as : a->assessments()) {
    if (as.rating() <= 0) continue;
    ++rated;
    sum += as.rating();
    lowest = lowest == 0 ? as.rating() : std::min(lowest, as.rating());
  }
  int competencies = 0;
  for (const auto& cl : f.clusters()) competencies += cl.competencies_size();
  if (rated < competencies) {
    a->set_overall_rating_note("not computed: not every competency is rated");
    return;
  }
  if (rated == 0) {  // every competency is rated, so there are none: no mean to take
    a->set_overall_rating_note("not computed: the framework has no competencies");
    return;
  }
  if (orr.method() == v1::OverallRatingRule::METHOD_MINIMUM) {
    a->set_overall_rating(lowest);
  } else {
    // Mean rounded half up, snapped to the nearest scale value not above it.
    const int64_t mean = (2 * sum + rated) / (2 * rated);
    int best = 0;
    for (const auto& p : f.rating_scale().points()) {
      if (p.value() <= mean) best = p.value();
    }
    a->set_overall_rating(best);
  }
}

}  // namespace classplan::appraisal
