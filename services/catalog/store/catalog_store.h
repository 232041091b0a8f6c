#ifndef CLASSPLAN_SERVICES_CATALOG_STORE_CATALOG_STORE_H_
#define CLASSPLAN_SERVICES_CATALOG_STORE_CATALOG_STORE_H_

// What the catalog needs from a database. The embedded SQLite store implements it today; a
// server database can implement the same interface later. Calls block: callers run them on
// worker threads, never on gRPC callback threads.

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "classplan/catalog/v1/data.pb.h"
#include "classplan/catalog/v1/resources.pb.h"
#include "common/audit/audit.h"

namespace classplan::catalog {

namespace pb = ::classplan::catalog::v1;

// A class to write, with the version it must have now (0 = must not exist yet). The store
// writes it with version expected_version + 1.
struct ClassWrite {
  pb::ClassRecord record;  // record.version is ignored; the store sets it
  int64_t expected_version = 0;
};

// A notice to write, with the version it must have now (0 = must not exist yet).
struct NoticeWrite {
  pb::ClassificationNotice notice;  // etag ignored
  int64_t expected_version = 0;
};

// Everything one operation writes. Committed atomically: if any expected version does not
// match, nothing is written and Commit returns ABORTED.
struct WriteBatch {
  std::vector<pb::Jurisdiction> jurisdictions;  // upserted
  std::vector<pb::ClassSeries> series;          // upserted
  std::vector<ClassWrite> classes;
  std::vector<NoticeWrite> notices;
  // Marks a data file imported (file name → content digest).
  std::optional<std::pair<std::string, std::string>> imported_file;
  // The write's audit event, appended in the same transaction (an API write has one; a data
  // file import has none).
  std::optional<audit::Event> audit;
};

struct StoredNotice {
  pb::ClassificationNotice notice;
  int64_t version = 0;
};

// One full-text match: a class revision and how well it matched.
struct TextMatch {
  std::string code;
  int32_t revision = 0;
  double score = 0;  // higher is better
  std::string snippet;
};

class CatalogStore : public audit::EventLog {
 public:
  ~CatalogStore() override = default;

  virtual absl::Status Commit(const WriteBatch& batch) = 0;

  virtual absl::StatusOr<std::optional<pb::Jurisdiction>> GetJurisdiction(
      const std::string& id) = 0;
  virtual absl::StatusOr<std::vector<pb::Jurisdiction>> ListJurisdictions() = 0;
  virtual absl::StatusOr<std::optional<pb::ClassSeries>> GetSeries(const std::string& id) = 0;
  virtual absl::StatusOr<std::vector<pb::ClassSeries>> ListSeries(
      const std::string& jurisdiction_id) = 0;  // "" = all

  virtual absl::StatusOr<std::optional<pb::ClassRecord>> GetClass(const std::string& code) = 0;
  // Classes with code > after_code, in code order, at most `limit`.
  virtual absl::StatusOr<std::vector<pb::ClassRecord>> ListClasses(const std::string& after_code,
                                                                   int limit) = 0;
  // Full-text matches of an FTS5 query over every revision, best first.
  virtual absl::StatusOr<std::vector<TextMatch>> SearchText(const std::string& fts_query, int limit,
                                                            int offset) = 0;

  virtual absl::StatusOr<std::optional<StoredNotice>> GetNotice(const std::string& number) = 0;
  // Notices with number > after_number, in number order, at most `limit`.
  virtual absl::StatusOr<std::vector<StoredNotice>> ListNotices(const std::string& after_number,
                                                                int limit) = 0;

  // The digest a data file had when it was imported, if it was.
  virtual absl::StatusOr<std::optional<std::string>> ImportedDigest(const std::string& file) = 0;
};

}  // namespace classplan::catalog

#endif  // CLASSPLAN_SERVICES_CATALOG_STORE_CATALOG_STORE_H_
