#ifndef CLASSPLAN_SERVICES_PAYBAND_DATA_IMPORTER_H_
#define CLASSPLAN_SERVICES_PAYBAND_DATA_IMPORTER_H_

// Loads the shipped pay data files (data/payband/*.textproto, one PaybandData each). A file is
// parsed and checked as a whole first; a bad one is rejected with "<file>:<line>: <reason>"
// and nothing from it is imported. Import is idempotent: a schedule id or a class's
// assignment that already exists is left as it is.

#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "common/files/data_dir.h"
#include "services/payband/domain/payband_store.h"

namespace classplan::payband {

using PayDataFile = files::NamedFile;

struct PayDataReport {
  int schedules_imported = 0;
  int schedules_present = 0;
  int assignments_imported = 0;
  std::vector<std::string> problems;  // "<file>:<line>: <reason>"
};

// Reads every *.textproto directly in `dir`, in name order.
absl::StatusOr<std::vector<PayDataFile>> ReadPayDataDir(const std::string& dir);

// Validates each file, then imports the good ones. Errors only when the store fails.
absl::StatusOr<PayDataReport> ImportPayDataFiles(const std::vector<PayDataFile>& files,
                                                 PaybandStore* store);

}  // namespace classplan::payband

#endif  // CLASSPLAN_SERVICES_PAYBAND_DATA_IMPORTER_H_
