#ifndef CLASSPLAN_SERVICES_CATALOG_STORE_SQL_CATALOG_STORE_H_
#define CLASSPLAN_SERVICES_CATALOG_STORE_SQL_CATALOG_STORE_H_
// CatalogStore written once over SQL: the version checks, the transaction of a WriteBatch and
// its audit event, and every read, for a backend (SQLite, PostgreSQL) that supplies its
// connection pool, its SQL and its full-text search. The guarantees are the same on both.
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "absl/functional/function_ref.h"
#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "services/catalog/store/catalog_store.h"

namespace classplan::catalog {

// A backend's statements, numbered parameters in the order of the comments. Most are the same
// on both backends but for the parameter sign: sql_store::SharedCatalogSql
// (sql_catalog_store_impl.h)
// writes them once.
struct CatalogSql {
  std::string upsert_jurisdiction;  // id, data
  std::string upsert_series;        // id, jurisdiction id, data
  // The sign of numbered parameters: "?" (?1, ?2) or "$" ($1, $2).
  std::string param;
  std::string insert_class;      // code; does nothing if the class exists
  std::string update_class;      // code, new version, expected version
  std::string select_revisions;  // code -> revision, data
  // code, revision: the revision, and its full-text row too when delete_text is empty.
  std::string delete_revision;
  std::string delete_text;  // code, revision; or empty
  // code, revisions as an array literal ("{1,3}"): several revisions and their full-text rows
  // by one statement; or empty (delete_revision, once per revision).
  std::string delete_revisions;
  // Revisions and their full-text rows inserted by one statement (a data-modifying WITH,
  // which PostgreSQL has and SQLite does not): a round trip less per write.
  bool one_insert = false;
  std::string notice_version;  // number -> version
  // number, jurisdiction id, new version, data, expected version: writes only over the
  // expected version (0 changes otherwise).
  std::string upsert_notice;
  std::string upsert_import;        // file, digest, time
  std::string select_jurisdiction;  // id -> data
  std::string list_jurisdictions;   // -> data
  std::string select_series;        // id -> data
  std::string list_series;          // jurisdiction id or '' -> data
  std::string classes_by_code;      // code, limit -> code, version, data
  std::string classes_after;        // after code, limit -> code, version, data
  std::string notices_by_number;    // number, limit -> version, data
  std::string notices_after;        // after number, limit -> version, data
  std::string imported_digest;      // file -> digest
};

// Backend requirements (see SqliteCatalogBackend, PostgresCatalogBackend):
//   using Database, Pool;
//   static const CatalogSql& Sql();
//   static absl::Status Read(Pool&, absl::FunctionRef<absl::Status(Database&)>);
//   // One transaction; `batch` only for the backend to choose where it runs.
//   static absl::Status Write(Pool&, const WriteBatch&,
//                             absl::FunctionRef<absl::Status(Database&)>);
//   static absl::Status Append(Database&, audit::Event);  // stored with the write, or neither
//   // Runs `first` and returns the rows it changed; `second` (bound, not yet stepped) is sent
//   // with it where that saves a round trip, and read with Step() afterwards either way.
//   static absl::StatusOr<int64_t> StepPair(Database&, Statement& first, Statement& second);
//   static absl::StatusOr<audit::Page> List(Database&, const audit::Filter&, int,
//                                           const std::string&);
//   static absl::StatusOr<std::vector<TextMatch>> Search(Database&, const std::string& fts_query,
//                                                        int limit, int offset);
template <typename Backend>
class SqlCatalogStore : public CatalogStore {
 public:
  using Database = typename Backend::Database;
  using Pool = typename Backend::Pool;

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

 protected:
  explicit SqlCatalogStore(std::unique_ptr<Pool> pool) : pool_(std::move(pool)) {}
  Pool& pool() { return *pool_; }

 private:
  // Runs `read` on a connection and returns what it produced.
  template <typename T>
  absl::StatusOr<T> ReadValue(absl::FunctionRef<absl::StatusOr<T>(Database&)> read);

  std::unique_ptr<Pool> pool_;
};

}  // namespace classplan::catalog

#endif  // CLASSPLAN_SERVICES_CATALOG_STORE_SQL_CATALOG_STORE_H_
