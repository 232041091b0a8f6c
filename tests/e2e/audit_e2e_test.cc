// End to end: the audit trail of the catalog, pay-band and appraisal servers (real processes
// on fresh SQLite files). A write the server acknowledged survives SIGKILL together with its
// audit event; `classplanctl audit list|verify` reads and checks the chain; an event edited
// in the database file is named by verify.

#include <chrono>
#include <memory>
#include <string>
#include <vector>

#include "classplan/appraisal/v1/appraisal_service.grpc.pb.h"
#include "classplan/catalog/v1/catalog_service.grpc.pb.h"
#include "classplan/payband/v1/payband_service.grpc.pb.h"
#include "common/audit/audit.h"
#include "common/audit/sqlite_audit.h"
#include "common/dates/dates.h"
#include "common/sqlite/database.h"
#include "grpcpp/grpcpp.h"
#include "gtest/gtest.h"
#include "tests/support/grpc_server.h"
#include "tests/support/identity.h"
#include "tests/support/process.h"
#include "tests/support/temp.h"

namespace classplan {
namespace {

using testing::BuildPath;
using testing::ChildProcess;
using testing::SourcePath;

common::v1::Date D(int y, int m, int d) { return dates::FromCivilDay(absl::CivilDay(y, m, d)); }

// The identity the gateway would set, and a request id to find the event by.
std::unique_ptr<grpc::ClientContext> Ctx(const std::string& principal, const std::string& roles,
                                         const std::string& request_id = "") {
  auto ctx = std::make_unique<grpc::ClientContext>();
  ctx->set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(10));
  ctx->AddMetadata("x-classplan-principal", principal);
  ctx->AddMetadata("x-classplan-roles", roles);
  if (!request_id.empty()) ctx->AddMetadata("x-request-id", request_id);
  return ctx;
}

// One count from the database file (read by another connection, as an auditor would).
int64_t CountRows(const std::string& db_path, const std::string& sql) {
  auto db = sqlite::Database::Open(db_path);
  if (!db.ok()) return -1;
  auto st = (*db)->Prepare(sql);
  if (!st.ok()) return -1;
  auto row = st->Step();
  return row.ok() && *row ? st->ColumnInt(0) : -1;
}

// The chain in the file: "" when intact, else the first break.
std::string VerifyFile(const std::string& db_path) {
  auto db = sqlite::Database::Open(db_path);
  if (!db.ok()) return std::string(db.status().message());
  auto broken = audit::Verify(**db);
  if (!broken.ok()) return std::string(broken.status().message());
  return broken->has_value() ? (*broken)->problem : "";
}

class AuditE2eTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = testing::MakeTempDir("audit_e2e");
    ASSERT_FALSE(dir_.empty());
  }

  // Starts (or restarts) `binary` on `db` in the test's directory; returns its port.
  int Start(const std::string& binary, const std::string& db, std::vector<std::string> extra) {
    const int port = testing::FreeTcpPort();
    const std::string log = dir_ + "/" + db + "-" + std::to_string(port) + ".log";
    std::vector<std::string> argv = {
        BuildPath(binary), "--listen=127.0.0.1:" + std::to_string(port), "--db=" + dir_ + "/" + db,
        "--drain_timeout=2s", testing::IdentityKeyFlag()};
    argv.insert(argv.end(), extra.begin(), extra.end());
    server_ = std::make_unique<ChildProcess>(argv, log);
    EXPECT_TRUE(testing::WaitServingLog(log)) << "see " << log;
    return port;
  }

  int StartCatalog() {
    return Start("services/catalog/catalog_server", "catalog.db",
                 {"--data_dir=" + SourcePath("data/catalog"), "--redis=off"});
  }

  // classplanctl as `principal` with `roles`, calling the replica directly.
  int Ctl(std::vector<std::string> args, const std::string& roles, std::string* out) {
    args.insert(args.begin(),
                {BuildPath("tools/classplanctl/classplanctl"), testing::IdentityKeyFlag(),
                 "--principal=auditor-1", "--roles=" + roles});
    out->clear();  // RunCommand appends
    return testing::RunCommand(args, out);
  }

  std::string dir_;
  std::unique_ptr<ChildProcess> server_;
};

catalog::v1::CreateJobClassRequest NewClass(const std::string& code) {
  catalog::v1::CreateJobClassRequest req;
  auto* c = req.mutable_job_class();
  c->set_code(code);
  c->set_title("Audit Test Class");
  c->set_jurisdiction_id("nm-spo");
  c->set_flsa_status(catalog::v1::FLSA_STATUS_EXEMPT);
  *req.mutable_effective()->mutable_effective_date() = D(2020, 1, 1);
  req.set_change_note("created by the audit e2e test");
  return req;
}

TEST_F(AuditE2eTest, CatalogWriteAndItsEventSurviveSigkillAndVerifyFindsAnEditedEvent) {
  int port = StartCatalog();
  auto stub = catalog::v1::CatalogService::NewStub(testing::FastChannel(port));
  catalog::v1::CreateJobClassResponse created;
  grpc::Status s = stub->CreateJobClass(Ctx("admin-1", "hr_admin", "req-audit-1").get(),
                                        NewClass("AUD1"), &created);
  ASSERT_TRUE(s.ok()) << s.error_message();
  // A refused write (the same code again) leaves no event.
  s = stub->CreateJobClass(Ctx("admin-1", "hr_admin").get(), NewClass("AUD1"), &created);
  ASSERT_EQ(s.error_code(), grpc::StatusCode::ALREADY_EXISTS);
  server_->Kill();  // right after the acknowledged write: no drain, no clean close

  const std::string db = dir_ + "/catalog.db";
  EXPECT_EQ(CountRows(db, "SELECT COUNT(*) FROM job_classes WHERE code = 'AUD1'"), 1);
  EXPECT_EQ(CountRows(db, "SELECT COUNT(*) FROM audit_events"), 1);
  EXPECT_EQ(CountRows(db,
                      "SELECT COUNT(*) FROM audit_events WHERE resource_id = 'AUD1' AND "
                      "principal = 'admin-1' AND request_id = 'req-audit-1' AND "
                      "method = 'CreateJobClass' AND etag_after = 'v1'"),
            1);
  EXPECT_EQ(VerifyFile(db), "");

  port = StartCatalog();
  const std::string target = "--target=127.0.0.1:" + std::to_string(port);
  std::string out;
  EXPECT_EQ(Ctl({"audit", "list", "--service=catalog", target}, "hr_admin", &out), 0) << out;
  EXPECT_NE(out.find("AUD1"), std::string::npos) << out;
  EXPECT_NE(out.find("1 events"), std::string::npos) << out;
  EXPECT_EQ(Ctl({"audit", "verify", "--service=catalog", target}, "hr_admin", &out), 0) << out;
  EXPECT_NE(out.find("OK: catalog audit trail, 1 events"), std::string::npos) << out;
  // Not an hr_admin: refused by the service itself.
  EXPECT_EQ(Ctl({"audit", "list", "--service=catalog", target}, "hr_analyst", &out), 1) << out;

  // A second write, then someone edits the first event in the file.
  catalog::v1::CreateJobClassResponse second;
  stub = catalog::v1::CatalogService::NewStub(testing::FastChannel(port));
  s = stub->CreateJobClass(Ctx("admin-1", "hr_admin").get(), NewClass("AUD2"), &second);
  ASSERT_TRUE(s.ok()) << s.error_message();
  {
    auto file = sqlite::Database::Open(db);
    ASSERT_TRUE(file.ok()) << file.status();
    ASSERT_TRUE(
        (*file)->Exec("UPDATE audit_events SET principal = 'someone-else' WHERE seq = 1").ok());
  }
  EXPECT_EQ(Ctl({"audit", "verify", "--service=catalog", target}, "hr_admin", &out), 1) << out;
  EXPECT_NE(out.find("BROKEN: catalog audit trail, event 1:"), std::string::npos) << out;
}

TEST_F(AuditE2eTest, PayImportAndItsEventSurviveSigkill) {
  auto start = [&] {
    return Start("services/payband/payband_server", "payband.db",
                 {"--data_dir=" + SourcePath("data/payband"), "--redis=off",
                  "--catalog=127.0.0.1:" + std::to_string(testing::FreeTcpPort())});
  };
  int port = start();
  auto stub = payband::v1::PaybandService::NewStub(testing::FastChannel(port));
  payband::v1::ImportScheduleRequest imp;
  imp.set_jurisdiction_id("denver-csa");
  imp.set_name("2030 grades");
  *imp.mutable_effective_from() = D(2030, 1, 1);
  imp.mutable_source()->set_document("audit e2e fixture");
  imp.set_csv("band,minimum,midpoint,maximum,unit\n806-A,25.00,,35.00,hourly\n");
  payband::v1::ImportScheduleResponse resp;
  grpc::Status s = stub->ImportSchedule(Ctx("admin-1", "hr_admin", "req-pay-1").get(), imp, &resp);
  ASSERT_TRUE(s.ok()) << s.error_message();
  server_->Kill();

  const std::string db = dir_ + "/payband.db";
  EXPECT_EQ(CountRows(db, "SELECT COUNT(*) FROM pay_schedules WHERE id = 'denver-csa/2030-01-01'"),
            1);
  EXPECT_EQ(CountRows(db,
                      "SELECT COUNT(*) FROM audit_events WHERE resource_type = 'pay_schedule' AND "
                      "resource_id = 'denver-csa/2030-01-01' AND request_id = 'req-pay-1'"),
            1);
  EXPECT_EQ(CountRows(db, "SELECT COUNT(*) FROM audit_events"), 1);
  EXPECT_EQ(VerifyFile(db), "");

  port = start();
  std::string out;
  EXPECT_EQ(Ctl({"audit", "verify", "--service=payband",
                 "--payband_target=127.0.0.1:" + std::to_string(port)},
                "hr_admin", &out),
            0)
      << out;
  EXPECT_NE(out.find("OK: payband audit trail, 1 events"), std::string::npos) << out;
}

TEST_F(AuditE2eTest, AppraisalWritesAndReadsAreOnTheTrailAfterSigkill) {
  auto start = [&] {
    return Start("services/appraisal/appraisal_server", "appraisal.db",
                 {"--data_dir=" + SourcePath("data/appraisal")});
  };
  int port = start();
  auto stub = appraisal::v1::AppraisalService::NewStub(testing::FastChannel(port));
  // A supervisor opens appraisals only of their staff: HR records the relationship first.
  appraisal::v1::AssignSupervisorRequest assign;
  assign.mutable_assignment()->set_employee_id("emp-1");
  assign.mutable_assignment()->set_supervisor_id("sup-1");
  *assign.mutable_assignment()->mutable_from_date() = D(2020, 1, 1);
  appraisal::v1::AssignSupervisorResponse assigned;
  grpc::Status s = stub->AssignSupervisor(Ctx("hr-1", "hr_admin").get(), assign, &assigned);
  ASSERT_TRUE(s.ok()) << s.error_message();
  appraisal::v1::CreateAppraisalRequest req;
  auto* a = req.mutable_appraisal();
  a->set_employee_id("emp-1");
  a->set_class_code("2944");
  a->set_supervisor_id("sup-1");
  a->set_unit_id("unit-a");
  *a->mutable_date_entered_class() = D(2021, 3, 15);
  *a->mutable_period_start() = D(2024, 1, 1);
  *a->mutable_period_end() = D(2024, 12, 31);
  appraisal::v1::CreateAppraisalResponse created;
  s = stub->CreateAppraisal(Ctx("sup-1", "supervisor").get(), req, &created);
  ASSERT_TRUE(s.ok()) << s.error_message();
  const std::string id = created.appraisal().id();
  appraisal::v1::GetAppraisalRequest get;
  get.set_appraisal_id(id);
  appraisal::v1::GetAppraisalResponse got;
  // A draft is its supervisor's until submitted (the employee is told NOT_FOUND).
  s = stub->GetAppraisal(Ctx("sup-1", "supervisor").get(), get, &got);
  ASSERT_TRUE(s.ok()) << s.error_message();
  server_->Kill();

  const std::string db = dir_ + "/appraisal.db";
  EXPECT_EQ(CountRows(db, "SELECT COUNT(*) FROM appraisals"), 1);
  EXPECT_EQ(CountRows(db,
                      "SELECT COUNT(*) FROM audit_events WHERE method = 'CreateAppraisal' AND "
                      "principal = 'sup-1'"),
            1);
  EXPECT_EQ(CountRows(db,
                      "SELECT COUNT(*) FROM audit_events WHERE method = 'GetAppraisal' AND "
                      "principal = 'sup-1' AND etag_before = 'v1'"),
            1);
  EXPECT_EQ(VerifyFile(db), "");

  port = start();
  const std::string target = "--appraisal_target=127.0.0.1:" + std::to_string(port);
  std::string out;
  EXPECT_EQ(Ctl({"audit", "list", "--service=appraisal", "--resource_id=" + id, target}, "hr_admin",
                &out),
            0)
      << out;
  EXPECT_NE(out.find("GetAppraisal"), std::string::npos) << out;
  EXPECT_NE(out.find("2 events"), std::string::npos) << out;
  EXPECT_EQ(Ctl({"audit", "verify", "--service=appraisal", target}, "hr_admin", &out), 0) << out;
  EXPECT_EQ(Ctl({"audit", "list", "--service=appraisal", target}, "supervisor", &out), 1) << out;
}

}  // namespace
}  // namespace classplan
