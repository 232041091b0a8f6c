// The CatalogStore conformance suite on a PostgreSQL 15 server the test starts (one database
// per store key); what only PostgreSQL has to prove (a newer schema refuses to start,
// --migrate_only's Migrate); and the full-text search held to FTS5's answers on the shipped
// classes.
#include "services/catalog/store/postgres_catalog_store.h"

#include <algorithm>
#include <atomic>
#include <functional>
#include <set>
#include <thread>

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/clock.h"
#include "common/audit/postgres_audit.h"
#include "common/metrics/metrics.h"
#include "common/postgres/migrations.h"
#include "services/catalog/store/catalog_store_conformance.h"
#include "services/catalog/store/sqlite_catalog_store.h"
#include "tests/support/postgres_server.h"
#include "tests/support/temp.h"

namespace classplan::catalog {
namespace {

using ::classplan::testing::PostgresServer;

// One server for the whole binary, started before the first test and stopped after the last.
PostgresServer* g_server = nullptr;

class ServerEnvironment : public ::testing::Environment {
 public:
  void SetUp() override {
    auto s = PostgresServer::Start(PostgresServer::Options{/*fsync=*/false});
    ASSERT_TRUE(s.ok()) << s.status();
    g_server = s->release();
  }
  void TearDown() override {
    delete g_server;
    g_server = nullptr;
  }
};

[[maybe_unused]] ::testing::Environment* const kEnvironment =
    ::testing::AddGlobalTestEnvironment(new ServerEnvironment);

// The database for `key`, created on first use.
absl::StatusOr<std::string> DatabaseFor(const std::string& key) {
  static absl::Mutex mu;
  static std::set<std::string>* created = new std::set<std::string>;
  if (g_server == nullptr) return absl::UnavailableError("no PostgreSQL server");
  std::string name = absl::AsciiStrToLower(key);
  absl::MutexLock lock(&mu);
  if (created->insert(name).second) return g_server->CreateDatabase(name);
  return g_server->Url(name);
}

const StoreFactory kPostgres{
    "Postgres", [](const std::string& key) -> absl::StatusOr<std::unique_ptr<CatalogStore>> {
      auto url = DatabaseFor(key);
      if (!url.ok()) return url.status();
      auto store = PostgresCatalogStore::Open(*url);
      if (!store.ok()) return store.status();
      return std::unique_ptr<CatalogStore>(*std::move(store));
    }};

INSTANTIATE_TEST_SUITE_P(Postgres, CatalogStoreConformance, ::testing::Values(&kPostgres),
                         FactoryName);

TEST(PostgresCatalogStore, ADatabaseWithANewerSchemaRefusesToStart) {
  auto url = DatabaseFor("newer_schema");
  ASSERT_TRUE(url.ok()) << url.status();
  ASSERT_TRUE(PostgresCatalogStore::Open(*url).ok());
  ASSERT_TRUE(g_server
                  ->Psql("newer_schema",
                         "INSERT INTO schema_migrations(version, name) VALUES (99, 'future')")
                  .ok());
  auto store = PostgresCatalogStore::Open(*url);
  ASSERT_FALSE(store.ok());
  EXPECT_TRUE(absl::IsFailedPrecondition(store.status())) << store.status();
  EXPECT_NE(std::string(store.status().message()).find("schema version 99"), std::string::npos)
      << store.status();
  EXPECT_TRUE(absl::IsFailedPrecondition(PostgresCatalogStore::Migrate(*url)));
}

TEST(PostgresCatalogStore, MigrateAloneBringsAnEmptyDatabaseUpToDate) {
  auto url = DatabaseFor("migrate_only");
  ASSERT_TRUE(url.ok()) << url.status();
  ASSERT_TRUE(PostgresCatalogStore::Migrate(*url).ok());
  auto tables = g_server->Psql("migrate_only", "SELECT max(version) FROM schema_migrations");
  ASSERT_TRUE(tables.ok()) << tables.status();
  EXPECT_EQ(std::string(absl::StripAsciiWhitespace(*tables)), "4");
  ASSERT_TRUE(PostgresCatalogStore::Migrate(*url).ok());  // again: nothing to do
  EXPECT_TRUE(PostgresCatalogStore::Open(*url).ok());
}

// A class record of `revisions` revisions, the last one titled `title`.
pb::ClassRecord RaceRecord(const std::string& code, int revisions, const std::string& title) {
  pb::ClassRecord rec;
  rec.set_code(code);
  for (int n = 1; n <= revisions; ++n) {
    pb::ClassRevision* r = rec.add_revisions();
    r->set_class_code(code);
    r->set_revision(n);
    r->mutable_job_class()->set_code(code);
    r->mutable_job_class()->set_title(n == revisions ? title : "Earlier");
  }
  return rec;
}

WriteBatch AuditedWrite(pb::ClassRecord rec, int64_t expected) {
  WriteBatch b;
  audit::Event e;
  e.principal = "tester";
  e.method = "ReviseJobClass";
  e.resource_type = "job_class";
  e.resource_id = rec.code();
  b.audit = e;
  b.classes.push_back({std::move(rec), expected});
  return b;
}

// Polls `done` (bounded), so no outcome depends on timing; false if it never held.
bool Await(const std::function<bool()>& done) {
  for (int i = 0; i < 3000; ++i) {
    if (done()) return true;
    absl::SleepFor(absl::Milliseconds(10));
  }
  return done();
}

// Group commit keeps the etag check: eight writers of one etag that land in ONE group (one
// transaction, a savepoint each) still give exactly one winner, as each sees the earlier
// members' writes. The window is opened on purpose: another session holds the audit lock, so
// the first group (a lone write of another class) waits on it while the eight queue behind.
TEST(PostgresCatalogStore, RacingWritersInOneGroupCommitGiveOneWinner) {
  auto url = DatabaseFor("one_group");
  ASSERT_TRUE(url.ok()) << url.status();
  auto store = PostgresCatalogStore::Open(*url, 4);
  ASSERT_TRUE(store.ok()) << store.status();
  PostgresCatalogStore& s = **store;
  // The leader's class shares the eight's lane (CatalogPools), so they queue behind its group.
  std::string lead_code = "LEAD1";
  for (int n = 2; CatalogPools::LaneOf(lead_code) != CatalogPools::LaneOf("RACE1"); ++n) {
    lead_code = absl::StrCat("LEAD", n);
  }
  for (const std::string& code : {lead_code, std::string("RACE1")}) {
    WriteBatch create;
    create.classes.push_back({RaceRecord(code, 1, "First"), 0});
    ASSERT_TRUE(s.Commit(create).ok());
  }
  auto blocker = postgres::Database::Open(*url);
  ASSERT_TRUE(blocker.ok()) << blocker.status();
  ASSERT_TRUE(
      (*blocker)
          ->Exec(absl::StrCat("BEGIN; SELECT pg_advisory_xact_lock(", audit::kAppendLockKey, ")"))
          .ok());
  auto waiting_for_lock = [&] {
    auto st = (*blocker)->Prepare(
        "SELECT count(*) FROM pg_locks WHERE locktype = 'advisory' AND NOT granted");
    return st.ok() && st->Step().value_or(false) && st->ColumnInt(0) == 1;
  };
  absl::Status lead;
  std::thread leader([&] { lead = s.Commit(AuditedWrite(RaceRecord(lead_code, 2, "Lead"), 1)); });
  ASSERT_TRUE(Await(waiting_for_lock)) << "the first group never waited for the audit lock";

  constexpr int kWriters = 8;
  metrics::Counter& grouped = metrics::GetCounter("postgres_grouped_writes");
  const int64_t grouped_before = grouped.value();
  std::vector<absl::Status> results(kWriters);
  std::vector<std::thread> writers;
  writers.reserve(kWriters);
  for (int i = 0; i < kWriters; ++i) {
    writers.emplace_back([&, i] {
      results[i] = s.Commit(AuditedWrite(RaceRecord("RACE1", 2, absl::StrCat("writer ", i)), 1));
    });
  }
  EXPECT_TRUE(Await([&] { return s.GroupQueued() == kWriters; }));
  ASSERT_TRUE((*blocker)->Exec("COMMIT").ok());
  leader.join();
  for (auto& t : writers) t.join();

  EXPECT_TRUE(lead.ok()) << lead;
  EXPECT_EQ(grouped.value() - grouped_before, kWriters) << "the eight did not share one group";
  const int won = OneWinner(results);
  ASSERT_NE(won, -1) << "no writer won";
  auto stored = s.GetClass("RACE1");
  ASSERT_TRUE(stored.ok() && stored->has_value());
  EXPECT_EQ((*stored)->version(), 2);
  ASSERT_EQ((*stored)->revisions_size(), 2);
  EXPECT_EQ((*stored)->revisions(1).job_class().title(), absl::StrCat("writer ", won));
  // One audit event each for the leader and the winner, on an unbroken chain.
  audit::Filter f;
  f.resource_id = "RACE1";
  EXPECT_EQ(s.ListAuditEvents(f, 100, "")->events.size(), size_t{1});
  EXPECT_EQ(s.ListAuditEvents({}, 100, "")->events.size(), size_t{2});
}

// Two replicas (two stores, two pools, one database), eight writers released together: each
// revises its own class (every write must land) and races the others on a shared one (ABORTED
// but for one per etag). Events are linked at each group's commit, across both replicas' groups:
// the audit chain must verify and hold exactly one event per write that committed.
TEST(PostgresCatalogStore, TwoReplicasWritingAtOnceKeepOneAuditChain) {
  auto url = DatabaseFor("two_replica_chain");
  ASSERT_TRUE(url.ok()) << url.status();
  std::vector<std::unique_ptr<PostgresCatalogStore>> replicas;
  for (int r = 0; r < 2; ++r) {
    auto store = PostgresCatalogStore::Open(*url, 4);
    ASSERT_TRUE(store.ok()) << store.status();
    replicas.push_back(*std::move(store));
  }
  constexpr int kWriters = 8;
  constexpr int kEach = 12;
  for (int t = 0; t < kWriters; ++t) {
    WriteBatch create;
    create.classes.push_back({RaceRecord(absl::StrCat("OWN", t), 1, "Created"), 0});
    ASSERT_TRUE(replicas[0]->Commit(create).ok());
  }
  WriteBatch shared;
  shared.classes.push_back({RaceRecord("SHARED", 1, "Created"), 0});
  ASSERT_TRUE(replicas[1]->Commit(shared).ok());

  std::atomic<int> ready{0};
  std::atomic<int> shared_wins{0};
  std::vector<std::thread> threads;
  threads.reserve(kWriters);
  for (int t = 0; t < kWriters; ++t) {
    threads.emplace_back([&, t] {
      PostgresCatalogStore& store = *replicas[t % 2];
      const std::string own = absl::StrCat("OWN", t);
      ++ready;
      while (ready.load() < kWriters) std::this_thread::yield();
      for (int i = 0; i < kEach; ++i) {
        absl::Status s = store.Commit(
            AuditedWrite(RaceRecord(own, 2 + i % 2, absl::StrCat("w", t, " ", i)), 1 + i));
        EXPECT_TRUE(s.ok()) << s;
        auto current = store.GetClass("SHARED");
        ASSERT_TRUE(current.ok() && current->has_value());
        s = store.Commit(AuditedWrite(RaceRecord("SHARED", 2, absl::StrCat("w", t, " ", i)),
                                      (*current)->version()));
        EXPECT_TRUE(s.ok() || absl::IsAborted(s)) << s;
        if (s.ok()) ++shared_wins;
      }
    });
  }
  for (auto& t : threads) t.join();

  auto stored = replicas[0]->GetClass("SHARED");
  ASSERT_TRUE(stored.ok() && stored->has_value());
  EXPECT_EQ((*stored)->version(), 1 + shared_wins.load());
  auto db = postgres::Database::Open(*url);
  ASSERT_TRUE(db.ok()) << db.status();
  auto broken = audit::Verify(**db);
  ASSERT_TRUE(broken.ok()) << broken.status();
  EXPECT_FALSE(broken->has_value()) << (*broken)->problem;
  auto events = g_server->Psql("two_replica_chain", "SELECT count(*) FROM audit_events");
  ASSERT_TRUE(events.ok()) << events.status();
  EXPECT_EQ(absl::StripAsciiWhitespace(*events),
            absl::StrCat(kWriters * kEach + shared_wins.load()));
}

// The trigger reuses a column's vector from the class's previous revision where that column's
// text is unchanged: every stored vector must equal one made afresh from its row's text, after
// revisions that change one column, every column, or none, and after a revision is replaced.
TEST(PostgresCatalogStore, ReusedTextVectorsEqualFreshOnes) {
  auto url = DatabaseFor("reused_vectors");
  ASSERT_TRUE(url.ok()) << url.status();
  auto store = PostgresCatalogStore::Open(*url);
  ASSERT_TRUE(store.ok()) << store.status();
  absl::Status imported = ImportShippedData(store->get());
  ASSERT_TRUE(imported.ok()) << imported;
  auto model = (*store)->GetClass("SPCP20");
  ASSERT_TRUE(model.ok() && model->has_value());
  pb::ClassRecord rec = **model;
  auto add = [&](const std::function<void(pb::JobClass*)>& change) {
    pb::ClassRevision next = rec.revisions(rec.revisions_size() - 1);
    next.set_revision(next.revision() + 1);
    change(next.mutable_job_class());
    *rec.add_revisions() = next;
    WriteBatch b;
    b.classes.push_back({rec, rec.version()});
    ASSERT_TRUE((*store)->Commit(b).ok());
    rec.set_version(rec.version() + 1);
  };
  add([](pb::JobClass* c) { c->set_title("A retitled class"); });
  add([](pb::JobClass* c) { c->mutable_duties()->add_items("Reviews placements weekly."); });
  add([](pb::JobClass* c) {
    c->set_title("Everything changed");
    c->mutable_purpose()->add_paragraphs("A new purpose.");
    c->mutable_knowledge(0)->set_description("New knowledge.");
    c->mutable_skills(0)->set_description("New skill.");
  });
  add([](pb::JobClass*) {});
  // Replaces the second revision's text in place (deleted and inserted again).
  rec.mutable_revisions(1)->mutable_job_class()->set_title("Replaced");
  WriteBatch b;
  b.classes.push_back({rec, rec.version()});
  ASSERT_TRUE((*store)->Commit(b).ok());

  auto counts = g_server->Psql("reused_vectors", R"sql(
    SELECT count(*) || ' ' || count(*) FILTER (WHERE doc <> (
      setweight(to_tsvector('classplan_english', classplan_search_text(title)), 'A') ||
      setweight(to_tsvector('classplan_english', classplan_search_text(duties)), 'B') ||
      setweight(to_tsvector('classplan_english', classplan_search_text(knowledge)), 'D') ||
      setweight(to_tsvector('classplan_english', classplan_search_text(skills)), 'D')))
    FROM class_text)sql");
  ASSERT_TRUE(counts.ok()) << counts.status();
  auto rows =
      g_server->Psql("reused_vectors", "SELECT count(*) FROM class_text WHERE code = 'SPCP20'");
  ASSERT_TRUE(rows.ok()) << rows.status();
  EXPECT_EQ(absl::StripAsciiWhitespace(*rows), absl::StrCat(rec.revisions_size()));
  EXPECT_TRUE(absl::EndsWith(absl::StripAsciiWhitespace(*counts), " 0")) << *counts;
}

TEST(FtsPhrases, ReadsTheDomainsQuotedPhrasesOnly) {
  EXPECT_EQ(*FtsPhrases("\"out of home\" \"placement\""),
            (std::vector<std::string>{"out of home", "placement"}));
  EXPECT_EQ(*FtsPhrases("\"a\"\"b\""), (std::vector<std::string>{"a\"b"}));
  EXPECT_TRUE(absl::IsInvalidArgument(FtsPhrases("placement").status()));
  EXPECT_TRUE(absl::IsInvalidArgument(FtsPhrases("\"open").status()));
  EXPECT_TRUE(absl::IsInvalidArgument(FtsPhrases("  ").status()));
}

// The same queries, as the domain turns typed text into FTS5 queries (catalog_reads.cc
// ToFtsQuery), on the shipped classes in both stores. The rule (docs/catalog.md, "Search on
// PostgreSQL"): the same set of matching revisions; PostgreSQL's top hit among FTS5's leaders
// (its top hit and any within 10% of its score); PostgreSQL's top 5 among FTS5's top 5 and any
// within 10% of FTS5's 5th. Exact order cannot be required: bm25 and ts_rank weigh frequency
// and length differently, and several shipped classes share whole paragraphs (a worker and a
// senior worker class), which FTS5 itself separates by less than 1%.
TEST(PostgresCatalogStore, SearchAgreesWithFts5OnTheShippedClasses) {
  auto sqlite = SqliteCatalogStore::Open(testing::MakeTempDir("fts_agree") + "/c.db");
  ASSERT_TRUE(sqlite.ok()) << sqlite.status();
  auto url = DatabaseFor("fts_agree");
  ASSERT_TRUE(url.ok()) << url.status();
  auto pg = PostgresCatalogStore::Open(*url);
  ASSERT_TRUE(pg.ok()) << pg.status();
  ASSERT_TRUE(ImportShippedData(sqlite->get()).ok());
  ASSERT_TRUE(ImportShippedData(pg->get()).ok());

  struct Query {
    const char* typed;  // what a person types, for the failure message
    const char* fts;    // ToFtsQuery(typed)
    int min_hits;       // so the query is known to test something
  };
  const Query kQueries[] = {
      {"permanency planning", R"("permanency" "planning")", 3},
      {"supervisor", R"("supervisor")", 2},
      {"Utilization Management Coordinator", R"("Utilization" "Management" "Coordinator")", 2},
      {"out-of-home placement", R"("out of home" "placement")", 1},
      {"protective services", R"("protective" "services")", 2},
      {"case worker", R"("case" "worker")", 1},
      {"social service specialist", R"("social" "service" "specialist")", 2},
      {"AO-B", R"("AO B")", 1},
      {"investigations", R"("investigations")", 1},
      // The domain sends no prefix operator (FTS5's *): a typed prefix matches only where it
      // is the stem itself ("famili" of family, families), on both.
      {"famili (a prefix that is a stem)", R"("famili")", 3},
      {"permanen (a prefix that is not)", R"("permanen")", 0},
      {"families children", R"("families" "children")", 1},
      {"astronaut (no hit)", R"("astronaut")", 0},
  };
  for (const Query& q : kQueries) {
    SCOPED_TRACE(q.typed);
    auto a = (*sqlite)->SearchText(q.fts, 100, 0);
    auto b = (*pg)->SearchText(q.fts, 100, 0);
    ASSERT_TRUE(a.ok()) << a.status();
    ASSERT_TRUE(b.ok()) << b.status();
    auto key = [](const TextMatch& m) { return m.code + "#" + std::to_string(m.revision); };
    auto keys = [&](const std::vector<TextMatch>& hits, size_t n) {
      std::set<std::string> out;
      for (size_t i = 0; i < hits.size() && i < n; ++i) out.insert(key(hits[i]));
      return out;
    };
    // FTS5's hits scoring at least 90% of its n-th.
    auto band = [&](const std::vector<TextMatch>& hits, size_t n) {
      std::set<std::string> out;
      if (hits.empty()) return out;
      const double floor = hits[std::min(n, hits.size()) - 1].score * 0.9;
      for (const auto& m : hits) {
        if (m.score >= floor) out.insert(key(m));
      }
      return out;
    };
    EXPECT_GE(a->size(), static_cast<size_t>(q.min_hits));
    EXPECT_EQ(keys(*a, 1000), keys(*b, 1000)) << "different matches";
    if (a->empty() || b->empty()) continue;
    EXPECT_TRUE(band(*a, 1).count(key((*b)[0])))
        << "PostgreSQL's top hit " << key((*b)[0]) << " is not among FTS5's leaders";
    const std::set<std::string> fts5_top = band(*a, 5);
    for (const std::string& k : keys(*b, 5)) {
      EXPECT_TRUE(fts5_top.count(k)) << k << " is in PostgreSQL's top 5, not in FTS5's";
    }
    EXPECT_NE((*b)[0].snippet.find('['), std::string::npos) << (*b)[0].snippet;
  }
}

}  // namespace
}  // namespace classplan::catalog
