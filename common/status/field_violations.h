#ifndef CLASSPLAN_COMMON_STATUS_FIELD_VIOLATIONS_H_
#define CLASSPLAN_COMMON_STATUS_FIELD_VIOLATIONS_H_

// Bad-input errors that name the offending fields. Domain code builds them without any gRPC
// type; the adapter turns them into INVALID_ARGUMENT with a google.rpc.BadRequest detail.
//
// Descriptions say what is wrong with the field, never echo a personal value back.

#include <cstddef>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/strings/string_view.h"

namespace google::rpc {
class BadRequest;
}  // namespace google::rpc

namespace classplan::status {

struct FieldViolation {
  std::string field;        // path, e.g. "job_class.code" or "filter"
  std::string description;  // what is wrong and what is expected
};

// Collects violations while validating a request.
class Violations {
 public:
  void Add(std::string field, std::string description) {
    list_.push_back({std::move(field), std::move(description)});
  }
  bool empty() const { return list_.empty(); }
  const std::vector<FieldViolation>& list() const { return list_; }
  // OkStatus when empty, else InvalidArgumentError carrying every violation.
  absl::Status ToStatus(absl::string_view summary = "invalid request") const;

 private:
  std::vector<FieldViolation> list_;
};

// Size limits, worded alike in every service. Each adds its violation and returns false when
// over the limit (so a caller can skip looking at the entries of an overlong list).
// `text` longer than `max_bytes`: "must be at most N bytes".
bool CheckLength(absl::string_view text, size_t max_bytes, std::string field, Violations& v);
// More than `max` entries: "at most N entries".
bool CheckCount(int count, int max, std::string field, Violations& v);

// INVALID_ARGUMENT whose message lists the violations and whose payload holds them.
absl::Status InvalidArgument(absl::string_view summary, std::vector<FieldViolation> violations);
inline absl::Status InvalidField(std::string field, std::string description) {
  return InvalidArgument("invalid request", {{std::move(field), std::move(description)}});
}

// The violations attached to a status (empty when none).
std::vector<FieldViolation> GetFieldViolations(const absl::Status& status);

// The one conversion between violations and a google.rpc.BadRequest (for a status payload,
// or a message field of that type): appends each as a field violation, in order; and back.
void AppendToBadRequest(const std::vector<FieldViolation>& violations,
                        google::rpc::BadRequest* out);
std::vector<FieldViolation> FromBadRequest(const google::rpc::BadRequest& bad_request);

// Payload type URL: the payload is a serialized google.rpc.BadRequest.
inline constexpr char kBadRequestTypeUrl[] = "type.googleapis.com/google.rpc.BadRequest";

}  // namespace classplan::status

#endif  // CLASSPLAN_COMMON_STATUS_FIELD_VIOLATIONS_H_
