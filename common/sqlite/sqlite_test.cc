#include <stdlib.h>
#include <sys/stat.h>

#include <atomic>
#include <cstdint>
#include <filesystem>
#include <string>
#include <thread>
#include <utility>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/synchronization/mutex.h"
#include "absl/synchronization/notification.h"
#include "absl/time/clock.h"
#include "absl/time/time.h"
#include "common/sqlite/database.h"
#include "common/sqlite/migrations.h"
#include "common/sqlite/pool.h"
#include "common/sqlite/rows.h"
#include "common/sqlite/statement.h"
#include "google/protobuf/wrappers.pb.h"
#include "gtest/gtest.h"

namespace classplan::sqlite {
namespace {

const absl::Status& StatusOf(const absl::Status& s) { return s; }
template <typename T>
const absl::Status& StatusOf(const absl::StatusOr<T>& s) {
  return s.status();
}

#define ASSERT_OK(expr)                             \
  do {                                              \
    const auto& s_ = (expr);                        \
    ASSERT_TRUE(StatusOf(s_).ok()) << StatusOf(s_); \
  } while (0)
#define EXPECT_OK(expr)                             \
  do {                                              \
    const auto& s_ = (expr);                        \
    EXPECT_TRUE(StatusOf(s_).ok()) << StatusOf(s_); \
  } while (0)
#define CP_CONCAT_INNER(a, b) a##b
#define CP_CONCAT(a, b) CP_CONCAT_INNER(a, b)
// lhs and tmp are declarations, which cannot be parenthesised.
// NOLINTBEGIN(bugprone-macro-parentheses)
#define ASSERT_OK_AND_ASSIGN(lhs, rexpr) \
  ASSERT_OK_AND_ASSIGN_IMPL(CP_CONCAT(status_or_, __LINE__), lhs, rexpr)
#define ASSERT_OK_AND_ASSIGN_IMPL(tmp, lhs, rexpr) \
  auto tmp = (rexpr);                              \
  ASSERT_TRUE(tmp.ok()) << tmp.status();           \
  lhs = *std::move(tmp)
// NOLINTEND(bugprone-macro-parentheses)

// Prepares a query and steps to its first row; NOT_FOUND when it has none.
absl::StatusOr<Statement> FirstRow(Database& db, std::string_view sql) {
  absl::StatusOr<Statement> stmt = db.Prepare(sql);
  if (!stmt.ok()) return stmt.status();
  absl::StatusOr<bool> row = stmt->Step();
  if (!row.ok()) return row.status();
  if (!*row) return absl::NotFoundError("no row");
  return stmt;
}

// Runs a query returning one value in one row.
absl::StatusOr<int64_t> QueryInt(Database& db, std::string_view sql) {
  absl::StatusOr<Statement> stmt = FirstRow(db, sql);
  if (!stmt.ok()) return stmt.status();
  return stmt->ColumnInt(0);
}

absl::StatusOr<std::string> QueryText(Database& db, std::string_view sql) {
  absl::StatusOr<Statement> stmt = FirstRow(db, sql);
  if (!stmt.ok()) return stmt.status();
  return stmt->ColumnText(0);
}

absl::StatusOr<bool> TableExists(Database& db, std::string_view table) {
  absl::StatusOr<Statement> stmt =
      db.Prepare("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = ?");
  if (!stmt.ok()) return stmt.status();
  stmt->Bind(1, table);
  return stmt->Step();
}

class SqliteTest : public ::testing::Test {
 protected:
  void SetUp() override {
    std::string tmpl = ::testing::TempDir() + "/sqlite_test_XXXXXX";
    ASSERT_NE(mkdtemp(tmpl.data()), nullptr);
    dir_ = tmpl;
  }
  void TearDown() override {
    std::error_code ec;
    std::filesystem::remove_all(dir_, ec);
  }
  std::string Path(std::string_view name) const { return (dir_ / name).string(); }

  std::filesystem::path dir_;
};

// ---------------------------------------------------------------------------------------------
// Database

TEST_F(SqliteTest, OpenFileEnablesWalAndPragmas) {
  ASSERT_OK_AND_ASSIGN(std::unique_ptr<Database> db, Database::Open(Path("a.db")));
  ASSERT_OK_AND_ASSIGN(std::string mode, QueryText(*db, "PRAGMA journal_mode"));
  EXPECT_EQ(mode, "wal");
  ASSERT_OK_AND_ASSIGN(int64_t sync, QueryInt(*db, "PRAGMA synchronous"));
  EXPECT_EQ(sync, 1);  // NORMAL
  ASSERT_OK_AND_ASSIGN(int64_t fk, QueryInt(*db, "PRAGMA foreign_keys"));
  EXPECT_EQ(fk, 1);
  ASSERT_OK_AND_ASSIGN(int64_t busy, QueryInt(*db, "PRAGMA busy_timeout"));
  EXPECT_EQ(busy, 5000);
  EXPECT_TRUE(std::filesystem::exists(Path("a.db")));
}

mode_t ModeOf(const std::string& path) {
  struct stat st {};
  if (::stat(path.c_str(), &st) != 0) return 07777;  // matches no expectation
  return st.st_mode & 0777;
}

// Database files hold personnel records: owner-only whatever the umask, and an existing
// world-readable file (made by an older version) is narrowed on open.
TEST_F(SqliteTest, OpenMakesTheFileAndItsWalOwnerOnly) {
  const mode_t old_umask = ::umask(022);
  {
    ASSERT_OK_AND_ASSIGN(std::unique_ptr<Database> db, Database::Open(Path("a.db")));
    ASSERT_OK(db->Exec("CREATE TABLE t(x); INSERT INTO t VALUES(1);"));
    EXPECT_EQ(ModeOf(Path("a.db")), 0600u);
    EXPECT_EQ(ModeOf(Path("a.db-wal")), 0600u);
    EXPECT_EQ(ModeOf(Path("a.db-shm")), 0600u);
  }
  ASSERT_EQ(::chmod(Path("a.db").c_str(), 0644), 0);
  {
    ASSERT_OK_AND_ASSIGN(std::unique_ptr<Database> db, Database::Open(Path("a.db")));
    EXPECT_EQ(ModeOf(Path("a.db")), 0600u);
    ASSERT_OK_AND_ASSIGN(int64_t n, QueryInt(*db, "SELECT count(*) FROM t"));
    EXPECT_EQ(n, 1);
  }
  ::umask(old_umask);
}

TEST_F(SqliteTest, OpenHonoursBusyTimeoutOption) {
  OpenOptions options;
  options.busy_timeout = absl::Milliseconds(250);
  ASSERT_OK_AND_ASSIGN(std::unique_ptr<Database> db, Database::Open(Path("a.db"), options));
  ASSERT_OK_AND_ASSIGN(int64_t busy, QueryInt(*db, "PRAGMA busy_timeout"));
  EXPECT_EQ(busy, 250);
}

TEST_F(SqliteTest, OpenInMemoryWorksWithoutWal) {
  ASSERT_OK_AND_ASSIGN(std::unique_ptr<Database> db, Database::Open(":memory:"));
  ASSERT_OK_AND_ASSIGN(std::string mode, QueryText(*db, "PRAGMA journal_mode"));
  EXPECT_EQ(mode, "memory");
  ASSERT_OK(db->Exec("CREATE TABLE t(x); INSERT INTO t VALUES(1);"));
  ASSERT_OK_AND_ASSIGN(int64_t n, QueryInt(*db, "SELECT count(*) FROM t"));
  EXPECT_EQ(n, 1);
}

TEST_F(SqliteTest, OpenFailsInMissingDirectory) {
  absl::StatusOr<std::unique_ptr<Database>> db = Database::Open(Path("missing/dir/a.db"));
  ASSERT_FALSE(db.ok());
  EXPECT_NE(db.status().message().find("missing/dir/a.db"), std::string::npos) << db.status();
}

TEST_F(SqliteTest, ReadOnlyDoesNotCreateAndRejectsWrites) {
  OpenOptions ro;
  ro.read_only = true;
  EXPECT_FALSE(Database::Open(Path("a.db"), ro).ok());
  EXPECT_FALSE(std::filesystem::exists(Path("a.db")));

  {
    ASSERT_OK_AND_ASSIGN(std::unique_ptr<Database> rw, Database::Open(Path("a.db")));
    ASSERT_OK(rw->Exec("CREATE TABLE t(x)"));
  }
  ASSERT_OK_AND_ASSIGN(std::unique_ptr<Database> db, Database::Open(Path("a.db"), ro));
  ASSERT_OK_AND_ASSIGN(std::string mode, QueryText(*db, "PRAGMA journal_mode"));
  EXPECT_EQ(mode, "wal");
  absl::Status s = db->Exec("INSERT INTO t VALUES(1)");
  EXPECT_EQ(s.code(), absl::StatusCode::kFailedPrecondition) << s;
}

TEST_F(SqliteTest, BindStepRoundTrip) {
  ASSERT_OK_AND_ASSIGN(std::unique_ptr<Database> db, Database::Open(Path("a.db")));
  ASSERT_OK(db->Exec("CREATE TABLE t(id INTEGER PRIMARY KEY, i INTEGER, s TEXT, b BLOB, d REAL)"));
  const std::string blob("\0a\0\xff\0", 5);
  const std::string text = "Zoë \xe2\x82\xac";  // Non-ASCII UTF-8.

  ASSERT_OK_AND_ASSIGN(Statement insert,
                       db->Prepare("INSERT INTO t(i, s, b, d) VALUES(?, ?, ?, ?)"));
  insert.Bind(1, INT64_MIN).Bind(2, text).BindBlob(3, blob).BindDouble(4, 2.5);
  ASSERT_OK_AND_ASSIGN(bool has_row, insert.Step());
  EXPECT_FALSE(has_row);
  EXPECT_EQ(db->Changes(), 1);
  const int64_t first_id = db->LastInsertRowId();

  insert.Reset();
  insert.Bind(1, INT64_MAX).Bind(2, std::string_view()).BindBlob(3, "").BindNull(4);
  ASSERT_OK(insert.Step());
  EXPECT_EQ(db->LastInsertRowId(), first_id + 1);

  insert.Reset();  // Clears bindings: all NULL.
  ASSERT_OK(insert.Step());

  ASSERT_OK_AND_ASSIGN(Statement select,
                       db->Prepare("SELECT i, s, b, d, length(b), typeof(s) FROM t ORDER BY id"));
  ASSERT_OK_AND_ASSIGN(has_row, select.Step());
  ASSERT_TRUE(has_row);
  EXPECT_EQ(select.ColumnCount(), 6);
  EXPECT_EQ(select.ColumnInt(0), INT64_MIN);
  EXPECT_EQ(select.ColumnText(1), text);
  EXPECT_EQ(select.ColumnBlob(2), blob);
  EXPECT_EQ(select.ColumnBlob(2).size(), 5u);
  EXPECT_DOUBLE_EQ(select.ColumnDouble(3), 2.5);
  EXPECT_EQ(select.ColumnInt(4), 5);  // SQLite stored all five bytes.

  ASSERT_OK_AND_ASSIGN(has_row, select.Step());
  ASSERT_TRUE(has_row);
  EXPECT_EQ(select.ColumnInt(0), INT64_MAX);
  EXPECT_FALSE(select.ColumnIsNull(1));  // Empty text is '' and not NULL.
  EXPECT_EQ(select.ColumnText(5), "text");
  EXPECT_FALSE(select.ColumnIsNull(2));
  EXPECT_EQ(select.ColumnBlob(2), "");
  EXPECT_TRUE(select.ColumnIsNull(3));

  ASSERT_OK_AND_ASSIGN(has_row, select.Step());
  ASSERT_TRUE(has_row);
  for (int c = 0; c < 4; ++c) EXPECT_TRUE(select.ColumnIsNull(c)) << c;
  EXPECT_EQ(select.ColumnInt(0), 0);
  EXPECT_EQ(select.ColumnText(1), "");

  ASSERT_OK_AND_ASSIGN(has_row, select.Step());
  EXPECT_FALSE(has_row);
}

TEST_F(SqliteTest, StatementIsMovable) {
  ASSERT_OK_AND_ASSIGN(std::unique_ptr<Database> db, Database::Open(":memory:"));
  ASSERT_OK_AND_ASSIGN(Statement a, db->Prepare("SELECT ?"));
  a.Bind(1, int64_t{42});
  Statement b = std::move(a);
  // Checking the moved-from state (defined: invalid, Step fails) is this test's point.
  // NOLINTNEXTLINE(bugprone-use-after-move,clang-analyzer-cplusplus.Move)
  EXPECT_FALSE(a.valid());
  EXPECT_FALSE(a.Step().ok());  // NOLINT(clang-analyzer-cplusplus.Move): same.
  Statement c;
  c = std::move(b);
  ASSERT_OK_AND_ASSIGN(bool has_row, c.Step());
  ASSERT_TRUE(has_row);
  EXPECT_EQ(c.ColumnInt(0), 42);
}

TEST_F(SqliteTest, BindErrorIsReportedByStep) {
  ASSERT_OK_AND_ASSIGN(std::unique_ptr<Database> db, Database::Open(":memory:"));
  ASSERT_OK_AND_ASSIGN(Statement stmt, db->Prepare("SELECT ?"));
  stmt.Bind(3, std::string_view("private value")).Bind(1, int64_t{1});
  absl::StatusOr<bool> row = stmt.Step();
  ASSERT_FALSE(row.ok());
  EXPECT_EQ(row.status().code(), absl::StatusCode::kInvalidArgument) << row.status();
  EXPECT_NE(row.status().message().find("#3"), std::string::npos) << row.status();
  EXPECT_EQ(row.status().message().find("private"), std::string::npos) << row.status();

  stmt.Reset();  // Forgets the bind error.
  stmt.Bind(1, int64_t{7});
  ASSERT_OK_AND_ASSIGN(bool has_row, stmt.Step());
  ASSERT_TRUE(has_row);
  EXPECT_EQ(stmt.ColumnInt(0), 7);
}

TEST_F(SqliteTest, ConstraintViolationsMapToCanonicalCodesWithoutValues) {
  ASSERT_OK_AND_ASSIGN(std::unique_ptr<Database> db, Database::Open(Path("a.db")));
  ASSERT_OK(
      db->Exec("CREATE TABLE person(id INTEGER PRIMARY KEY, email TEXT NOT NULL UNIQUE);"
               "CREATE TABLE note(person_id INTEGER NOT NULL REFERENCES person(id), body TEXT);"));
  ASSERT_OK_AND_ASSIGN(Statement insert, db->Prepare("INSERT INTO person(email) VALUES(?)"));
  insert.Bind(1, std::string_view("jane.secret@example.org"));
  ASSERT_OK(insert.Step());
  insert.Reset();
  insert.Bind(1, std::string_view("jane.secret@example.org"));
  absl::StatusOr<bool> dup = insert.Step();
  ASSERT_FALSE(dup.ok());
  EXPECT_EQ(dup.status().code(), absl::StatusCode::kAlreadyExists) << dup.status();
  EXPECT_NE(dup.status().message().find("UNIQUE constraint failed: person.email"),
            std::string::npos)
      << dup.status();
  EXPECT_EQ(dup.status().message().find("jane"), std::string::npos) << dup.status();

  // The statement is usable again after the failure.
  insert.Reset();
  insert.Bind(1, std::string_view("other@example.org"));
  EXPECT_OK(insert.Step());

  ASSERT_OK_AND_ASSIGN(Statement note, db->Prepare("INSERT INTO note VALUES(?, ?)"));
  note.Bind(1, int64_t{999}).Bind(2, std::string_view("confidential"));
  absl::StatusOr<bool> fk = note.Step();
  ASSERT_FALSE(fk.ok());
  EXPECT_EQ(fk.status().code(), absl::StatusCode::kFailedPrecondition) << fk.status();
  EXPECT_EQ(fk.status().message().find("confidential"), std::string::npos) << fk.status();
  EXPECT_EQ(fk.status().message().find("999"), std::string::npos) << fk.status();
}

TEST_F(SqliteTest, PrepareAcceptsOneStatementOnly) {
  ASSERT_OK_AND_ASSIGN(std::unique_ptr<Database> db, Database::Open(":memory:"));
  EXPECT_OK(db->Prepare("SELECT 1;"));
  EXPECT_OK(db->Prepare("SELECT 1; -- trailing comment\n  "));
  EXPECT_EQ(db->Prepare("SELECT 1; SELECT 2").status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(db->Prepare("  ").status().code(), absl::StatusCode::kInvalidArgument);
  absl::StatusOr<Statement> bad = db->Prepare("SELEC 1");
  ASSERT_FALSE(bad.ok());
  EXPECT_NE(bad.status().message().find("syntax error"), std::string::npos) << bad.status();
  EXPECT_EQ(db->Prepare("SELECT * FROM nope").status().code(), absl::StatusCode::kInternal);
}

TEST_F(SqliteTest, ExecRunsScriptsAndReportsErrors) {
  ASSERT_OK_AND_ASSIGN(std::unique_ptr<Database> db, Database::Open(":memory:"));
  ASSERT_OK(db->Exec("CREATE TABLE t(x); INSERT INTO t VALUES(1); INSERT INTO t VALUES(2);"));
  ASSERT_OK_AND_ASSIGN(int64_t n, QueryInt(*db, "SELECT count(*) FROM t"));
  EXPECT_EQ(n, 2);
  absl::Status s = db->Exec("INSERT INTO missing VALUES(1)");
  ASSERT_FALSE(s.ok());
  EXPECT_NE(s.message().find("no such table: missing"), std::string::npos) << s;
}

TEST_F(SqliteTest, TransactionCommitsOnOk) {
  ASSERT_OK_AND_ASSIGN(std::unique_ptr<Database> db, Database::Open(Path("a.db")));
  ASSERT_OK(db->Exec("CREATE TABLE t(x)"));
  ASSERT_OK(db->Transaction([&]() -> absl::Status {
    EXPECT_TRUE(db->InTransaction());
    return db->Exec("INSERT INTO t VALUES(1); INSERT INTO t VALUES(2);");
  }));
  EXPECT_FALSE(db->InTransaction());
  // Visible from a different connection, so it really was committed.
  ASSERT_OK_AND_ASSIGN(std::unique_ptr<Database> other, Database::Open(Path("a.db")));
  ASSERT_OK_AND_ASSIGN(int64_t n, QueryInt(*other, "SELECT count(*) FROM t"));
  EXPECT_EQ(n, 2);
}

TEST_F(SqliteTest, TransactionRollsBackOnErrorAndReturnsIt) {
  ASSERT_OK_AND_ASSIGN(std::unique_ptr<Database> db, Database::Open(Path("a.db")));
  ASSERT_OK(db->Exec("CREATE TABLE t(x); INSERT INTO t VALUES(0);"));
  absl::Status s = db->Transaction([&]() -> absl::Status {
    if (absl::Status e = db->Exec("INSERT INTO t VALUES(1)"); !e.ok()) return e;
    return absl::AbortedError("changed my mind");
  });
  EXPECT_EQ(s, absl::AbortedError("changed my mind"));
  EXPECT_FALSE(db->InTransaction());
  ASSERT_OK_AND_ASSIGN(int64_t n, QueryInt(*db, "SELECT count(*) FROM t WHERE x = 1"));
  EXPECT_EQ(n, 0);

  // A failing statement inside the body rolls back earlier writes of the same body too.
  s = db->Transaction([&]() -> absl::Status {
    if (absl::Status e = db->Exec("INSERT INTO t VALUES(2)"); !e.ok()) return e;
    return db->Exec("INSERT INTO missing VALUES(3)");
  });
  EXPECT_FALSE(s.ok());
  ASSERT_OK_AND_ASSIGN(n, QueryInt(*db, "SELECT count(*) FROM t"));
  EXPECT_EQ(n, 1);
}

TEST_F(SqliteTest, NestedTransactionIsRefused) {
  ASSERT_OK_AND_ASSIGN(std::unique_ptr<Database> db, Database::Open(":memory:"));
  absl::Status inner;
  ASSERT_OK(db->Transaction([&]() -> absl::Status {
    inner = db->Transaction([] { return absl::OkStatus(); });
    return absl::OkStatus();
  }));
  EXPECT_EQ(inner.code(), absl::StatusCode::kFailedPrecondition) << inner;
}

TEST_F(SqliteTest, DataVersionChangesWhenAnotherConnectionWrites) {
  ASSERT_OK_AND_ASSIGN(std::unique_ptr<Database> a, Database::Open(Path("a.db")));
  ASSERT_OK_AND_ASSIGN(std::unique_ptr<Database> b, Database::Open(Path("a.db")));
  ASSERT_OK(a->Exec("CREATE TABLE t(x)"));
  ASSERT_OK_AND_ASSIGN(int64_t v1, a->DataVersion());
  ASSERT_OK_AND_ASSIGN(int64_t v1_again, a->DataVersion());
  EXPECT_EQ(v1, v1_again);
  // A's own writes don't count: data_version tracks other connections only.
  ASSERT_OK(a->Exec("INSERT INTO t VALUES(1)"));
  ASSERT_OK_AND_ASSIGN(int64_t v2, a->DataVersion());
  EXPECT_EQ(v1, v2);
  ASSERT_OK(b->Exec("INSERT INTO t VALUES(2)"));
  ASSERT_OK_AND_ASSIGN(int64_t v3, a->DataVersion());
  EXPECT_NE(v2, v3);
}

TEST_F(SqliteTest, Fts5MatchWithBm25Ranking) {
  ASSERT_OK_AND_ASSIGN(std::unique_ptr<Database> db, Database::Open(Path("a.db")));
  ASSERT_OK(db->Exec("CREATE VIRTUAL TABLE t USING fts5(x)"));
  ASSERT_OK_AND_ASSIGN(Statement insert, db->Prepare("INSERT INTO t(rowid, x) VALUES(?, ?)"));
  const std::vector<std::pair<int64_t, std::string>> docs = {
      {1, "clerk typist with occasional accounting duties and many other unrelated tasks"},
      {2, "senior accountant accounting accounting"},
      {3, "park ranger"},
      {4, "accounting clerk"},
  };
  for (const auto& [id, text] : docs) {
    insert.Reset();
    insert.Bind(1, id).Bind(2, text);
    ASSERT_OK(insert.Step());
  }
  ASSERT_OK_AND_ASSIGN(Statement query,
                       db->Prepare("SELECT rowid FROM t WHERE t MATCH ? ORDER BY bm25(t)"));
  query.Bind(1, std::string_view("accounting"));
  std::vector<int64_t> ids;
  while (true) {
    ASSERT_OK_AND_ASSIGN(bool has_row, query.Step());
    if (!has_row) break;
    ids.push_back(query.ColumnInt(0));
  }
  // Most occurrences first, then the short document, then the long one; no non-match.
  EXPECT_EQ(ids, (std::vector<int64_t>{2, 4, 1}));
}

TEST_F(SqliteTest, MalformedFts5QueryIsInvalidArgumentWithoutQueryText) {
  ASSERT_OK_AND_ASSIGN(std::unique_ptr<Database> db, Database::Open(":memory:"));
  ASSERT_OK(db->Exec("CREATE VIRTUAL TABLE t USING fts5(x); INSERT INTO t VALUES('a');"));
  ASSERT_OK_AND_ASSIGN(Statement query, db->Prepare("SELECT rowid FROM t WHERE t MATCH ?"));
  // Left alone, SQLite would quote parts of most of these back in its error message.
  for (std::string_view q : {"smithsonian AND", "smithsonian:abc", "{x} smithsonian",
                             "NEAR(a, 5 smithsonian)", "NEAR(a b, smithsonian)"}) {
    query.Reset();
    query.Bind(1, q);
    absl::StatusOr<bool> row = query.Step();
    ASSERT_FALSE(row.ok()) << q;
    EXPECT_EQ(row.status().code(), absl::StatusCode::kInvalidArgument) << row.status();
    EXPECT_EQ(row.status().message().find("smithsonian"), std::string::npos) << row.status();
  }
}

// ---------------------------------------------------------------------------------------------
// Migrations

absl::StatusOr<std::vector<std::pair<int64_t, std::string>>> AppliedMigrations(Database& db) {
  absl::StatusOr<Statement> stmt =
      db.Prepare("SELECT version, name, applied_at FROM schema_migrations ORDER BY version");
  if (!stmt.ok()) return stmt.status();
  std::vector<std::pair<int64_t, std::string>> out;
  while (true) {
    absl::StatusOr<bool> row = stmt->Step();
    if (!row.ok()) return row.status();
    if (!*row) return out;
    if (stmt->ColumnText(2).empty()) return absl::InternalError("empty applied_at");
    out.emplace_back(stmt->ColumnInt(0), stmt->ColumnText(1));
  }
}

const std::vector<Migration>& BaseMigrations() {
  static const auto* m = new std::vector<Migration>{
      {1, "create job", "CREATE TABLE job(id INTEGER PRIMARY KEY, title TEXT NOT NULL);"},
      // Depends on version 1, so applying out of order would fail.
      {2, "add grade",
       "ALTER TABLE job ADD COLUMN grade INTEGER; INSERT INTO job VALUES(1, 'x', 3);"},
  };
  return *m;
}

TEST_F(SqliteTest, MigrateAppliesInOrderAndRecordsVersions) {
  ASSERT_OK_AND_ASSIGN(std::unique_ptr<Database> db, Database::Open(Path("a.db")));
  ASSERT_OK_AND_ASSIGN(int v0, SchemaVersion(*db));
  EXPECT_EQ(v0, 0);
  ASSERT_OK(Migrate(*db, BaseMigrations()));
  ASSERT_OK_AND_ASSIGN(auto applied, AppliedMigrations(*db));
  EXPECT_EQ(applied,
            (std::vector<std::pair<int64_t, std::string>>{{1, "create job"}, {2, "add grade"}}));
  ASSERT_OK_AND_ASSIGN(int v, SchemaVersion(*db));
  EXPECT_EQ(v, 2);
  ASSERT_OK_AND_ASSIGN(int64_t grade, QueryInt(*db, "SELECT grade FROM job WHERE id = 1"));
  EXPECT_EQ(grade, 3);
  ASSERT_OK_AND_ASSIGN(int64_t fk, QueryInt(*db, "PRAGMA foreign_keys"));
  EXPECT_EQ(fk, 1);  // Restored after migrating.
}

TEST_F(SqliteTest, MigrateIsIdempotentAndAppliesOnlyNewOnes) {
  ASSERT_OK_AND_ASSIGN(std::unique_ptr<Database> db, Database::Open(Path("a.db")));
  ASSERT_OK(Migrate(*db, {BaseMigrations()[0]}));
  ASSERT_OK_AND_ASSIGN(int v1, SchemaVersion(*db));
  EXPECT_EQ(v1, 1);
  ASSERT_OK(Migrate(*db, BaseMigrations()));
  ASSERT_OK_AND_ASSIGN(std::string stamp, QueryText(*db,
                                                    "SELECT group_concat(applied_at) "
                                                    "FROM schema_migrations"));
  // A second run (also from a fresh connection) changes nothing: migration 2's INSERT would
  // fail on the primary key if it ran again.
  ASSERT_OK(Migrate(*db, BaseMigrations()));
  ASSERT_OK_AND_ASSIGN(std::unique_ptr<Database> again, Database::Open(Path("a.db")));
  ASSERT_OK(Migrate(*again, BaseMigrations()));
  ASSERT_OK_AND_ASSIGN(int64_t rows, QueryInt(*db, "SELECT count(*) FROM job"));
  EXPECT_EQ(rows, 1);
  ASSERT_OK_AND_ASSIGN(std::string stamp2, QueryText(*db,
                                                     "SELECT group_concat(applied_at) "
                                                     "FROM schema_migrations"));
  EXPECT_EQ(stamp, stamp2);
}

TEST_F(SqliteTest, FailingMigrationLeavesPreviousVersion) {
  ASSERT_OK_AND_ASSIGN(std::unique_ptr<Database> db, Database::Open(Path("a.db")));
  std::vector<Migration> migrations = BaseMigrations();
  migrations.push_back({3, "half done",
                        "CREATE TABLE partial(x); INSERT INTO partial VALUES(1);"
                        "ALTER TABLE job ADD COLUMN extra TEXT;"
                        "INSERT INTO no_such_table VALUES(1);"});
  migrations.push_back({4, "never reached", "CREATE TABLE later(x);"});
  absl::Status s = Migrate(*db, migrations);
  ASSERT_FALSE(s.ok());
  EXPECT_NE(s.message().find("migration 3 (half done)"), std::string::npos) << s;
  EXPECT_NE(s.message().find("no such table"), std::string::npos) << s;

  ASSERT_OK_AND_ASSIGN(int v, SchemaVersion(*db));
  EXPECT_EQ(v, 2);
  ASSERT_OK_AND_ASSIGN(bool partial, TableExists(*db, "partial"));
  EXPECT_FALSE(partial);
  ASSERT_OK_AND_ASSIGN(bool later, TableExists(*db, "later"));
  EXPECT_FALSE(later);
  EXPECT_FALSE(db->Prepare("SELECT extra FROM job").ok());  // ALTER was rolled back too.
  EXPECT_FALSE(db->InTransaction());

  // Fixing the migration lets it go through.
  migrations[2].sql = "CREATE TABLE partial(x);";
  ASSERT_OK(Migrate(*db, migrations));
  ASSERT_OK_AND_ASSIGN(v, SchemaVersion(*db));
  EXPECT_EQ(v, 4);
}

TEST_F(SqliteTest, MigrateRefusesDatabaseFromNewerBinary) {
  ASSERT_OK_AND_ASSIGN(std::unique_ptr<Database> db, Database::Open(Path("a.db")));
  ASSERT_OK(Migrate(*db, BaseMigrations()));
  absl::Status s = Migrate(*db, {BaseMigrations()[0]});
  EXPECT_EQ(s.code(), absl::StatusCode::kFailedPrecondition) << s;
  EXPECT_NE(s.message().find("schema version 2"), std::string::npos) << s;
  s = Migrate(*db, {});
  EXPECT_EQ(s.code(), absl::StatusCode::kFailedPrecondition) << s;
}

TEST_F(SqliteTest, MigrateRefusesBadVersionLists) {
  ASSERT_OK_AND_ASSIGN(std::unique_ptr<Database> db, Database::Open(Path("a.db")));
  const std::vector<std::vector<Migration>> bad = {
      {{2, "b", "CREATE TABLE b(x)"}, {1, "a", "CREATE TABLE a(x)"}},
      {{1, "a", "CREATE TABLE a(x)"}, {1, "b", "CREATE TABLE b(x)"}},
      {{0, "zero", "CREATE TABLE a(x)"}},
  };
  for (const auto& list : bad) {
    absl::Status s = Migrate(*db, list);
    EXPECT_EQ(s.code(), absl::StatusCode::kFailedPrecondition) << s;
  }
  ASSERT_OK_AND_ASSIGN(bool a, TableExists(*db, "a"));
  EXPECT_FALSE(a);
}

TEST_F(SqliteTest, MigrateRefusesMissingMigrationBelowAppliedOne) {
  ASSERT_OK_AND_ASSIGN(std::unique_ptr<Database> db, Database::Open(Path("a.db")));
  ASSERT_OK(Migrate(*db, {{1, "a", "CREATE TABLE a(x)"}, {3, "c", "CREATE TABLE c(x)"}}));
  absl::Status s = Migrate(*db, {{1, "a", "CREATE TABLE a(x)"},
                                 {2, "b", "CREATE TABLE b(x)"},
                                 {3, "c", "CREATE TABLE c(x)"}});
  EXPECT_EQ(s.code(), absl::StatusCode::kFailedPrecondition) << s;
  ASSERT_OK_AND_ASSIGN(bool b, TableExists(*db, "b"));
  EXPECT_FALSE(b);
}

TEST_F(SqliteTest, MigrationCanRebuildParentTableWithoutCascading) {
  ASSERT_OK_AND_ASSIGN(std::unique_ptr<Database> db, Database::Open(Path("a.db")));
  std::vector<Migration> migrations = {
      {1, "parent and child",
       "CREATE TABLE parent(id INTEGER PRIMARY KEY, name TEXT);"
       "CREATE TABLE child(id INTEGER PRIMARY KEY,"
       "  parent_id INTEGER NOT NULL REFERENCES parent(id) ON DELETE CASCADE);"
       "INSERT INTO parent VALUES(1, 'p');"
       "INSERT INTO child VALUES(10, 1), (11, 1);"},
  };
  ASSERT_OK(Migrate(*db, migrations));
  // SQLite's table-rebuild recipe; with enforcement on, DROP TABLE would cascade to child.
  migrations.push_back({2, "rebuild parent",
                        "CREATE TABLE parent_new(id INTEGER PRIMARY KEY, name TEXT NOT NULL);"
                        "INSERT INTO parent_new SELECT id, name FROM parent;"
                        "DROP TABLE parent;"
                        "ALTER TABLE parent_new RENAME TO parent;"});
  ASSERT_OK(Migrate(*db, migrations));
  ASSERT_OK_AND_ASSIGN(int64_t children, QueryInt(*db, "SELECT count(*) FROM child"));
  EXPECT_EQ(children, 2);
  ASSERT_OK_AND_ASSIGN(int64_t fk, QueryInt(*db, "PRAGMA foreign_keys"));
  EXPECT_EQ(fk, 1);
}

TEST_F(SqliteTest, MigrationLeavingDanglingForeignKeysFails) {
  ASSERT_OK_AND_ASSIGN(std::unique_ptr<Database> db, Database::Open(Path("a.db")));
  std::vector<Migration> migrations = {
      {1, "parent and child",
       "CREATE TABLE parent(id INTEGER PRIMARY KEY);"
       "CREATE TABLE child(parent_id INTEGER REFERENCES parent(id));"
       "INSERT INTO parent VALUES(1); INSERT INTO child VALUES(1);"},
      {2, "drop parent rows", "DELETE FROM parent;"},
  };
  absl::Status s = Migrate(*db, migrations);
  EXPECT_EQ(s.code(), absl::StatusCode::kFailedPrecondition) << s;
  EXPECT_NE(s.message().find("foreign key violation in table child"), std::string::npos) << s;
  ASSERT_OK_AND_ASSIGN(int v, SchemaVersion(*db));
  EXPECT_EQ(v, 1);
  ASSERT_OK_AND_ASSIGN(int64_t parents, QueryInt(*db, "SELECT count(*) FROM parent"));
  EXPECT_EQ(parents, 1);
}

// ---------------------------------------------------------------------------------------------
// ConnectionPool

TEST_F(SqliteTest, PoolCreateOpensEagerlyAndValidates) {
  absl::StatusOr<std::unique_ptr<ConnectionPool>> bad =
      ConnectionPool::Create(Path("missing/a.db"), 4);
  EXPECT_FALSE(bad.ok());
  EXPECT_EQ(ConnectionPool::Create(Path("a.db"), 0).status().code(),
            absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(ConnectionPool::Create(":memory:", 2).status().code(),
            absl::StatusCode::kInvalidArgument);
  ASSERT_OK_AND_ASSIGN(std::unique_ptr<ConnectionPool> pool,
                       ConnectionPool::Create(Path("a.db"), 4));
  EXPECT_TRUE(std::filesystem::exists(Path("a.db")));
  EXPECT_EQ(pool->size(), 4);
}

TEST_F(SqliteTest, PoolServesTwoThreadsConcurrently) {
  ASSERT_OK_AND_ASSIGN(std::unique_ptr<ConnectionPool> pool,
                       ConnectionPool::Create(Path("a.db"), 2));
  {
    ASSERT_OK_AND_ASSIGN(ConnectionPool::Lease lease, pool->Acquire());
    ASSERT_OK(lease->Exec("CREATE TABLE t(x)"));
  }
  absl::Mutex mu;
  int holding = 0;
  std::vector<Database*> seen(2, nullptr);
  bool overlapped[2] = {false, false};
  auto worker = [&](int i) {
    absl::StatusOr<ConnectionPool::Lease> lease = pool->Acquire(absl::Seconds(2));
    EXPECT_TRUE(lease.ok()) << lease.status();
    if (!lease.ok()) return;
    seen[i] = &lease->db();
    EXPECT_OK((*lease)->Exec("INSERT INTO t VALUES(1)"));
    absl::MutexLock lock(&mu);
    ++holding;
    // Both leases must be out at the same time; with serialised access this times out.
    auto both = [&holding] { return holding == 2; };
    overlapped[i] = mu.AwaitWithTimeout(absl::Condition(&both), absl::Seconds(5));
  };
  std::thread a(worker, 0);
  std::thread b(worker, 1);
  a.join();
  b.join();
  EXPECT_TRUE(overlapped[0]);
  EXPECT_TRUE(overlapped[1]);
  EXPECT_NE(seen[0], seen[1]);
  ASSERT_OK_AND_ASSIGN(ConnectionPool::Lease lease, pool->Acquire());
  ASSERT_OK_AND_ASSIGN(int64_t n, QueryInt(*lease, "SELECT count(*) FROM t"));
  EXPECT_EQ(n, 2);
}

TEST_F(SqliteTest, PoolAcquireTimesOutWhenAllLeased) {
  ASSERT_OK_AND_ASSIGN(std::unique_ptr<ConnectionPool> pool,
                       ConnectionPool::Create(Path("a.db"), 1));
  absl::StatusOr<ConnectionPool::Lease> held = pool->Acquire();
  ASSERT_OK(held);
  absl::Time start = absl::Now();
  absl::StatusOr<ConnectionPool::Lease> second = pool->Acquire(absl::Milliseconds(100));
  EXPECT_EQ(second.status().code(), absl::StatusCode::kDeadlineExceeded) << second.status();
  EXPECT_GE(absl::Now() - start, absl::Milliseconds(90));

  // A waiter gets the connection as soon as it is returned.
  absl::Notification got;
  std::thread waiter([&] {
    absl::StatusOr<ConnectionPool::Lease> lease = pool->Acquire(absl::Seconds(5));
    EXPECT_TRUE(lease.ok()) << lease.status();
    got.Notify();
  });
  EXPECT_FALSE(got.WaitForNotificationWithTimeout(absl::Milliseconds(50)));
  held = absl::CancelledError("released");  // Drops the lease.
  EXPECT_TRUE(got.WaitForNotificationWithTimeout(absl::Seconds(5)));
  waiter.join();
}

TEST_F(SqliteTest, PoolReaderSeesSnapshotWhileWriterCommits) {
  OpenOptions options;
  options.busy_timeout = absl::Milliseconds(200);  // Fail fast if the writer were blocked.
  ASSERT_OK_AND_ASSIGN(std::unique_ptr<ConnectionPool> pool,
                       ConnectionPool::Create(Path("a.db"), 2, options));
  ASSERT_OK_AND_ASSIGN(ConnectionPool::Lease reader, pool->Acquire());
  ASSERT_OK_AND_ASSIGN(ConnectionPool::Lease writer, pool->Acquire());
  ASSERT_OK(writer->Exec("CREATE TABLE t(x); INSERT INTO t VALUES(1), (2);"));

  // An unfinished SELECT holds a read snapshot; in rollback-journal mode it would block COMMIT.
  ASSERT_OK_AND_ASSIGN(Statement scan, reader->Prepare("SELECT x FROM t ORDER BY x"));
  ASSERT_OK_AND_ASSIGN(bool has_row, scan.Step());
  ASSERT_TRUE(has_row);
  ASSERT_OK(writer->Transaction([&] { return writer->Exec("INSERT INTO t VALUES(3)"); }));
  int rows = 1;
  while (true) {
    ASSERT_OK_AND_ASSIGN(has_row, scan.Step());
    if (!has_row) break;
    ++rows;
  }
  EXPECT_EQ(rows, 2);  // The snapshot predates the insert.
  ASSERT_OK_AND_ASSIGN(int64_t n, QueryInt(*reader, "SELECT count(*) FROM t"));
  EXPECT_EQ(n, 3);  // A new read sees it.
}

TEST_F(SqliteTest, PoolWritersContendWithoutLosingUpdates) {
  ASSERT_OK_AND_ASSIGN(std::unique_ptr<ConnectionPool> pool,
                       ConnectionPool::Create(Path("a.db"), 3));
  {
    ASSERT_OK_AND_ASSIGN(ConnectionPool::Lease lease, pool->Acquire());
    ASSERT_OK(lease->Exec("CREATE TABLE counter(n INTEGER); INSERT INTO counter VALUES(0);"));
  }
  constexpr int kThreads = 3;
  constexpr int kIncrements = 40;
  std::atomic<int> failures{0};
  std::vector<std::thread> threads;
  threads.reserve(kThreads);
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&] {
      for (int i = 0; i < kIncrements; ++i) {
        absl::StatusOr<ConnectionPool::Lease> lease = pool->Acquire();
        if (!lease.ok()) {
          ++failures;
          continue;
        }
        Database& db = lease->db();
        absl::Status s = db.Transaction([&]() -> absl::Status {
          absl::StatusOr<int64_t> n = QueryInt(db, "SELECT n FROM counter");
          if (!n.ok()) return n.status();
          absl::StatusOr<Statement> update = db.Prepare("UPDATE counter SET n = ?");
          if (!update.ok()) return update.status();
          update->Bind(1, *n + 1);
          return update->Step().status();
        });
        if (!s.ok()) ++failures;
      }
    });
  }
  for (std::thread& t : threads) t.join();
  EXPECT_EQ(failures.load(), 0);
  ASSERT_OK_AND_ASSIGN(ConnectionPool::Lease lease, pool->Acquire());
  ASSERT_OK_AND_ASSIGN(int64_t n, QueryInt(*lease, "SELECT n FROM counter"));
  EXPECT_EQ(n, kThreads * kIncrements);
}

TEST_F(SqliteTest, PoolRollsBackTransactionLeftOpenByLease) {
  ASSERT_OK_AND_ASSIGN(std::unique_ptr<ConnectionPool> pool,
                       ConnectionPool::Create(Path("a.db"), 1));
  {
    ASSERT_OK_AND_ASSIGN(ConnectionPool::Lease lease, pool->Acquire());
    ASSERT_OK(lease->Exec("CREATE TABLE t(x)"));
    ASSERT_OK(lease->Exec("BEGIN IMMEDIATE; INSERT INTO t VALUES(1);"));
  }
  ASSERT_OK_AND_ASSIGN(ConnectionPool::Lease lease, pool->Acquire(absl::Milliseconds(100)));
  EXPECT_FALSE(lease->InTransaction());
  ASSERT_OK_AND_ASSIGN(int64_t n, QueryInt(*lease, "SELECT count(*) FROM t"));
  EXPECT_EQ(n, 0);
}

TEST_F(SqliteTest, OpenMigratedOpensThePoolAndMigrates) {
  const std::string path = Path("open_migrated.db");
  {
    ASSERT_OK_AND_ASSIGN(auto pool, OpenMigrated(path, 2, BaseMigrations()));
    ASSERT_OK_AND_ASSIGN(auto lease, pool->Acquire());
    ASSERT_OK_AND_ASSIGN(int v, SchemaVersion(lease.db()));
    EXPECT_EQ(v, static_cast<int>(BaseMigrations().size()));
  }
  // Again on the migrated file: a no-op.
  ASSERT_OK_AND_ASSIGN(auto again, OpenMigrated(path, 1, BaseMigrations()));
  // A list that lost a migration the file holds is refused, as Migrate refuses it.
  EXPECT_EQ(OpenMigrated(path, 1, {BaseMigrations()[0]}).status().code(),
            absl::StatusCode::kFailedPrecondition);
  EXPECT_FALSE(OpenMigrated(Path("missing/dir.db"), 1, BaseMigrations()).ok());
}

TEST_F(SqliteTest, ForEachRowVisitsEveryRowAndStopsAtTheFirstError) {
  ASSERT_OK_AND_ASSIGN(auto db, Database::Open(":memory:"));
  ASSERT_OK(db->Exec("CREATE TABLE t(n INTEGER); INSERT INTO t VALUES(1), (2), (3);"));
  ASSERT_OK_AND_ASSIGN(Statement all, db->Prepare("SELECT n FROM t ORDER BY n"));
  std::vector<int64_t> seen;
  ASSERT_OK(ForEachRow(all, [&] {
    seen.push_back(all.ColumnInt(0));
    return absl::OkStatus();
  }));
  EXPECT_EQ(seen, (std::vector<int64_t>{1, 2, 3}));

  ASSERT_OK_AND_ASSIGN(Statement again, db->Prepare("SELECT n FROM t ORDER BY n"));
  int calls = 0;
  absl::Status s = ForEachRow(again, [&] {
    ++calls;
    return again.ColumnInt(0) == 2 ? absl::InternalError("row 2") : absl::OkStatus();
  });
  EXPECT_EQ(s, absl::InternalError("row 2"));
  EXPECT_EQ(calls, 2);

  // A step error (here a pending bind error) is returned before any row is visited.
  ASSERT_OK_AND_ASSIGN(Statement bad, db->Prepare("SELECT n FROM t WHERE n = ?1"));
  bad.Bind(2, int64_t{1});
  calls = 0;
  EXPECT_FALSE(ForEachRow(bad, [&] {
                 ++calls;
                 return absl::OkStatus();
               }).ok());
  EXPECT_EQ(calls, 0);
}

TEST_F(SqliteTest, CollectBlobsParsesEveryRowOrReportsACorruptOne) {
  ASSERT_OK_AND_ASSIGN(auto db, Database::Open(":memory:"));
  ASSERT_OK(db->Exec("CREATE TABLE t(id INTEGER, data BLOB)"));
  google::protobuf::StringValue a, b;
  a.set_value("a");
  b.set_value("b");
  for (const auto& [id, blob] : {std::pair<int64_t, std::string>{1, a.SerializeAsString()},
                                 {2, b.SerializeAsString()},
                                 {3, "\xff\xff"}}) {
    ASSERT_OK_AND_ASSIGN(Statement ins, db->Prepare("INSERT INTO t VALUES(?1, ?2)"));
    ins.Bind(1, id).BindBlob(2, blob);
    ASSERT_OK(ins.Step().status());
  }
  ASSERT_OK_AND_ASSIGN(Statement good,
                       db->Prepare("SELECT id, data FROM t WHERE id < 3 ORDER BY id"));
  ASSERT_OK_AND_ASSIGN(auto list, CollectBlobs<google::protobuf::StringValue>(good, 1));
  ASSERT_EQ(list.size(), 2u);
  EXPECT_EQ(list[0].value(), "a");
  EXPECT_EQ(list[1].value(), "b");

  ASSERT_OK_AND_ASSIGN(Statement all, db->Prepare("SELECT data FROM t ORDER BY id"));
  EXPECT_EQ(CollectBlobs<google::protobuf::StringValue>(all).status(),
            absl::DataLossError("stored StringValue is corrupt"));
}

TEST_F(SqliteTest, FirstIsTheListsFrontOrNone) {
  ASSERT_OK_AND_ASSIGN(auto one, First(absl::StatusOr<std::vector<int>>(std::vector<int>{4, 5})));
  EXPECT_EQ(one, std::optional<int>(4));
  ASSERT_OK_AND_ASSIGN(auto none, First(absl::StatusOr<std::vector<int>>(std::vector<int>{})));
  EXPECT_EQ(none, std::nullopt);
  EXPECT_EQ(First(absl::StatusOr<std::vector<int>>(absl::UnavailableError("x"))).status(),
            absl::UnavailableError("x"));
}

}  // namespace
}  // namespace classplan::sqlite
