#include "services/catalog/store/catalog_store_conformance.h"

#include <atomic>
#include <thread>
#include <vector>

#include "absl/synchronization/barrier.h"
#include "services/catalog/data/importer.h"
#include "tests/support/process.h"

namespace classplan::catalog {

std::unique_ptr<CatalogStore> CatalogStoreConformance::Open(const std::string& key) {
  const auto* info = ::testing::UnitTest::GetInstance()->current_test_info();
  std::string name = info->name();
  for (char& c : name) {
    if (c == '/') c = '_';
  }
  auto store = GetParam()->open(name + "_" + key);
  EXPECT_TRUE(store.ok()) << store.status();
  return store.ok() ? *std::move(store) : nullptr;
}

std::string FactoryName(const ::testing::TestParamInfo<const StoreFactory*>& info) {
  return info.param->name;
}

absl::Status ImportShippedData(CatalogStore* store) {
  auto files = ReadDataDir(testing::SourcePath("data/catalog"));
  if (!files.ok()) return files.status();
  auto report = ImportDataFiles(*files, store);
  if (!report.ok()) return report.status();
  if (!report->problems.empty()) {
    return absl::InternalError(report->problems.front().ToString());
  }
  return absl::OkStatus();
}

int OneWinner(const std::vector<absl::Status>& results) {
  int won = -1;
  for (size_t i = 0; i < results.size(); ++i) {
    if (results[i].ok()) {
      EXPECT_EQ(won, -1) << "two writers won";
      won = static_cast<int>(i);
    } else {
      EXPECT_TRUE(absl::IsAborted(results[i])) << results[i];
    }
  }
  return won;
}

namespace {

pb::Jurisdiction Jurisdiction(const std::string& id) {
  pb::Jurisdiction j;
  j.set_id(id);
  j.set_name("Name of " + id);
  return j;
}

pb::ClassRevision Revision(const std::string& code, int n, const std::string& title,
                           const std::string& duty) {
  pb::ClassRevision r;
  r.set_class_code(code);
  r.set_revision(n);
  r.set_kind(n == 1 ? pb::REVISION_KIND_CREATE : pb::REVISION_KIND_REVISE);
  r.set_state(pb::REVISION_STATE_ADOPTED);
  r.mutable_effective_date()->set_year(2020 + n);
  r.mutable_effective_date()->set_month(1);
  r.mutable_effective_date()->set_day(1);
  pb::JobClass* c = r.mutable_job_class();
  c->set_code(code);
  c->set_title(title);
  c->set_jurisdiction_id("nm-spo");
  c->mutable_duties()->add_items(duty);
  return r;
}

pb::ClassRecord Record(const std::string& code, const std::string& title,
                       const std::string& duty = "Keeps records") {
  pb::ClassRecord rec;
  rec.set_code(code);
  *rec.add_revisions() = Revision(code, 1, title, duty);
  return rec;
}

pb::ClassificationNotice Notice(const std::string& number) {
  pb::ClassificationNotice n;
  n.set_number(number);
  n.set_jurisdiction_id("denver-csa");
  n.set_state(pb::NOTICE_STATE_POSTED);
  return n;
}

absl::Status Put(CatalogStore* store, const pb::ClassRecord& rec, int64_t expected) {
  WriteBatch b;
  b.classes.push_back({rec, expected});
  return store->Commit(b);
}

audit::Event Event(const std::string& code, const std::string& before, const std::string& after) {
  audit::Event e;
  e.time = absl::FromUnixSeconds(1700000000);
  e.principal = "analyst-1";
  e.roles = {"hr_analyst"};
  e.request_id = "req-1";
  e.method = "ReviseJobClass";
  e.resource_type = "job_class";
  e.resource_id = code;
  e.etag_before = before;
  e.etag_after = after;
  return e;
}

TEST_P(CatalogStoreConformance, RoundTripSurvivesReopen) {
  {
    auto store = Open("round_trip");
    ASSERT_NE(store, nullptr);
    WriteBatch b;
    b.jurisdictions = {Jurisdiction("nm-spo"), Jurisdiction("denver-csa")};
    pb::ClassSeries s;
    s.set_id("nm-spo/it");
    s.set_jurisdiction_id("nm-spo");
    b.series = {s};
    pb::ClassRecord two = Record("B2", "Second");
    *two.add_revisions() = Revision("B2", 2, "Second, revised", "Audits records");
    b.classes = {{Record("A1", "First"), 0}, {two, 0}, {Record("C3", "Third"), 0}};
    b.notices = {{Notice("2000"), 0}, {Notice("2001"), 0}};
    b.imported_file = std::make_pair("a.textproto", "digest-a");
    ASSERT_TRUE(store->Commit(b).ok());
  }
  auto store = Open("round_trip");
  ASSERT_NE(store, nullptr);
  EXPECT_EQ((*store->GetJurisdiction("nm-spo"))->name(), "Name of nm-spo");
  EXPECT_FALSE(store->GetJurisdiction("nope")->has_value());
  auto js = store->ListJurisdictions();
  ASSERT_EQ(js->size(), 2u);
  EXPECT_EQ((*js)[0].id(), "denver-csa");  // id order
  EXPECT_EQ((*store->GetSeries("nm-spo/it"))->jurisdiction_id(), "nm-spo");
  EXPECT_EQ(store->ListSeries("nm-spo")->size(), 1u);
  EXPECT_EQ(store->ListSeries("")->size(), 1u);
  EXPECT_TRUE(store->ListSeries("denver-csa")->empty());

  auto b2 = store->GetClass("B2");
  ASSERT_TRUE(b2.ok() && b2->has_value()) << b2.status();
  EXPECT_EQ((*b2)->version(), 1);
  ASSERT_EQ((*b2)->revisions_size(), 2);
  EXPECT_EQ((*b2)->revisions(0).revision(), 1);
  EXPECT_EQ((*b2)->revisions(1).job_class().title(), "Second, revised");
  EXPECT_EQ((*b2)->revisions(1).effective_date().year(), 2022);
  EXPECT_FALSE(store->GetClass("Z9")->has_value());
  // Pages in bytewise code order.
  auto page = store->ListClasses("", 2);
  ASSERT_EQ(page->size(), 2u);
  EXPECT_EQ((*page)[0].code(), "A1");
  EXPECT_EQ((*page)[1].revisions_size(), 2);
  page = store->ListClasses("B2", 10);
  ASSERT_EQ(page->size(), 1u);
  EXPECT_EQ((*page)[0].code(), "C3");

  auto n = store->GetNotice("2001");
  ASSERT_TRUE(n.ok() && n->has_value());
  EXPECT_EQ((*n)->version, 1);
  EXPECT_EQ((*n)->notice.jurisdiction_id(), "denver-csa");
  EXPECT_EQ(store->ListNotices("2000", 10)->size(), 1u);
  EXPECT_EQ(store->ListNotices("", 1)->size(), 1u);
  EXPECT_EQ(**store->ImportedDigest("a.textproto"), "digest-a");
  EXPECT_FALSE(store->ImportedDigest("b.textproto")->has_value());
}

// Moved from catalog_test: the domain checks etags first, but the store refuses on its own.
TEST_P(CatalogStoreConformance, AStaleBatchIsRejectedWhole) {
  auto store = Open("stale");
  ASSERT_NE(store, nullptr);
  ASSERT_TRUE(Put(store.get(), Record("CX2", "Title of CX2"), 0).ok());
  WriteBatch nb;
  nb.notices = {{Notice("2000"), 0}};
  ASSERT_TRUE(store->Commit(nb).ok());

  WriteBatch batch;
  pb::ClassRecord changed = Record("CX2", "changed");
  batch.classes.push_back({changed, /*expected_version=*/7});
  pb::ClassificationNotice notice = Notice("2000");
  notice.set_state(pb::NOTICE_STATE_APPROVED);
  batch.notices.push_back({notice, 1});
  batch.jurisdictions = {Jurisdiction("new-one")};
  batch.audit = Event("CX2", "v7", "v8");
  EXPECT_EQ(store->Commit(batch).code(), absl::StatusCode::kAborted);
  EXPECT_EQ((*store->GetNotice("2000"))->notice.state(), pb::NOTICE_STATE_POSTED);
  EXPECT_EQ((*store->GetClass("CX2"))->revisions(0).job_class().title(), "Title of CX2");
  EXPECT_FALSE(store->GetJurisdiction("new-one")->has_value());
  EXPECT_TRUE(store->ListAuditEvents({}, 10, "")->events.empty());

  // A stale notice in an otherwise good batch: nothing either.
  WriteBatch late;
  late.classes.push_back({changed, 1});
  late.notices.push_back({notice, 5});
  EXPECT_EQ(store->Commit(late).code(), absl::StatusCode::kAborted);
  EXPECT_EQ((*store->GetClass("CX2"))->version(), 1);

  // Two writers with the same expected version: only the first wins.
  WriteBatch a;
  a.classes.push_back({changed, 1});
  EXPECT_TRUE(store->Commit(a).ok());
  EXPECT_EQ(store->Commit(a).code(), absl::StatusCode::kAborted);
  EXPECT_EQ((*store->GetClass("CX2"))->version(), 2);
  // A class that does not exist cannot be "revised", nor created twice.
  EXPECT_EQ(Put(store.get(), Record("NEW", "x"), 3).code(), absl::StatusCode::kAborted);
  EXPECT_FALSE(store->GetClass("NEW")->has_value());
  EXPECT_EQ(Put(store.get(), Record("CX2", "again"), 0).code(), absl::StatusCode::kAborted);
}

// Eight replicas read the same version, wait for each other at a barrier (so every commit
// races with the rest), then commit: exactly one wins, the rest are ABORTED, and the stored
// class is the winner's.
void RaceEight(const std::vector<std::unique_ptr<CatalogStore>>& replicas, int64_t expected,
               const std::string& code) {
  constexpr int kWriters = 8;
  ASSERT_EQ(replicas.size(), size_t{kWriters});
  absl::Barrier* barrier = new absl::Barrier(kWriters);  // deleted by the last to pass
  std::vector<absl::Status> results(kWriters);
  std::vector<std::thread> threads;
  threads.reserve(kWriters);
  for (int i = 0; i < kWriters; ++i) {
    threads.emplace_back([&, i] {
      pb::ClassRecord rec = Record(code, "writer " + std::to_string(i));
      if (expected > 0) {
        auto current = replicas[i]->GetClass(code);
        if (current.ok() && current->has_value()) {
          rec = **current;
          *rec.add_revisions() =
              Revision(code, rec.revisions_size() + 1, "writer " + std::to_string(i), "Revises");
          if ((*current)->version() != expected) rec.set_code("");  // cannot happen: fail
        }
      }
      if (barrier->Block()) delete barrier;
      WriteBatch b;
      b.classes.push_back({rec, expected});
      b.audit = Event(code, "", "");
      results[i] = replicas[i]->Commit(b);
    });
  }
  for (auto& t : threads) t.join();
  const int won = OneWinner(results);
  ASSERT_NE(won, -1) << "no writer won";
  auto stored = replicas[0]->GetClass(code);
  ASSERT_TRUE(stored.ok() && stored->has_value());
  EXPECT_EQ((*stored)->version(), expected + 1);
  EXPECT_EQ((*stored)->revisions((*stored)->revisions_size() - 1).job_class().title(),
            "writer " + std::to_string(won));
  EXPECT_EQ((*stored)->revisions_size(), expected + 1);
  // Only the winner's audit event was appended.
  audit::Filter f;
  f.resource_id = code;
  EXPECT_EQ(replicas[0]->ListAuditEvents(f, 100, "")->events.size(), size_t{1});
}

std::vector<std::unique_ptr<CatalogStore>> Replicas(
    const std::function<std::unique_ptr<CatalogStore>()>& open) {
  std::vector<std::unique_ptr<CatalogStore>> out;
  out.reserve(8);
  for (int i = 0; i < 8; ++i) out.push_back(open());
  return out;
}

TEST_P(CatalogStoreConformance, EightRacingRevisersExactlyOneWins) {
  auto replicas = Replicas([&] { return Open("race"); });
  for (const auto& r : replicas) ASSERT_NE(r, nullptr);
  ASSERT_TRUE(Put(replicas[0].get(), Record("RACE", "original"), 0).ok());
  RaceEight(replicas, 1, "RACE");
}

TEST_P(CatalogStoreConformance, EightRacingCreatorsExactlyOneWins) {
  auto replicas = Replicas([&] { return Open("create_race"); });
  for (const auto& r : replicas) ASSERT_NE(r, nullptr);
  RaceEight(replicas, 0, "NEWCLASS");
}

TEST_P(CatalogStoreConformance, TheAuditEventCommitsWithItsWrite) {
  auto store = Open("audit");
  ASSERT_NE(store, nullptr);
  WriteBatch b;
  b.classes.push_back({Record("AU1", "Audited"), 0});
  b.audit = Event("AU1", "", "v1");
  ASSERT_TRUE(store->Commit(b).ok());
  b.audit = Event("AU1", "v0", "v1");
  EXPECT_EQ(store->Commit(b).code(), absl::StatusCode::kAborted);  // stale: no event
  auto page = store->ListAuditEvents({}, 10, "");
  ASSERT_TRUE(page.ok()) << page.status();
  ASSERT_EQ(page->events.size(), 1u);
  const audit::Event& e = page->events[0];
  EXPECT_EQ(e.sequence, 1);
  EXPECT_EQ(e.resource_id, "AU1");
  EXPECT_EQ(e.etag_after, "v1");
  EXPECT_EQ(e.hash, audit::Hash(e));
}

TEST_P(CatalogStoreConformance, AnImportCommitsWholeOrNotAtAll) {
  auto store = Open("import_whole");
  ASSERT_NE(store, nullptr);
  ASSERT_TRUE(Put(store.get(), Record("LIVE", "live"), 0).ok());
  WriteBatch b;
  b.jurisdictions = {Jurisdiction("nm-spo")};
  b.classes = {{Record("IMP1", "imported"), 0}, {Record("LIVE", "from the file"), 0}};
  b.imported_file = std::make_pair("f.textproto", "digest");
  EXPECT_EQ(store->Commit(b).code(), absl::StatusCode::kAborted);
  EXPECT_FALSE(store->GetClass("IMP1")->has_value());
  EXPECT_FALSE(store->GetJurisdiction("nm-spo")->has_value());
  EXPECT_FALSE(store->ImportedDigest("f.textproto")->has_value());
  EXPECT_EQ((*store->GetClass("LIVE"))->revisions(0).job_class().title(), "live");
}

// Two replicas starting together import the shipped files at once: both succeed, and every
// class is there once.
TEST_P(CatalogStoreConformance, TwoReplicasImportTheShippedDataTogether) {
  auto a = Open("import_race");
  auto b = Open("import_race");
  ASSERT_NE(a, nullptr);
  ASSERT_NE(b, nullptr);
  absl::Barrier* barrier = new absl::Barrier(2);
  absl::Status sa, sb;
  std::thread ta([&] {
    if (barrier->Block()) delete barrier;
    sa = ImportShippedData(a.get());
  });
  std::thread tb([&] {
    if (barrier->Block()) delete barrier;
    sb = ImportShippedData(b.get());
  });
  ta.join();
  tb.join();
  EXPECT_TRUE(sa.ok()) << sa;
  EXPECT_TRUE(sb.ok()) << sb;
  auto classes = a->ListClasses("", 1000);
  ASSERT_TRUE(classes.ok()) << classes.status();
  EXPECT_EQ(classes->size(), 9u);
  for (const auto& c : *classes) EXPECT_EQ(c.version(), 1) << c.code();
  // Idempotent: a third start changes nothing.
  ASSERT_TRUE(ImportShippedData(b.get()).ok());
  EXPECT_EQ(b->ListClasses("", 1000)->size(), 9u);
}

TEST_P(CatalogStoreConformance, SearchFindsPhrasesEveryRevisionAndWeighsTitles) {
  auto store = Open("search");
  ASSERT_NE(store, nullptr);
  pb::ClassRecord rec = Record("SW1", "Social Worker", "Coordinates out-of-home placement");
  *rec.add_revisions() = Revision("SW1", 2, "Social Worker II", "Leads placement reviews");
  ASSERT_TRUE(Put(store.get(), rec, 0).ok());
  ASSERT_TRUE(
      Put(store.get(), Record("PL1", "Placement Specialist", "Finds homes for children"), 0).ok());
  ASSERT_TRUE(Put(store.get(), Record("AC1", "Accountant", "Reconciles ledgers"), 0).ok());

  auto hits = store->SearchText("\"placement\"", 10, 0);
  ASSERT_TRUE(hits.ok()) << hits.status();
  ASSERT_EQ(hits->size(), 3u);
  EXPECT_EQ((*hits)[0].code, "PL1");              // in the title
  EXPECT_GE((*hits)[0].score, (*hits)[1].score);  // higher is better
  EXPECT_NE((*hits)[0].snippet.find("[Placement]"), std::string::npos) << (*hits)[0].snippet;
  // A phrase: the words next to each other, in order.
  hits = store->SearchText("\"out of home\" \"placement\"", 10, 0);
  ASSERT_EQ(hits->size(), 1u);
  EXPECT_EQ((*hits)[0].code, "SW1");
  EXPECT_EQ((*hits)[0].revision, 1);
  EXPECT_TRUE(store->SearchText("\"home out of\"", 10, 0)->empty());
  // Stemming: "placements" finds "placement".
  EXPECT_EQ(store->SearchText("\"placements\"", 10, 0)->size(), 3u);
  // Paging.
  EXPECT_EQ(store->SearchText("\"placement\"", 2, 2)->size(), 1u);
  EXPECT_TRUE(store->SearchText("\"nothingmatches\"", 10, 0)->empty());
  // A revision replaced by a later write leaves the index with it.
  pb::ClassRecord changed = Record("AC1", "Accountant", "Audits placement budgets");
  ASSERT_TRUE(Put(store.get(), changed, 1).ok());
  EXPECT_EQ(store->SearchText("\"ledgers\"", 10, 0)->size(), 0u);
  EXPECT_EQ(store->SearchText("\"placement\"", 10, 0)->size(), 4u);
  // Unchanged revisions are kept as they are; one the record no longer has is gone, with its
  // text.
  ASSERT_EQ(store->SearchText("\"reviews\"", 10, 0)->size(), 1u);
  pb::ClassRecord shorter = rec;
  shorter.mutable_revisions()->RemoveLast();
  ASSERT_TRUE(Put(store.get(), shorter, 1).ok());
  EXPECT_TRUE(store->SearchText("\"reviews\"", 10, 0)->empty());
  EXPECT_EQ(store->SearchText("\"out of home\"", 10, 0)->size(), 1u);
  auto sw1 = store->GetClass("SW1");
  ASSERT_EQ((*sw1)->revisions_size(), 1);
  EXPECT_EQ((*sw1)->revisions(0).SerializeAsString(), rec.revisions(0).SerializeAsString());
}

}  // namespace
}  // namespace classplan::catalog
