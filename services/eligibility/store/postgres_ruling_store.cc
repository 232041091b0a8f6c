#include "services/eligibility/store/postgres_ruling_store.h"

#include <vector>

#include "common/audit/postgres_audit.h"
#include "common/postgres/migrations.h"
#include "services/eligibility/store/sql_ruling_store_impl.h"

namespace classplan::eligibility {
namespace {

// The SQLite store's versions in PostgreSQL's types; ids sort bytewise (COLLATE "C") as in
// SQLite, so paging by id gives the same pages on both.
const std::vector<postgres::Migration>& Migrations() {
  static const auto* m = new std::vector<postgres::Migration>{
      {1, "rulings", R"sql(
        CREATE TABLE rulings (
          id TEXT COLLATE "C" PRIMARY KEY,
          class_code TEXT COLLATE "C" NOT NULL,
          applicant_ref TEXT COLLATE "C" NOT NULL,
          standing BIGINT NOT NULL,
          withdrawn BIGINT NOT NULL,
          version BIGINT NOT NULL,
          data BYTEA NOT NULL);
        CREATE INDEX rulings_class ON rulings(class_code, id);
        CREATE INDEX rulings_applicant ON rulings(applicant_ref, id);
        CREATE TABLE ruling_classes (
          class_code TEXT COLLATE "C" PRIMARY KEY,
          version BIGINT NOT NULL);
      )sql"},
      {2, "audit trail", audit::kPostgresSchemaSql},
  };
  return *m;
}

}  // namespace

const RulingSql& PostgresRulingBackend::Sql() {
  static const RulingSql sql = {
      "INSERT INTO rulings(id, class_code, applicant_ref, standing, withdrawn, version, data)"
      " VALUES($1, $2, $3, $4, 0, 1, $5) ON CONFLICT DO NOTHING",
      "SELECT version, data FROM rulings WHERE id = $1",
      "UPDATE rulings SET withdrawn = 1, version = $1, data = $2 WHERE id = $3 AND version = $4"
      " AND withdrawn = 0",
      "INSERT INTO ruling_classes(class_code, version) VALUES($1, 1) ON CONFLICT(class_code)"
      " DO UPDATE SET version = ruling_classes.version + 1",
      "SELECT version, data FROM rulings WHERE ($1 = '' OR class_code = $1)"
      " AND ($2 = '' OR applicant_ref = $2)"
      " AND ($3 = 0 OR ($3 = 1 AND standing = 1) OR ($3 = 2 AND standing = 0))"
      " AND ($4 = 1 OR withdrawn = 0) AND id > $5 ORDER BY id",
      "SELECT version FROM ruling_classes WHERE class_code = $1",
      "SELECT class_code, version FROM ruling_classes ORDER BY class_code",
  };
  return sql;
}

absl::Status PostgresRulingBackend::Read(Pool& pool,
                                         absl::FunctionRef<absl::Status(Database&)> read) {
  return pool.Read(read);
}

absl::Status PostgresRulingBackend::Write(Pool& pool,
                                          absl::FunctionRef<absl::Status(Database&)> write) {
  return pool.Write(write);
}

absl::StatusOr<audit::Event> PostgresRulingBackend::Append(Database& db, audit::Event event) {
  if (auto s = audit::AppendAtCommit(db, event); !s.ok()) return s;
  return event;
}

absl::StatusOr<audit::Page> PostgresRulingBackend::List(Database& db, const audit::Filter& filter,
                                                        int page_size,
                                                        const std::string& page_token) {
  return audit::List(db, filter, page_size, page_token);
}

template class SqlRulingStore<PostgresRulingBackend>;

absl::StatusOr<std::unique_ptr<PostgresRulingStore>> PostgresRulingStore::Open(
    const std::string& conninfo, int pool_size, const postgres::ConnectOptions& options) {
  auto pool = postgres::OpenMigrated(conninfo, pool_size, Migrations(), options);
  if (!pool.ok()) return pool.status();
  return std::unique_ptr<PostgresRulingStore>(new PostgresRulingStore(*std::move(pool)));
}

}  // namespace classplan::eligibility
