// The AppraisalStore conformance suite on SQLite files in a temp dir.
#include "services/appraisal/store/sqlite_appraisal_store.h"

#include <unistd.h>

#include <filesystem>

#include "services/appraisal/store/appraisal_store_conformance.h"

namespace classplan::appraisal {
namespace {

const StoreFactory kSqlite{
    "Sqlite", [](const std::string& key) -> absl::StatusOr<std::unique_ptr<AppraisalStore>> {
      static const auto dir = [] {
        auto d = std::filesystem::temp_directory_path() /
                 ("appraisal_store_test_" + std::to_string(::getpid()));
        std::filesystem::remove_all(d);
        std::filesystem::create_directories(d);
        return d;
      }();
      auto store = SqliteAppraisalStore::Open((dir / (key + ".db")).string());
      if (!store.ok()) return store.status();
      return std::unique_ptr<AppraisalStore>(*std::move(store));
    }};

INSTANTIATE_TEST_SUITE_P(Sqlite, AppraisalStoreConformance, ::testing::Values(&kSqlite),
                         FactoryName);

}  // namespace
}  // namespace classplan::appraisal
