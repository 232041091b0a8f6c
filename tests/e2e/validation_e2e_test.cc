// Issue 12, end to end: what is already in the catalog's SQLite store without having passed
// today's validation (written by an older version, here written straight into the file), and
// lists larger than one message, through the real catalog_server and eligibility_server.

#include <google/protobuf/text_format.h>

#include <chrono>
#include <cstdio>
#include <fstream>
#include <set>
#include <sstream>

#include "classplan/catalog/v1/catalog_service.grpc.pb.h"
#include "classplan/catalog/v1/data.pb.h"
#include "classplan/eligibility/v1/eligibility_service.grpc.pb.h"
#include "common/dates/dates.h"
#include "common/status/field_violations.h"
#include "common/status/grpc_status.h"
#include "grpcpp/grpcpp.h"
#include "gtest/gtest.h"
#include "services/catalog/store/sqlite_catalog_store.h"
#include "tests/support/grpc_server.h"
#include "tests/support/process.h"
#include "tests/support/redis_server.h"
#include "tests/support/temp.h"

namespace classplan {
namespace {

namespace ev1 = eligibility::v1;
namespace cv1 = catalog::v1;
using testing::BuildPath;
using testing::ChildProcess;

std::unique_ptr<grpc::ClientContext> Ctx() {
  auto ctx = std::make_unique<grpc::ClientContext>();
  ctx->set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(20));
  return ctx;
}

// The fields an error's google.rpc.BadRequest names.
std::set<std::string> ViolatedFields(const grpc::Status& s) {
  std::set<std::string> fields;
  for (const auto& v : status::GetFieldViolations(status::FromGrpcStatus(s)))
    fields.insert(v.field);
  return fields;
}

common::v1::Date Day(int y, int m, int d) { return dates::FromCivilDay(absl::CivilDay(y, m, d)); }

// The shipped class `code` from data/catalog/`file`, as its one adopted revision.
cv1::ClassRecord ShippedRecord(const std::string& file, const std::string& code) {
  std::ifstream in(testing::SourcePath("data/catalog/" + file));
  std::stringstream text;
  text << in.rdbuf();
  cv1::CatalogData data;
  EXPECT_TRUE(google::protobuf::TextFormat::ParseFromString(text.str(), &data));
  cv1::ClassRecord rec;
  rec.set_code(code);
  rec.set_version(1);
  for (const auto& r : data.revisions()) {
    if (r.job_class().code() != code) continue;
    cv1::ClassRevision* rev = rec.add_revisions();
    rev->set_class_code(code);
    rev->set_revision(1);
    rev->set_kind(cv1::REVISION_KIND_CREATE);
    rev->set_state(r.state());
    *rev->mutable_effective_date() = r.effective_date();
    *rev->mutable_job_class() = r.job_class();
    break;
  }
  EXPECT_EQ(rec.revisions_size(), 1) << code << " not in " << file;
  return rec;
}

// A class of about 12 KB, adopted in 2020.
cv1::ClassRecord LargeClass(int i) {
  char code[16];
  std::snprintf(code, sizeof(code), "L%04d", i);
  cv1::ClassRecord rec;
  rec.set_code(code);
  rec.set_version(1);
  cv1::ClassRevision* rev = rec.add_revisions();
  rev->set_class_code(code);
  rev->set_revision(1);
  rev->set_kind(cv1::REVISION_KIND_CREATE);
  rev->set_state(cv1::REVISION_STATE_ADOPTED);
  *rev->mutable_effective_date() = Day(2020, 1, 6);
  cv1::JobClass* c = rev->mutable_job_class();
  c->set_code(code);
  c->set_title("A large class");
  c->set_jurisdiction_id("sf-hsa");
  c->set_flsa_status(cv1::FLSA_STATUS_EXEMPT);
  for (int p = 0; p < 3; ++p) c->mutable_duties()->add_paragraphs(std::string(3900, 'd'));
  return rec;
}

ev1::Applicant Psychologist() {
  ev1::Applicant a;
  auto* e = a.add_education();
  e->set_level(cv1::EDUCATION_LEVEL_BACHELOR);
  e->set_field(cv1::FIELD_OF_STUDY_PSYCHOLOGY);
  e->set_accreditation(ev1::ACCREDITATION_ACCREDITED);
  *e->mutable_completed() = Day(2020, 5, 15);
  return a;
}

constexpr int kLargeClasses = 520;

class ValidationE2eTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = testing::MakeTempDir("validation_e2e");
    auto redis = testing::RedisServer::Start();
    ASSERT_TRUE(redis.ok()) << redis.status();
    redis_ = std::move(*redis);
    {
      // Before the server starts: straight into its SQLite file, bypassing validation. The
      // import then keeps this SPCP20 (it never overwrites a class) and adds the others.
      auto store = catalog::SqliteCatalogStore::Open(dir_ + "/catalog.db");
      ASSERT_TRUE(store.ok()) << store.status();
      catalog::WriteBatch b;
      cv1::ClassRecord spcp20 = ShippedRecord("nm-spo-spcp.textproto", "SPCP20");
      spcp20.mutable_revisions(0)
          ->mutable_job_class()
          ->mutable_minimum_qualification_rules()
          ->mutable_root()
          ->mutable_all_of()
          ->Clear();  // an empty group, as an older version let in
      b.classes.push_back({spcp20, 0});
      for (int i = 0; i < kLargeClasses; ++i) b.classes.push_back({LargeClass(i), 0});
      ASSERT_TRUE((*store)->Commit(b).ok());
    }
    catalog_ = testing::StartCatalogServer(dir_, redis_->port(), &catalog_port_);
    ASSERT_NE(catalog_, nullptr) << "see " << dir_ << "/catalog.log";
    catalog_stub_ = cv1::CatalogService::NewStub(testing::FastChannel(catalog_port_));
  }

  void StartEligibility() {
    const int port = testing::FreeTcpPort();
    const std::string log = dir_ + "/eligibility.log";
    eligibility_ = std::make_unique<ChildProcess>(
        std::vector<std::string>{
            BuildPath("services/eligibility/eligibility_server"),
            "--db=" + dir_ + "/eligibility.db", "--listen=127.0.0.1:" + std::to_string(port),
            "--redis=127.0.0.1:" + std::to_string(redis_->port()),
            "--catalog=127.0.0.1:" + std::to_string(catalog_port_), "--catalog_deadline=5s",
            "--drain_timeout=2s", testing::IdentityKeyFlag()},
        log);
    ASSERT_TRUE(testing::WaitServingLog(log)) << "see " << log;
    stub_ = ev1::EligibilityService::NewStub(testing::FastChannel(port));
  }

  std::string dir_;
  std::unique_ptr<testing::RedisServer> redis_;
  int catalog_port_ = 0;
  std::unique_ptr<ChildProcess> catalog_, eligibility_;
  std::unique_ptr<cv1::CatalogService::Stub> catalog_stub_;
  std::unique_ptr<ev1::EligibilityService::Stub> stub_;
};

TEST_F(ValidationE2eTest, AStoredClassWithInvalidRulesIsReportedNeverInternalNorLeftOut) {
  StartEligibility();
  ev1::EvaluateRequest req;
  req.set_class_code("SPCP20");
  *req.mutable_applicant() = Psychologist();
  *req.mutable_as_of() = Day(2026, 1, 31);
  ev1::Evaluation e;
  grpc::Status s = stub_->Evaluate(Ctx().get(), req, &e);
  ASSERT_EQ(s.error_code(), grpc::StatusCode::FAILED_PRECONDITION) << s.error_message();
  EXPECT_NE(s.error_message().find("class SPCP20"), std::string::npos) << s.error_message();
  EXPECT_NE(s.error_message().find("a group needs at least one rule"), std::string::npos)
      << s.error_message();
  // Its recommended rules are fine and still evaluate; SPCP23 beside it too.
  req.set_track(ev1::TRACK_RECOMMENDED);
  EXPECT_TRUE(stub_->Evaluate(Ctx().get(), req, &e).ok());

  ev1::FindQualifyingClassesRequest find;
  *find.mutable_applicant() = Psychologist();
  *find.mutable_as_of() = Day(2026, 1, 31);
  ev1::FindQualifyingClassesResponse found;
  s = stub_->FindQualifyingClasses(Ctx().get(), find, &found);
  ASSERT_TRUE(s.ok()) << s.error_message();
  ASSERT_EQ(found.not_evaluated_size(), 1) << found.DebugString();
  EXPECT_EQ(found.not_evaluated(0).class_code(), "SPCP20");
  EXPECT_NE(found.not_evaluated(0).reason().find("a group needs at least one rule"),
            std::string::npos);
  for (const auto& q : found.qualifying()) EXPECT_NE(q.class_code(), "SPCP20");
}

TEST_F(ValidationE2eTest, MoreThanAPageOfLargeClassesIsListedInFullThroughPages) {
  cv1::ListJobClassesRequest req;
  req.set_filter("jurisdiction = \"sf-hsa\"");
  req.set_page_size(500);  // the documented maximum
  int listed = 0, pages = 0;
  do {
    cv1::ListJobClassesResponse page;
    grpc::Status s = catalog_stub_->ListJobClasses(Ctx().get(), req, &page);
    ASSERT_TRUE(s.ok()) << s.error_code() << " " << s.error_message();
    for (const auto& c : page.job_classes()) listed += c.code()[0] == 'L' ? 1 : 0;
    req.set_page_token(page.next_page_token());
    ++pages;
  } while (!req.page_token().empty() && pages < 100);
  EXPECT_EQ(listed, kLargeClasses);
  EXPECT_GT(pages, 1);
}

TEST_F(ValidationE2eTest, AnInvalidWriteIsInvalidArgumentWithFieldViolationsAndNothingWritten) {
  cv1::CreateJobClassRequest req;
  cv1::JobClass* c = req.mutable_job_class();
  c->set_code("Z100");
  c->set_title("Refused");
  c->set_jurisdiction_id("nm-spo");
  c->set_flsa_status(static_cast<cv1::FlsaStatus>(99));
  c->mutable_minimum_qualification_rules()->mutable_root()->set_id("mq");
  *req.mutable_effective()->mutable_effective_date() = Day(1, 1, 1);
  cv1::CreateJobClassResponse out;
  grpc::Status s = catalog_stub_->CreateJobClass(Ctx().get(), req, &out);
  ASSERT_EQ(s.error_code(), grpc::StatusCode::INVALID_ARGUMENT) << s.error_message();
  const std::set<std::string> fields = ViolatedFields(s);
  EXPECT_TRUE(fields.count("job_class.flsa_status")) << s.error_message();
  EXPECT_TRUE(fields.count("job_class.minimum_qualification_rules.root")) << s.error_message();
  cv1::GetJobClassRequest get;
  get.set_code("Z100");
  cv1::GetJobClassResponse got;
  EXPECT_EQ(catalog_stub_->GetJobClass(Ctx().get(), get, &got).error_code(),
            grpc::StatusCode::NOT_FOUND);
}

TEST_F(ValidationE2eTest, ANoticeWithAnUnknownChangeKindAndAnImpossibleHearingIsNotWritten) {
  cv1::CreateClassificationNoticeRequest req;
  cv1::ClassificationNotice* n = req.mutable_notice();
  n->set_number("1400");
  n->set_jurisdiction_id("denver-csa");
  n->set_subject("A change");
  *n->mutable_notice_date() = Day(2025, 1, 2);
  *n->mutable_hearing()->mutable_date() = Day(2025, 1, 20);
  n->mutable_hearing()->mutable_time()->set_hours(25);
  n->mutable_hearing()->mutable_time()->set_minutes(99);
  cv1::NoticeClassChange* change = n->add_changes();
  change->set_class_code("CA2459");
  change->set_kind(static_cast<cv1::RevisionKind>(77));
  cv1::CreateClassificationNoticeResponse out;
  grpc::Status s = catalog_stub_->CreateClassificationNotice(Ctx().get(), req, &out);
  ASSERT_EQ(s.error_code(), grpc::StatusCode::INVALID_ARGUMENT) << s.error_message();
  EXPECT_EQ(ViolatedFields(s),
            (std::set<std::string>{"notice.hearing.time", "notice.changes[0].kind"}))
      << s.error_message();
  cv1::GetClassificationNoticeRequest get;
  get.set_number("1400");
  cv1::GetClassificationNoticeResponse got;
  EXPECT_EQ(catalog_stub_->GetClassificationNotice(Ctx().get(), get, &got).error_code(),
            grpc::StatusCode::NOT_FOUND);
}

TEST_F(ValidationE2eTest, AListFilterOnAnUnknownStateIsRefusedNotAnEmptyOk) {
  cv1::ListClassificationNoticesRequest req;
  req.set_filter("state = 99");
  cv1::ListClassificationNoticesResponse out;
  grpc::Status s = catalog_stub_->ListClassificationNotices(Ctx().get(), req, &out);
  ASSERT_EQ(s.error_code(), grpc::StatusCode::INVALID_ARGUMENT) << s.error_message();
  EXPECT_EQ(ViolatedFields(s), std::set<std::string>{"filter"}) << s.error_message();
}

}  // namespace
}  // namespace classplan
