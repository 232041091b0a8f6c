// The catalog's data-file importer (services/catalog/data/importer.h) on one file's text.
// Property: a file that validates imports without a problem into a store holding the same
// references.

#include <memory>
#include <string>
#include <vector>

#include "common/log/log.h"
#include "fuzz/fuzz_check.h"
#include "services/catalog/data/importer.h"
#include "services/catalog/store/sqlite_catalog_store.h"

namespace {

using classplan::catalog::DataFile;
using classplan::catalog::DataProblem;
using classplan::catalog::SqliteCatalogStore;

// The shipped jurisdictions (data/catalog/jurisdictions.textproto), which data files refer to.
constexpr char kJurisdictions[] = R"pb(
  jurisdictions { id: "nm-spo" name: "New Mexico State Personnel Office" }
  jurisdictions { id: "denver-csa" name: "Denver Career Service Authority" }
  jurisdictions { id: "sf-hsa" name: "San Francisco Human Services Agency" }
)pb";

std::unique_ptr<SqliteCatalogStore> OpenStore() {
  // One connection: each connection to ":memory:" would be a database of its own.
  auto store = SqliteCatalogStore::Open(":memory:", 1);
  FUZZ_CHECK(store.ok());
  auto report = classplan::catalog::ImportDataFiles({{"jurisdictions.textproto", kJurisdictions}},
                                                    store->get());
  FUZZ_CHECK(report.ok() && report->problems.empty());
  return std::move(*store);
}

}  // namespace

// The stores log every migration they apply: info lines per input would be most of the work.
extern "C" int LLVMFuzzerInitialize(int* /*argc*/, char*** /*argv*/) {
  classplan::log::Init("fuzz", classplan::log::Level::kError);
  return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  static SqliteCatalogStore* const references = OpenStore().release();
  const std::vector<DataFile> files{
      {"fuzz.textproto", std::string(classplan::fuzz::View(data, size))}};
  const std::vector<DataProblem> problems = ValidateDataFiles(files, references);
  for (const DataProblem& p : problems) FUZZ_CHECK(!p.ToString().empty());
  if (!problems.empty()) return 0;
  std::unique_ptr<SqliteCatalogStore> store = OpenStore();
  auto report = classplan::catalog::ImportDataFiles(files, store.get());
  FUZZ_CHECK(report.ok());
  FUZZ_CHECK(report->problems.empty());
  return 0;
}
