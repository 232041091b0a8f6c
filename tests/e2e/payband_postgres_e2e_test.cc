// End to end on PostgreSQL: two payband_server replicas started together on ONE PostgreSQL 15
// database (the test starts it) with --db_url_file, both migrating and importing the shipped
// data at once. A schedule imported through one is read through the other (GetBand,
// FindBandsForSalary, ListSchedules), although that one had the jurisdiction cached already
// (no Redis: its in-process cache is checked against the shared schedule version). And
// --migrate_only of payband_server and appraisal_server: migrate, exit 0, serve nothing.
// Durability (issue 13): an acknowledged schedule import and its audit event survive SIGKILL of
// the server and a crash-like restart of PostgreSQL (fsync on), and a loop of GetBand and
// ListSchedules reads across such a restart fails no read once PostgreSQL is back.

#include <cstdio>
#include <memory>
#include <string>

#include "absl/strings/ascii.h"
#include "classplan/payband/v1/payband_service.grpc.pb.h"
#include "grpcpp/grpcpp.h"
#include "gtest/gtest.h"
#include "tests/e2e/postgres_e2e.h"
#include "tests/support/grpc_server.h"
#include "tests/support/identity.h"
#include "tests/support/process.h"
#include "tests/support/temp.h"

namespace classplan {
namespace {

namespace pb = payband::v1;
using testing::BuildPath;
using testing::ChildProcess;
using testing::SourcePath;

constexpr char kService[] = "classplan.payband.v1.PaybandService";

std::unique_ptr<grpc::ClientContext> Ctx() { return testing::CallContext(); }

void SetDate(const char* ymd, common::v1::Date* d) {
  int y = 0, m = 0, day = 0;
  std::sscanf(ymd, "%d-%d-%d", &y, &m, &day);
  d->set_year(y);
  d->set_month(m);
  d->set_day(day);
}

struct Replica {
  int port = 0;
  std::string log;
  std::unique_ptr<ChildProcess> process;
  std::unique_ptr<pb::PaybandService::Stub> stub;
};

class PaybandPostgresE2eTest : public testing::PostgresE2eTest {
 protected:
  explicit PaybandPostgresE2eTest(bool fsync = false) : PostgresE2eTest(fsync) {
    replicas_.reserve(4);  // Replica& stays valid as replicas are added
  }

  void TearDown() override {
    for (auto& r : replicas_) r.process.reset();
    PostgresE2eTest::TearDown();
  }

  // Launches a replica without waiting for it, so that several start together.
  void Launch(const std::string& url_file, const std::vector<std::string>& extra = {}) {
    Replica& r = replicas_.emplace_back();
    r.port = testing::FreeTcpPort();
    r.log = dir_ + "/payband-" + std::to_string(r.port) + ".log";
    // No call here reaches the catalog: an address nobody listens on will do.
    std::vector<std::string> argv{BuildPath("services/payband/payband_server"),
                                  "--listen=127.0.0.1:" + std::to_string(r.port),
                                  "--db_url_file=" + url_file,
                                  "--data_dir=" + SourcePath("data/payband"),
                                  "--redis=",
                                  "--catalog=127.0.0.1:" + std::to_string(testing::FreeTcpPort()),
                                  "--catalog_deadline=2s",
                                  "--drain_timeout=2s",
                                  testing::IdentityKeyFlag()};
    argv.insert(argv.end(), extra.begin(), extra.end());
    r.process = std::make_unique<ChildProcess>(argv, r.log);
  }

  // One replica on `url_file`, serving.
  Replica& StartOne(const std::string& url_file, const std::vector<std::string>& extra = {}) {
    Launch(url_file, extra);
    WaitServing(replicas_.back());
    return replicas_.back();
  }

  void WaitServing(Replica& r) {
    ASSERT_TRUE(testing::WaitServingLog(r.log)) << testing::ReadWholeFile(r.log);
    auto channel = testing::FastChannel(r.port);
    ASSERT_TRUE(testing::IsServing(channel.get(), kService)) << "see " << r.log;
    r.stub = pb::PaybandService::NewStub(channel);
  }

  grpc::Status Band(Replica& r, const char* as_of, pb::GetBandResponse* out) {
    pb::GetBandRequest req;
    req.set_jurisdiction_id("nm-spo");
    req.set_code("SD");
    SetDate(as_of, req.mutable_as_of());
    return r.stub->GetBand(Ctx().get(), req, out);
  }

  std::vector<std::string> ScheduleIds(Replica& r) {
    pb::ListSchedulesRequest req;
    req.set_filter("jurisdiction = \"nm-spo\"");
    pb::ListSchedulesResponse resp;
    grpc::Status s = r.stub->ListSchedules(Ctx().get(), req, &resp);
    EXPECT_TRUE(s.ok()) << s.error_message();
    std::vector<std::string> ids;
    for (const auto& sc : resp.schedules()) ids.push_back(sc.id());
    return ids;
  }

  // `server` --migrate_only on `url_file`: its exit code; `out` its output.
  int MigrateOnly(const std::string& server, const std::string& url_file, std::string* out) {
    return testing::RunCommand({BuildPath(server), "--db_url_file=" + url_file, "--migrate_only"},
                               out);
  }

  // Imports the test schedule (nm-spo from 2025-01-01, band SD 40,000-60,000 a year)
  // through `r`.
  static grpc::Status ImportTestSchedule(Replica& r, pb::ImportScheduleResponse* out) {
    pb::ImportScheduleRequest imp;
    imp.set_jurisdiction_id("nm-spo");
    imp.set_name("test schedule 2025-01-01");
    SetDate("2025-01-01", imp.mutable_effective_from());
    imp.mutable_source()->set_document("payband postgres e2e test");
    imp.set_csv("band,minimum,midpoint,maximum,unit\nSD,40000,,60000,annual\n");
    return r.stub->ImportSchedule(Ctx().get(), imp, out);
  }

  std::vector<Replica> replicas_;
};

// fsync on: what is acknowledged must be on disk.
class PaybandPostgresDurabilityTest : public PaybandPostgresE2eTest {
 protected:
  PaybandPostgresDurabilityTest() : PaybandPostgresE2eTest(/*fsync=*/true) {}
};

TEST_F(PaybandPostgresE2eTest, AnImportThroughOneReplicaIsReadThroughTheOther) {
  const std::string url_file = UrlFile("payband");
  // Started together: both migrate (under the migration lock) and import the data files.
  Launch(url_file);
  Launch(url_file);
  for (auto& r : replicas_) ASSERT_NO_FATAL_FAILURE(WaitServing(r));
  Replica& a = replicas_[0];
  Replica& b = replicas_[1];
  // Read (and cached) on b before the import. The shipped schedule is undated, so no day
  // can be asked of it yet (FAILED_PRECONDITION).
  EXPECT_EQ(ScheduleIds(b), std::vector<std::string>{"nm-spo/classified-bands"});
  pb::GetBandResponse band;
  grpc::Status s = Band(b, "2025-08-01", &band);
  EXPECT_EQ(s.error_code(), grpc::StatusCode::FAILED_PRECONDITION) << s.error_message();

  pb::ImportScheduleResponse imported;
  s = ImportTestSchedule(a, &imported);
  ASSERT_TRUE(s.ok()) << s.error_message() << " (see " << a.log << ")";
  EXPECT_EQ(imported.schedule().id(), "nm-spo/2025-01-01");
  // The same import through the other replica is refused: one database.
  pb::ImportScheduleResponse again;
  EXPECT_EQ(ImportTestSchedule(b, &again).error_code(), grpc::StatusCode::ALREADY_EXISTS);

  EXPECT_EQ(ScheduleIds(b),
            (std::vector<std::string>{"nm-spo/2025-01-01", "nm-spo/classified-bands"}));
  s = Band(b, "2025-08-01", &band);
  ASSERT_TRUE(s.ok()) << s.error_message() << " (see " << b.log << ")";
  EXPECT_EQ(band.schedule().id(), "nm-spo/2025-01-01");
  EXPECT_EQ(band.band().annual().minimum().cents(), 4000000);

  pb::FindBandsForSalaryRequest find;
  find.set_jurisdiction_id("nm-spo");
  find.mutable_salary()->set_currency_code("USD");
  find.mutable_salary()->set_cents(5000000);
  SetDate("2025-08-01", find.mutable_as_of());
  pb::FindBandsForSalaryResponse found;
  s = b.stub->FindBandsForSalary(Ctx().get(), find, &found);
  ASSERT_TRUE(s.ok()) << s.error_message() << " (see " << b.log << ")";
  ASSERT_EQ(found.placements_size(), 1);
  EXPECT_EQ(found.placements(0).band().code(), "SD");
  EXPECT_EQ(found.placements(0).band().schedule_id(), "nm-spo/2025-01-01");
}

TEST_F(PaybandPostgresE2eTest, MigrateOnlyAppliesTheMigrationsAndExits) {
  for (const std::string server :
       {"services/payband/payband_server", "services/appraisal/appraisal_server"}) {
    const std::string database = server.find("payband") != std::string::npos ? "pay" : "appr";
    const std::string url_file = UrlFile(database);
    std::string out;
    EXPECT_EQ(MigrateOnly(server, url_file, &out), 0) << out;
    auto applied = pg_->Psql(database, "SELECT count(*) FROM schema_migrations");
    ASSERT_TRUE(applied.ok()) << applied.status();
    EXPECT_NE(absl::StripAsciiWhitespace(*applied), "0") << server;
    // Nothing else ran: no data file was imported.
    auto tables = pg_->Psql(database, server.find("payband") != std::string::npos
                                          ? "SELECT count(*) FROM pay_schedules"
                                          : "SELECT count(*) FROM frameworks");
    ASSERT_TRUE(tables.ok()) << tables.status();
    EXPECT_EQ(absl::StripAsciiWhitespace(*tables), "0") << server;
    // Again: nothing to do, still exit 0.
    EXPECT_EQ(MigrateOnly(server, url_file, &out), 0) << out;
  }
}

// A schedule import, acknowledged, then at once SIGKILL of the server (no drain) and a
// crash-like restart of PostgreSQL (no shutdown checkpoint: the WAL is replayed). The server
// started again answers the schedule, and its audit trail holds the import once.
TEST_F(PaybandPostgresDurabilityTest, AnAcknowledgedImportSurvivesKillingTheServiceAndPostgres) {
  const std::string url_file = UrlFile("payband");
  ASSERT_FALSE(url_file.empty());
  Replica& first = StartOne(url_file);
  ASSERT_FALSE(HasFatalFailure());
  pb::ImportScheduleResponse imported;
  grpc::Status s = ImportTestSchedule(first, &imported);
  ASSERT_TRUE(s.ok()) << s.error_message() << " (see " << first.log << ")";
  first.process->Kill();
  ASSERT_TRUE(pg_->Restart().ok());
  Replica& again = StartOne(url_file);
  ASSERT_FALSE(HasFatalFailure());

  EXPECT_EQ(ScheduleIds(again),
            (std::vector<std::string>{"nm-spo/2025-01-01", "nm-spo/classified-bands"}));
  pb::GetBandResponse band;
  s = Band(again, "2025-08-01", &band);
  ASSERT_TRUE(s.ok()) << s.error_message() << " (see " << again.log << ")";
  EXPECT_EQ(band.schedule().id(), "nm-spo/2025-01-01");
  EXPECT_EQ(band.band().annual().minimum().cents(), 4000000);
  EXPECT_EQ(band.band().annual().maximum().cents(), 6000000);

  EXPECT_EQ(testing::AuditedMethods(*again.stub, "pay_schedule", "nm-spo/2025-01-01"),
            std::vector<std::string>{"ImportSchedule"});
}

// GetBand and ListSchedules in a loop (no Redis, in-process cache off: every read asks
// PostgreSQL) while PostgreSQL restarts crash-like: once it is back no read fails, and an
// import goes through.
TEST_F(PaybandPostgresE2eTest, ReadsAcrossAPostgresRestartAllSucceedOnceItIsBack) {
  const std::string url_file = UrlFile("payband");
  ASSERT_FALSE(url_file.empty());
  Replica& r = StartOne(url_file, {"--local_cache_ttl=0s"});
  ASSERT_FALSE(HasFatalFailure());
  pb::ImportScheduleResponse imported;
  grpc::Status s = ImportTestSchedule(r, &imported);
  ASSERT_TRUE(s.ok()) << s.error_message() << " (see " << r.log << ")";
  testing::ExpectReadsRideThroughARestart(*pg_, [&] {
    pb::GetBandResponse band;
    grpc::Status s = Band(r, "2025-08-01", &band);
    if (!s.ok()) return s;
    if (band.band().annual().minimum().cents() != 4000000) {
      return grpc::Status(grpc::StatusCode::DATA_LOSS, "another band");
    }
    pb::ListSchedulesRequest req;
    req.set_filter("jurisdiction = \"nm-spo\"");
    pb::ListSchedulesResponse resp;
    s = r.stub->ListSchedules(Ctx().get(), req, &resp);
    if (s.ok() && resp.schedules_size() != 2) {
      return grpc::Status(grpc::StatusCode::DATA_LOSS, "schedules missing");
    }
    return s;
  });
  pb::ImportScheduleRequest imp;
  imp.set_jurisdiction_id("nm-spo");
  imp.set_name("test schedule 2026-01-01");
  SetDate("2026-01-01", imp.mutable_effective_from());
  imp.mutable_source()->set_document("payband postgres e2e test");
  imp.set_csv("band,minimum,midpoint,maximum,unit\nSD,41000,,61000,annual\n");
  s = r.stub->ImportSchedule(Ctx().get(), imp, &imported);
  EXPECT_TRUE(s.ok()) << s.error_message() << " (see " << r.log << ")";
}

}  // namespace
}  // namespace classplan
