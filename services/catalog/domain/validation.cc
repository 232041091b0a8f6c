// The catalog's checks of what it stores (validation.h), shared by the writes and the importer.

#include "services/catalog/domain/validation.h"

#include <algorithm>

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "common/dates/dates.h"
#include "common/rules/rule_validator.h"
#include "services/catalog/domain/checks.h"

namespace classplan::catalog {
namespace {

using status::Violations;

std::string At(const std::string& field, int i) { return absl::StrCat(field, "[", i, "]"); }

// Required text of at most `max` bytes.
void CheckRequired(const std::string& text, size_t max, const std::string& field, Violations& v) {
  if (text.empty()) {
    v.Add(field, "is required");
  } else {
    CheckLength(text, max, field, v);
  }
}

void CheckTexts(const google::protobuf::RepeatedPtrField<std::string>& texts, size_t max,
                const std::string& field, Violations& v) {
  CheckCount(texts.size(), kMaxListEntries, field, v);
  for (int i = 0; i < texts.size() && i < kMaxListEntries; ++i) {
    CheckLength(texts[i], max, At(field, i), v);
  }
}

void CheckSources(const google::protobuf::RepeatedPtrField<classplan::common::v1::SourceRef>& s,
                  const std::string& field, Violations& v) {
  CheckCount(s.size(), kMaxListEntries, field, v);
  for (int i = 0; i < s.size() && i < kMaxListEntries; ++i) {
    CheckLength(s[i].document(), kMaxShortText, At(field, i) + ".document", v);
    CheckLength(s[i].detail(), kMaxLongText, At(field, i) + ".detail", v);
  }
}

void CheckSection(const pb::Section& s, const std::string& field, Violations& v) {
  CheckLength(s.heading(), kMaxShortText, field + ".heading", v);
  CheckTexts(s.paragraphs(), kMaxLongText, field + ".paragraphs", v);
  CheckTexts(s.items(), kMaxLongText, field + ".items", v);
}

void CheckSections(const google::protobuf::RepeatedPtrField<pb::Section>& s,
                   const std::string& field, Violations& v) {
  CheckCount(s.size(), kMaxListEntries, field, v);
  for (int i = 0; i < s.size() && i < kMaxListEntries; ++i) CheckSection(s[i], At(field, i), v);
}

void CheckCompetencies(const google::protobuf::RepeatedPtrField<pb::Competency>& c,
                       const std::string& field, Violations& v) {
  CheckCount(c.size(), kMaxListEntries, field, v);
  for (int i = 0; i < c.size() && i < kMaxListEntries; ++i) {
    CheckLength(c[i].name(), kMaxShortText, At(field, i) + ".name", v);
    CheckLength(c[i].description(), kMaxLongText, At(field, i) + ".description", v);
  }
}

void CheckMoney(const classplan::common::v1::Money& m, const std::string& field, Violations& v) {
  if (m.cents() < 0) v.Add(field + ".cents", "must not be negative");
  if (m.currency_code().size() != 3 ||
      !std::all_of(m.currency_code().begin(), m.currency_code().end(), absl::ascii_isupper)) {
    v.Add(field + ".currency_code", "must be a 3-letter ISO 4217 code such as USD");
  }
}

// A known value other than 0 (UNSPECIFIED); `what` lists the allowed names for the reader.
template <typename IsValid>
void CheckEnum(int value, IsValid is_valid, const std::string& field, const char* what,
               Violations& v) {
  if (value == 0) {
    v.Add(field, absl::StrCat("is required: ", what));
  } else if (!is_valid(value)) {
    v.Add(field, absl::StrCat("unknown value ", value, "; expected ", what));
  }
}

const std::set<std::string>& JobClassFieldNames() {
  static const auto* names = [] {
    auto* s = new std::set<std::string>;
    const auto* d = pb::JobClass::descriptor();
    for (int i = 0; i < d->field_count(); ++i) s->insert(d->field(i)->name());
    s->insert("pay.code");
    s->insert("pay.kind");
    s->insert("pay.ranges");
    return s;
  }();
  return *names;
}

void CheckPay(const pb::PayAssignment& p, const std::string& f, Violations& v) {
  if (!pb::PayCodeKind_IsValid(p.kind())) {
    v.Add(f + ".kind", absl::StrCat("unknown value ", p.kind()));
  }
  CheckLength(p.code(), kMaxPayCodeLength, f + ".code", v);
  CheckLength(p.alternative_band_code(), kMaxPayCodeLength, f + ".alternative_band_code", v);
  CheckLength(p.alternative_band_note(), kMaxLongText, f + ".alternative_band_note", v);
  CheckCount(p.ranges_size(), kMaxListEntries, f + ".ranges", v);
  for (int i = 0; i < p.ranges_size() && i < kMaxListEntries; ++i) {
    const auto& r = p.ranges(i);
    const std::string rf = At(f + ".ranges", i);
    CheckMoney(r.min(), rf + ".min", v);
    CheckMoney(r.max(), rf + ".max", v);
    if (r.min().cents() > r.max().cents()) v.Add(rf, "min must not exceed max");
    if (r.min().currency_code() != r.max().currency_code())
      v.Add(rf, "min and max currencies differ");
    CheckEnum(r.period(), pb::PayPeriod_IsValid, rf + ".period", "ANNUAL or HOURLY", v);
    if (r.has_as_of()) CheckDate(r.as_of(), false, rf + ".as_of", v);
    CheckLength(r.source().document(), kMaxShortText, rf + ".source.document", v);
    CheckLength(r.source().detail(), kMaxLongText, rf + ".source.detail", v);
  }
}

void CheckLocalDateTime(const pb::LocalDateTime& dt, const std::string& field, Violations& v) {
  if (dt.has_date()) CheckDate(dt.date(), true, field + ".date", v);
  if (dt.has_time()) CheckTime(dt.time(), field + ".time", v);
}

}  // namespace

void CheckTime(const classplan::common::v1::TimeOfDay& t, const std::string& field, Violations& v) {
  if (t.hours() < 0 || t.hours() > 23 || t.minutes() < 0 || t.minutes() > 59) {
    v.Add(field, "must be a time of day: hours 0-23, minutes 0-59");
  }
}

void CheckJobClassFields(const pb::JobClass& c, const std::string& prefix, Violations& v) {
  CheckKey(c.code(), prefix + "code", v);
  CheckRequired(c.title(), kMaxShortText, prefix + "title", v);
  CheckRequired(c.jurisdiction_id(), kMaxIdLength, prefix + "jurisdiction_id", v);
  CheckLength(c.series_id(), kMaxIdLength, prefix + "series_id", v);
  CheckLength(c.level_name(), kMaxShortText, prefix + "level_name", v);
  CheckPay(c.pay(), prefix + "pay", v);
  if (c.flsa_status() == pb::FLSA_STATUS_UNSPECIFIED) {
    v.Add(prefix + "flsa_status", "is required; use FLSA_STATUS_UNKNOWN when the source is silent");
  } else if (!pb::FlsaStatus_IsValid(c.flsa_status())) {
    v.Add(prefix + "flsa_status", absl::StrCat("unknown value ", c.flsa_status(),
                                               "; expected EXEMPT, NON_EXEMPT or UNKNOWN"));
  }
  for (const auto& [text, name] :
       {std::pair{&c.flsa_note(), "flsa_note"},
        {&c.bargaining_unit(), "bargaining_unit"},
        {&c.knowledge_skills_attribution(), "knowledge_skills_attribution"},
        {&c.statutory_requirements(), "statutory_requirements"},
        {&c.conditions_of_employment(), "conditions_of_employment"},
        {&c.class_history_note(), "class_history_note"}}) {
    CheckLength(*text, kMaxLongText, prefix + name, v);
  }
  for (const auto& [section, name] :
       {std::pair{&c.purpose(), "purpose"},
        {&c.nature_of_work(), "nature_of_work"},
        {&c.distinguishing_characteristics(), "distinguishing_characteristics"},
        {&c.duties(), "duties"},
        {&c.physical_demands(), "physical_demands"},
        {&c.working_environment(), "working_environment"},
        {&c.licence_requirements(), "licence_requirements"}}) {
    CheckSection(*section, prefix + name, v);
  }
  CheckSections(c.level_factors(), prefix + "level_factors", v);
  CheckSections(c.minimum_qualifications(), prefix + "minimum_qualifications", v);
  CheckSections(c.recommended_qualifications(), prefix + "recommended_qualifications", v);
  CheckCompetencies(c.knowledge(), prefix + "knowledge", v);
  CheckCompetencies(c.skills(), prefix + "skills", v);
  CheckCompetencies(c.competencies(), prefix + "competencies", v);
  CheckCount(c.history_size(), kMaxListEntries, prefix + "history", v);
  for (int i = 0; i < c.history_size() && i < kMaxListEntries; ++i) {
    const auto& h = c.history(i);
    const std::string hf = At(prefix + "history", i);
    CheckLength(h.event(), kMaxShortText, hf + ".event", v);
    if (h.has_date()) CheckDate(h.date(), false, hf + ".date", v);
    CheckLength(h.date_text(), kMaxShortText, hf + ".date_text", v);
    CheckLength(h.note(), kMaxLongText, hf + ".note", v);
  }
  CheckLength(c.onet_soc_code(), kMaxPayCodeLength, prefix + "onet_soc_code", v);
  CheckTexts(c.notes(), kMaxLongText, prefix + "notes", v);
  CheckCount(c.unknown_fields_size(), kMaxListEntries, prefix + "unknown_fields", v);
  for (int i = 0; i < c.unknown_fields_size() && i < kMaxListEntries; ++i) {
    if (JobClassFieldNames().count(c.unknown_fields(i)) == 0) {
      v.Add(At(prefix + "unknown_fields", i), "is not a JobClass field name");
    }
  }
  CheckSources(c.sources(), prefix + "sources", v);
  CheckLength(c.competency_framework_id(), kMaxIdLength, prefix + "competency_framework_id", v);
  if (c.has_minimum_qualification_rules()) {
    rules::CheckQualificationRules(c.minimum_qualification_rules(),
                                   prefix + "minimum_qualification_rules", v);
  }
  if (c.has_recommended_qualification_rules()) {
    rules::CheckQualificationRules(c.recommended_qualification_rules(),
                                   prefix + "recommended_qualification_rules", v);
  }
  if (c.ByteSizeLong() > kMaxClassBytes) {
    v.Add(prefix.empty() ? "job_class" : prefix.substr(0, prefix.size() - 1),
          absl::StrCat("a class specification must be at most ", kMaxClassBytes,
                       " bytes serialized"));
  }
}

void CheckFrameworkRef(const pb::JobClass& c, const KnownFrameworks* frameworks,
                       const std::string& prefix, Violations& v) {
  const std::string& id = c.competency_framework_id();
  if (id.empty() || frameworks == nullptr) return;
  const std::string field = prefix + "competency_framework_id";
  auto it = frameworks->find(id);
  if (it == frameworks->end()) {
    v.Add(field, absl::StrCat("unknown competency framework '", id,
                              "'; the shipped frameworks are in data/appraisal"));
  } else if (it->second.jurisdiction_id != c.jurisdiction_id()) {
    v.Add(field, "the framework is for another jurisdiction");
  } else if (it->second.class_codes.count(c.code()) == 0) {
    v.Add(field, absl::StrCat("the framework does not list class ", c.code(),
                              " in its class_codes, so the appraisal service would not use it"));
  }
}

void CheckNoticeFields(const pb::ClassificationNotice& n, const std::string& prefix,
                       Violations& v) {
  CheckKey(n.number(), prefix + "number", v);
  CheckRequired(n.jurisdiction_id(), kMaxIdLength, prefix + "jurisdiction_id", v);
  CheckRequired(n.subject(), kMaxShortText, prefix + "subject", v);
  CheckLength(n.to(), kMaxShortText, prefix + "to", v);
  if (!n.has_notice_date()) {
    v.Add(prefix + "notice_date", "is required");
  } else {
    CheckDate(n.notice_date(), true, prefix + "notice_date", v);
  }
  if (!n.hearing().has_date()) v.Add(prefix + "hearing.date", "is required");
  CheckLocalDateTime(n.hearing(), prefix + "hearing", v);
  CheckLocalDateTime(n.comment_deadline(), prefix + "comment_deadline", v);
  CheckLocalDateTime(n.hearing_request_deadline(), prefix + "hearing_request_deadline", v);
  CheckLength(n.hearing_location(), kMaxShortText, prefix + "hearing_location", v);
  CheckTexts(n.body(), kMaxLongText, prefix + "body", v);
  CheckLength(n.effective_date_rule(), kMaxLongText, prefix + "effective_date_rule", v);
  CheckLength(n.posting_requirement(), kMaxLongText, prefix + "posting_requirement", v);
  if (n.changes_size() == 0) v.Add(prefix + "changes", "must list at least one class change");
  CheckCount(n.changes_size(), kMaxNoticeChanges, prefix + "changes", v);
  for (int i = 0; i < n.changes_size() && i < kMaxNoticeChanges; ++i) {
    const auto& ch = n.changes(i);
    const std::string cf = At(prefix + "changes", i);
    CheckKey(ch.class_code(), cf + ".class_code", v);
    CheckLength(ch.class_title(), kMaxShortText, cf + ".class_title", v);
    CheckEnum(ch.kind(), pb::RevisionKind_IsValid, cf + ".kind", "CREATE, REVISE or ABOLISH", v);
    CheckLength(ch.pay_text(), kMaxShortText, cf + ".pay_text", v);
  }
  CheckTexts(n.notes(), kMaxLongText, prefix + "notes", v);
  CheckSources(n.sources(), prefix + "sources", v);
}

void CheckJurisdictionFields(const pb::Jurisdiction& j, const std::string& prefix, Violations& v) {
  CheckRequired(j.name(), kMaxShortText, prefix + "name", v);
  CheckLength(j.short_name(), kMaxShortText, prefix + "short_name", v);
  if (!pb::DayOfWeek_IsValid(j.work_week_start())) {
    v.Add(prefix + "work_week_start", absl::StrCat("unknown value ", j.work_week_start()));
  }
  if (j.notice_min_days_before_hearing() < 0 ||
      j.notice_min_days_before_hearing() > kMaxNoticeDays) {
    v.Add(prefix + "notice_min_days_before_hearing",
          absl::StrCat("must be between 0 and ", kMaxNoticeDays));
  }
  CheckSources(j.sources(), prefix + "sources", v);
}

void CheckSeriesFields(const pb::ClassSeries& s, const std::string& prefix, Violations& v) {
  CheckLength(s.id(), kMaxIdLength, prefix + "id", v);
  CheckRequired(s.title(), kMaxShortText, prefix + "title", v);
  CheckCount(s.levels_size(), kMaxListEntries, prefix + "levels", v);
  for (int i = 0; i < s.levels_size() && i < kMaxListEntries; ++i) {
    const auto& l = s.levels(i);
    const std::string lf = At(prefix + "levels", i);
    if (l.rank() != i + 1) v.Add(lf + ".rank", "levels are ranked 1, 2, ... lowest first");
    CheckLength(l.name(), kMaxShortText, lf + ".name", v);
    if (!l.class_code().empty()) CheckKey(l.class_code(), lf + ".class_code", v);
  }
  CheckTexts(s.notes(), kMaxLongText, prefix + "notes", v);
  CheckSources(s.sources(), prefix + "sources", v);
}

}  // namespace classplan::catalog
