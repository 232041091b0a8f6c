// The RulingStore conformance suite on SQLite files in a temp dir.
#include "services/eligibility/store/sqlite_ruling_store.h"

#include <unistd.h>

#include <filesystem>

#include "services/eligibility/store/ruling_store_conformance.h"

namespace classplan::eligibility {
namespace {

const RulingStoreFactory kSqlite{
    "Sqlite", [](const std::string& key) -> absl::StatusOr<std::unique_ptr<RulingStore>> {
      static const auto dir = [] {
        auto d = std::filesystem::temp_directory_path() /
                 ("ruling_store_test_" + std::to_string(::getpid()));
        std::filesystem::remove_all(d);
        std::filesystem::create_directories(d);
        return d;
      }();
      auto store = SqliteRulingStore::Open((dir / (key + ".db")).string());
      if (!store.ok()) return store.status();
      return std::unique_ptr<RulingStore>(*std::move(store));
    }};

INSTANTIATE_TEST_SUITE_P(Sqlite, RulingStoreConformance, ::testing::Values(&kSqlite),
                         RulingFactoryName);

}  // namespace
}  // namespace classplan::eligibility
