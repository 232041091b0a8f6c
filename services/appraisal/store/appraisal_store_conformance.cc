#include "services/appraisal/store/appraisal_store_conformance.h"

#include <atomic>
#include <thread>
#include <vector>

#include "common/dates/dates.h"

namespace classplan::appraisal {
namespace {

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

TEST_P(AppraisalStoreConformance, RoundTripSurvivesReopen) {
  {
    auto store = Open("round_trip");
    ASSERT_NE(store, nullptr);
    v1::Framework f;
    f.set_id("f");
    f.set_version(1);
    f.set_title("one");
    ASSERT_TRUE(store->PutFramework(f).ok());
    EXPECT_TRUE(store->PutFramework(f).ok());  // identical: idempotent
    f.set_title("changed");
    EXPECT_EQ(store->PutFramework(f).code(), absl::StatusCode::kAlreadyExists);
    f.set_version(2);
    ASSERT_TRUE(store->PutFramework(f).ok());
    ASSERT_TRUE(store->CreateAppraisal(Sample("a1", "e1"), audit::Event()).ok());
    ASSERT_TRUE(store->CreateAppraisal(Sample("a2", "e2"), audit::Event()).ok());
    EXPECT_EQ(store->CreateAppraisal(Sample("a1", "e1"), audit::Event()).code(),
              absl::StatusCode::kAlreadyExists);
  }
  auto store = Open("round_trip");
  ASSERT_NE(store, nullptr);
  EXPECT_EQ(store->GetFramework("f", 0)->version(), 2);
  EXPECT_EQ(store->GetFramework("f", 1)->title(), "one");
  EXPECT_EQ(store->GetFramework("g", 0).status().code(), absl::StatusCode::kNotFound);
  EXPECT_EQ(store->ListFrameworks()->size(), 1u);
  auto got = store->GetAppraisal("a1");
  ASSERT_TRUE(got.ok());
  EXPECT_EQ(got->version, 1);
  EXPECT_EQ(got->appraisal.employee_id(), "e1");
  EXPECT_EQ(got->appraisal.assessments(0).competency_id(), "pe");
  AppraisalQuery q;
  q.employee_id = "e2";
  auto list = store->ListAppraisals(q);
  ASSERT_EQ(list->size(), 1u);
  EXPECT_EQ((*list)[0].appraisal.id(), "a2");
  q = {};
  q.after_id = "a1";
  EXPECT_EQ(store->ListAppraisals(q)->size(), 1u);
}

TEST_P(AppraisalStoreConformance, VersionChecksAndFinalizedIsFrozen) {
  auto store = Open("versions");
  ASSERT_NE(store, nullptr);
  v1::Appraisal a = Sample("a1", "e1");
  ASSERT_TRUE(store->CreateAppraisal(a, audit::Event()).ok());
  a.set_supervisor_comments("x");
  ASSERT_TRUE(store->UpdateAppraisal(a, 1, audit::Event()).ok());
  EXPECT_EQ(store->UpdateAppraisal(a, 1, audit::Event()).code(), absl::StatusCode::kAborted);
  EXPECT_EQ(store->GetAppraisal("a1")->version, 2);
  a.set_state(v1::APPRAISAL_STATE_FINALIZED);
  ASSERT_TRUE(store->UpdateAppraisal(a, 2, audit::Event()).ok());
  a.set_supervisor_comments("y");
  EXPECT_EQ(store->UpdateAppraisal(a, 3, audit::Event()).code(),
            absl::StatusCode::kFailedPrecondition);
  EXPECT_EQ(store->GetAppraisal("a1")->appraisal.supervisor_comments(), "x");
  EXPECT_EQ(store->UpdateAppraisal(Sample("zz", "e"), 1, audit::Event()).code(),
            absl::StatusCode::kNotFound);
}

// Each write appends its event in its transaction; a refused write appends none.
TEST_P(AppraisalStoreConformance, WritesAndTheirEventsCommitTogether) {
  auto store = Open("audit");
  ASSERT_NE(store, nullptr);
  auto count = [&] {
    auto page = store->ListAuditEvents({}, 0, "");
    EXPECT_TRUE(page.ok()) << page.status();
    return page.ok() ? page->events.size() : 0;
  };
  audit::Event e;
  e.resource_type = "appraisal";
  e.resource_id = "a1";
  v1::Appraisal a = Sample("a1", "e1");
  ASSERT_TRUE(store->CreateAppraisal(a, e).ok());
  EXPECT_EQ(count(), 1u);
  EXPECT_TRUE(absl::IsAlreadyExists(store->CreateAppraisal(a, e)));
  EXPECT_TRUE(absl::IsAborted(store->UpdateAppraisal(a, 7, e)));
  EXPECT_EQ(count(), 1u);
  ASSERT_TRUE(store->UpdateAppraisal(a, 1, e).ok());
  EXPECT_EQ(count(), 2u);
  ASSERT_TRUE(store->RecordReads({e, e}).ok());
  EXPECT_EQ(count(), 4u);
}

v1::SupervisorAssignment Assignment(const std::string& id, const std::string& from,
                                    const std::string& to) {
  v1::SupervisorAssignment a;
  a.set_id(id);
  a.set_employee_id("e1");
  a.set_supervisor_id("s1");
  *a.mutable_from_date() = *dates::ParseFull(from);
  if (!to.empty()) *a.mutable_to_date() = *dates::ParseFull(to);
  return a;
}

TEST_P(AppraisalStoreConformance, AssignmentsRefuseOverlapsAndListByDay) {
  {
    auto store = Open("assignments");
    ASSERT_NE(store, nullptr);
    ASSERT_TRUE(
        store->CreateAssignment(Assignment("as1", "2024-01-01", "2024-06-30"), audit::Event())
            .ok());
    // Overlapping the same pair, on the last day or open-ended: refused, nothing written.
    EXPECT_EQ(store->CreateAssignment(Assignment("as2", "2024-06-30", ""), audit::Event()).code(),
              absl::StatusCode::kAlreadyExists);
    EXPECT_EQ(store->CreateAssignment(Assignment("as2", "2023-01-01", ""), audit::Event()).code(),
              absl::StatusCode::kAlreadyExists);
    ASSERT_TRUE(store->CreateAssignment(Assignment("as2", "2024-07-01", ""), audit::Event()).ok());
    v1::SupervisorAssignment other = Assignment("as3", "2024-01-01", "");
    other.set_supervisor_id("s2");  // another pair may overlap
    ASSERT_TRUE(store->CreateAssignment(other, audit::Event()).ok());
  }
  auto store = Open("assignments");
  ASSERT_NE(store, nullptr);
  AssignmentQuery q;
  EXPECT_EQ(store->ListAssignments(q)->size(), 3u);
  q.day = "2024-06-30";
  auto on = store->ListAssignments(q);
  ASSERT_EQ(on->size(), 2u);
  EXPECT_EQ((*on)[0].assignment.id(), "as1");
  EXPECT_EQ((*on)[1].assignment.id(), "as3");
  q.day = "2030-01-01";  // open-ended ones
  q.supervisor_id = "s1";
  on = store->ListAssignments(q);
  ASSERT_EQ(on->size(), 1u);
  EXPECT_EQ((*on)[0].assignment.id(), "as2");
  // Ending one is a versioned update; the day lists follow it.
  auto got = store->GetAssignment("as2");
  ASSERT_TRUE(got.ok());
  EXPECT_EQ(got->version, 1);
  *got->assignment.mutable_to_date() = dates::Ymd(2025, 12, 31);
  ASSERT_TRUE(store->UpdateAssignment(got->assignment, 1, audit::Event()).ok());
  EXPECT_EQ(store->UpdateAssignment(got->assignment, 1, audit::Event()).code(),
            absl::StatusCode::kAborted);
  EXPECT_TRUE(store->ListAssignments(q)->empty());
  EXPECT_EQ(store->GetAssignment("as2")->version, 2);
  EXPECT_EQ(store->GetAssignment("zz").status().code(), absl::StatusCode::kNotFound);
  EXPECT_EQ(store->UpdateAssignment(Assignment("zz", "2024-01-01", ""), 1, audit::Event()).code(),
            absl::StatusCode::kNotFound);
}

// The writes of relationships, addenda and voids append their event in their transaction;
// a refused one (overlap, stale version, not finalized, already voided) appends none.
TEST_P(AppraisalStoreConformance, NewWritesAndTheirEventsCommitTogether) {
  auto store = Open("new_writes_audit");
  ASSERT_NE(store, nullptr);
  auto events = [&] {
    auto page = store->ListAuditEvents({}, 0, "");
    EXPECT_TRUE(page.ok()) << page.status();
    return page.ok() ? page->events : std::vector<audit::Event>();
  };
  audit::Event e;
  e.principal = "hr-1";
  e.resource_type = "supervisor_assignment";
  e.resource_id = "as1";
  ASSERT_TRUE(store->CreateAssignment(Assignment("as1", "2024-01-01", ""), e).ok());
  EXPECT_EQ(events().size(), 1u);
  EXPECT_TRUE(
      absl::IsAlreadyExists(store->CreateAssignment(Assignment("as2", "2024-02-01", ""), e)));
  EXPECT_TRUE(absl::IsAborted(
      store->UpdateAssignment(Assignment("as1", "2024-01-01", "2024-12-31"), 7, e)));
  EXPECT_EQ(events().size(), 1u);
  ASSERT_TRUE(store->UpdateAssignment(Assignment("as1", "2024-01-01", "2024-12-31"), 1, e).ok());
  EXPECT_EQ(events().size(), 2u);

  e.resource_type = "appraisal";
  e.resource_id = "a1";
  v1::Appraisal a = Sample("a1", "e1");
  ASSERT_TRUE(store->CreateAppraisal(a, e).ok());
  v1::Addendum add;
  add.set_reason("r");
  add.set_text("t");
  EXPECT_TRUE(absl::IsFailedPrecondition(store->AddAddendum("a1", add, e)));  // a draft
  EXPECT_EQ(events().size(), 3u);
  a.set_state(v1::APPRAISAL_STATE_FINALIZED);
  ASSERT_TRUE(store->UpdateAppraisal(a, 1, e).ok());
  e.etag_before = "wrong";  // the store sets the versions it read and wrote
  ASSERT_TRUE(store->AddAddendum("a1", add, e).ok());
  auto all = events();
  ASSERT_EQ(all.size(), 5u);
  EXPECT_EQ(all[4].etag_before, "v2");
  EXPECT_EQ(all[4].etag_after, "v3");
  a.set_state(v1::APPRAISAL_STATE_VOIDED);
  EXPECT_TRUE(absl::IsAborted(store->VoidAppraisal(a, 2, e)));
  ASSERT_TRUE(store->VoidAppraisal(a, 3, e).ok());
  EXPECT_TRUE(absl::IsFailedPrecondition(store->VoidAppraisal(a, 4, e)));
  all = events();
  ASSERT_EQ(all.size(), 6u);
  EXPECT_FALSE(audit::VerifyChain(all).has_value());
}

TEST_P(AppraisalStoreConformance, AddendaOnlyOnFinalizedAndVoidIsTheLastWrite) {
  auto store = Open("addenda");
  ASSERT_NE(store, nullptr);
  v1::Appraisal a = Sample("a1", "e1");
  ASSERT_TRUE(store->CreateAppraisal(a, audit::Event()).ok());
  v1::Addendum add;
  add.set_author_id("s1");
  add.set_reason("r1");
  add.set_text("t1");
  EXPECT_EQ(store->AddAddendum("a1", add, audit::Event()).code(),
            absl::StatusCode::kFailedPrecondition);
  EXPECT_EQ(store->AddAddendum("zz", add, audit::Event()).code(), absl::StatusCode::kNotFound);
  a.set_state(v1::APPRAISAL_STATE_FINALIZED);
  ASSERT_TRUE(store->UpdateAppraisal(a, 1, audit::Event()).ok());
  ASSERT_TRUE(store->AddAddendum("a1", add, audit::Event()).ok());
  add.set_reason("r2");
  ASSERT_TRUE(store->AddAddendum("a1", add, audit::Event()).ok());
  auto got = store->GetAppraisal("a1");
  ASSERT_EQ(got->appraisal.addenda_size(), 2);
  EXPECT_EQ(got->appraisal.addenda(0).reason(), "r1");
  EXPECT_EQ(got->appraisal.addenda(1).reason(), "r2");
  EXPECT_EQ(got->version, 4);  // each addendum is a new version
  EXPECT_EQ(store->ListAppraisals({})->at(0).appraisal.addenda_size(), 2);
  // A finalized appraisal takes only VoidAppraisal, which needs a VOIDED appraisal.
  EXPECT_EQ(store->VoidAppraisal(a, 4, audit::Event()).code(), absl::StatusCode::kInvalidArgument);
  a.set_state(v1::APPRAISAL_STATE_VOIDED);
  EXPECT_EQ(store->UpdateAppraisal(a, 4, audit::Event()).code(),
            absl::StatusCode::kFailedPrecondition);
  EXPECT_EQ(store->VoidAppraisal(a, 3, audit::Event()).code(), absl::StatusCode::kAborted);
  ASSERT_TRUE(store->VoidAppraisal(a, 4, audit::Event()).ok());
  EXPECT_EQ(store->VoidAppraisal(a, 5, audit::Event()).code(),
            absl::StatusCode::kFailedPrecondition);
  EXPECT_EQ(store->UpdateAppraisal(a, 5, audit::Event()).code(),
            absl::StatusCode::kFailedPrecondition);
  got = store->GetAppraisal("a1");
  EXPECT_EQ(got->appraisal.state(), v1::APPRAISAL_STATE_VOIDED);
  EXPECT_EQ(got->appraisal.addenda_size(), 2);  // kept
}

// Runs `body(i)` on `n` threads released together, so every one has read what it writes
// with before any writes: the race is open on purpose.
template <typename Body>
void RaceOf(int n, Body body) {
  std::atomic<int> ready{0};
  std::vector<std::thread> threads;
  threads.reserve(n);
  for (int i = 0; i < n; ++i) {
    threads.emplace_back([&, i] {
      ++ready;
      while (ready.load() < n) std::this_thread::yield();
      body(i);
    });
  }
  for (auto& t : threads) t.join();
}

// Eight writers all read version 1 and write against it: exactly one wins, the others are
// told the appraisal changed, and the trail has one event per winner.
TEST_P(AppraisalStoreConformance, OfEightRacingWritersExactlyOneWins) {
  auto store = Open("race");
  ASSERT_NE(store, nullptr);
  audit::Event e;
  e.resource_type = "appraisal";
  e.resource_id = "a1";
  ASSERT_TRUE(store->CreateAppraisal(Sample("a1", "e1"), e).ok());
  std::atomic<int> won{0};
  std::atomic<int> aborted{0};
  RaceOf(8, [&](int i) {
    v1::Appraisal a = Sample("a1", "e1");
    a.set_supervisor_comments("writer " + std::to_string(i));
    absl::Status s = store->UpdateAppraisal(a, 1, e);
    if (s.ok()) ++won;
    if (absl::IsAborted(s)) ++aborted;
    if (!s.ok() && !absl::IsAborted(s)) ADD_FAILURE() << s;
  });
  EXPECT_EQ(won.load(), 1);
  EXPECT_EQ(aborted.load(), 7);
  EXPECT_EQ(store->GetAppraisal("a1")->version, 2);
  auto page = store->ListAuditEvents({}, 0, "");
  ASSERT_TRUE(page.ok()) << page.status();
  EXPECT_EQ(page->events.size(), 2u);
  EXPECT_FALSE(audit::VerifyChain(page->events).has_value());
}

// Eight overlapping assignments of one pair at once: exactly one is stored.
TEST_P(AppraisalStoreConformance, OfEightRacingOverlappingAssignmentsExactlyOneIsStored) {
  auto store = Open("assignment_race");
  ASSERT_NE(store, nullptr);
  std::atomic<int> won{0};
  std::atomic<int> refused{0};
  RaceOf(8, [&](int i) {
    absl::Status s = store->CreateAssignment(
        Assignment("as" + std::to_string(i), "2024-01-0" + std::to_string(i + 1), ""),
        audit::Event());
    if (s.ok()) ++won;
    if (absl::IsAlreadyExists(s)) ++refused;
    if (!s.ok() && !absl::IsAlreadyExists(s)) ADD_FAILURE() << s;
  });
  EXPECT_EQ(won.load(), 1);
  EXPECT_EQ(refused.load(), 7);
  EXPECT_EQ(store->ListAssignments({})->size(), 1u);
}

// Addenda need no etag: eight at once all land, each a version of its own.
TEST_P(AppraisalStoreConformance, RacingAddendaAllLand) {
  auto store = Open("addenda_race");
  ASSERT_NE(store, nullptr);
  v1::Appraisal a = Sample("a1", "e1");
  a.set_state(v1::APPRAISAL_STATE_FINALIZED);
  ASSERT_TRUE(store->CreateAppraisal(a, audit::Event()).ok());
  RaceOf(8, [&](int i) {
    v1::Addendum add;
    add.set_reason("r" + std::to_string(i));
    absl::Status s = store->AddAddendum("a1", add, audit::Event());
    EXPECT_TRUE(s.ok()) << s;
  });
  auto got = store->GetAppraisal("a1");
  ASSERT_TRUE(got.ok());
  EXPECT_EQ(got->appraisal.addenda_size(), 8);
  EXPECT_EQ(got->version, 9);
}

// Replicas of the service start together and store the shipped frameworks at once.
TEST_P(AppraisalStoreConformance, StoringTheSameFrameworkAtOnceSucceedsForAll) {
  auto store = Open("frameworks_race");
  ASSERT_NE(store, nullptr);
  v1::Framework f;
  f.set_id("f");
  f.set_version(1);
  f.set_title("one");
  RaceOf(8, [&](int) {
    absl::Status s = store->PutFramework(f);
    EXPECT_TRUE(s.ok()) << s;
  });
  EXPECT_EQ(store->ListFrameworks()->size(), 1u);
}

}  // namespace
}  // namespace classplan::appraisal
