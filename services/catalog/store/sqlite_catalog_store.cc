#include "services/catalog/store/sqlite_catalog_store.h"

#include "absl/time/clock.h"
#include "absl/time/time.h"
#include "common/audit/sqlite_audit.h"
#include "common/sqlite/migrations.h"
#include "services/catalog/store/sql_catalog_store_impl.h"

namespace classplan::catalog {
namespace {

const std::vector<sqlite::Migration>& Migrations() {
  static const auto* m = new std::vector<sqlite::Migration>{
      {1, "catalog schema", R"sql(
        CREATE TABLE jurisdictions (id TEXT PRIMARY KEY, data BLOB NOT NULL);
        CREATE TABLE class_series (
          id TEXT PRIMARY KEY, jurisdiction_id TEXT NOT NULL, data BLOB NOT NULL);
        CREATE TABLE job_classes (code TEXT PRIMARY KEY, version INTEGER NOT NULL);
        CREATE TABLE class_revisions (
          code TEXT NOT NULL REFERENCES job_classes(code),
          revision INTEGER NOT NULL,
          data BLOB NOT NULL,
          PRIMARY KEY (code, revision));
        CREATE VIRTUAL TABLE class_text USING fts5(
          code UNINDEXED, revision UNINDEXED, title, duties, knowledge, skills,
          tokenize = 'porter unicode61');
        CREATE TABLE notices (
          number TEXT PRIMARY KEY, jurisdiction_id TEXT NOT NULL,
          version INTEGER NOT NULL, data BLOB NOT NULL);
        CREATE TABLE data_imports (
          file TEXT PRIMARY KEY, digest TEXT NOT NULL, imported_at TEXT NOT NULL);
      )sql"},
      {2, "audit trail", audit::kSchemaSql},
  };
  return *m;
}

}  // namespace

const CatalogSql& SqliteCatalogBackend::Sql() {
  static const CatalogSql sql = sql_store::SharedCatalogSql("?");
  return sql;
}

absl::Status SqliteCatalogBackend::Read(Pool& pool,
                                        absl::FunctionRef<absl::Status(Database&)> read) {
  auto lease = pool.Acquire();
  if (!lease.ok()) return lease.status();
  return read(**lease);
}

absl::Status SqliteCatalogBackend::Write(Pool& pool, const WriteBatch& /*batch*/,
                                         absl::FunctionRef<absl::Status(Database&)> write) {
  auto lease = pool.Acquire();
  if (!lease.ok()) return lease.status();
  Database& db = **lease;
  return db.Transaction([&] { return write(db); });
}

absl::Status SqliteCatalogBackend::Append(Database& db, audit::Event event) {
  return audit::Append(db, std::move(event)).status();
}

absl::StatusOr<int64_t> SqliteCatalogBackend::StepPair(Database& db, sqlite::Statement& first,
                                                       sqlite::Statement& /*second*/) {
  if (auto s = first.Step(); !s.ok()) return s.status();
  return int64_t{db.Changes()};
}

absl::StatusOr<audit::Page> SqliteCatalogBackend::List(Database& db, const audit::Filter& filter,
                                                       int page_size,
                                                       const std::string& page_token) {
  return audit::List(db, filter, page_size, page_token);
}

absl::StatusOr<std::vector<TextMatch>> SqliteCatalogBackend::Search(Database& db,
                                                                    const std::string& fts_query,
                                                                    int limit, int offset) {
  // Title matches weigh most. bm25 is negative-is-better; scaled to an integer here because
  // only the order matters.
  auto st = db.Prepare(
      "SELECT code, revision, CAST(-bm25(class_text, 0, 0, 10.0, 2.0, 1.0, 1.0) * 1000000 AS "
      "INTEGER), snippet(class_text, -1, '[', ']', '...', 12) FROM class_text "
      "WHERE class_text MATCH ?1 ORDER BY bm25(class_text, 0, 0, 10.0, 2.0, 1.0, 1.0), code, "
      "revision "
      "LIMIT ?2 OFFSET ?3");
  if (!st.ok()) return st.status();
  st->Bind(1, fts_query).Bind(2, int64_t{limit}).Bind(3, int64_t{offset});
  return sql_store::CollectMatches(*st);
}

template class SqlCatalogStore<SqliteCatalogBackend>;

absl::StatusOr<std::unique_ptr<SqliteCatalogStore>> SqliteCatalogStore::Open(
    const std::string& path, int connections) {
  // Replicas starting together on a new file race to switch it to WAL and to migrate it;
  // the loser sees SQLITE_BUSY (UNAVAILABLE) and simply tries again.
  absl::Status last;
  for (int attempt = 0; attempt < 20; ++attempt) {
    if (attempt > 0) absl::SleepFor(absl::Milliseconds(100 * attempt));
    auto pool = sqlite::OpenMigrated(path, connections, Migrations());
    if (pool.ok()) {
      return std::unique_ptr<SqliteCatalogStore>(new SqliteCatalogStore(std::move(*pool)));
    }
    last = pool.status();
    if (!absl::IsUnavailable(last)) return last;
  }
  return last;
}

}  // namespace classplan::catalog
