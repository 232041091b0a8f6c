#ifndef CLASSPLAN_SERVICES_CATALOG_DOMAIN_CHECKS_H_
#define CLASSPLAN_SERVICES_CATALOG_DOMAIN_CHECKS_H_

// Request checks shared by the catalog's reads, writes and notices (catalog*.cc, notices.cc);
// internal to the domain.

#include <cstdint>
#include <string>

#include "absl/status/status.h"
#include "absl/strings/string_view.h"
#include "common/dates/dates.h"
#include "common/status/field_violations.h"

namespace classplan::catalog {

// The resource types the catalog's audit events name.
inline constexpr char kJobClass[] = "job_class";
inline constexpr char kNotice[] = "notice";

// Checks a class code or notice number; adds a violation to `v` when bad.
void CheckKey(absl::string_view value, const std::string& field, status::Violations& v);
// CheckKey as a status: INVALID_ARGUMENT naming `field` when bad.
absl::Status KeyStatus(absl::string_view value, const std::string& field);
// Adds a violation to `v` unless `d` is a full, valid date in the catalog's range
// (validation.h: CheckDate).
void CheckFullDate(const dates::Date& d, const std::string& field, status::Violations& v);
// INVALID_ARGUMENT when `etag` is empty, ABORTED when it is not `current_version`'s.
absl::Status CheckEtag(const std::string& etag, int64_t current_version, absl::string_view what);

}  // namespace classplan::catalog

#endif  // CLASSPLAN_SERVICES_CATALOG_DOMAIN_CHECKS_H_
