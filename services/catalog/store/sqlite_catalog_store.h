#ifndef CLASSPLAN_SERVICES_CATALOG_STORE_SQLITE_CATALOG_STORE_H_
#define CLASSPLAN_SERVICES_CATALOG_STORE_SQLITE_CATALOG_STORE_H_

#include <memory>
#include <string>

#include "common/sqlite/pool.h"
#include "services/catalog/store/catalog_store.h"

namespace classplan::catalog {

// The embedded store: one SQLite file in WAL mode (several replicas on one machine may share
// it), resources kept as serialized protobuf beside the columns that are queried, and an
// FTS5 index over titles, duties, knowledge and skills.
class SqliteCatalogStore : public CatalogStore {
 public:
  // Opens (creating if needed) and migrates the database at `path`.
  static absl::StatusOr<std::unique_ptr<SqliteCatalogStore>> Open(const std::string& path,
                                                                  int connections = 4);

  absl::Status Commit(const WriteBatch& batch) override;
  absl::StatusOr<std::optional<pb::Jurisdiction>> GetJurisdiction(const std::string& id) override;
  absl::StatusOr<std::vector<pb::Jurisdiction>> ListJurisdictions() override;
  absl::StatusOr<std::optional<pb::ClassSeries>> GetSeries(const std::string& id) override;
  absl::StatusOr<std::vector<pb::ClassSeries>> ListSeries(
      const std::string& jurisdiction_id) override;
  absl::StatusOr<std::optional<pb::ClassRecord>> GetClass(const std::string& code) override;
  absl::StatusOr<std::vector<pb::ClassRecord>> ListClasses(const std::string& after_code,
                                                           int limit) override;
  absl::StatusOr<std::vector<TextMatch>> SearchText(const std::string& fts_query, int limit,
                                                    int offset) override;
  absl::StatusOr<std::optional<StoredNotice>> GetNotice(const std::string& number) override;
  absl::StatusOr<std::vector<StoredNotice>> ListNotices(const std::string& after_number,
                                                        int limit) override;
  absl::StatusOr<std::optional<std::string>> ImportedDigest(const std::string& file) override;
  absl::StatusOr<audit::Page> ListAuditEvents(const audit::Filter& filter, int page_size,
                                              const std::string& page_token) override;

 private:
  explicit SqliteCatalogStore(std::unique_ptr<sqlite::ConnectionPool> pool)
      : pool_(std::move(pool)) {}
  std::unique_ptr<sqlite::ConnectionPool> pool_;
};

}  // namespace classplan::catalog

#endif  // CLASSPLAN_SERVICES_CATALOG_STORE_SQLITE_CATALOG_STORE_H_
