// Integration tests of the PostgreSQL layer against a real server the test starts.
#include <sys/stat.h>
#include <unistd.h>

#include <atomic>
#include <fstream>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "absl/synchronization/notification.h"
#include "common/postgres/database.h"
#include "common/postgres/migrations.h"
#include "common/postgres/pool.h"
#include "common/postgres/store_flags.h"
#include "gtest/gtest.h"
#include "tests/support/postgres_fixture.h"

namespace classplan::postgres {
namespace {

class PostgresTest : public testing::PostgresFixture {
 protected:
  std::unique_ptr<Database> Connect(ConnectOptions options = {}) {
    auto db = Database::Open(url_, options);
    EXPECT_TRUE(db.ok()) << db.status();
    return db.ok() ? *std::move(db) : nullptr;
  }
};

TEST(StoreTargetFromFlags, TheFileWinsAndAPasswordNeverComesFromAFlag) {
  auto sqlite = StoreTargetFromFlags("var/catalog.db", "");
  EXPECT_FALSE(sqlite->postgres);
  EXPECT_EQ(sqlite->location, "var/catalog.db");
  auto url = StoreTargetFromFlags("postgresql://u@h/db", "");
  EXPECT_TRUE(url->postgres);
  EXPECT_EQ(url->location, "postgresql://u@h/db");
  auto bad = StoreTargetFromFlags("postgresql://u:secret@h/db", "");
  EXPECT_TRUE(absl::IsInvalidArgument(bad.status())) << bad.status();
  EXPECT_EQ(bad.status().message().find("secret"), absl::string_view::npos);
  const std::string file = ::testing::TempDir() + "/db_url_" + std::to_string(::getpid());
  std::ofstream(file) << "postgresql://u:secret@h/db\n";
  ::chmod(file.c_str(), 0600);
  auto from_file = StoreTargetFromFlags("ignored.db", file);
  EXPECT_TRUE(from_file->postgres);
  EXPECT_EQ(from_file->location, "postgresql://u:secret@h/db");
  ::chmod(file.c_str(), 0644);
  EXPECT_TRUE(absl::IsPermissionDenied(StoreTargetFromFlags("", file).status()));
  ::unlink(file.c_str());
  EXPECT_TRUE(absl::IsNotFound(StoreTargetFromFlags("", file).status()));
}

TEST_F(PostgresTest, ParametersRoundTripTextIntegersBytesAndNull) {
  auto db = Connect();
  ASSERT_NE(db, nullptr);
  ASSERT_TRUE(db->Exec("CREATE TABLE t (id TEXT PRIMARY KEY, n BIGINT, small INTEGER, "
                       "b BYTEA, z TEXT)")
                  .ok());
  const std::string bytes("a\0b\xff\x01", 5);
  auto ins = db->Prepare("INSERT INTO t VALUES ($1, $2, $3, $4, $5)");
  ASSERT_TRUE(ins.ok());
  ins->Bind(1, "k'; DROP TABLE t; --").Bind(2, int64_t{-1234567890123}).Bind(3, int64_t{-7});
  ins->BindBlob(4, bytes).BindNull(5);
  ASSERT_TRUE(ins->Step().ok());
  EXPECT_EQ(db->Changes(), 1);
  auto sel = db->Prepare("SELECT id, n, small, b, z, n > 0 FROM t WHERE id = $1");
  sel->Bind(1, "k'; DROP TABLE t; --");
  auto row = sel->Step();
  ASSERT_TRUE(row.ok()) << row.status();
  ASSERT_TRUE(*row);
  EXPECT_EQ(sel->ColumnText(0), "k'; DROP TABLE t; --");
  EXPECT_EQ(sel->ColumnInt(1), -1234567890123);
  EXPECT_EQ(sel->ColumnInt(2), -7);
  EXPECT_EQ(sel->ColumnBlob(3), bytes);
  EXPECT_TRUE(sel->ColumnIsNull(4));
  EXPECT_EQ(sel->ColumnInt(5), 0);
  EXPECT_FALSE(*sel->Step());
}

TEST_F(PostgresTest, ErrorsMapToCanonicalCodes) {
  auto db = Connect({absl::Seconds(5), absl::Milliseconds(200)});
  ASSERT_NE(db, nullptr);
  ASSERT_TRUE(db->Exec("CREATE TABLE t (id TEXT PRIMARY KEY, v BIGINT NOT NULL)").ok());
  auto ins = db->Prepare("INSERT INTO t VALUES ($1, 1)");
  ins->Bind(1, "secret-id");
  ASSERT_TRUE(ins->Step().ok());
  ins = db->Prepare("INSERT INTO t VALUES ($1, 1)");
  ins->Bind(1, "secret-id");
  absl::Status dup = ins->Step().status();
  EXPECT_TRUE(absl::IsAlreadyExists(dup)) << dup;
  EXPECT_EQ(std::string(dup.message()).find("secret-id"), std::string::npos) << dup;
  auto bad = db->Prepare("INSERT INTO t VALUES ('x', $1::text::bigint)");
  bad->Bind(1, "not-a-number-secret");
  absl::Status invalid = bad->Step().status();
  EXPECT_TRUE(absl::IsInvalidArgument(invalid)) << invalid;
  EXPECT_EQ(std::string(invalid.message()).find("secret"), std::string::npos) << invalid;
  // The statement timeout (200ms here) cancels a statement that would run for a minute.
  EXPECT_TRUE(absl::IsDeadlineExceeded(db->Exec("SELECT pg_sleep(60)")));
  EXPECT_TRUE(absl::IsInternal(db->Exec("SELECT * FROM no_such_table")));
}

// Two serializable transactions that read and write the same row: the second to write loses.
TEST_F(PostgresTest, SerializationFailureIsAborted) {
  auto a = Connect();
  auto b = Connect();
  ASSERT_TRUE(a && b);
  ASSERT_TRUE(
      a->Exec("CREATE TABLE t (id INT PRIMARY KEY, v INT); INSERT INTO t VALUES (1, 0)").ok());
  absl::Status status = a->Transaction(
      [&]() -> absl::Status {
        if (auto s = a->Exec("SELECT v FROM t WHERE id = 1"); !s.ok()) return s;
        // b commits a change to the row a has read, inside a's transaction.
        if (auto s = b->Exec("UPDATE t SET v = 2 WHERE id = 1"); !s.ok()) return s;
        return a->Exec("UPDATE t SET v = 1 WHERE id = 1");
      },
      Isolation::kSerializable);
  EXPECT_TRUE(absl::IsAborted(status)) << status;
  EXPECT_FALSE(a->InTransaction());
}

TEST_F(PostgresTest, TransactionsCommitOrRollBackWhole) {
  auto db = Connect();
  ASSERT_NE(db, nullptr);
  ASSERT_TRUE(db->Exec("CREATE TABLE t (id INT PRIMARY KEY)").ok());
  auto count = [&] {
    auto st = db->Prepare("SELECT count(*) FROM t");
    EXPECT_TRUE(*st->Step());
    return st->ColumnInt(0);
  };
  EXPECT_TRUE(absl::IsCancelled(db->Transaction([&] {
    EXPECT_TRUE(db->Exec("INSERT INTO t VALUES (1)").ok());
    return absl::CancelledError("body failed");
  })));
  EXPECT_EQ(count(), 0);
  // A body that carries on after a failed statement does not get a silent rollback as "OK".
  absl::Status s = db->Transaction([&] {
    EXPECT_TRUE(db->Exec("INSERT INTO t VALUES (1)").ok());
    EXPECT_FALSE(db->Exec("INSERT INTO t VALUES (1)").ok());
    return absl::OkStatus();
  });
  EXPECT_TRUE(absl::IsAborted(s)) << s;
  EXPECT_EQ(count(), 0);
  ASSERT_TRUE(db->Transaction([&] { return db->Exec("INSERT INTO t VALUES (2)"); }).ok());
  EXPECT_EQ(count(), 1);
  EXPECT_TRUE(absl::IsFailedPrecondition(
      db->Transaction([&] { return db->Transaction([] { return absl::OkStatus(); }); })));
}

TEST_F(PostgresTest, ConnectFailureIsUnavailableWithoutThePassword) {
  auto db =
      Database::Open(absl::StrCat("postgresql://classplan:hunter2-secret@127.0.0.1:1/postgres"));
  ASSERT_FALSE(db.ok());
  EXPECT_TRUE(absl::IsUnavailable(db.status())) << db.status();
  EXPECT_EQ(std::string(db.status().message()).find("hunter2"), std::string::npos);
}

TEST_F(PostgresTest, PoolIsBoundedAndWaitsWithATimeout) {
  auto pool = ConnectionPool::Create(url_, 2);
  ASSERT_TRUE(pool.ok()) << pool.status();
  auto l1 = (*pool)->Acquire();
  auto l2 = (*pool)->Acquire();
  ASSERT_TRUE(l1.ok() && l2.ok());
  EXPECT_TRUE(absl::IsDeadlineExceeded((*pool)->Acquire(absl::Milliseconds(50)).status()));
  { auto gone = std::move(*l1); }
  EXPECT_TRUE((*pool)->Acquire(absl::Milliseconds(50)).ok());
}

const std::vector<Migration>& TwoSteps() {
  static const auto* m = new std::vector<Migration>{
      // No IF NOT EXISTS: a step run twice fails.
      {1, "first", "CREATE TABLE a (id INT PRIMARY KEY)"},
      {2, "second", "CREATE TABLE b (id INT PRIMARY KEY); INSERT INTO a VALUES (1)"},
  };
  return *m;
}

// Eight replicas start together on one empty database: each step runs once, all start.
TEST_F(PostgresTest, MigrationsUnderTheAdvisoryLockRunOnceAcrossReplicas) {
  std::vector<std::thread> replicas;
  replicas.reserve(8);
  std::vector<absl::Status> results(8);
  std::atomic<int> ready{0};
  for (int i = 0; i < 8; ++i) {
    replicas.emplace_back([&, i] {
      auto db = Database::Open(url_);
      if (!db.ok()) {
        results[i] = db.status();
        return;
      }
      // All connected before any migrates, so they contend for the lock.
      ++ready;
      while (ready.load() < 8) std::this_thread::yield();
      results[i] = Migrate(**db, TwoSteps());
    });
  }
  for (auto& t : replicas) t.join();
  for (const auto& s : results) EXPECT_TRUE(s.ok()) << s;
  auto db = Connect();
  EXPECT_EQ(*SchemaVersion(*db), 2);
  auto st = db->Prepare("SELECT count(*) FROM a");
  ASSERT_TRUE(*st->Step());
  EXPECT_EQ(st->ColumnInt(0), 1);
}

TEST_F(PostgresTest, ANewerSchemaRefusesToStart) {
  auto db = Connect();
  ASSERT_TRUE(Migrate(*db, TwoSteps()).ok());
  std::vector<Migration> older(TwoSteps().begin(), TwoSteps().begin() + 1);
  absl::Status s = Migrate(*db, older);
  EXPECT_TRUE(absl::IsFailedPrecondition(s)) << s;
  EXPECT_NE(std::string(s.message()).find("schema version 2"), std::string::npos) << s;
  EXPECT_NE(std::string(s.message()).find("newer binary"), std::string::npos) << s;
  // The lock was released: migrating again (another replica) is not held up.
  auto other = Connect();
  EXPECT_TRUE(Migrate(*other, TwoSteps()).ok());
}

// Group commit: writes that arrive while a batch runs go together in the next one; a body that
// fails there (a duplicate key) undoes only itself, the others commit. The leader's body holds
// its batch open until the three others are queued, so the second batch has all three.
TEST_F(PostgresTest, GroupedWritesShareACommitAndFailAlone) {
  auto pool = ConnectionPool::Create(url_, 4);
  ASSERT_TRUE(pool.ok()) << pool.status();
  ASSERT_TRUE(
      (*pool)
          ->Write([](Database& db) { return db.Exec("CREATE TABLE t (id TEXT PRIMARY KEY)"); })
          .ok());
  auto insert = [&](const char* id) {
    return (*pool)->WriteGrouped([id](Database& db) {
      auto st = db.Prepare("INSERT INTO t VALUES ($1)");
      if (!st.ok()) return st.status();
      st->Bind(1, id);
      return st->Step().status();
    });
  };
  absl::Status leader;
  absl::Notification leading;
  std::thread first([&] {
    leader = (*pool)->WriteGrouped([&](Database& db) {
      auto st = db.Prepare("INSERT INTO t VALUES ('a')");
      if (!st.ok()) return st.status();
      if (auto s = st->Step(); !s.ok()) return s.status();
      leading.Notify();
      // Polls a count (bounded), so no outcome depends on timing.
      for (int i = 0; i < 1000 && (*pool)->GroupQueued() < 3; ++i) {
        absl::SleepFor(absl::Milliseconds(10));
      }
      EXPECT_EQ((*pool)->GroupQueued(), 3);
      return absl::OkStatus();
    });
  });
  leading.WaitForNotification();  // the others queue behind the leader's batch
  absl::Status b, dup, c;
  std::thread tb([&] { b = insert("b"); });
  std::thread tdup([&] { dup = insert("a"); });
  std::thread tc([&] { c = insert("c"); });
  for (std::thread* t : {&first, &tb, &tdup, &tc}) t->join();
  EXPECT_TRUE(leader.ok()) << leader;
  EXPECT_TRUE(b.ok()) << b;
  EXPECT_TRUE(c.ok()) << c;
  EXPECT_EQ(dup.code(), absl::StatusCode::kAlreadyExists) << dup;
  auto rows = server()->Psql(url_.substr(url_.rfind('/') + 1),
                             "SELECT string_agg(id, ',' ORDER BY id) FROM t");
  ASSERT_TRUE(rows.ok()) << rows.status();
  EXPECT_EQ(absl::StripAsciiWhitespace(*rows), "a,b,c");
}

// How many of the connection's own prepared statements have `sql` as their text.
int64_t PreparedAs(Database& db, const std::string& sql) {
  auto st = db.Prepare("SELECT count(*) FROM pg_prepared_statements WHERE statement = $1");
  st->Bind(1, sql);
  auto row = st->Step();
  return row.ok() && *row ? st->ColumnInt(0) : -1;
}

TEST_F(PostgresTest, StatementsArePreparedOncePerConnectionAndKeyedByTheirTypes) {
  auto db = Connect();
  ASSERT_NE(db, nullptr);
  const std::string sql = "SELECT $1::text";
  auto select = [&](auto bind) -> std::string {
    auto st = db->Prepare(sql);
    bind(*st);
    auto row = st->Step();
    EXPECT_TRUE(row.ok() && *row) << row.status();
    return st->ColumnIsNull(0) ? "NULL" : st->ColumnText(0);
  };
  EXPECT_EQ(PreparedAs(*db, sql), 0);
  EXPECT_EQ(select([](Statement& st) { st.Bind(1, int64_t{5}); }), "5");
  EXPECT_EQ(PreparedAs(*db, sql), 1);
  EXPECT_EQ(select([](Statement& st) { st.Bind(1, int64_t{6}); }), "6");
  EXPECT_EQ(PreparedAs(*db, sql), 1);  // the second use executed the first's statement
  // The same text with a text parameter: prepared with $1 as bigint it would fail to parse.
  EXPECT_EQ(select([](Statement& st) { st.Bind(1, "abc"); }), "abc");
  EXPECT_EQ(select([](Statement& st) { st.BindNull(1); }), "NULL");
  EXPECT_EQ(PreparedAs(*db, sql), 2);  // text and NULL both let the server infer $1
  // Rolled back, a statement prepared inside a transaction still serves (not transactional).
  ASSERT_FALSE(db->Transaction([&] {
                   EXPECT_EQ(select([](Statement& st) { st.Bind(1, "in"); }), "in");
                   auto other = db->Prepare("SELECT 2 + $1");
                   other->Bind(1, int64_t{1});
                   EXPECT_TRUE(*other->Step());
                   return absl::CancelledError("roll back");
                 }).ok());
  EXPECT_EQ(select([](Statement& st) { st.Bind(1, "after"); }), "after");
  // Deallocated behind the cache's back: prepared again, transparently, outside a transaction.
  ASSERT_TRUE(db->Exec("DEALLOCATE ALL").ok());
  EXPECT_EQ(select([](Statement& st) { st.Bind(1, int64_t{7}); }), "7");
  EXPECT_EQ(PreparedAs(*db, sql), 1);
  // A table whose columns change under a cached SELECT *: the failed call re-prepares it.
  ASSERT_TRUE(db->Exec("CREATE TABLE c (a BIGINT); INSERT INTO c VALUES (1)").ok());
  auto star = [&]() -> absl::StatusOr<int> {
    auto st = db->Prepare("SELECT * FROM c");
    auto row = st->Step();
    if (!row.ok()) return row.status();
    return st->ColumnCount();
  };
  EXPECT_EQ(*star(), 1);
  ASSERT_TRUE(db->Exec("ALTER TABLE c ADD COLUMN b BIGINT").ok());
  auto widened = star();
  ASSERT_TRUE(widened.ok()) << widened.status();
  EXPECT_EQ(*widened, 2);
}

TEST_F(PostgresTest, ThePreparedStatementCacheIsBounded) {
  ConnectOptions options;
  options.max_prepared_statements = 2;
  auto db = Connect(options);
  ASSERT_NE(db, nullptr);
  for (int round = 0; round < 3; ++round) {
    for (int i = 0; i < 4; ++i) {
      auto st = db->Prepare(absl::StrCat("SELECT ", i, " + $1"));
      st->Bind(1, int64_t{round});
      ASSERT_TRUE(*st->Step());
      EXPECT_EQ(st->ColumnInt(0), i + round);
    }
  }
  auto count = db->Prepare("SELECT count(*) FROM pg_prepared_statements");
  ASSERT_TRUE(*count->Step());
  EXPECT_LE(count->ColumnInt(0), 2);  // its own statement is one of them
  ConnectOptions none;
  none.max_prepared_statements = 0;
  auto unprepared = Connect(none);
  auto st = unprepared->Prepare("SELECT count(*) FROM pg_prepared_statements");
  ASSERT_TRUE(*st->Step());
  EXPECT_EQ(st->ColumnInt(0), 0);
}

TEST_F(PostgresTest, StepTogetherRunsTwoStatementsInOrderInOneRoundTrip) {
  auto db = Connect();
  ASSERT_NE(db, nullptr);
  ASSERT_TRUE(db->Exec("CREATE TABLE p (id BIGINT PRIMARY KEY)").ok());
  auto run = [&](int64_t id) -> absl::StatusOr<int64_t> {
    auto ins = db->Prepare("INSERT INTO p VALUES ($1)");
    auto count = db->Prepare("SELECT count(*) FROM p");
    ins->Bind(1, id);
    if (auto s = db->StepTogether(*ins, *count); !s.ok()) return s;
    EXPECT_EQ(ins->Changes(), 1);
    auto row = count->Step();
    if (!row.ok()) return row.status();
    return *row ? count->ColumnInt(0) : -1;
  };
  EXPECT_EQ(*run(1), 1);  // the second statement saw the first's row
  EXPECT_EQ(*run(2), 2);
  // A failing first statement: the second does not run, the error is the first's, and the
  // connection serves on.
  auto dup = run(2);
  EXPECT_TRUE(absl::IsAlreadyExists(dup.status())) << dup.status();
  EXPECT_FALSE(db->broken());
  EXPECT_EQ(*run(3), 3);
  // Inside a transaction, a last write and COMMIT together.
  ASSERT_TRUE(db->Exec("BEGIN").ok());
  auto ins = db->Prepare("INSERT INTO p VALUES (4)");
  auto commit = db->Prepare("COMMIT");
  ASSERT_TRUE(db->StepTogether(*ins, *commit).ok());
  EXPECT_FALSE(db->InTransaction());
  EXPECT_EQ(*run(5), 5);
}

TEST_F(PostgresTest, APoolConnectsOverTheServersUnixSocket) {
  const std::string name = url_.substr(url_.rfind('/') + 1);
  auto pool = ConnectionPool::Create(server()->SocketUrl(name), 2);
  ASSERT_TRUE(pool.ok()) << pool.status();
  absl::Status s = (*pool)->Read([](Database& db) -> absl::Status {
    // No server address: the connection is a Unix socket's, not TCP's.
    auto st = db.Prepare("SELECT inet_server_addr() IS NULL, current_database()");
    auto row = st->Step();
    if (!row.ok()) return row.status();
    EXPECT_EQ(st->ColumnInt(0), 1);
    return absl::OkStatus();
  });
  EXPECT_TRUE(s.ok()) << s;
}

TEST_F(PostgresTest, CommandsQueuedWithTheNextStatementRunBeforeIt) {
  auto db = Connect();
  ASSERT_NE(db, nullptr);
  ASSERT_TRUE(db->Exec("CREATE TABLE q (id BIGINT PRIMARY KEY)").ok());
  auto count = [&]() -> int64_t {
    auto st = db->Prepare("SELECT count(*) FROM q");
    return *st->Step() ? st->ColumnInt(0) : -1;
  };
  absl::Status s = db->Transaction([&]() -> absl::Status {
    db->ExecWithNext("SAVEPOINT s");
    auto ins = db->Prepare("INSERT INTO q VALUES (1)");
    if (auto r = ins->Step(); !r.ok()) return r.status();  // SAVEPOINT went with it
    EXPECT_EQ(count(), 1);
    if (auto r = db->Exec("ROLLBACK TO SAVEPOINT s"); !r.ok()) return r;
    EXPECT_EQ(count(), 0);
    // A queued command that fails is the next statement's error.
    db->ExecWithNext("RELEASE SAVEPOINT no_such_savepoint");
    auto after = db->Prepare("INSERT INTO q VALUES (2)");
    auto r = after->Step();
    EXPECT_FALSE(r.ok());
    return r.status();
  });
  EXPECT_FALSE(s.ok());
  EXPECT_FALSE(db->InTransaction());
  EXPECT_EQ(count(), 0);
}

// Last: it restarts the shared server. Every pooled connection dies with it; a read then
// costs nothing (retried once on a new connection), and the loss is noticed and replaced.
TEST_F(PostgresTest, ZReadsRideThroughAServerRestart) {
  auto pool = OpenMigrated(url_, 3, TwoSteps());
  ASSERT_TRUE(pool.ok()) << pool.status();
  auto read = [&] {
    return (*pool)->Read([](Database& db) -> absl::Status {
      auto st = db.Prepare("SELECT count(*) FROM a");
      auto row = st->Step();
      if (!row.ok()) return row.status();
      return st->ColumnInt(0) == 1 ? absl::OkStatus() : absl::InternalError("wrong count");
    });
  };
  {
    // Three connections open and idle in the pool.
    auto l1 = (*pool)->Acquire();
    auto l2 = (*pool)->Acquire();
    auto l3 = (*pool)->Acquire();
    ASSERT_TRUE(l1.ok() && l2.ok() && l3.ok());
  }
  ASSERT_TRUE(read().ok());
  ASSERT_TRUE(server()->Restart().ok());
  for (int i = 0; i < 10; ++i) EXPECT_TRUE(read().ok()) << read();
  {
    // The new connection prepared the read's statement afresh (the old one died with its cache).
    auto lease = (*pool)->Acquire();
    ASSERT_TRUE(lease.ok());
    EXPECT_EQ(PreparedAs(**lease, "SELECT count(*) FROM a"), 1);
  }
  // A write is never retried: on a dead connection it fails (Unavailable), and the next works.
  {
    auto lease = (*pool)->Acquire();
    ASSERT_TRUE(lease.ok());
    EXPECT_TRUE((*lease)->Exec("INSERT INTO b VALUES (1)").ok());
  }
  ASSERT_TRUE(server()->Restart().ok());
  {
    auto lease = (*pool)->Acquire();
    ASSERT_TRUE(lease.ok());
    absl::Status s = (*lease)->Exec("INSERT INTO b VALUES (2)");
    EXPECT_TRUE(absl::IsUnavailable(s)) << s;
    EXPECT_TRUE((*lease)->broken());
  }
  {
    auto lease = (*pool)->Acquire();
    ASSERT_TRUE(lease.ok());
    EXPECT_TRUE((*lease)->Exec("INSERT INTO b VALUES (2)").ok());
  }
  // Write's BEGIN on a dead connection ran nothing: it is tried once more, on a new one.
  ASSERT_TRUE(server()->Restart().ok());
  absl::Status s = (*pool)->Write([](Database& db) { return db.Exec("INSERT INTO b VALUES (3)"); });
  EXPECT_TRUE(s.ok()) << s;
}

}  // namespace
}  // namespace classplan::postgres
