// The RulingStore conformance suite: what every store guarantees.
#include "services/eligibility/store/ruling_store_conformance.h"

#include <string>

#include "gtest/gtest.h"

namespace classplan::eligibility {
namespace {

v1::Ruling MakeRuling(const std::string& id, const std::string& cls, const std::string& ref) {
  v1::Ruling r;
  r.set_id(id);
  r.set_class_code(cls);
  r.set_applicant_ref(ref);
  r.set_standing(ref.empty());
  r.set_review_reason_id("mq/licence|licence_eligibility");
  r.set_decision(v1::RULING_DECISION_QUALIFIED);
  r.set_author("analyst-1");
  r.set_reason("confirmed");
  return r;
}

audit::Event EventFor(const std::string& id) {
  audit::Event e;
  e.time = absl::FromUnixSeconds(1700000000);
  e.principal = "analyst-1";
  e.method = "RecordRuling";
  e.resource_type = "ruling";
  e.resource_id = id;
  e.etag_after = "v1";
  return e;
}

TEST_P(RulingStoreConformance, CreateGetAndAuditInOneWrite) {
  auto store = Open("s");
  ASSERT_NE(store, nullptr);
  ASSERT_TRUE(store->CreateRuling(MakeRuling("rul-a", "CA2459", ""), EventFor("rul-a")).ok());
  auto got = store->GetRuling("rul-a");
  ASSERT_TRUE(got.ok()) << got.status();
  EXPECT_EQ(got->version, 1);
  EXPECT_EQ(got->ruling.class_code(), "CA2459");
  EXPECT_TRUE(got->ruling.standing());
  auto events = store->ListAuditEvents({}, 0, "");
  ASSERT_TRUE(events.ok()) << events.status();
  ASSERT_EQ(events->events.size(), 1U);
  EXPECT_EQ(events->events[0].resource_id, "rul-a");
  EXPECT_EQ(store->GetRuling("rul-x").status().code(), absl::StatusCode::kNotFound);
}

TEST_P(RulingStoreConformance, ATakenIdIsRefusedAndNothingIsWritten) {
  auto store = Open("s");
  ASSERT_NE(store, nullptr);
  ASSERT_TRUE(store->CreateRuling(MakeRuling("rul-a", "CA2459", ""), EventFor("rul-a")).ok());
  auto v1 = store->ClassVersion("CA2459");
  ASSERT_TRUE(v1.ok());
  EXPECT_EQ(store->CreateRuling(MakeRuling("rul-a", "SPCP23", "r1"), EventFor("rul-a")).code(),
            absl::StatusCode::kAlreadyExists);
  EXPECT_EQ(store->GetRuling("rul-a")->ruling.class_code(), "CA2459");
  EXPECT_EQ(*store->ClassVersion("CA2459"), *v1);
  EXPECT_EQ(*store->ClassVersion("SPCP23"), 0);
  EXPECT_EQ(store->ListAuditEvents({}, 0, "")->events.size(), 1U);
}

TEST_P(RulingStoreConformance, WithdrawOnceAtTheReadVersion) {
  auto store = Open("s");
  ASSERT_NE(store, nullptr);
  ASSERT_TRUE(store->CreateRuling(MakeRuling("rul-a", "CA2459", ""), EventFor("rul-a")).ok());
  const int64_t before = *store->ClassVersion("CA2459");
  v1::Ruling w = store->GetRuling("rul-a")->ruling;
  w.set_withdrawn(true);
  w.set_withdrawn_by("admin-1");
  EXPECT_EQ(store->WithdrawRuling(w, 7, EventFor("rul-a")).code(), absl::StatusCode::kAborted);
  ASSERT_TRUE(store->WithdrawRuling(w, 1, EventFor("rul-a")).ok());
  EXPECT_GT(*store->ClassVersion("CA2459"), before);
  auto got = store->GetRuling("rul-a");
  EXPECT_EQ(got->version, 2);
  EXPECT_TRUE(got->ruling.withdrawn());
  EXPECT_EQ(store->WithdrawRuling(w, 2, EventFor("rul-a")).code(),
            absl::StatusCode::kFailedPrecondition);
  EXPECT_EQ(store->WithdrawRuling(MakeRuling("rul-x", "CA2459", ""), 1, EventFor("rul-x")).code(),
            absl::StatusCode::kInternal);  // not marked withdrawn: refused before any write
  v1::Ruling missing = w;
  missing.set_id("rul-x");
  EXPECT_EQ(store->WithdrawRuling(missing, 1, EventFor("rul-x")).code(),
            absl::StatusCode::kNotFound);
  // Two writes, two events; the failed ones left none.
  EXPECT_EQ(store->ListAuditEvents({}, 0, "")->events.size(), 2U);
}

TEST_P(RulingStoreConformance, ListFiltersAndPages) {
  auto store = Open("s");
  ASSERT_NE(store, nullptr);
  ASSERT_TRUE(store->CreateRuling(MakeRuling("rul-1", "CA2459", ""), EventFor("rul-1")).ok());
  ASSERT_TRUE(store->CreateRuling(MakeRuling("rul-2", "CA2459", "ref-9"), EventFor("rul-2")).ok());
  ASSERT_TRUE(store->CreateRuling(MakeRuling("rul-3", "SPCP23", "ref-9"), EventFor("rul-3")).ok());
  v1::Ruling w = store->GetRuling("rul-1")->ruling;
  w.set_withdrawn(true);
  ASSERT_TRUE(store->WithdrawRuling(w, 1, EventFor("rul-1")).ok());

  const auto ids = [&](const RulingQuery& q) {
    std::string out;
    auto rows = store->ListRulings(q);
    EXPECT_TRUE(rows.ok()) << rows.status();
    if (!rows.ok()) return out;
    for (const auto& r : *rows) out += r.ruling.id() + " ";
    return out;
  };
  EXPECT_EQ(ids({}), "rul-2 rul-3 ");
  RulingQuery all;
  all.include_withdrawn = true;
  EXPECT_EQ(ids(all), "rul-1 rul-2 rul-3 ");
  RulingQuery by_class = all;
  by_class.class_code = "CA2459";
  EXPECT_EQ(ids(by_class), "rul-1 rul-2 ");
  RulingQuery by_ref;
  by_ref.applicant_ref = "ref-9";
  EXPECT_EQ(ids(by_ref), "rul-2 rul-3 ");
  RulingQuery standing = all;
  standing.kind = RulingKind::kStanding;
  EXPECT_EQ(ids(standing), "rul-1 ");
  RulingQuery per = all;
  per.kind = RulingKind::kPerDetermination;
  EXPECT_EQ(ids(per), "rul-2 rul-3 ");
  RulingQuery page = all;
  page.limit = 2;
  EXPECT_EQ(ids(page), "rul-1 rul-2 ");
  page.after_id = "rul-2";
  EXPECT_EQ(ids(page), "rul-3 ");

  auto versions = store->ClassVersions();
  ASSERT_TRUE(versions.ok()) << versions.status();
  ASSERT_EQ(versions->size(), 2U);
  EXPECT_EQ((*versions)[0].first, "CA2459");
  EXPECT_EQ((*versions)[1].first, "SPCP23");
}

TEST_P(RulingStoreConformance, AReopenedStoreKeepsRulings) {
  {
    auto store = Open("s");
    ASSERT_NE(store, nullptr);
    ASSERT_TRUE(store->CreateRuling(MakeRuling("rul-a", "CA2459", ""), EventFor("rul-a")).ok());
  }
  auto store = Open("s");
  ASSERT_NE(store, nullptr);
  EXPECT_TRUE(store->GetRuling("rul-a").ok());
}

}  // namespace
}  // namespace classplan::eligibility
