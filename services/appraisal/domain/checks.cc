#include "services/appraisal/domain/checks.h"

#include "absl/strings/str_cat.h"
#include "services/appraisal/domain/model.h"

namespace classplan::appraisal {
namespace {

bool ValidId(const std::string& s) {
  if (s.empty() || s.size() > kMaxIdLength) return false;
  for (unsigned char c : s) {
    if (c < 0x21 || c == 0x7f) return false;
  }
  return true;
}

}  // namespace

absl::Status FailedField(const std::string& field, const std::string& description) {
  absl::Status inv = status::InvalidArgument("not allowed now", {{field, description}});
  absl::Status s(absl::StatusCode::kFailedPrecondition, inv.message());
  inv.ForEachPayload(
      [&](absl::string_view url, const absl::Cord& payload) { s.SetPayload(url, payload); });
  return s;
}

void CheckId(const std::string& value, const std::string& field, status::Violations* v) {
  if (!ValidId(value)) v->Add(field, "required: 1-128 printable characters without spaces");
}

void CheckText(const std::string& value, const std::string& field, status::Violations* v) {
  status::CheckLength(value, kMaxTextLength, field, *v);
}

void CheckFullDate(bool has, const dates::Date& d, const std::string& field,
                   status::Violations* v) {
  if (!has) {
    v->Add(field, "required: a full calendar date");
  } else {
    dates::CheckDate(d, true, field, *v);
  }
}

namespace {

bool InRange(bool has, const dates::Date& d) { return has && dates::InRange(d, true); }

}  // namespace

bool CheckAppraisalFields(const v1::Appraisal& a, status::Violations* v) {
  CheckId(a.employee_id(), "appraisal.employee_id", v);
  CheckId(a.class_code(), "appraisal.class_code", v);
  if (!a.unit_id().empty()) CheckId(a.unit_id(), "appraisal.unit_id", v);
  CheckFullDate(a.has_date_entered_class(), a.date_entered_class(), "appraisal.date_entered_class",
                v);
  CheckFullDate(a.has_period_start(), a.period_start(), "appraisal.period_start", v);
  CheckFullDate(a.has_period_end(), a.period_end(), "appraisal.period_end", v);
  if (InRange(a.has_period_start(), a.period_start()) &&
      InRange(a.has_period_end(), a.period_end())) {
    const absl::CivilDay start = dates::ToCivilDay(a.period_start());
    const absl::CivilDay end = dates::ToCivilDay(a.period_end());
    if (end < start) {
      v->Add("appraisal.period_end", "must not be before period_start");
    } else if (end > AddMonthsClamped(start, kMaxPeriodMonths)) {
      v->Add("appraisal.period_end",
             absl::StrCat("the period may last at most ", kMaxPeriodMonths, " months"));
    }
  }
  if (InRange(a.has_period_end(), a.period_end()) &&
      InRange(a.has_date_entered_class(), a.date_entered_class()) &&
      dates::ToCivilDay(a.period_end()) < dates::ToCivilDay(a.date_entered_class())) {
    v->Add("appraisal.date_entered_class", "must not be after period_end");
  }
  CheckText(a.supervisor_comments(), "appraisal.supervisor_comments", v);
  bool counts_ok = true;
  if (!status::CheckCount(a.assessments_size(), kMaxAssessments, "appraisal.assessments", *v)) {
    counts_ok = false;
  } else {
    for (int i = 0; i < a.assessments_size(); ++i) {
      const auto& as = a.assessments(i);
      const std::string p = absl::StrCat("appraisal.assessments[", i, "]");
      if (!status::CheckCount(as.observed_indicator_ids_size(), kMaxObservedIndicators,
                              p + ".observed_indicator_ids", *v)) {
        counts_ok = false;
      }
      if (!status::CheckCount(as.evidence_size(), kMaxEvidence, p + ".evidence", *v)) {
        counts_ok = false;
      } else {
        for (int j = 0; j < as.evidence_size(); ++j) {
          CheckText(as.evidence(j), absl::StrCat(p, ".evidence[", j, "]"), v);
        }
      }
    }
  }
  if (!status::CheckCount(a.goals_size(), kMaxGoals, "appraisal.goals", *v)) {
    counts_ok = false;
  } else {
    for (int i = 0; i < a.goals_size(); ++i) {
      const auto& g = a.goals(i);
      const std::string p = absl::StrCat("appraisal.goals[", i, "]");
      if (g.specific().empty()) v->Add(p + ".specific", "required");
      if (g.measure().empty()) v->Add(p + ".measure", "required");
      CheckText(g.specific(), p + ".specific", v);
      CheckText(g.measure(), p + ".measure", v);
      CheckFullDate(g.has_target_date(), g.target_date(), p + ".target_date", v);
    }
  }
  return counts_ok;
}

absl::Status CheckAppraisalSize(const v1::Appraisal& a, const std::string& field) {
  if (a.ByteSizeLong() <= kMaxAppraisalBytes) return absl::OkStatus();
  return FailedField(field, absl::StrCat("the appraisal would exceed ", kMaxAppraisalBytes,
                                         " bytes; shorten the text"));
}

google::protobuf::Timestamp ToProto(absl::Time t) {
  google::protobuf::Timestamp ts;
  const int64_t secs = absl::ToUnixSeconds(t);
  ts.set_seconds(secs);
  ts.set_nanos(static_cast<int32_t>((t - absl::FromUnixSeconds(secs)) / absl::Nanoseconds(1)));
  return ts;
}

absl::Time FromProto(const google::protobuf::Timestamp& ts) {
  return absl::FromUnixSeconds(ts.seconds()) + absl::Nanoseconds(ts.nanos());
}

const char* StateName(v1::AppraisalState s) {
  switch (s) {
    case v1::APPRAISAL_STATE_DRAFT:
      return "DRAFT";
    case v1::APPRAISAL_STATE_SUBMITTED:
      return "SUBMITTED";
    case v1::APPRAISAL_STATE_ACKNOWLEDGED:
      return "ACKNOWLEDGED";
    case v1::APPRAISAL_STATE_FINALIZED:
      return "FINALIZED";
    case v1::APPRAISAL_STATE_RETURNED:
      return "RETURNED";
    case v1::APPRAISAL_STATE_DECLINED:
      return "DECLINED";
    case v1::APPRAISAL_STATE_VOIDED:
      return "VOIDED";
    default:
      return "UNSPECIFIED";
  }
}

}  // namespace classplan::appraisal
