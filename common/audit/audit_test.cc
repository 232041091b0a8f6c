#include "common/audit/audit.h"

#include <memory>
#include <string>
#include <vector>

#include "absl/time/time.h"
#include "common/audit/audit_proto.h"
#include "common/audit/sqlite_audit.h"
#include "common/sqlite/database.h"
#include "common/status/field_violations.h"
#include "gtest/gtest.h"

namespace classplan::audit {
namespace {

Event Sample(const std::string& resource_id, const std::string& principal = "analyst-1") {
  identity::Caller caller{
      principal, {identity::Role::kHrAnalyst, identity::Role::kHrAdmin}, "req-1", "ReviseJobClass"};
  Event e = EventFor(caller, absl::FromUnixMicros(1'700'000'000'123'456));
  e.resource_type = "job_class";
  e.resource_id = resource_id;
  e.etag_before = "v1";
  e.etag_after = "v2";
  return e;
}

class AuditStoreTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto db = sqlite::Database::Open(":memory:");
    ASSERT_TRUE(db.ok()) << db.status();
    db_ = std::move(*db);
    ASSERT_TRUE(db_->Exec(kSchemaSql).ok());
  }

  Event AppendOne(Event e) {
    Event stored;
    absl::Status s = db_->Transaction([&]() -> absl::Status {
      auto appended = Append(*db_, std::move(e));
      if (!appended.ok()) return appended.status();
      stored = *appended;
      return absl::OkStatus();
    });
    EXPECT_TRUE(s.ok()) << s;
    return stored;
  }

  std::optional<Break> VerifyNow() {
    auto broken = Verify(*db_);
    EXPECT_TRUE(broken.ok()) << broken.status();
    return broken.ok() ? *broken : std::optional<Break>(Break{-1, "verify failed"});
  }

  std::unique_ptr<sqlite::Database> db_;
};

TEST(AuditTest, EventForTakesTheCallerAndRoleNames) {
  Event e = Sample("SPCP20");
  EXPECT_EQ(e.principal, "analyst-1");
  EXPECT_EQ(e.roles, (std::vector<std::string>{"hr_analyst", "hr_admin"}));
  EXPECT_EQ(e.request_id, "req-1");
  EXPECT_EQ(e.method, "ReviseJobClass");
}

TEST(AuditTest, EveryFieldButTheHashIsHashed) {
  const Event base = Sample("SPCP20");
  const std::string h = Hash(base);
  EXPECT_EQ(h.size(), 64u);
  EXPECT_EQ(h, Hash(base));
  std::vector<Event> changed(12, base);
  changed[0].sequence = 7;
  changed[1].time += absl::Microseconds(1);
  changed[2].principal = "x";
  changed[3].roles = {"hr_admin"};
  changed[4].request_id = "req-2";
  changed[5].method = "AbolishJobClass";
  changed[6].resource_type = "notice";
  changed[7].resource_id = "SPCP21";
  changed[8].etag_before = "v0";
  changed[9].etag_after = "v3";
  changed[10].reason = "typo";
  changed[11].prev_hash = "ab";
  for (size_t i = 0; i < changed.size(); ++i) EXPECT_NE(Hash(changed[i]), h) << "field " << i;
  Event with_hash = base;
  with_hash.hash = "anything";
  EXPECT_EQ(Hash(with_hash), h);
}

TEST(AuditTest, LengthPrefixesKeepFieldsApart) {
  Event a = Sample("");
  Event b = a;
  a.principal = "ab";
  a.request_id = "c";
  b.principal = "a";
  b.request_id = "bc";
  EXPECT_NE(Hash(a), Hash(b));
}

TEST_F(AuditStoreTest, AppendChainsEventsAndTheChainVerifies) {
  Event first = AppendOne(Sample("SPCP20"));
  Event second = AppendOne(Sample("SPCP21"));
  EXPECT_EQ(first.sequence, 1);
  EXPECT_EQ(first.prev_hash, kGenesisHash);
  EXPECT_EQ(second.sequence, 2);
  EXPECT_EQ(second.prev_hash, first.hash);
  EXPECT_EQ(second.hash, Hash(second));
  EXPECT_FALSE(VerifyNow().has_value());
}

TEST_F(AuditStoreTest, AppendOutsideATransactionIsRefused) {
  EXPECT_TRUE(absl::IsFailedPrecondition(Append(*db_, Sample("SPCP20")).status()));
}

TEST_F(AuditStoreTest, ARolledBackWriteLeavesNoEvent) {
  absl::Status s = db_->Transaction([&]() -> absl::Status {
    if (auto e = Append(*db_, Sample("SPCP20")); !e.ok()) return e.status();
    return absl::AbortedError("the write failed");
  });
  EXPECT_TRUE(absl::IsAborted(s));
  auto page = List(*db_, {}, 0, "");
  ASSERT_TRUE(page.ok());
  EXPECT_TRUE(page->events.empty());
}

TEST_F(AuditStoreTest, AnEditedRowIsNamed) {
  for (const char* code : {"A", "B", "C"}) AppendOne(Sample(code));
  ASSERT_TRUE(db_->Exec("UPDATE audit_events SET principal = 'someone-else' WHERE seq = 2").ok());
  std::optional<Break> broken = VerifyNow();
  ASSERT_TRUE(broken.has_value());
  EXPECT_EQ(broken->sequence, 2);
  EXPECT_NE(broken->problem.find("altered"), std::string::npos) << broken->problem;
}

TEST_F(AuditStoreTest, ARehashedEditBreaksTheNextLink) {
  for (const char* code : {"A", "B", "C"}) AppendOne(Sample(code));
  auto page = List(*db_, {}, 0, "");
  ASSERT_TRUE(page.ok());
  Event forged = page->events[1];
  forged.etag_after = "v9";
  forged.hash = Hash(forged);
  auto st = db_->Prepare("UPDATE audit_events SET etag_after = ?1, hash = ?2 WHERE seq = 2");
  ASSERT_TRUE(st.ok());
  st->Bind(1, forged.etag_after).Bind(2, forged.hash);
  ASSERT_TRUE(st->Step().ok());
  std::optional<Break> broken = VerifyNow();
  ASSERT_TRUE(broken.has_value());
  EXPECT_EQ(broken->sequence, 3);
  EXPECT_NE(broken->problem.find("event 2"), std::string::npos) << broken->problem;
}

TEST_F(AuditStoreTest, ADeletedRowIsNamed) {
  for (const char* code : {"A", "B", "C"}) AppendOne(Sample(code));
  ASSERT_TRUE(db_->Exec("DELETE FROM audit_events WHERE seq = 2").ok());
  std::optional<Break> broken = VerifyNow();
  ASSERT_TRUE(broken.has_value());
  EXPECT_EQ(broken->sequence, 3);
}

TEST_F(AuditStoreTest, ListFiltersAndPages) {
  for (int i = 0; i < 5; ++i) AppendOne(Sample("A", i % 2 == 0 ? "p-even" : "p-odd"));
  AppendOne(Sample("B", "p-even"));
  Filter even;
  even.principal = "p-even";
  even.resource_id = "A";
  auto first = List(*db_, even, 2, "");
  ASSERT_TRUE(first.ok()) << first.status();
  ASSERT_EQ(first->events.size(), 2u);
  EXPECT_EQ(first->events[0].sequence, 1);
  EXPECT_EQ(first->events[1].sequence, 3);
  ASSERT_FALSE(first->next_page_token.empty());
  auto second = List(*db_, even, 2, first->next_page_token);
  ASSERT_TRUE(second.ok()) << second.status();
  ASSERT_EQ(second->events.size(), 1u);
  EXPECT_EQ(second->events[0].sequence, 5);
  EXPECT_TRUE(second->next_page_token.empty());

  Filter other;
  other.principal = "p-odd";
  auto reused = List(*db_, other, 2, first->next_page_token);
  EXPECT_TRUE(absl::IsInvalidArgument(reused.status()));
  EXPECT_EQ(status::GetFieldViolations(reused.status()).at(0).field, "page_token");
  auto too_big = List(*db_, even, kMaxPageSize + 1, "");  // lowered to the maximum (AIP-158)
  ASSERT_TRUE(too_big.ok()) << too_big.status();
  EXPECT_EQ(too_big->events.size(), 3u);
  auto negative = List(*db_, even, -1, "");
  EXPECT_EQ(status::GetFieldViolations(negative.status()).at(0).field, "page_size");
}

TEST_F(AuditStoreTest, ListFiltersByTimeRange) {
  Event early = Sample("A");
  Event late = Sample("B");
  late.time = early.time + absl::Hours(1);
  AppendOne(early);
  AppendOne(late);
  Filter f;
  f.from = early.time + absl::Minutes(1);
  auto after = List(*db_, f, 0, "");
  ASSERT_TRUE(after.ok());
  ASSERT_EQ(after->events.size(), 1u);
  EXPECT_EQ(after->events[0].resource_id, "B");
  Filter g;
  g.to = late.time;  // exclusive
  auto before = List(*db_, g, 0, "");
  ASSERT_TRUE(before.ok());
  ASSERT_EQ(before->events.size(), 1u);
  EXPECT_EQ(before->events[0].resource_id, "A");
}

TEST_F(AuditStoreTest, ProtoRoundTripKeepsTheChainVerifiable) {
  for (const char* code : {"A", "B"}) AppendOne(Sample(code));
  auto page = List(*db_, {}, 0, "");
  ASSERT_TRUE(page.ok());
  pb::ListAuditEventsResponse resp = ResponseOf(*page);
  std::vector<Event> back;
  back.reserve(resp.events_size());
  for (const auto& e : resp.events()) back.push_back(FromProto(e));
  EXPECT_FALSE(VerifyChain(back).has_value());
  back[0].reason = "changed";
  auto broken = VerifyChain(back);
  ASSERT_TRUE(broken.has_value());
  EXPECT_EQ(broken->sequence, 1);
}

TEST(AuditProtoTest, OnlyHrAdminMayList) {
  identity::Caller admin{"a", {identity::Role::kHrAdmin}, "", "ListAuditEvents"};
  identity::Caller analyst{"b", {identity::Role::kHrAnalyst}, "", "ListAuditEvents"};
  EXPECT_TRUE(CheckMayListEvents(admin).ok());
  EXPECT_TRUE(absl::IsPermissionDenied(CheckMayListEvents(analyst)));
  EXPECT_TRUE(absl::IsPermissionDenied(CheckMayListEvents(identity::Caller{})));
}

TEST(AuditProtoTest, AnEmptyTimeRangeIsRefused) {
  pb::ListAuditEventsRequest req;
  req.mutable_start_time()->set_seconds(100);
  req.mutable_end_time()->set_seconds(100);
  auto f = FilterOf(req);
  ASSERT_TRUE(absl::IsInvalidArgument(f.status()));
  EXPECT_EQ(status::GetFieldViolations(f.status()).at(0).field, "end_time");
}

}  // namespace
}  // namespace classplan::audit
