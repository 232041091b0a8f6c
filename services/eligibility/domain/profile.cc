#include "services/eligibility/domain/profile.h"

#include <algorithm>
#include <cctype>
#include <cmath>

#include "absl/strings/str_cat.h"
#include "common/cip/cip.h"
#include "common/dates/dates.h"
#include "services/eligibility/domain/months.h"

namespace classplan::eligibility {
namespace {

namespace cv1 = ::classplan::catalog::v1;

// A field's path ("applicant.education[0].completed"), built only when a violation names it:
// screening validates every applicant, and almost all are valid (building the paths eagerly
// cost more than compiling and evaluating the profile).
class Path {
 public:
  explicit Path(const std::string& prefix) : prefix_(prefix) {}
  Path(const std::string& prefix, const char* list, int index)
      : prefix_(prefix), list_(list), index_(index) {}
  std::string operator()(const char* field) const {
    std::string out =
        list_ == nullptr ? prefix_ : absl::StrCat(prefix_, ".", list_, "[", index_, "]");
    if (field != nullptr) absl::StrAppend(&out, ".", field);
    return out;
  }

 private:
  const std::string& prefix_;
  const char* list_ = nullptr;
  int index_ = 0;
};

// A full, real date is required.
bool CheckFullDate(const common::v1::Date& d, const Path& p, const char* field,
                   status::Violations* v) {
  if (!dates::IsFull(d)) {
    v->Add(p(field), "must be a full calendar date (year, month and day)");
    return false;
  }
  return true;
}

// An optional date: absent or full.
bool CheckOptionalDate(bool present, const common::v1::Date& d, const Path& p, const char* field,
                       status::Violations* v) {
  if (!present) return true;
  return CheckFullDate(d, p, field, v);
}

bool CheckState(const std::string& state, const Path& p, const char* field, status::Violations* v) {
  if (state.empty()) return true;
  bool ok = state.size() == 2;
  for (char c : state) ok = ok && std::isalpha(static_cast<unsigned char>(c));
  if (!ok) v->Add(p(field), "must be a two-letter state code, e.g. NM");
  return ok;
}

void CheckLength(const std::string& text, size_t max_bytes, const Path& p, const char* field,
                 status::Violations* v) {
  if (text.size() > max_bytes) status::CheckLength(text, max_bytes, p(field), *v);
}

void CheckCount(int count, int max, const Path& p, const char* field, status::Violations* v) {
  if (count > max) status::CheckCount(count, max, p(field), *v);
}

// Both ends or neither, in the suite's date range, in order, and over by the completion date.
void CheckStudyPeriod(const ev1::Education& e, const Path& p, status::Violations* v) {
  if (!e.has_study_start() && !e.has_study_end()) return;
  if (!e.has_study_start()) v->Add(p("study_start"), "required when study_end is given");
  if (!e.has_study_end()) v->Add(p("study_end"), "required when study_start is given");
  if (!e.has_study_start() || !e.has_study_end()) return;
  const size_t before = v->list().size();
  dates::CheckDate(e.study_start(), true, p("study_start"), *v);
  dates::CheckDate(e.study_end(), true, p("study_end"), *v);
  if (v->list().size() != before) return;
  const absl::CivilDay start = dates::ToCivilDay(e.study_start());
  const absl::CivilDay end = dates::ToCivilDay(e.study_end());
  if (end < start) v->Add(p("study_end"), "must not be before study_start");
  if (e.has_completed() && dates::IsFull(e.completed()) && end > dates::ToCivilDay(e.completed())) {
    v->Add(p("study_end"), "must not be after completed");
  }
}

}  // namespace

uint32_t PackState(const std::string& state) {
  uint32_t packed = 0;
  for (char c : state) {
    packed = (packed << 8) | static_cast<uint8_t>(std::toupper(static_cast<unsigned char>(c)));
  }
  return packed;
}

void ValidateApplicant(const ev1::Applicant& a, const std::string& prefix, status::Violations* v,
                       const common::v1::Date* as_of) {
  const Path top(prefix);
  if (a.has_application_date() && CheckFullDate(a.application_date(), top, "application_date", v) &&
      as_of != nullptr && dates::IsFull(*as_of) &&
      dates::ToCivilDay(a.application_date()) > dates::ToCivilDay(*as_of)) {
    v->Add(top("application_date"), "must not be after the as-of date");
  }
  CheckLength(a.applicant_ref(), 128, top, "applicant_ref", v);
  CheckCount(a.education_size(), kMaxEducationEntries, top, "education", v);
  for (int i = 0; i < a.education_size(); ++i) {
    const auto& e = a.education(i);
    const Path p(prefix, "education", i);
    if (!cv1::EducationLevel_IsValid(e.level())) v->Add(p("level"), "unknown education level");
    if (!cv1::FieldOfStudy_IsValid(e.field())) v->Add(p("field"), "unknown field of study");
    if (!e.cip_code().empty() && cip::ParseSixDigit(e.cip_code()) < 0) {
      v->Add(p("cip_code"), "must be a 6-digit CIP 2020 code written NN.NNNN, e.g. 44.0701");
    }
    CheckLength(e.field_name(), kMaxFieldNameLength, p, "field_name", v);
    if (!ev1::Accreditation_IsValid(e.accreditation())) {
      v->Add(p("accreditation"), "unknown accreditation value");
    }
    if (e.credit_hours() < 0 || e.credit_hours() > 1000) {
      v->Add(p("credit_hours"), "must be between 0 and 1000 semester hours");
    }
    CheckStudyPeriod(e, p, v);
    if (e.level() == cv1::EDUCATION_LEVEL_UNSPECIFIED) {
      if (e.credit_hours() <= 0) {
        v->Add(p("level"), "set the level completed, or credit_hours for partial study");
      }
      CheckOptionalDate(e.has_completed(), e.completed(), p, "completed", v);
    } else {
      if (!e.has_completed()) {
        v->Add(p("completed"), "required for a completed degree or diploma");
      } else {
        CheckFullDate(e.completed(), p, "completed", v);
      }
    }
  }
  CheckCount(a.experience_size(), kMaxExperienceEntries, top, "experience", v);
  for (int i = 0; i < a.experience_size(); ++i) {
    const auto& x = a.experience(i);
    const Path p(prefix, "experience", i);
    bool start_ok = x.has_start() && CheckFullDate(x.start(), p, "start", v);
    if (!x.has_start()) v->Add(p("start"), "required");
    bool end_ok = CheckOptionalDate(x.has_end(), x.end(), p, "end", v);
    if (start_ok && end_ok && x.has_end() &&
        dates::ToCivilDay(x.end()) < dates::ToCivilDay(x.start())) {
      v->Add(p("end"), "must not be before start");
    }
    const double h = x.hours_per_week();
    if (!std::isfinite(h) || h <= 0 || h > 168) {
      v->Add(p("hours_per_week"), "must be more than 0 and at most 168");
    }
    if (x.kinds_size() == 0) v->Add(p("kinds"), "name at least one kind of experience");
    for (int k = 0; k < x.kinds_size(); ++k) {
      if (!cv1::ExperienceKind_IsValid(x.kinds(k)) ||
          x.kinds(k) == cv1::EXPERIENCE_KIND_UNSPECIFIED) {
        v->Add(absl::StrCat(p("kinds"), "[", k, "]"), "unknown kind of experience");
      }
    }
    if (x.qualifying_share_percent() < 0 || x.qualifying_share_percent() > 100) {
      v->Add(p("qualifying_share_percent"), "must be between 1 and 100 (0 means 100)");
    }
  }
  CheckCount(a.licences_size(), kMaxLicences, top, "licences", v);
  for (int i = 0; i < a.licences_size(); ++i) {
    const auto& l = a.licences(i);
    const Path p(prefix, "licences", i);
    if (!cv1::LicenceType_IsValid(l.type()) || l.type() == cv1::LICENCE_TYPE_UNSPECIFIED) {
      v->Add(p("type"), "unknown licence type");
    }
    CheckState(l.state(), p, "state", v);
    const bool issued_ok = CheckOptionalDate(l.has_issued(), l.issued(), p, "issued", v);
    const bool expires_ok = CheckOptionalDate(l.has_expires(), l.expires(), p, "expires", v);
    if (issued_ok && expires_ok && l.has_issued() && l.has_expires() &&
        dates::ToCivilDay(l.expires()) < dates::ToCivilDay(l.issued())) {
      v->Add(p("expires"), "must not be before issued");
    }
  }
  if (a.has_drivers_licence()) {
    const auto& d = a.drivers_licence();
    const std::string dl = prefix + ".drivers_licence";
    const Path p(dl);
    CheckState(d.state(), p, "state", v);
    const bool issued_ok = CheckOptionalDate(d.has_issued(), d.issued(), p, "issued", v);
    const bool expires_ok = CheckOptionalDate(d.has_expires(), d.expires(), p, "expires", v);
    if (issued_ok && expires_ok && d.has_issued() && d.has_expires() &&
        dates::ToCivilDay(d.expires()) < dates::ToCivilDay(d.issued())) {
      v->Add(p("expires"), "must not be before issued");
    }
  }
  CheckCount(a.field_placements_size(), kMaxFieldPlacements, top, "field_placements", v);
  for (int i = 0; i < a.field_placements_size(); ++i) {
    const auto& f = a.field_placements(i);
    const Path p(prefix, "field_placements", i);
    if (!cv1::PlacementSetting_IsValid(f.setting())) v->Add(p("setting"), "unknown setting");
    if (!f.has_completed()) {
      v->Add(p("completed"), "required");
    } else {
      CheckFullDate(f.completed(), p, "completed", v);
    }
  }
}

void CompiledProfile::Clear() {
  degrees.clear();
  partial.clear();
  licences.clear();
  placements.clear();
  entries.clear();
  segments.clear();
  studies.clear();
  segment_days.clear();
  drivers_licence = false;
  degree_after_as_of = false;
}

namespace {

bool ActiveOn(bool has_issued, const common::v1::Date& issued, bool has_expires,
              const common::v1::Date& expires, absl::CivilDay as_of) {
  if (has_issued && dates::ToCivilDay(issued) > as_of) return false;
  if (has_expires && dates::ToCivilDay(expires) < as_of) return false;
  return true;
}

}  // namespace

void CompileProfile(const ev1::Applicant& a, absl::CivilDay as_of, const CreditSettings& settings,
                    CompiledProfile* out) {
  out->Clear();
  out->full_weight = settings.full_time_centihours * 100;
  for (int i = 0; i < a.education_size(); ++i) {
    const auto& e = a.education(i);
    const bool dated = e.has_completed();
    if (dated && dates::ToCivilDay(e.completed()) > as_of) {
      if (e.level() != cv1::EDUCATION_LEVEL_UNSPECIFIED) out->degree_after_as_of = true;
      continue;
    }
    int study = -1;
    if (e.has_study_start()) {
      const absl::CivilDay first = dates::ToCivilDay(e.study_start());
      const absl::CivilDay last = dates::ToCivilDay(e.study_end());
      // Undated partial study counts once its period is over (its hours are earned by then).
      if (!dated && last > as_of) continue;
      study = static_cast<int>(out->studies.size());
      out->studies.push_back({MonthUnits(first, last), i, first, last});
    }
    if (e.level() != cv1::EDUCATION_LEVEL_UNSPECIFIED) {
      out->degrees.push_back(
          {e.level(), e.field(), e.accreditation(), cip::ParseSixDigit(e.cip_code()), study});
    } else {
      out->partial.push_back({e.credit_hours(), e.field(), e.accreditation(),
                              cip::ParseSixDigit(e.cip_code()), study});
    }
  }
  for (const auto& l : a.licences()) {
    if (ActiveOn(l.has_issued(), l.issued(), l.has_expires(), l.expires(), as_of)) {
      out->licences.push_back({l.type(), PackState(l.state())});
    }
  }
  out->application_given = a.has_application_date();
  out->application = out->application_given ? dates::ToCivilDay(a.application_date()) : as_of;
  if (a.has_drivers_licence()) {
    const auto& d = a.drivers_licence();
    out->drivers_licence =
        ActiveOn(d.has_issued(), d.issued(), d.has_expires(), d.expires(), out->application);
  }
  for (const auto& f : a.field_placements()) {
    if (dates::ToCivilDay(f.completed()) <= as_of) {
      out->placements.push_back({f.state_approved(), f.setting()});
    }
  }

  // Experience: clip to the as-of date, then cut the timeline at every entry boundary.
  // Day-granular bounds of each entry after the cut-off, and every boundary of the timeline.
  auto& spans = out->spans;
  auto& bounds = out->bounds;
  spans.clear();
  bounds.clear();
  for (const auto& x : a.experience()) {
    const absl::CivilDay first = dates::ToCivilDay(x.start());
    absl::CivilDay last = x.has_end() ? dates::ToCivilDay(x.end()) : as_of;
    if (last > as_of) last = as_of;
    if (last < first) continue;  // began after the as-of date
    CompiledProfile::Entry entry;
    entry.kinds = 0;
    for (int k : x.kinds()) entry.kinds |= 1u << k;
    entry.attrs =
        (x.supervisory() ? 1u << cv1::EXPERIENCE_ATTRIBUTE_SUPERVISORY : 0u) |
        (x.out_of_home_placement() ? 1u << cv1::EXPERIENCE_ATTRIBUTE_OUT_OF_HOME_PLACEMENT : 0u);
    const int64_t centihours = std::llround(x.hours_per_week() * 100.0);
    const int share = x.qualifying_share_percent() == 0 ? 100 : x.qualifying_share_percent();
    entry.weight = centihours * share;
    spans.emplace_back(first, last);
    out->entries.push_back(entry);
    bounds.push_back(first);
    bounds.push_back(last + 1);
  }
  // Study periods cut the timeline too, so that each segment lies wholly in or out of each.
  for (const auto& st : out->studies) {
    bounds.push_back(st.first);
    bounds.push_back(st.last + 1);
  }
  std::sort(bounds.begin(), bounds.end());
  bounds.erase(std::unique(bounds.begin(), bounds.end()), bounds.end());
  for (size_t b = 0; b + 1 < bounds.size(); ++b) {
    const absl::CivilDay from = bounds[b];
    const absl::CivilDay to = bounds[b + 1] - 1;
    uint64_t active = 0;
    for (size_t e = 0; e < out->entries.size(); ++e) {
      if (spans[e].first <= from && spans[e].second >= to) active |= uint64_t{1} << e;
    }
    if (active == 0) continue;
    uint32_t study = 0;
    for (size_t s = 0; s < out->studies.size(); ++s) {
      if (out->studies[s].first <= from && out->studies[s].last >= to) study |= uint32_t{1} << s;
    }
    out->segments.push_back({MonthUnits(from, to), active, study});
    if (!out->studies.empty()) out->segment_days.emplace_back(from, to);
  }
}

namespace {

// Bit per entry of any kind in `kinds` with every attribute in `attrs`.
uint64_t Matching(const CompiledProfile& p, uint32_t kinds, uint32_t attrs) {
  uint64_t match = 0;
  for (size_t e = 0; e < p.entries.size(); ++e) {
    const auto& entry = p.entries[e];
    if ((entry.kinds & kinds) != 0 && (entry.attrs & attrs) == attrs) match |= uint64_t{1} << e;
  }
  return match;
}

// The summed weight of the entries in `on`.
int64_t Load(const CompiledProfile& p, uint64_t on) {
  int64_t load = 0;
  while (on != 0) {
    load += p.entries[__builtin_ctzll(on)].weight;
    on &= on - 1;
  }
  return load;
}

}  // namespace

int64_t CreditedUnits(const CompiledProfile& p, uint32_t kinds, uint32_t attrs) {
  const uint64_t match = Matching(p, kinds, attrs);
  if (match == 0) return 0;
  // Summed as units x weight and divided once, so that pieces of the timeline add up exactly
  // (a half-time year split on an odd-unit day is still 6 months, not one unit short).
  // Days run 0001..9999 (4.5e10 units at most) and full weight is at most 168 h x 100
  // (1.68e6): below 7.6e16, far inside int64.
  int64_t weighted = 0;
  for (const auto& s : p.segments) {
    const uint64_t on = s.active & match;
    if (on != 0) weighted += s.units * std::min(Load(p, on), p.full_weight);
  }
  return weighted / p.full_weight;
}

int64_t StudyWeight(const CompiledProfile& p, int study, int64_t credited) {
  const int64_t period = p.studies[study].units;
  // Rounded to the nearest 1/full_weight of full time: credited is at most 1200 months
  // (4.6e8 units) and full_weight at most 1.68e6, so the product stays below 7.7e14.
  return (credited * p.full_weight + period / 2) / period;
}

StudyOverlap OverlapUnits(const CompiledProfile& p, uint32_t kinds, uint32_t attrs,
                          const int64_t* study_weight) {
  StudyOverlap out;
  const uint64_t match = Matching(p, kinds, attrs);
  if (match == 0) return out;
  // Summed as units x weight and divided once, as in CreditedUnits.
  int64_t edu_lost = 0, exp_lost = 0;
  for (size_t i = 0; i < p.segments.size(); ++i) {
    const auto& s = p.segments[i];
    const uint64_t on = s.active & match;
    if (on == 0 || s.study == 0) continue;
    const int64_t load = std::min(Load(p, on), p.full_weight);
    int64_t w = 0;
    for (uint32_t st = s.study; st != 0; st &= st - 1) w += study_weight[__builtin_ctz(st)];
    const int64_t excess = load + w - p.full_weight;
    if (excess <= 0) continue;
    edu_lost += s.units * excess;
    exp_lost += s.units * (load - std::max<int64_t>(0, p.full_weight - w));
    if (out.first_segment < 0) out.first_segment = static_cast<int>(i);
    out.last_segment = static_cast<int>(i);
  }
  // Rounded up: what is not credited is never understated.
  out.education_lost = (edu_lost + p.full_weight - 1) / p.full_weight;
  out.experience_lost = (exp_lost + p.full_weight - 1) / p.full_weight;
  return out;
}

}  // namespace classplan::eligibility
