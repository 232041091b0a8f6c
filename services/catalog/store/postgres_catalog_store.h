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
#include <memory>
#include <string>
#include <vector>

#include "absl/functional/function_ref.h"
#include "common/postgres/database.h"
#include "common/postgres/pool.h"
#include "services/catalog/store/sql_catalog_store.h"

namespace classplan::catalog {

// PostgreSQL's part of SqlCatalogStore (sql_catalog_store.h).
struct PostgresCatalogBackend {
  using Database = postgres::Database;
  using Pool = postgres::ConnectionPool;
  static const CatalogSql& Sql();
  static absl::Status Read(Pool& pool, absl::FunctionRef<absl::Status(Database&)> read);
  static absl::Status Write(Pool& pool, absl::FunctionRef<absl::Status(Database&)> write);
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
