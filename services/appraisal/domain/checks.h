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

// Validation limits (docs/appraisal.md, "Validation limits"; the same numbers are in the proto
// comments). Plain functions without gRPC types, so a fuzz target can call them.
constexpr int kMaxIdLength = 128;
constexpr size_t kMaxTextLength = 8000;
// Longest appraisal period. The sources speak of annual evaluations (seed 000: "conducting
// annual performance evaluations"; seed 002: indicators "acquired within the performance
// year") but set no maximum: this is a technical limit, generous for a late appraisal.
constexpr int kMaxPeriodMonths = 60;
constexpr int kMaxAssessments = 200;
constexpr int kMaxObservedIndicators = 500;  // per assessment
constexpr int kMaxEvidence = 50;             // per assessment
constexpr int kMaxGoals = 50;
constexpr int kMaxAddenda = 50;
constexpr int kMaxEmployeeIds = 1000;  // ListDueAppraisals.employee_ids
// A whole stored appraisal (content, history, addenda): far below a list page's byte budget
// (api::kPageBudgetBytes), so one always fits on a page.
constexpr size_t kMaxAppraisalBytes = 512 * 1024;

// FAILED_PRECONDITION carrying a field violation (so the adapter's BadRequest names it).
absl::Status FailedField(const std::string& field, const std::string& description);

// An id: 1-128 printable characters without spaces.
void CheckId(const std::string& value, const std::string& field, status::Violations* v);
// Free text: at most kMaxTextLength bytes.
void CheckText(const std::string& value, const std::string& field, status::Violations* v);
// A full date in the suite's range, dates::kMinYear..kMaxYear (`has`: the field is set). Dates
// an appraisal holds: entry into the class, the period, goal targets.
void CheckFullDate(bool has, const dates::Date& d, const std::string& field, status::Violations* v);
// What an appraisal write stores, apart from what needs its framework (ValidateContent): ids,
// dates and their range, the period's order and length, entry before the period's end, counts
// of assessments, indicators, evidence and goals, text lengths. Field paths start "appraisal.".
// False when a count is over its limit (the caller then examines no item one by one).
bool CheckAppraisalFields(const v1::Appraisal& a, status::Violations* v);
// FAILED_PRECONDITION on `field` when the stored appraisal would exceed kMaxAppraisalBytes.
absl::Status CheckAppraisalSize(const v1::Appraisal& a, const std::string& field);

google::protobuf::Timestamp ToProto(absl::Time t);
absl::Time FromProto(const google::protobuf::Timestamp& ts);

// "DRAFT", "SUBMITTED", ... for error messages.
const char* StateName(v1::AppraisalState s);

}  // namespace classplan::appraisal

#endif  // CLASSPLAN_SERVICES_APPRAISAL_DOMAIN_CHECKS_H_
