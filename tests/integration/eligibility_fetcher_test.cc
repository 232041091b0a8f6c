// The eligibility service's catalog fetcher against an in-process catalog whose classes have
// no known effective dates: the fetcher marks them undated, and the domain's rule then uses
// a class's only revision (with a note), refuses a class with several, and leaves such a
// class out of a dated list.

#include <gtest/gtest.h>

#include <map>

#include "grpcpp/grpcpp.h"
#include "services/eligibility/clients/catalog_class_fetcher.h"
#include "services/eligibility/domain/eligibility.h"

namespace classplan::eligibility {
namespace {

namespace cv1 = ::classplan::catalog::v1;

// Answers like the catalog for undated revisions: an explicit as-of date is
// FAILED_PRECONDITION (a dated list names the class as uncertain); today's revision is given.
class UndatedCatalog final : public cv1::CatalogService::CallbackService {
 public:
  std::map<std::string, int> revisions;  // code -> number of revisions

  grpc::ServerUnaryReactor* GetJobClass(grpc::CallbackServerContext* ctx,
                                        const cv1::GetJobClassRequest* req,
                                        cv1::GetJobClassResponse* resp) override {
    auto* r = ctx->DefaultReactor();
    auto it = revisions.find(req->code());
    if (it == revisions.end()) {
      r->Finish(grpc::Status(grpc::StatusCode::NOT_FOUND, "no such class"));
    } else if (req->has_as_of()) {
      r->Finish(grpc::Status(grpc::StatusCode::FAILED_PRECONDITION,
                             "cannot tell which revision was in force"));
    } else {
      resp->mutable_job_class()->set_code(req->code());
      resp->mutable_job_class()->set_revision(it->second);
      r->Finish(grpc::Status::OK);
    }
    return r;
  }
  grpc::ServerUnaryReactor* ListJobClasses(grpc::CallbackServerContext* ctx,
                                           const cv1::ListJobClassesRequest* req,
                                           cv1::ListJobClassesResponse* resp) override {
    if (req->filter().empty()) {
      for (const auto& [code, n] : revisions) {
        // On a date, every class is named as uncertain, with its revision in force today.
        cv1::JobClass* c = nullptr;
        if (req->has_as_of()) {
          cv1::UncertainClass* u = resp->add_uncertain();
          u->set_code(code);
          u->set_reason("cannot tell which revision was in force");
          c = u->mutable_current();
        } else {
          c = resp->add_job_classes();
        }
        c->set_code(code);
        c->set_revision(n);
      }
    }
    auto* r = ctx->DefaultReactor();
    r->Finish(grpc::Status::OK);
    return r;
  }
};

class FetcherTest : public ::testing::Test {
 protected:
  void SetUp() override {
    catalog_.revisions = {{"ONE1", 1}, {"TWO2", 2}};
    grpc::ServerBuilder b;
    int port = 0;
    b.AddListeningPort("127.0.0.1:0", grpc::InsecureServerCredentials(), &port);
    b.RegisterService(&catalog_);
    server_ = b.BuildAndStart();
    ASSERT_NE(server_, nullptr);
    client_ = catalog_client::CatalogClient::Connect("127.0.0.1:" + std::to_string(port));
    fetcher_ = std::make_unique<CatalogClassFetcher>(client_.get());
  }
  void TearDown() override { server_->Shutdown(); }

  UndatedCatalog catalog_;
  std::unique_ptr<grpc::Server> server_;
  std::unique_ptr<catalog_client::CatalogClient> client_;
  std::unique_ptr<CatalogClassFetcher> fetcher_;
};

const absl::CivilDay kDay(2026, 1, 31);

TEST_F(FetcherTest, OnlyRevisionIsUsedWithANote) {
  auto c = fetcher_->Get("ONE1", kDay);
  ASSERT_TRUE(c.ok()) << c.status();
  EXPECT_EQ(c->job_class.revision(), 1);
  EXPECT_TRUE(c->undated);
  EXPECT_TRUE(CheckUndated(*c).ok());
  auto rules = BuildClassRules(*c);
  ASSERT_TRUE(rules.ok());
  EXPECT_EQ((*rules)->notes, std::vector<std::string>{kUndatedNote});
}

TEST_F(FetcherTest, SeveralUndatedRevisionsAreRefused) {
  auto two = fetcher_->Get("TWO2", kDay);
  ASSERT_TRUE(two.ok()) << two.status();
  EXPECT_TRUE(two->undated);
  EXPECT_EQ(CheckUndated(*two).code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_EQ(BuildClassRules(*two).status().code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_EQ(fetcher_->Get("NONE", kDay).status().code(), absl::StatusCode::kNotFound);
  auto all = fetcher_->List(kDay);
  ASSERT_TRUE(all.ok()) << all.status();
  std::vector<std::string> used;
  for (const auto& c : *all) {
    EXPECT_TRUE(c.undated) << c.job_class.code();
    if (CheckUndated(c).ok()) used.push_back(c.job_class.code());
  }
  EXPECT_EQ(used, std::vector<std::string>{"ONE1"});
}

TEST_F(FetcherTest, CatalogGoneIsUnavailable) {
  server_->Shutdown();
  EXPECT_EQ(fetcher_->Get("ONE1", kDay).status().code(), absl::StatusCode::kUnavailable);
  EXPECT_EQ(fetcher_->List(kDay).status().code(), absl::StatusCode::kUnavailable);
}

}  // namespace
}  // namespace classplan::eligibility
