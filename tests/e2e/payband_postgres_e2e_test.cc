// End to end on PostgreSQL: two payband_server replicas started together on ONE PostgreSQL 15
// database (the test starts it) with --db_url_file, both migrating and importing the shipped
// data at once. A schedule imported through one is read through the other (GetBand,
// FindBandsForSalary, ListSchedules), although that one had the jurisdiction cached already
// (no Redis: its in-process cache is checked against the shared schedule version). And
// --migrate_only of payband_server and appraisal_server: migrate, exit 0, serve nothing.

#include <sys/stat.h>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <memory>
#include <string>

#include "absl/strings/ascii.h"
#include "classplan/payband/v1/payband_service.grpc.pb.h"
#include "grpcpp/grpcpp.h"
#include "gtest/gtest.h"
#include "tests/support/grpc_server.h"
#include "tests/support/identity.h"
#include "tests/support/postgres_server.h"
#include "tests/support/process.h"
#include "tests/support/temp.h"

namespace classplan {
namespace {

namespace pb = payband::v1;
using testing::BuildPath;
using testing::ChildProcess;
using testing::PostgresServer;
using testing::SourcePath;

constexpr char kService[] = "classplan.payband.v1.PaybandService";

std::unique_ptr<grpc::ClientContext> Ctx() {
  auto ctx = std::make_unique<grpc::ClientContext>();
  ctx->set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(20));
  return ctx;
}

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

class PaybandPostgresE2eTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = testing::MakeTempDir("payband_pg_e2e");
    ASSERT_FALSE(dir_.empty());
    auto pg = PostgresServer::Start(PostgresServer::Options{/*fsync=*/false});
    ASSERT_TRUE(pg.ok()) << pg.status();
    pg_ = *std::move(pg);
  }

  void TearDown() override {
    for (auto& r : replicas_) r.process.reset();
    pg_.reset();
    std::error_code ignored;
    std::filesystem::remove_all(dir_, ignored);
  }

  // A fresh database and a 0600 file holding its URL.
  std::string UrlFile(const std::string& database) {
    auto url = pg_->CreateDatabase(database);
    EXPECT_TRUE(url.ok()) << url.status();
    std::string file = dir_ + "/" + database + "-url";
    std::ofstream(file) << (url.ok() ? *url : "") << "\n";
    ::chmod(file.c_str(), 0600);
    return file;
  }

  // Launches a replica without waiting for it, so that several start together.
  void Launch(const std::string& url_file) {
    Replica& r = replicas_.emplace_back();
    r.port = testing::FreeTcpPort();
    r.log = dir_ + "/payband-" + std::to_string(r.port) + ".log";
    // No call here reaches the catalog: an address nobody listens on will do.
    r.process = std::make_unique<ChildProcess>(
        std::vector<std::string>{
            BuildPath("services/payband/payband_server"),
            "--listen=127.0.0.1:" + std::to_string(r.port), "--db_url_file=" + url_file,
            "--data_dir=" + SourcePath("data/payband"),
            "--redis=", "--catalog=127.0.0.1:" + std::to_string(testing::FreeTcpPort()),
            "--catalog_deadline=2s", "--drain_timeout=2s", testing::IdentityKeyFlag()},
        r.log);
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

  std::string dir_;
  std::unique_ptr<PostgresServer> pg_;
  std::vector<Replica> replicas_;
};

TEST_F(PaybandPostgresE2eTest, AnImportThroughOneReplicaIsReadThroughTheOther) {
  const std::string url_file = UrlFile("payband");
  // Started together: both migrate (under the migration lock) and import the data files.
  replicas_.reserve(2);
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

  pb::ImportScheduleRequest imp;
  imp.set_jurisdiction_id("nm-spo");
  imp.set_name("test schedule 2025-01-01");
  SetDate("2025-01-01", imp.mutable_effective_from());
  imp.mutable_source()->set_document("payband postgres e2e test");
  imp.set_csv("band,minimum,midpoint,maximum,unit\nSD,40000,,60000,annual\n");
  pb::ImportScheduleResponse imported;
  s = a.stub->ImportSchedule(Ctx().get(), imp, &imported);
  ASSERT_TRUE(s.ok()) << s.error_message() << " (see " << a.log << ")";
  EXPECT_EQ(imported.schedule().id(), "nm-spo/2025-01-01");
  // The same import through the other replica is refused: one database.
  pb::ImportScheduleResponse again;
  EXPECT_EQ(b.stub->ImportSchedule(Ctx().get(), imp, &again).error_code(),
            grpc::StatusCode::ALREADY_EXISTS);

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

}  // namespace
}  // namespace classplan
