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
#include "services/catalog/domain/validation.h"
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

// Checks the files (each alone, with the same checks as the catalog's writes: validation.h
// and the rule validator; and their references to each other, to `store`'s jurisdictions,
// series and notices, and to `frameworks`). Returns the problems; empty when all are good.
// Null `frameworks`: competency_framework_id is not checked (tests only).
std::vector<DataProblem> ValidateDataFiles(const std::vector<DataFile>& files, CatalogStore* store,
                                           const KnownFrameworks* frameworks = nullptr);

// Validates, then imports every good file. Errors only when the store fails.
absl::StatusOr<ImportReport> ImportDataFiles(const std::vector<DataFile>& files,
                                             CatalogStore* store,
                                             const KnownFrameworks* frameworks = nullptr);

// The competency frameworks shipped for the appraisal service (`dir`: data/appraisal, one
// classplan.appraisal.v1.FrameworkData per *.textproto): what a class's
// competency_framework_id may name. A missing directory is no frameworks; a file that does
// not parse is an error.
absl::StatusOr<KnownFrameworks> LoadKnownFrameworks(const std::string& dir);

}  // namespace classplan::catalog

#endif  // CLASSPLAN_SERVICES_CATALOG_DATA_IMPORTER_H_
