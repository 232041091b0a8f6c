#ifndef CLASSPLAN_SERVICES_CATALOG_STORE_POSTGRES_CATALOG_STORE_H_
#define CLASSPLAN_SERVICES_CATALOG_STORE_POSTGRES_CATALOG_STORE_H_
// CatalogStore on PostgreSQL, shared by any number of replicas: the same SqlCatalogStore as
// the SQLite one, with PostgreSQL's SQL. What SQLite's single writer gave for free is made
// explicit: a class's version is changed by one statement that checks it (UPDATE ... WHERE
// version = expected, or INSERT ... ON CONFLICT DO NOTHING for a new class), a notice's by a
// conditional upsert; each locks the row, so of writers racing on one etag exactly one wins
// and the rest get ABORTED.
// Writes are group-committed (ConnectionPool::WriteGrouped): concurrent Commits share one
// transaction, each under its own savepoint, and one pass through the audit chain's lock, taken
// only at the commit (audit::AppendAtCommit: the group's events are linked and inserted with the
// COMMIT). A Commit in a group sees the earlier ones' writes, so its version check still lets
// exactly one of several racing writers win. A revise costs five round trips: BEGIN, the version
// update with the read of the stored revisions, the changed revisions' delete with the insert,
// the chain's lock with its tail, the events with the COMMIT (docs/catalog.md).
// Reads are retried once on a new connection when theirs was lost (a server restart).
//
// Full-text search: a tsvector column made from the same four text columns as the FTS5 table
// (title A, duties B, knowledge and skills D) by a trigger that parses only the columns whose
// text differs from the class's latest other revision (migration 3), a GIN index, ts_rank for
// the order and ts_headline for the snippet. The text search configuration classplan_english is
// PostgreSQL's english stemmer without a stop-word list, as FTS5's porter tokenizer has none: a
// phrase such as "out of home" keeps every word. docs/catalog.md says where the two rankers differ.
#include <atomic>
#include <cstddef>
#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "absl/functional/function_ref.h"
#include "common/postgres/database.h"
#include "common/postgres/pool.h"
#include "services/catalog/store/sql_catalog_store.h"

namespace classplan::catalog {

// The catalog's connections: kLanes pools on the one database, each with its own group commit,
// so the bodies of two groups run at once on two server processes (a pool runs one group at a
// time, its bodies one after another on one connection). A group holds the audit chain's lock
// only for its commit (AppendAtCommit), so the lanes meet only there. A write's lane is fixed by
// its first key (class code, notice number, jurisdiction, series, file): writes of one class
// always share a lane, so writers racing on one etag still meet in one group.
class CatalogPools {
 public:
  static constexpr int kLanes = 2;
  explicit CatalogPools(std::vector<std::unique_ptr<postgres::ConnectionPool>> lanes)
      : lanes_(std::move(lanes)) {}
  static size_t LaneOf(std::string_view key) { return std::hash<std::string_view>{}(key) % kLanes; }
  postgres::ConnectionPool& Lane(std::string_view key) { return *lanes_[LaneOf(key)]; }
  // Reads take the lanes in turn.
  postgres::ConnectionPool& Next() {
    return *lanes_[next_.fetch_add(1, std::memory_order_relaxed) % lanes_.size()];
  }
  int GroupQueued() {
    int n = 0;
    for (auto& lane : lanes_) n += lane->GroupQueued();
    return n;
  }

 private:
  std::vector<std::unique_ptr<postgres::ConnectionPool>> lanes_;
  std::atomic<size_t> next_{0};
};

// PostgreSQL's part of SqlCatalogStore (sql_catalog_store.h).
struct PostgresCatalogBackend {
  using Database = postgres::Database;
  using Pool = CatalogPools;
  static const CatalogSql& Sql();
  static absl::Status Read(Pool& pool, absl::FunctionRef<absl::Status(Database&)> read);
  static absl::Status Write(Pool& pool, const WriteBatch& batch,
                            absl::FunctionRef<absl::Status(Database&)> write);
  // audit::AppendAtCommit: the chain's lock is taken at the commit, not for the whole group.
  static absl::Status Append(Database& db, audit::Event event);
  // Both statements in one round trip (Database::StepTogether); first's changed rows.
  static absl::StatusOr<int64_t> StepPair(Database& db, postgres::Statement& first,
                                          postgres::Statement& second);
  static absl::StatusOr<audit::Page> List(Database& db, const audit::Filter& filter, int page_size,
                                          const std::string& page_token);
  // `fts_query` is the FTS5 query the domain builds: double-quoted phrases, all required. Each
  // becomes phraseto_tsquery(classplan_english, phrase), joined with &&.
  static absl::StatusOr<std::vector<TextMatch>> Search(Database& db, const std::string& fts_query,
                                                       int limit, int offset);
};

// The quoted phrases of an FTS5 query ("a b" "c" -> {a b, c}); InvalidArgument for anything
// else (an unquoted word, an operator), which the domain never sends.
absl::StatusOr<std::vector<std::string>> FtsPhrases(const std::string& fts_query);

class PostgresCatalogStore : public SqlCatalogStore<PostgresCatalogBackend> {
 public:
  // Connects to `conninfo` (postgresql://...) and brings the schema up to date under the
  // migration lock; FailedPrecondition when the database's schema is newer than this binary.
  // `pool_size` connections at most, shared by the lanes (at least one each).
  static absl::StatusOr<std::unique_ptr<PostgresCatalogStore>> Open(
      const std::string& conninfo, int pool_size = 4, const postgres::ConnectOptions& options = {});

  // Only applies the migrations (under the lock) and returns: catalog_server --migrate_only.
  static absl::Status Migrate(const std::string& conninfo,
                              const postgres::ConnectOptions& options = {});

  // Writes waiting for the next group commit (for tests).
  int GroupQueued() { return pool().GroupQueued(); }

 private:
  using SqlCatalogStore::SqlCatalogStore;
};

}  // namespace classplan::catalog

#endif  // CLASSPLAN_SERVICES_CATALOG_STORE_POSTGRES_CATALOG_STORE_H_
