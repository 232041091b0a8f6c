#include "services/appraisal/store/sqlite_appraisal_store.h"

#include <filesystem>

#include "gtest/gtest.h"

namespace classplan::appraisal {
namespace {

std::string TempDb(const std::string& name) {
  auto dir = std::filesystem::temp_directory_path() /
             ("appraisal_store_test_" + std::to_string(::getpid()));
  std::filesystem::create_directories(dir);
  auto path = dir / name;
  std::filesystem::remove(path);
  return path.string();
}

v1::Appraisal Sample(const std::string& id, const std::string& employee) {
  v1::Appraisal a;
  a.set_id(id);
  a.set_employee_id(employee);
  a.set_supervisor_id("sup-1");
  a.set_unit_id("u");
  a.set_state(v1::APPRAISAL_STATE_DRAFT);
  a.set_framework_id("f");
  a.add_assessments()->set_competency_id("pe");
  return a;
}

TEST(SqliteAppraisalStore, RoundTripSurvivesReopen) {
  const std::string path = TempDb("round_trip.db");
  {
    auto store = SqliteAppraisalStore::Open(path);
    ASSERT_TRUE(store.ok()) << store.status();
    v1::Framework f;
    f.set_id("f");
    f.set_version(1);
    f.set_title("one");
    ASSERT_TRUE((*store)->PutFramework(f).ok());
    EXPECT_TRUE((*store)->PutFramework(f).ok());  // identical: idempotent
    f.set_title("changed");
    EXPECT_EQ((*store)->PutFramework(f).code(), absl::StatusCode::kAlreadyExists);
    f.set_version(2);
    ASSERT_TRUE((*store)->PutFramework(f).ok());
    ASSERT_TRUE((*store)->CreateAppraisal(Sample("a1", "e1"), audit::Event()).ok());
    ASSERT_TRUE((*store)->CreateAppraisal(Sample("a2", "e2"), audit::Event()).ok());
    EXPECT_EQ((*store)->CreateAppraisal(Sample("a1", "e1"), audit::Event()).code(),
              absl::StatusCode::kAlreadyExists);
  }
  auto store = SqliteAppraisalStore::Open(path);
  ASSERT_TRUE(store.ok());
  EXPECT_EQ((*store)->GetFramework("f", 0)->version(), 2);
  EXPECT_EQ((*store)->GetFramework("f", 1)->title(), "one");
  EXPECT_EQ((*store)->GetFramework("g", 0).status().code(), absl::StatusCode::kNotFound);
  EXPECT_EQ((*store)->ListFrameworks()->size(), 1u);
  auto got = (*store)->GetAppraisal("a1");
  ASSERT_TRUE(got.ok());
  EXPECT_EQ(got->version, 1);
  EXPECT_EQ(got->appraisal.employee_id(), "e1");
  EXPECT_EQ(got->appraisal.assessments(0).competency_id(), "pe");
  AppraisalQuery q;
  q.employee_id = "e2";
  auto list = (*store)->ListAppraisals(q);
  ASSERT_EQ(list->size(), 1u);
  EXPECT_EQ((*list)[0].appraisal.id(), "a2");
  q = {};
  q.after_id = "a1";
  EXPECT_EQ((*store)->ListAppraisals(q)->size(), 1u);
}

TEST(SqliteAppraisalStore, VersionChecksAndFinalizedIsFrozen) {
  auto store = SqliteAppraisalStore::Open(TempDb("versions.db"));
  ASSERT_TRUE(store.ok());
  v1::Appraisal a = Sample("a1", "e1");
  ASSERT_TRUE((*store)->CreateAppraisal(a, audit::Event()).ok());
  a.set_supervisor_comments("x");
  ASSERT_TRUE((*store)->UpdateAppraisal(a, 1, audit::Event()).ok());
  EXPECT_EQ((*store)->UpdateAppraisal(a, 1, audit::Event()).code(), absl::StatusCode::kAborted);
  EXPECT_EQ((*store)->GetAppraisal("a1")->version, 2);
  a.set_state(v1::APPRAISAL_STATE_FINALIZED);
  ASSERT_TRUE((*store)->UpdateAppraisal(a, 2, audit::Event()).ok());
  a.set_supervisor_comments("y");
  EXPECT_EQ((*store)->UpdateAppraisal(a, 3, audit::Event()).code(),
            absl::StatusCode::kFailedPrecondition);
  EXPECT_EQ((*store)->GetAppraisal("a1")->appraisal.supervisor_comments(), "x");
  EXPECT_EQ((*store)->UpdateAppraisal(Sample("zz", "e"), 1, audit::Event()).code(),
            absl::StatusCode::kNotFound);
}

// Each write appends its event in its transaction; a refused write appends none.
TEST(SqliteAppraisalStore, WritesAndTheirEventsCommitTogether) {
  auto store = SqliteAppraisalStore::Open(TempDb("audit.db"));
  ASSERT_TRUE(store.ok());
  auto count = [&] {
    auto page = (*store)->ListAuditEvents({}, 0, "");
    EXPECT_TRUE(page.ok()) << page.status();
    return page.ok() ? page->events.size() : 0;
  };
  audit::Event e;
  e.resource_type = "appraisal";
  e.resource_id = "a1";
  v1::Appraisal a = Sample("a1", "e1");
  ASSERT_TRUE((*store)->CreateAppraisal(a, e).ok());
  EXPECT_EQ(count(), 1u);
  EXPECT_TRUE(absl::IsAlreadyExists((*store)->CreateAppraisal(a, e)));
  EXPECT_TRUE(absl::IsAborted((*store)->UpdateAppraisal(a, 7, e)));
  EXPECT_EQ(count(), 1u);
  ASSERT_TRUE((*store)->UpdateAppraisal(a, 1, e).ok());
  EXPECT_EQ(count(), 2u);
  ASSERT_TRUE((*store)->RecordReads({e, e}).ok());
  EXPECT_EQ(count(), 4u);
}

}  // namespace
}  // namespace classplan::appraisal
