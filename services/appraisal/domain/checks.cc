#include "services/appraisal/domain/checks.h"

#include "absl/strings/str_cat.h"

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
  if (value.size() > static_cast<size_t>(kMaxTextLength)) {
    v->Add(field, absl::StrCat("at most ", kMaxTextLength, " bytes"));
  }
}

void CheckFullDate(const v1::Appraisal& a, bool has, const dates::Date& d, const std::string& field,
                   status::Violations* v) {
  (void)a;
  if (!has || !dates::IsFull(d)) v->Add(field, "required: a full calendar date");
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
