// End to end on PostgreSQL: a migration run (catalog_server --migrate_only), then two
// catalog_server replicas started together on ONE PostgreSQL 15 database (both import the
// shipped data at once). Writes go through one, reads (GetJobClass, search, history) through
// the other; a class is revised while both serve reads. The replicas run without Redis and
// with no in-process cache (--redis=off --local_cache_ttl=0s), so every read is answered from
// PostgreSQL, not from a copy a replica kept. Durability (issue 13): an acknowledged revision
// and its audit event survive SIGKILL of the server and a crash-like restart of PostgreSQL
// (fsync on), and a loop of GetJobClass reads across such a restart fails no read once
// PostgreSQL is back.

#include <atomic>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "classplan/catalog/v1/catalog_service.grpc.pb.h"
#include "grpcpp/grpcpp.h"
#include "gtest/gtest.h"
#include "tests/e2e/postgres_e2e.h"
#include "tests/support/grpc_server.h"
#include "tests/support/identity.h"
#include "tests/support/process.h"
#include "tests/support/temp.h"

namespace classplan {
namespace {

namespace pb = catalog::v1;
using testing::BuildPath;
using testing::ChildProcess;
using testing::SourcePath;

std::unique_ptr<grpc::ClientContext> Ctx() { return testing::CallContext(); }

struct Replica {
  int port = 0;
  std::string log;
  std::unique_ptr<ChildProcess> process;
  std::shared_ptr<grpc::Channel> channel;
  std::unique_ptr<pb::CatalogService::Stub> stub;
};

class CatalogPostgresE2eTest : public testing::PostgresE2eTest {
 protected:
  explicit CatalogPostgresE2eTest(bool fsync = false) : PostgresE2eTest(fsync) {}

  void SetUp() override {
    ASSERT_NO_FATAL_FAILURE(PostgresE2eTest::SetUp());
    url_file_ = UrlFile("catalog");
    ASSERT_FALSE(url_file_.empty());
  }

  void TearDown() override {
    a_ = {};
    b_ = {};
    PostgresE2eTest::TearDown();
  }

  // Starts a replica without waiting for it.
  Replica Launch() {
    Replica r;
    r.port = testing::FreeTcpPort();
    r.log = dir_ + "/catalog-" + std::to_string(r.port) + ".log";
    r.process = std::make_unique<ChildProcess>(
        std::vector<std::string>{
            BuildPath("services/catalog/catalog_server"),
            "--listen=127.0.0.1:" + std::to_string(r.port), "--db_url_file=" + url_file_,
            "--data_dir=" + SourcePath("data/catalog"), "--redis=off", "--local_cache_ttl=0s",
            "--drain_timeout=2s", testing::IdentityKeyFlag()},
        r.log);
    r.channel = testing::FastChannel(r.port);
    r.stub = pb::CatalogService::NewStub(r.channel);
    return r;
  }

  // Both replicas at once: they migrate and import the shipped data together.
  void StartBoth() {
    a_ = Launch();
    b_ = Launch();
    ASSERT_TRUE(testing::IsServing(a_.channel.get(), "")) << "see " << a_.log;
    ASSERT_TRUE(testing::IsServing(b_.channel.get(), "")) << "see " << b_.log;
  }

  // Replica a_ alone.
  void StartOne() {
    a_ = Launch();
    ASSERT_TRUE(testing::IsServing(a_.channel.get(), "")) << "see " << a_.log;
  }

  static grpc::Status Get(Replica& r, const std::string& code, pb::GetJobClassResponse* out) {
    pb::GetJobClassRequest req;
    req.set_code(code);
    return r.stub->GetJobClass(Ctx().get(), req, out);
  }

  // The revisions of `code` as `r` lists them (a failed call is a test failure).
  static pb::ListClassRevisionsResponse History(Replica& r, const std::string& code) {
    pb::ListClassRevisionsRequest req;
    req.set_code(code);
    pb::ListClassRevisionsResponse resp;
    grpc::Status s = r.stub->ListClassRevisions(Ctx().get(), req, &resp);
    EXPECT_TRUE(s.ok()) << s.error_message();
    return resp;
  }

  // Revises `code` through `r` from what `r` reads, with a new title.
  static grpc::Status Revise(Replica& r, const std::string& code, const std::string& title,
                             pb::ReviseJobClassResponse* out) {
    pb::GetJobClassResponse current;
    grpc::Status s = Get(r, code, &current);
    if (!s.ok()) return s;
    pb::ReviseJobClassRequest rev;
    *rev.mutable_job_class() = current.job_class();
    rev.mutable_job_class()->set_title(title);
    rev.set_etag(current.job_class().etag());
    rev.set_change_note("e2e on PostgreSQL");
    auto* d = rev.mutable_effective()->mutable_effective_date();
    d->set_year(2020);
    d->set_month(1);
    d->set_day(1);
    return r.stub->ReviseJobClass(Ctx().get(), rev, out);
  }

  std::string url_file_;
  Replica a_, b_;
};

// fsync on: what is acknowledged must be on disk.
class CatalogPostgresDurabilityTest : public CatalogPostgresE2eTest {
 protected:
  CatalogPostgresDurabilityTest() : CatalogPostgresE2eTest(/*fsync=*/true) {}
};

TEST_F(CatalogPostgresE2eTest, MigrateOnlyAppliesTheSchemaAndExits) {
  std::string out;
  EXPECT_EQ(testing::RunCommand({BuildPath("services/catalog/catalog_server"),
                                 "--db_url_file=" + url_file_, "--migrate_only"},
                                &out),
            0)
      << out;
  auto version = pg_->Psql("catalog", "SELECT max(version) FROM schema_migrations");
  ASSERT_TRUE(version.ok()) << version.status();
  EXPECT_EQ(version->substr(0, 1), "4");  // catalog migrations 1-4
  auto classes = pg_->Psql("catalog", "SELECT count(*) FROM job_classes");
  ASSERT_TRUE(classes.ok()) << classes.status();
  EXPECT_EQ(classes->substr(0, 1), "0");  // nothing imported
}

TEST_F(CatalogPostgresE2eTest, WritesThroughOneReplicaAreReadThroughTheOther) {
  StartBoth();
  // Both imported at once; each class is there once, at version 1.
  pb::ListJobClassesRequest list;
  list.set_page_size(100);
  pb::ListJobClassesResponse listed;
  ASSERT_TRUE(b_.stub->ListJobClasses(Ctx().get(), list, &listed).ok());
  EXPECT_EQ(listed.job_classes_size(), 9);

  pb::CreateJobClassRequest create;
  pb::GetJobClassResponse model;
  ASSERT_TRUE(Get(a_, "G1099A", &model).ok());
  *create.mutable_job_class() = model.job_class();
  create.mutable_job_class()->set_code("PGE2E1");
  create.mutable_job_class()->set_title("Zymurgy Placement Liaison");
  create.mutable_job_class()->clear_etag();
  create.mutable_job_class()->clear_revision();
  create.set_change_note("created on PostgreSQL");
  auto* d = create.mutable_effective()->mutable_effective_date();
  d->set_year(2019);
  d->set_month(7);
  d->set_day(1);
  pb::CreateJobClassResponse created;
  grpc::Status s = a_.stub->CreateJobClass(Ctx().get(), create, &created);
  ASSERT_TRUE(s.ok()) << s.error_message() << " (see " << a_.log << ")";

  pb::GetJobClassResponse got;
  ASSERT_TRUE(Get(b_, "PGE2E1", &got).ok());
  EXPECT_EQ(got.job_class().title(), "Zymurgy Placement Liaison");

  pb::ReviseJobClassResponse revised;
  s = Revise(a_, "PGE2E1", "Zymurgy Placement Liaison II", &revised);
  ASSERT_TRUE(s.ok()) << s.error_message();
  ASSERT_TRUE(Get(b_, "PGE2E1", &got).ok());
  EXPECT_EQ(got.job_class().title(), "Zymurgy Placement Liaison II");
  EXPECT_EQ(got.job_class().etag(), revised.job_class().etag());

  pb::SearchJobClassesRequest search;
  search.set_query("zymurgy liaison");
  pb::SearchJobClassesResponse hits;
  s = b_.stub->SearchJobClasses(Ctx().get(), search, &hits);
  ASSERT_TRUE(s.ok()) << s.error_message();
  ASSERT_EQ(hits.hits_size(), 1);
  EXPECT_EQ(hits.hits(0).code(), "PGE2E1");
  EXPECT_EQ(hits.hits(0).title(), "Zymurgy Placement Liaison II");
  EXPECT_NE(hits.hits(0).snippet().find("[Zymurgy]"), std::string::npos) << hits.hits(0).snippet();

  pb::ListClassRevisionsResponse revisions = History(b_, "PGE2E1");
  ASSERT_EQ(revisions.revisions_size(), 2);
  EXPECT_EQ(revisions.revisions(1).change_note(), "e2e on PostgreSQL");

  // A stale etag through the other replica: ABORTED, nothing written.
  pb::ReviseJobClassRequest stale;
  *stale.mutable_job_class() = got.job_class();
  stale.set_etag(created.job_class().etag());
  stale.set_change_note("stale");
  *stale.mutable_effective() = create.effective();
  pb::ReviseJobClassResponse ignored;
  EXPECT_EQ(b_.stub->ReviseJobClass(Ctx().get(), stale, &ignored).error_code(),
            grpc::StatusCode::ABORTED);
}

// Readers on both replicas read a class without pause while it is revised five times through
// one of them: no read fails, no reader ever sees a revision older than one it already saw,
// and at the end both answer the last revision.
TEST_F(CatalogPostgresE2eTest, AClassIsRevisedWhileBothReplicasServeReads) {
  StartBoth();
  std::atomic<bool> stop{false};
  std::atomic<int> reads{0};
  std::vector<std::thread> readers;
  readers.reserve(4);
  std::vector<std::string> failures(4);
  for (int i = 0; i < 4; ++i) {
    readers.emplace_back([&, i] {
      Replica& r = i % 2 == 0 ? a_ : b_;
      int seen = 0;
      while (!stop.load()) {
        pb::GetJobClassResponse got;
        grpc::Status s = Get(r, "SPCP23", &got);
        if (!s.ok()) {
          failures[i] = s.error_message();
          return;
        }
        if (got.job_class().revision() < seen) {
          failures[i] = "went back from revision " + std::to_string(seen);
          return;
        }
        seen = got.job_class().revision();
        reads.fetch_add(1);
      }
    });
  }
  for (int n = 2; n <= 6; ++n) {
    pb::ReviseJobClassResponse revised;
    grpc::Status s = Revise(
        a_, "SPCP23", "CPS Permanency Planning Senior Worker r" + std::to_string(n), &revised);
    ASSERT_TRUE(s.ok()) << s.error_message();
    EXPECT_EQ(revised.job_class().revision(), n);
  }
  stop = true;
  for (auto& t : readers) t.join();
  for (const auto& f : failures) EXPECT_EQ(f, "");
  EXPECT_GT(reads.load(), 0);
  for (Replica* r : {&a_, &b_}) {
    pb::GetJobClassResponse got;
    ASSERT_TRUE(Get(*r, "SPCP23", &got).ok());
    EXPECT_EQ(got.job_class().revision(), 6);
    EXPECT_EQ(got.job_class().title(), "CPS Permanency Planning Senior Worker r6");
  }
}

// A revision of a shipped class, acknowledged, then at once SIGKILL of the server (no drain)
// and a crash-like restart of PostgreSQL (no shutdown checkpoint: the WAL is replayed). The
// server started again (importing the shipped data again) answers the revision, and its
// history and audit trail hold it once.
TEST_F(CatalogPostgresDurabilityTest, AnAcknowledgedRevisionSurvivesKillingTheServiceAndPostgres) {
  ASSERT_NO_FATAL_FAILURE(StartOne());
  pb::ReviseJobClassResponse revised;
  grpc::Status s =
      Revise(a_, "SPCP23", "CPS Permanency Planning Senior Worker (durable)", &revised);
  ASSERT_TRUE(s.ok()) << s.error_message() << " (see " << a_.log << ")";
  a_.process->Kill();
  ASSERT_TRUE(pg_->Restart().ok());
  ASSERT_NO_FATAL_FAILURE(StartOne());

  pb::GetJobClassResponse got;
  s = Get(a_, "SPCP23", &got);
  ASSERT_TRUE(s.ok()) << s.error_message() << " (see " << a_.log << ")";
  EXPECT_EQ(got.job_class().title(), "CPS Permanency Planning Senior Worker (durable)");
  EXPECT_EQ(got.job_class().revision(), revised.job_class().revision());
  EXPECT_EQ(got.job_class().etag(), revised.job_class().etag());

  pb::ListClassRevisionsResponse revisions = History(a_, "SPCP23");
  ASSERT_EQ(revisions.revisions_size(), 2);
  EXPECT_EQ(revisions.revisions(1).change_note(), "e2e on PostgreSQL");

  EXPECT_EQ(testing::AuditedMethods(*a_.stub, "job_class", "SPCP23"),
            std::vector<std::string>{"ReviseJobClass"});
}

// GetJobClass in a loop (no Redis, no in-process cache: every read asks PostgreSQL) while
// PostgreSQL restarts crash-like: once it is back no read fails, and a revision goes through.
TEST_F(CatalogPostgresE2eTest, ReadsAcrossAPostgresRestartAllSucceedOnceItIsBack) {
  ASSERT_NO_FATAL_FAILURE(StartOne());
  testing::ExpectReadsRideThroughARestart(*pg_, [&] {
    pb::GetJobClassResponse got;
    grpc::Status s = Get(a_, "SPCP23", &got);
    if (s.ok() && got.job_class().code() != "SPCP23") {
      return grpc::Status(grpc::StatusCode::DATA_LOSS, "another class: " + got.job_class().code());
    }
    return s;
  });
  pb::ReviseJobClassResponse revised;
  grpc::Status s = Revise(a_, "SPCP23", "CPS Permanency Planning Senior Worker (after)", &revised);
  EXPECT_TRUE(s.ok()) << s.error_message() << " (see " << a_.log << ")";
}

}  // namespace
}  // namespace classplan
