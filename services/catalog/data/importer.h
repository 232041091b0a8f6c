#ifndef CLASSPLAN_SERVICES_CATALOG_DATA_IMPORTER_H_
#define CLASSPLAN_SERVICES_CATALOG_DATA_IMPORTER_H_

// Loads the hand-authored data files (data/catalog/*.textproto, one CatalogData each).
//
// Every file is parsed and checked as a whole before anything is written; a bad file is
// rejected with "<file>:<line>: <reason>" and nothing from it is imported. Import is
// idempotent: a file whose digest was already imported is skipped, and a class or notice that
// already exists is never overwritten (the live catalog wins over shipped data).

#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "classplan/catalog/v1/data.pb.h"
#include "common/files/data_dir.h"
#include "services/catalog/store/catalog_store.h"

namespace classplan::catalog {

using DataFile = files::NamedFile;

struct DataProblem {
  std::string file;
  int line = 0;  // 1-based; 0 when not tied to a line
  std::string reason;
  std::string ToString() const;
};

struct ImportReport {
  int files_imported = 0;
  int files_unchanged = 0;
  int classes_imported = 0;
  int notices_imported = 0;
  std::vector<DataProblem> problems;  // rejected files
};

// Reads every *.textproto directly in `dir`, in name order.
absl::StatusOr<std::vector<DataFile>> ReadDataDir(const std::string& dir);

// Checks the files (each alone and their references to each other and to `store`'s
// jurisdictions, series and notices). Returns the problems; empty when all are good.
std::vector<DataProblem> ValidateDataFiles(const std::vector<DataFile>& files, CatalogStore* store);

// Validates, then imports every good file. Errors only when the store fails.
absl::StatusOr<ImportReport> ImportDataFiles(const std::vector<DataFile>& files,
                                             CatalogStore* store);

}  // namespace classplan::catalog

#endif  // CLASSPLAN_SERVICES_CATALOG_DATA_IMPORTER_H_
