// End to end on PostgreSQL: appraisal_server started with --db_url_file on a PostgreSQL 15
// server the test starts (fsync on), called over signed gRPC channels. A write and a read; an
// acknowledged write and its audit event survive SIGKILL of the service and an immediate
// (crash-like) restart of PostgreSQL; reads after PostgreSQL is back all succeed.

#include <algorithm>
#include <memory>
#include <string>
#include <vector>

#include "classplan/appraisal/v1/appraisal_service.grpc.pb.h"
#include "common/dates/dates.h"
#include "grpcpp/grpcpp.h"
#include "gtest/gtest.h"
#include "tests/e2e/postgres_e2e.h"
#include "tests/support/grpc_server.h"
#include "tests/support/identity.h"
#include "tests/support/process.h"
#include "tests/support/temp.h"

namespace classplan {
namespace {

namespace v1 = appraisal::v1;
using testing::BuildPath;
using testing::ChildProcess;
using testing::SourcePath;

constexpr char kService[] = "classplan.appraisal.v1.AppraisalService";

std::unique_ptr<grpc::ClientContext> Ctx(const std::string& principal, const std::string& roles) {
  return testing::CallContext(principal, roles);
}

common::v1::Date D(int y, int m, int d) { return dates::FromCivilDay(absl::CivilDay(y, m, d)); }

class AppraisalPostgresE2eTest : public testing::PostgresE2eTest {
 protected:
  AppraisalPostgresE2eTest() : PostgresE2eTest(/*fsync=*/true) {}  // durability is tested

  void SetUp() override {
    ASSERT_NO_FATAL_FAILURE(PostgresE2eTest::SetUp());
    url_file_ = UrlFile("appraisal");
    ASSERT_FALSE(url_file_.empty());
    Start();
    v1::AssignSupervisorRequest req;
    req.mutable_assignment()->set_employee_id("emp-1");
    req.mutable_assignment()->set_supervisor_id("sup-1");
    *req.mutable_assignment()->mutable_from_date() = D(2000, 1, 1);
    v1::AssignSupervisorResponse resp;
    grpc::Status s = stub_->AssignSupervisor(Ctx("hr-1", "hr_admin").get(), req, &resp);
    ASSERT_TRUE(s.ok()) << s.error_message();
  }

  void TearDown() override {
    server_.reset();
    PostgresE2eTest::TearDown();
  }

  void Start() {
    port_ = testing::FreeTcpPort();
    log_ = dir_ + "/appraisal-" + std::to_string(port_) + ".log";
    server_ = std::make_unique<ChildProcess>(
        std::vector<std::string>{BuildPath("services/appraisal/appraisal_server"),
                                 "--listen=127.0.0.1:" + std::to_string(port_),
                                 "--db_url_file=" + url_file_,
                                 "--data_dir=" + SourcePath("data/appraisal"), "--drain_timeout=2s",
                                 testing::IdentityKeyFlag()},
        log_);
    ASSERT_TRUE(testing::WaitServingLog(log_)) << "see " << log_;
    channel_ = testing::SignedChannel("127.0.0.1:" + std::to_string(port_),
                                      /*default_identity=*/false);
    stub_ = v1::AppraisalService::NewStub(channel_);
    ASSERT_TRUE(testing::IsServing(channel_.get(), kService)) << "see " << log_;
  }

  v1::Appraisal Create() {
    v1::CreateAppraisalRequest r;
    auto* a = r.mutable_appraisal();
    a->set_employee_id("emp-1");
    a->set_class_code("2944");
    a->set_supervisor_id("sup-1");
    a->set_unit_id("unit-a");
    *a->mutable_date_entered_class() = D(2021, 3, 15);
    *a->mutable_period_start() = D(2024, 1, 1);
    *a->mutable_period_end() = D(2024, 12, 31);
    auto* as = a->add_assessments();
    as->set_competency_id("pe");
    as->add_observed_indicator_ids("pe.emg.01");
    v1::CreateAppraisalResponse resp;
    grpc::Status s = stub_->CreateAppraisal(Ctx("sup-1", "supervisor").get(), r, &resp);
    EXPECT_TRUE(s.ok()) << s.error_message() << " (see " << log_ << ")";
    return resp.appraisal();
  }

  grpc::Status Get(const std::string& id, v1::Appraisal* out) {
    v1::GetAppraisalRequest req;
    req.set_appraisal_id(id);
    v1::GetAppraisalResponse resp;
    grpc::Status s = stub_->GetAppraisal(Ctx("sup-1", "supervisor").get(), req, &resp);
    *out = resp.appraisal();
    return s;
  }

  // The audit events of appraisal `id`, as hr_admin lists them.
  int EventsFor(const std::string& id, const std::string& method) {
    std::vector<std::string> methods =
        testing::AuditedMethods(*stub_, "appraisal", id, "hr-1", "hr_admin");
    return static_cast<int>(std::count(methods.begin(), methods.end(), method));
  }

  std::string url_file_;
  int port_ = 0;
  std::string log_;
  std::unique_ptr<ChildProcess> server_;
  std::shared_ptr<grpc::Channel> channel_;
  std::unique_ptr<v1::AppraisalService::Stub> stub_;
};

TEST_F(AppraisalPostgresE2eTest, WriteThenReadThroughGrpc) {
  v1::Appraisal created = Create();
  ASSERT_FALSE(created.id().empty());
  v1::Appraisal got;
  grpc::Status s = Get(created.id(), &got);
  ASSERT_TRUE(s.ok()) << s.error_message();
  EXPECT_EQ(got.employee_id(), "emp-1");
  EXPECT_EQ(got.etag(), created.etag());
  EXPECT_EQ(EventsFor(created.id(), "CreateAppraisal"), 1);
}

// An acknowledged write and its audit event survive SIGKILL of the service (no drain) and a
// crash-like restart of PostgreSQL (no shutdown checkpoint: the WAL is replayed).
TEST_F(AppraisalPostgresE2eTest, AnAcknowledgedWriteSurvivesKillingTheServiceAndPostgres) {
  v1::Appraisal created = Create();
  ASSERT_FALSE(created.id().empty());
  server_->Kill();
  ASSERT_TRUE(pg_->Restart().ok());
  Start();
  v1::Appraisal got;
  grpc::Status s = Get(created.id(), &got);
  ASSERT_TRUE(s.ok()) << s.error_message();
  EXPECT_EQ(got.etag(), created.etag());
  EXPECT_EQ(EventsFor(created.id(), "CreateAppraisal"), 1);
}

// PostgreSQL restarts (crash-like) under a service reading in a loop: every pooled connection
// dies. Reads while it is down fail cleanly (UNAVAILABLE); once it is back none fails (each is
// retried once on a new connection), and writes go on.
TEST_F(AppraisalPostgresE2eTest, ReadsAfterAPostgresRestartAllSucceed) {
  v1::Appraisal created = Create();
  ASSERT_FALSE(created.id().empty());
  testing::ExpectReadsRideThroughARestart(*pg_, [&] {
    v1::Appraisal got;
    grpc::Status s = Get(created.id(), &got);
    if (s.ok() && got.etag() != created.etag())
      return grpc::Status(grpc::StatusCode::DATA_LOSS, "etag");
    return s;
  });
  EXPECT_FALSE(Create().id().empty()) << "see " << log_;
}

}  // namespace
}  // namespace classplan
