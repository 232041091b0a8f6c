#ifndef CLASSPLAN_SERVICES_APPRAISAL_DATA_LOADER_H_
#define CLASSPLAN_SERVICES_APPRAISAL_DATA_LOADER_H_
// Shipped framework files (data/appraisal/*.textproto, one FrameworkData each).
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "classplan/appraisal/v1/resources.pb.h"

namespace classplan::appraisal {

// Parses and validates one file's text. InvalidArgument "name:line: reason; ..." listing every
// problem (syntax, structure, duplicate framework id and version) when it is bad.
absl::StatusOr<std::vector<v1::Framework>> ParseFrameworkFile(const std::string& name,
                                                              const std::string& text);

// Every *.textproto in `dir`, sorted by file name; fails on the first bad file.
absl::StatusOr<std::vector<v1::Framework>> LoadFrameworkDir(const std::string& dir);

}  // namespace classplan::appraisal

#endif  // CLASSPLAN_SERVICES_APPRAISAL_DATA_LOADER_H_
