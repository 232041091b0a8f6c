// The payband's data-file loader (services/payband/data/importer.h) on one file's text, into a
// fresh store each time (so that an input does the same whatever ran before it).
// Property: importing is idempotent (a second import of the same file adds nothing).

#include <memory>
#include <string>
#include <vector>

#include "common/log/log.h"
#include "fuzz/fuzz_check.h"
#include "services/payband/data/importer.h"
#include "services/payband/store/sqlite_payband_store.h"

// The stores log every migration they apply: info lines per input would be most of the work.
extern "C" int LLVMFuzzerInitialize(int* /*argc*/, char*** /*argv*/) {
  classplan::log::Init("fuzz", classplan::log::Level::kError);
  return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using classplan::payband::SqlitePaybandStore;
  // One connection: each connection to ":memory:" would be a database of its own.
  auto store = SqlitePaybandStore::Open(":memory:", 1);
  FUZZ_CHECK(store.ok());
  const std::vector<classplan::payband::PayDataFile> files{
      {"fuzz.textproto", std::string(classplan::fuzz::View(data, size))}};
  auto first = classplan::payband::ImportPayDataFiles(files, store->get());
  FUZZ_CHECK(first.ok());
  if (first->schedules_imported == 0 && first->assignments_imported == 0) return 0;
  auto again = classplan::payband::ImportPayDataFiles(files, store->get());
  FUZZ_CHECK(again.ok());
  FUZZ_CHECK(again->schedules_imported == 0 && again->assignments_imported == 0);
  return 0;
}
