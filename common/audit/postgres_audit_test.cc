// The audit trail on a real PostgreSQL server: the chain holds with replicas appending at once.
#include "common/audit/postgres_audit.h"

#include <atomic>
#include <functional>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "common/postgres/migrations.h"
#include "common/postgres/pool.h"
#include "gtest/gtest.h"
#include "tests/support/postgres_fixture.h"
#include "tests/support/wait.h"

namespace classplan::audit {
namespace {

class PostgresAuditTest : public testing::PostgresFixture {
 protected:
  // A replica: its own pool on the shared database.
  std::unique_ptr<postgres::ConnectionPool> Replica(int size) {
    auto pool = postgres::OpenMigrated(url_, size, {{1, "audit", kPostgresSchemaSql}});
    EXPECT_TRUE(pool.ok()) << pool.status();
    return pool.ok() ? *std::move(pool) : nullptr;
  }
};

// Runs `writer(pool, t)` on `n` threads released together, even ones on `a`, odd ones on `b`.
void OnTwoReplicas(postgres::ConnectionPool& a, postgres::ConnectionPool& b, int n,
                   const std::function<void(postgres::ConnectionPool&, int)>& writer) {
  std::atomic<int> ready{0};
  std::vector<std::thread> threads;
  threads.reserve(static_cast<size_t>(n));
  for (int t = 0; t < n; ++t) {
    threads.emplace_back([&, t] {
      ++ready;
      while (ready.load() < n) std::this_thread::yield();
      writer(t % 2 == 0 ? a : b, t);
    });
  }
  for (auto& t : threads) t.join();
}

// The whole trail, after checking that its chain verifies and holds `events` events.
std::vector<Event> ExpectOneChain(postgres::ConnectionPool& pool, size_t events) {
  auto lease = pool.Acquire();
  EXPECT_TRUE(lease.ok());
  if (!lease.ok()) return {};
  auto broken = Verify(**lease);
  EXPECT_TRUE(broken.ok()) << broken.status();
  if (broken.ok()) {
    EXPECT_FALSE(broken->has_value()) << (*broken)->problem;
  }
  auto page = List(**lease, {}, kMaxPageSize, "");
  EXPECT_TRUE(page.ok());
  if (!page.ok()) return {};
  EXPECT_EQ(page->events.size(), events);
  return page->events;
}

Event Sample(const std::string& id) {
  Event e;
  e.time = absl::FromUnixMicros(1700000000123456);
  e.principal = "hr-1";
  e.roles = {"hr_admin", "auditor"};
  e.method = "UpdateAppraisal";
  e.resource_type = "appraisal";
  e.resource_id = id;
  e.etag_before = "v1";
  e.etag_after = "v2";
  return e;
}

TEST_F(PostgresAuditTest, AppendListAndVerifyAsOnSqlite) {
  auto pool = Replica(1);
  ASSERT_NE(pool, nullptr);
  auto lease = pool->Acquire();
  ASSERT_TRUE(lease.ok());
  postgres::Database& db = **lease;
  EXPECT_TRUE(absl::IsFailedPrecondition(Append(db, Sample("a1")).status()));
  for (const char* id : {"a1", "a2", "a1"}) {
    ASSERT_TRUE(db.Transaction([&] { return Append(db, Sample(id)).status(); }).ok());
  }
  // A rolled-back write leaves no event.
  EXPECT_FALSE(db.Transaction([&] {
                   EXPECT_TRUE(Append(db, Sample("a3")).ok());
                   return absl::CancelledError("write failed");
                 }).ok());
  Filter f;
  f.resource_id = "a1";
  auto page = List(db, f, 1, "");
  ASSERT_TRUE(page.ok()) << page.status();
  ASSERT_EQ(page->events.size(), 1u);
  EXPECT_EQ(page->events[0].sequence, 1);
  EXPECT_EQ(page->events[0].roles, (std::vector<std::string>{"hr_admin", "auditor"}));
  page = List(db, f, 1, page->next_page_token);
  ASSERT_TRUE(page.ok()) << page.status();
  ASSERT_EQ(page->events.size(), 1u);
  EXPECT_EQ(page->events[0].sequence, 3);
  EXPECT_TRUE(page->next_page_token.empty());
  f = {};
  f.from = absl::FromUnixMicros(1700000000123456);
  f.to = absl::FromUnixMicros(1700000000123457);
  EXPECT_EQ(List(db, f, 0, "")->events.size(), 3u);
  f.from = f.to;
  EXPECT_TRUE(List(db, f, 0, "")->events.empty());
  auto broken = Verify(db);
  ASSERT_TRUE(broken.ok()) << broken.status();
  EXPECT_FALSE(broken->has_value());
  // An edited row is found.
  ASSERT_TRUE(db.Exec("UPDATE audit_events SET principal = 'x' WHERE seq = 2").ok());
  broken = Verify(db);
  ASSERT_TRUE(broken->has_value());
  EXPECT_EQ((*broken)->sequence, 2);
}

// Two replicas, eight appenders (four connections each) released together: every append
// succeeds (without the lock two would read the same tail and collide on seq) and the chain
// verifies.
TEST_F(PostgresAuditTest, EightConcurrentAppendersOnTwoReplicasKeepOneChain) {
  auto a = Replica(4);
  auto b = Replica(4);
  ASSERT_TRUE(a && b);
  constexpr int kAppenders = 8;
  constexpr int kEach = 20;
  OnTwoReplicas(*a, *b, kAppenders, [&](postgres::ConnectionPool& pool, int t) {
    auto lease = pool.Acquire();
    ASSERT_TRUE(lease.ok()) << lease.status();
    postgres::Database& db = **lease;
    for (int i = 0; i < kEach; ++i) {
      absl::Status s =
          db.Transaction([&] { return Append(db, Sample(absl::StrCat("t", t, "-", i))).status(); });
      EXPECT_TRUE(s.ok()) << s;
    }
  });
  ExpectOneChain(*a, static_cast<size_t>(kAppenders) * kEach);
}

// Only READ COMMITTED reads the tail after the lock is granted: a REPEATABLE READ or SERIALIZABLE
// transaction could link to a stale tail, so both appends refuse it, storing nothing.
TEST_F(PostgresAuditTest, AppendsRefuseATransactionThatCouldReadAStaleTail) {
  auto pool = Replica(1);
  ASSERT_TRUE(pool);
  absl::Status s =
      pool->Write([](postgres::Database& db) { return AppendAtCommit(db, Sample("serializable")); },
                  postgres::Isolation::kSerializable);
  EXPECT_TRUE(absl::IsFailedPrecondition(s)) << s;
  s = pool->Write(
      [](postgres::Database& db) { return Append(db, Sample("serializable")).status(); },
      postgres::Isolation::kSerializable);
  EXPECT_TRUE(absl::IsFailedPrecondition(s)) << s;
  // Chosen inside the body (SET TRANSACTION, before any query) rather than by BEGIN.
  s = pool->Write([](postgres::Database& db) -> absl::Status {
    if (auto set = db.Exec("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ"); !set.ok()) {
      return set;
    }
    return AppendAtCommit(db, Sample("repeatable read"));
  });
  EXPECT_TRUE(absl::IsFailedPrecondition(s)) << s;
  s = pool->Write(
      [](postgres::Database& db) { return AppendAtCommit(db, Sample("read committed")); });
  ASSERT_TRUE(s.ok()) << s;
  const std::vector<Event> events = ExpectOneChain(*pool, 1);
  ASSERT_EQ(events.size(), 1u);
  EXPECT_EQ(events[0].resource_id, "read committed");
}

// The window held open: replica A has appended and not committed; replica B's append waits on
// the lock (seen in pg_locks, not guessed with a sleep) and, once A commits, links after A's.
TEST_F(PostgresAuditTest, ASecondAppenderWaitsForTheFirstsCommit) {
  auto a = Replica(1);
  auto b = Replica(1);
  auto watcher = Replica(1);
  ASSERT_TRUE(a && b && watcher);
  auto la = a->Acquire();
  auto lb = b->Acquire();
  auto lw = watcher->Acquire();
  ASSERT_TRUE(la.ok() && lb.ok() && lw.ok());
  absl::Status b_status;
  std::thread second;
  absl::Status a_status = (*la)->Transaction([&]() -> absl::Status {
    if (auto e = Append(**la, Sample("first")); !e.ok()) return e.status();
    second = std::thread([&] {
      b_status = (*lb)->Transaction([&] { return Append(**lb, Sample("second")).status(); });
    });
    const bool waiting = classplan::testing::WaitFor(
        [&] {
          auto st = (*lw)->Prepare(
              "SELECT count(*) FROM pg_locks WHERE locktype = 'advisory' AND NOT granted");
          auto row = st->Step();
          return row.ok() && *row && st->ColumnInt(0) == 1;
        },
        absl::Seconds(30));
    EXPECT_TRUE(waiting) << "the second appender never waited for the lock";
    return absl::OkStatus();
  });
  second.join();
  ASSERT_TRUE(a_status.ok()) << a_status;
  ASSERT_TRUE(b_status.ok()) << b_status;
  auto page = List(**lw, {}, 0, "");
  ASSERT_EQ(page->events.size(), 2u);
  EXPECT_EQ(page->events[0].resource_id, "first");
  EXPECT_EQ(page->events[1].resource_id, "second");
  EXPECT_FALSE(Verify(**lw)->has_value());
}

// AppendAtCommit on two replicas, groups of concurrent writes (WriteGrouped) on each, some of
// whose members fail after appending, beside plain Appends: one chain, each transaction's
// events consecutive and in order, a failed member's events gone.
TEST_F(PostgresAuditTest, EventsAppendedAtCommitKeepOneChainAcrossReplicasAndGroups) {
  auto a = Replica(4);
  auto b = Replica(4);
  ASSERT_TRUE(a && b);
  constexpr int kEach = 20;
  std::atomic<int> stored{0};
  OnTwoReplicas(*a, *b, 8, [&](postgres::ConnectionPool& pool, int t) {
    for (int i = 0; i < kEach; ++i) {
      const std::string id = absl::StrCat("t", t, "-", i);
      const bool fails = i % 5 == 4;
      absl::Status s;
      if (t == 7) {  // one writer appends as the other stores do, its lock taken mid-way
        s = pool.Write([&](postgres::Database& db) { return Append(db, Sample(id)).status(); });
        stored += s.ok() ? 1 : 0;
        EXPECT_TRUE(s.ok()) << s;
        continue;
      }
      s = pool.WriteGrouped([&](postgres::Database& db) -> absl::Status {
        for (const char* part : {"/0", "/1"}) {
          if (auto e = AppendAtCommit(db, Sample(id + part)); !e.ok()) return e;
        }
        return fails ? absl::AbortedError("the write failed") : absl::OkStatus();
      });
      EXPECT_EQ(s.ok(), !fails) << s;
      stored += s.ok() ? 2 : 0;
    }
  });
  const std::vector<Event> events = ExpectOneChain(*a, static_cast<size_t>(stored.load()));
  for (size_t i = 0; i < events.size(); ++i) {
    const std::string& id = events[i].resource_id;
    if (id.find('/') == std::string::npos) continue;  // writer 7's, which never fail
    const size_t dash = id.find('-');
    int number = 0;
    ASSERT_TRUE(absl::SimpleAtoi(id.substr(dash + 1, id.find('/') - dash - 1), &number)) << id;
    EXPECT_NE(number % 5, 4) << "a failed write's event was stored: " << id;
    if (id.substr(id.size() - 2) == "/0") {
      ASSERT_LT(i + 1, events.size());
      EXPECT_EQ(events[i + 1].resource_id, id.substr(0, id.size() - 2) + "/1");
    }
  }
}

// The window held open: replica A's transaction has appended at commit and not committed;
// replica B appends and commits meanwhile (A holds no lock yet); A's event links after B's.
TEST_F(PostgresAuditTest, AppendAtCommitHoldsNoLockUntilTheCommit) {
  auto a = Replica(1);
  auto b = Replica(1);
  ASSERT_TRUE(a && b);
  auto la = a->Acquire();
  ASSERT_TRUE(la.ok());
  EXPECT_TRUE(absl::IsFailedPrecondition(AppendAtCommit(**la, Sample("outside"))));
  // Nor in a transaction begun by hand, whose COMMIT would not store the event.
  ASSERT_TRUE((*la)->Exec("BEGIN").ok());
  EXPECT_TRUE(absl::IsFailedPrecondition(AppendAtCommit(**la, Sample("by hand"))));
  ASSERT_TRUE((*la)->Exec("ROLLBACK").ok());
  absl::Status a_status = (*la)->Transaction([&]() -> absl::Status {
    if (auto s = AppendAtCommit(**la, Sample("first")); !s.ok()) return s;
    std::atomic<bool> done{false};
    std::thread second([&] {
      absl::Status s =
          b->Write([](postgres::Database& db) { return Append(db, Sample("second")).status(); });
      EXPECT_TRUE(s.ok()) << s;
      done = true;
    });
    const bool committed =
        classplan::testing::WaitFor([&] { return done.load(); }, absl::Seconds(30));
    EXPECT_TRUE(committed) << "the other replica waited for this transaction's lock";
    second.join();
    return absl::OkStatus();
  });
  ASSERT_TRUE(a_status.ok()) << a_status;
  auto page = List(**la, {}, 0, "");
  ASSERT_EQ(page->events.size(), 2u);
  EXPECT_EQ(page->events[0].resource_id, "second");
  EXPECT_EQ(page->events[1].resource_id, "first");
  EXPECT_FALSE(Verify(**la)->has_value());
}

}  // namespace
}  // namespace classplan::audit
