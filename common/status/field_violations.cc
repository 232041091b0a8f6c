#include "common/status/field_violations.h"

#include "absl/strings/cord.h"
#include "absl/strings/str_cat.h"
#include "google/rpc/error_details.pb.h"

namespace classplan::status {

absl::Status Violations::ToStatus(absl::string_view summary) const {
  if (list_.empty()) return absl::OkStatus();
  return InvalidArgument(summary, list_);
}

bool CheckLength(absl::string_view text, size_t max_bytes, std::string field, Violations& v) {
  if (text.size() <= max_bytes) return true;
  v.Add(std::move(field), absl::StrCat("must be at most ", max_bytes, " bytes"));
  return false;
}

bool CheckCount(int count, int max, std::string field, Violations& v) {
  if (count <= max) return true;
  v.Add(std::move(field), absl::StrCat("at most ", max, " entries"));
  return false;
}

absl::Status InvalidArgument(absl::string_view summary, std::vector<FieldViolation> violations) {
  std::string message(summary);
  google::rpc::BadRequest bad_request;
  for (size_t i = 0; i < violations.size(); ++i) {
    absl::StrAppend(&message, i == 0 ? ": " : "; ", violations[i].field, ": ",
                    violations[i].description);
  }
  AppendToBadRequest(violations, &bad_request);
  absl::Status status = absl::InvalidArgumentError(message);
  status.SetPayload(kBadRequestTypeUrl, absl::Cord(bad_request.SerializeAsString()));
  return status;
}

std::vector<FieldViolation> GetFieldViolations(const absl::Status& status) {
  auto payload = status.GetPayload(kBadRequestTypeUrl);
  if (!payload.has_value()) return {};
  google::rpc::BadRequest bad_request;
  if (!bad_request.ParseFromString(std::string(*payload))) return {};
  return FromBadRequest(bad_request);
}

void AppendToBadRequest(const std::vector<FieldViolation>& violations,
                        google::rpc::BadRequest* out) {
  for (const auto& f : violations) {
    auto* v = out->add_field_violations();
    v->set_field(f.field);
    v->set_description(f.description);
  }
}

std::vector<FieldViolation> FromBadRequest(const google::rpc::BadRequest& bad_request) {
  std::vector<FieldViolation> out;
  for (const auto& v : bad_request.field_violations()) out.push_back({v.field(), v.description()});
  return out;
}

}  // namespace classplan::status
