// End to end: a real redis-server, the catalog_server binary and payband_server binaries on
// fresh SQLite files with the shipped data, called over gRPC and through classplanctl.

#include <chrono>
#include <fstream>
#include <sstream>

#include "classplan/payband/v1/payband_service.grpc.pb.h"
#include "common/status/grpc_status.h"
#include "grpc/health/v1/health.grpc.pb.h"
#include "grpcpp/grpcpp.h"
#include "gtest/gtest.h"
#include "tests/support/grpc_server.h"
#include "tests/support/process.h"
#include "tests/support/redis_server.h"
#include "tests/support/temp.h"
#include "tests/support/wait.h"

namespace classplan {
namespace {

namespace pb = payband::v1;
using testing::BuildPath;
using testing::ChildProcess;
using testing::FastChannel;
using testing::SourcePath;
using testing::WaitServingLog;

struct Server {
  int port = 0;
  std::string log;
  std::unique_ptr<ChildProcess> process;
  std::shared_ptr<grpc::Channel> channel;
  std::unique_ptr<pb::PaybandService::Stub> stub;
};

std::unique_ptr<grpc::ClientContext> Ctx() {
  auto ctx = std::make_unique<grpc::ClientContext>();
  ctx->set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(10));
  return ctx;
}

using testing::LastCounter;

pb::ImportScheduleRequest NmImport(const std::string& from, const std::string& csv) {
  pb::ImportScheduleRequest req;
  req.set_jurisdiction_id("nm-spo");
  req.set_name("test schedule " + from);
  int y = 0, m = 0, d = 0;
  std::sscanf(from.c_str(), "%d-%d-%d", &y, &m, &d);
  req.mutable_effective_from()->set_year(y);
  req.mutable_effective_from()->set_month(m);
  req.mutable_effective_from()->set_day(d);
  req.mutable_source()->set_document("payband e2e test");
  req.set_csv(csv);
  return req;
}

constexpr char kGoodCsv[] =
    "band,minimum,midpoint,maximum,unit\nSD,40000,,60000,annual\nSE,45000,,70000,annual\n";

class PaybandE2eTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = testing::MakeTempDir("payband_e2e");
    auto redis = testing::RedisServer::Start();
    ASSERT_TRUE(redis.ok()) << redis.status();
    redis_ = std::move(*redis);
  }

  void StartCatalog() {
    catalog_ = testing::StartCatalogServer(dir_, redis_->port(), &catalog_port_);
    ASSERT_NE(catalog_, nullptr) << "see " << dir_ << "/catalog.log";
  }

  // A payband replica; `catalog_port` 0 means the real catalog started above.
  Server StartPayband(int catalog_port = 0) {
    Server s;
    s.port = testing::FreeTcpPort();
    s.log = dir_ + "/payband-" + std::to_string(s.port) + ".log";
    s.process = std::make_unique<ChildProcess>(
        std::vector<std::string>{
            BuildPath("services/payband/payband_server"),
            "--listen=127.0.0.1:" + std::to_string(s.port), "--db=" + dir_ + "/payband.db",
            "--data_dir=" + SourcePath("data/payband"),
            "--redis=127.0.0.1:" + std::to_string(redis_->port()),
            "--catalog=127.0.0.1:" +
                std::to_string(catalog_port == 0 ? catalog_port_ : catalog_port),
            "--catalog_deadline=2s", "--drain_timeout=2s", testing::IdentityKeyFlag()},
        s.log);
    EXPECT_TRUE(WaitServingLog(s.log)) << "see " << s.log;
    s.channel = FastChannel(s.port);
    s.stub = pb::PaybandService::NewStub(s.channel);
    EXPECT_TRUE(testing::IsServing(s.channel.get(), "classplan.payband.v1.PaybandService"))
        << "payband_server did not become healthy; see " << s.log;
    return s;
  }

  grpc::Status ClassRange(Server& s, const std::string& code, pb::GetClassPayRangeResponse* out) {
    pb::GetClassPayRangeRequest req;
    req.set_class_code(code);
    return s.stub->GetClassPayRange(Ctx().get(), req, out);
  }

  grpc::Status Band(Server& s, const std::string& j, const std::string& code,
                    pb::GetBandResponse* out, const std::string& as_of = "") {
    pb::GetBandRequest req;
    req.set_jurisdiction_id(j);
    req.set_code(code);
    if (!as_of.empty()) {
      int y = 0, m = 0, d = 0;
      std::sscanf(as_of.c_str(), "%d-%d-%d", &y, &m, &d);
      req.mutable_as_of()->set_year(y);
      req.mutable_as_of()->set_month(m);
      req.mutable_as_of()->set_day(d);
    }
    return s.stub->GetBand(Ctx().get(), req, out);
  }

  int Ctl(const Server& s, std::vector<std::string> args, std::string* out) {
    args.insert(args.begin(), "--payband_target=127.0.0.1:" + std::to_string(s.port));
    // Called directly: signs as an operator holding every role (imports need hr_admin).
    args.insert(args.begin(), {testing::IdentityKeyFlag(), "--principal=test-operator",
                               "--roles=hr_admin,hr_analyst,agency_system"});
    args.insert(args.begin(), BuildPath("tools/classplanctl/classplanctl"));
    return testing::RunCommand(args, out);
  }

  std::string dir_;
  std::unique_ptr<testing::RedisServer> redis_;
  int catalog_port_ = 0;
  std::unique_ptr<ChildProcess> catalog_;
};

TEST_F(PaybandE2eTest, ClassPayRangeComesFromTheRealCatalog) {
  StartCatalog();
  Server p = StartPayband();
  pb::GetClassPayRangeResponse r;
  grpc::Status s = ClassRange(p, "CA2459", &r);
  ASSERT_TRUE(s.ok()) << s.error_message();
  EXPECT_EQ(r.jurisdiction_id(), "denver-csa");
  EXPECT_EQ(r.band().code(), "806-A");  // the catalog's grade for CA2459
  EXPECT_EQ(r.schedule().id(), "denver-csa/notice-1355");
  EXPECT_EQ(r.band().annual().minimum().cents(), 4291700);
  EXPECT_EQ(r.band().annual().midpoint().cents(), 5568550);
  EXPECT_EQ(r.band().annual().maximum().cents(), 6845400);

  // Unknown class: the catalog's NOT_FOUND comes through.
  EXPECT_EQ(ClassRange(p, "NOSUCH1", &r).error_code(), grpc::StatusCode::NOT_FOUND);
}

TEST_F(PaybandE2eTest, NewMexicoBandWithoutFiguresIsFailedPreconditionNamingScheduleAndBand) {
  StartCatalog();
  Server p = StartPayband();
  pb::GetClassPayRangeResponse r;
  grpc::Status s = ClassRange(p, "SPCP20", &r);
  EXPECT_EQ(s.error_code(), grpc::StatusCode::FAILED_PRECONDITION);
  EXPECT_NE(s.error_message().find("band SD"), std::string::npos) << s.error_message();
  EXPECT_NE(s.error_message().find("nm-spo/classified-bands"), std::string::npos)
      << s.error_message();
}

TEST_F(PaybandE2eTest, ImportWithOneBadRowLeavesThePreviousScheduleIntact) {
  StartCatalog();
  Server p = StartPayband();
  pb::ImportScheduleResponse imported;
  grpc::Status s = p.stub->ImportSchedule(Ctx().get(), NmImport("2025-01-01", kGoodCsv), &imported);
  ASSERT_TRUE(s.ok()) << s.error_message();
  EXPECT_EQ(imported.schedule().id(), "nm-spo/2025-01-01");

  // Line 3 has min > max; line 2 alone is fine, yet nothing is written.
  const std::string bad =
      "band,minimum,midpoint,maximum,unit\nSD,41000,,61000,annual\nSE,80000,,70000,annual\n";
  pb::ImportScheduleResponse none;
  s = p.stub->ImportSchedule(Ctx().get(), NmImport("2025-07-01", bad), &none);
  ASSERT_EQ(s.error_code(), grpc::StatusCode::INVALID_ARGUMENT) << s.error_message();
  auto violations = status::GetFieldViolations(status::FromGrpcStatus(s));
  ASSERT_EQ(violations.size(), 1u);
  EXPECT_EQ(violations[0].field, "csv");
  EXPECT_EQ(violations[0].description.rfind("line 3:", 0), 0u) << violations[0].description;

  pb::ListSchedulesRequest list;
  list.set_filter("jurisdiction = \"nm-spo\"");
  pb::ListSchedulesResponse schedules;
  ASSERT_TRUE(p.stub->ListSchedules(Ctx().get(), list, &schedules).ok());
  std::vector<std::string> ids;
  for (const auto& sc : schedules.schedules()) ids.push_back(sc.id());
  EXPECT_EQ(ids, (std::vector<std::string>{"nm-spo/2025-01-01", "nm-spo/classified-bands"}));

  // The day the bad schedule would have started is still answered by the earlier one.
  pb::GetBandResponse band;
  ASSERT_TRUE(Band(p, "nm-spo", "SD", &band, "2025-08-01").ok());
  EXPECT_EQ(band.schedule().id(), "nm-spo/2025-01-01");
  EXPECT_EQ(band.band().annual().minimum().cents(), 4000000);
}

TEST_F(PaybandE2eTest, ImportOnOneReplicaInvalidatesTheOtherReplicasCache) {
  StartCatalog();
  Server a = StartPayband();
  Server b = StartPayband();
  // B answers (and caches) today's SD: only the undated schedule holds it, without figures.
  for (int i = 0; i < 3; ++i) {
    pb::GetBandResponse before;
    ASSERT_TRUE(Band(b, "nm-spo", "SD", &before).ok());
    EXPECT_EQ(before.schedule().id(), "nm-spo/classified-bands");
    EXPECT_EQ(before.band().figures_status(), pb::FIGURES_STATUS_NOT_ON_FILE);
  }
  pb::ImportScheduleResponse imported;
  grpc::Status s = a.stub->ImportSchedule(Ctx().get(), NmImport("2025-01-01", kGoodCsv), &imported);
  ASSERT_TRUE(s.ok()) << s.error_message();

  // The invalidation travels by Redis pub/sub (about a millisecond); B must then serve the
  // new schedule, not its cached copy (whose in-process lifetime is a minute).
  pb::GetBandResponse after;
  ASSERT_TRUE(testing::WaitFor([&] {
    return Band(b, "nm-spo", "SD", &after).ok() && after.schedule().id() == "nm-spo/2025-01-01";
  })) << "b still serves "
      << after.schedule().id();
  EXPECT_EQ(after.band().annual().maximum().cents(), 6000000);
  EXPECT_EQ(after.schedule().version(), imported.schedule().version());

  // B really served from its cache before the import (else this test proves nothing).
  ASSERT_EQ(b.process->Terminate(), 0);
  const std::string log = testing::ReadWholeFile(b.log);
  EXPECT_GT(LastCounter(log, "payband.cache.local_hit"), 0) << log;
}

TEST_F(PaybandE2eTest, CatalogDownIsAClearUnavailableAndIsCounted) {
  // No catalog at all: a port this test holds reserved, where nothing listens.
  Server p = StartPayband(testing::FreeTcpPort());
  pb::GetClassPayRangeResponse r;
  grpc::Status s = ClassRange(p, "CA2459", &r);
  EXPECT_EQ(s.error_code(), grpc::StatusCode::UNAVAILABLE);
  EXPECT_EQ(s.error_message().rfind("catalog unavailable", 0), 0u) << s.error_message();
  // Degraded, not down: what needs no catalog still answers.
  pb::GetBandResponse band;
  EXPECT_TRUE(Band(p, "denver-csa", "806-A", &band).ok());
  std::string out;
  EXPECT_EQ(Ctl(p, {"pay", "class", "CA2459"}, &out), 5);

  ASSERT_EQ(p.process->Terminate(), 0);
  const std::string log = testing::ReadWholeFile(p.log);
  EXPECT_EQ(LastCounter(log, "catalog_client.unavailable"), 2) << log;
  EXPECT_NE(log.find("catalog unavailable; calls that need it fail"), std::string::npos) << log;
  // The degraded mode is logged once, not per call.
  EXPECT_EQ(log.find("catalog unavailable; calls that need it fail"),
            log.rfind("catalog unavailable; calls that need it fail"));
}

TEST_F(PaybandE2eTest, ClassplanctlPayCommandsAndExitCodes) {
  StartCatalog();
  Server p = StartPayband();
  std::string out;
  EXPECT_EQ(Ctl(p, {"pay", "band", "806-A", "--jurisdiction=denver-csa"}, &out), 0);
  EXPECT_NE(out.find("$55,685.50"), std::string::npos) << out;
  EXPECT_NE(out.find("$42,917"), std::string::npos) << out;

  EXPECT_EQ(Ctl(p, {"pay", "class", "CA2459"}, &out), 0);
  EXPECT_NE(out.find("806-A"), std::string::npos) << out;
  EXPECT_EQ(Ctl(p, {"pay", "class", "SPCP20"}, &out), 4);  // SD has no figures on file (yet)

  EXPECT_EQ(Ctl(p, {"pay", "place", "50000", "--band=806-A", "--jurisdiction=denver-csa"}, &out),
            0);
  EXPECT_NE(out.find("89.79%"), std::string::npos) << out;  // compa-ratio 8979 bp
  EXPECT_NE(out.find("27.74%"), std::string::npos) << out;  // penetration 2774 bp

  EXPECT_EQ(Ctl(p, {"pay", "convert", "25.50/hour", "--to=annual"}, &out), 0);
  EXPECT_NE(out.find("$53,040 annual"), std::string::npos) << out;

  EXPECT_EQ(Ctl(p, {"--json", "pay", "place", "50000", "--band=806-A", "--jurisdiction=denver-csa"},
                &out),
            0);
  EXPECT_NE(out.find("\"compa_ratio_bp\": \"8979\""), std::string::npos) << out;

  // Import from a file, then a promotion check against the imported NM schedule.
  const std::string csv = dir_ + "/schedule.csv";
  std::ofstream(csv) << kGoodCsv;
  EXPECT_EQ(
      Ctl(p, {"pay", "import", csv, "--jurisdiction=nm-spo", "--effective_from=2025-01-01"}, &out),
      0);
  EXPECT_NE(out.find("nm-spo/2025-01-01"), std::string::npos) << out;
  EXPECT_EQ(Ctl(p,
                {"pay", "check", "promotion", "--from=48000", "--to=57000", "--band=SD",
                 "--jurisdiction=nm-spo", "--date=2025-03-01"},
                &out),
            0);
  EXPECT_NE(out.find("nm-1.7.4.12D-promotion-increase-5-15"), std::string::npos) << out;
  EXPECT_NE(out.find("18.75%"), std::string::npos) << out;

  // Exit codes: 3 not found, 4 failed precondition / invalid input, 6 conflict, 2 usage.
  EXPECT_EQ(Ctl(p, {"pay", "band", "999-Z", "--jurisdiction=denver-csa"}, &out), 3);
  EXPECT_EQ(Ctl(p,
                {"pay", "check", "promotion", "--from=0", "--to=57000", "--band=SD",
                 "--jurisdiction=nm-spo", "--date=2025-03-01"},
                &out),
            4);  // INVALID_ARGUMENT: current salary must be greater than zero
  EXPECT_EQ(
      Ctl(p, {"pay", "import", csv, "--jurisdiction=nm-spo", "--effective_from=2025-01-01"}, &out),
      6);
  EXPECT_EQ(Ctl(p, {"pay", "band", "806-A", "--bogus=1"}, &out), 2);
  EXPECT_EQ(Ctl(p, {"pay", "convert", "25.50", "--to=annual"}, &out), 2);
  EXPECT_EQ(Ctl(p, {"pay", "frobnicate"}, &out), 2);
}

}  // namespace
}  // namespace classplan
