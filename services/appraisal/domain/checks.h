#ifndef CLASSPLAN_SERVICES_APPRAISAL_DOMAIN_CHECKS_H_
#define CLASSPLAN_SERVICES_APPRAISAL_DOMAIN_CHECKS_H_
// Field checks and conversions shared by the Appraisals rules (appraisals.cc, workflow.cc,
// reports.cc). Internal to the domain.
#include <string>

#include "absl/status/status.h"
#include "absl/time/time.h"
#include "classplan/appraisal/v1/appraisal_service.pb.h"
#include "common/dates/dates.h"
#include "common/status/field_violations.h"
#include "google/protobuf/timestamp.pb.h"

namespace classplan::appraisal {

constexpr int kMaxIdLength = 128;
constexpr int kMaxTextLength = 8000;

// FAILED_PRECONDITION carrying a field violation (so the adapter's BadRequest names it).
absl::Status FailedField(const std::string& field, const std::string& description);

// An id: 1-128 printable characters without spaces.
void CheckId(const std::string& value, const std::string& field, status::Violations* v);
// Free text: at most kMaxTextLength bytes.
void CheckText(const std::string& value, const std::string& field, status::Violations* v);
void CheckFullDate(const v1::Appraisal& a, bool has, const dates::Date& d, const std::string& field,
                   status::Violations* v);

google::protobuf::Timestamp ToProto(absl::Time t);
absl::Time FromProto(const google::protobuf::Timestamp& ts);

// "DRAFT", "SUBMITTED", ... for error messages.
const char* StateName(v1::AppraisalState s);

}  // namespace classplan::appraisal

#endif  // CLASSPLAN_SERVICES_APPRAISAL_DOMAIN_CHECKS_H_
