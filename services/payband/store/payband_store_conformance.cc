// The PaybandStore conformance suite: what the domain relies on from any store, run against
// every implementation (sqlite_payband_store_test.cc, postgres_payband_store_test.cc).
#include "services/payband/store/payband_store_conformance.h"

#include <atomic>
#include <cstdlib>
#include <thread>
#include <vector>

#include "absl/synchronization/mutex.h"
#include "absl/time/time.h"
#include "services/payband/data/importer.h"

namespace classplan::payband {
namespace {

pb::PaySchedule Schedule(const std::string& jurisdiction, const std::string& slug) {
  pb::PaySchedule s;
  s.set_id(jurisdiction + "/" + slug);
  s.set_jurisdiction_id(jurisdiction);
  s.set_name(slug);
  s.set_currency_code("USD");
  s.mutable_source()->set_document("conformance fixture");
  return s;
}

pb::PayBand Band(const std::string& code, int64_t min_cents, int64_t max_cents) {
  pb::PayBand b;
  b.set_code(code);
  b.set_figures_status(pb::FIGURES_STATUS_ON_FILE);
  b.mutable_given()->set_unit(pb::RATE_UNIT_ANNUAL);
  b.mutable_given()->mutable_minimum()->set_currency_code("USD");
  b.mutable_given()->mutable_minimum()->set_cents(min_cents);
  b.mutable_given()->mutable_maximum()->set_currency_code("USD");
  b.mutable_given()->mutable_maximum()->set_cents(max_cents);
  return b;
}

audit::Event ImportEvent(const std::string& schedule_id) {
  audit::Event e;
  e.time = absl::FromUnixMicros(1700000000000000);
  e.principal = "admin-1";
  e.roles = {"hr_admin"};
  e.method = "ImportSchedule";
  e.resource_type = "pay_schedule";
  e.resource_id = schedule_id;
  return e;
}

size_t EventCount(PaybandStore& store) {
  auto page = store.ListAuditEvents(audit::Filter{}, 1000, "");
  EXPECT_TRUE(page.ok()) << page.status();
  return page.ok() ? page->events.size() : 0;
}

std::vector<std::string> Codes(const absl::StatusOr<std::vector<pb::PayBand>>& bands) {
  std::vector<std::string> out;
  if (bands.ok()) {
    for (const auto& b : *bands) out.push_back(b.code());
  }
  return out;
}

TEST_P(PaybandStoreConformance, AScheduleAndItsBandsReadBackAsWritten) {
  auto store = Open("round_trip");
  ASSERT_NE(store, nullptr);
  EXPECT_EQ(*store->ScheduleVersion("xx"), 0);
  pb::PaySchedule s = Schedule("xx", "a");
  s.set_version(77);  // not stored: the version is the jurisdiction's
  pb::PayBand b2 = Band("B2", 500000, 700000);
  b2.mutable_annual()->mutable_minimum()->set_cents(1);  // derived: not stored
  b2.set_schedule_id("elsewhere");                       // the schedule's id is stored
  ASSERT_TRUE(
      store->AddSchedule(s, {Band("B1", 100, 200), b2, Band("A9", 1, 2)}, nullptr, std::nullopt)
          .ok());
  EXPECT_EQ(*store->ScheduleVersion("xx"), 1);
  auto got = store->GetSchedule("xx/a");
  ASSERT_TRUE(got.ok() && got->has_value()) << got.status();
  EXPECT_EQ((*got)->name(), "a");
  EXPECT_EQ((*got)->version(), 1);
  EXPECT_FALSE(store->GetSchedule("xx/none")->has_value());
  auto band = store->GetBand("xx/a", "B2");
  ASSERT_TRUE(band.ok() && band->has_value()) << band.status();
  EXPECT_EQ((*band)->schedule_id(), "xx/a");
  EXPECT_EQ((*band)->given().maximum().cents(), 700000);
  EXPECT_FALSE((*band)->has_annual());
  EXPECT_FALSE(store->GetBand("xx/a", "B3")->has_value());
  EXPECT_FALSE(store->GetBand("xx/none", "B2")->has_value());
  // By code; after a code; at most a limit; <= 0 is no limit.
  EXPECT_EQ(Codes(store->ListBands("xx/a", "", 0)), (std::vector<std::string>{"A9", "B1", "B2"}));
  EXPECT_EQ(Codes(store->ListBands("xx/a", "A9", 1)), (std::vector<std::string>{"B1"}));
  EXPECT_EQ(Codes(store->ListBands("xx/a", "B1", -1)), (std::vector<std::string>{"B2"}));
  EXPECT_TRUE(Codes(store->ListBands("xx/a", "B2", 5)).empty());
}

// ReadJurisdiction (what a cache loads) answers as ListSchedules and ListBands do: a schedule
// without bands, one with more bands than one INSERT takes, no other jurisdiction's; and
// nothing when the version is the caller's.
TEST_P(PaybandStoreConformance, AJurisdictionReadsWholeAsTheListsGiveIt) {
  auto store = Open("read_jurisdiction");
  ASSERT_NE(store, nullptr);
  auto none = store->ReadJurisdiction("xx", PaybandStore::kAnyVersion);
  ASSERT_TRUE(none.ok()) << none.status();
  ASSERT_TRUE(none->has_value());
  EXPECT_EQ((*none)->schedules_size(), 0);
  auto none_current = store->ReadJurisdiction("xx", 0);
  ASSERT_TRUE(none_current.ok()) << none_current.status();
  EXPECT_FALSE(none_current->has_value());
  std::vector<pb::PayBand> many;
  many.reserve(1203);
  for (int i = 0; i < 1203; ++i) many.push_back(Band("M" + std::to_string(i), i, i + 1));
  ASSERT_TRUE(store->AddSchedule(Schedule("xx", "many"), many, nullptr, std::nullopt).ok());
  ASSERT_TRUE(store->AddSchedule(Schedule("xx", "bandless"), {}, nullptr, std::nullopt).ok());
  ASSERT_TRUE(store
                  ->AddSchedule(Schedule("xx", "B"), {Band("b", 1, 2), Band("Z", 3, 4)}, nullptr,
                                std::nullopt)
                  .ok());
  ASSERT_TRUE(
      store->AddSchedule(Schedule("yy", "a"), {Band("Y", 1, 2)}, nullptr, std::nullopt).ok());
  // The version is 3: a copy of it is current, one of 2 is not; the default (statement by
  // statement) answers alike.
  for (bool one_statement : {true, false}) {
    auto read = [&](int64_t unless) {
      return one_statement ? store->ReadJurisdiction("xx", unless)
                           : store->PaybandStore::ReadJurisdiction("xx", unless);
    };
    auto current = read(3);
    ASSERT_TRUE(current.ok()) << current.status();
    EXPECT_FALSE(current->has_value()) << one_statement;
    auto older = read(2);
    ASSERT_TRUE(older.ok()) << older.status();
    ASSERT_TRUE(older->has_value()) << one_statement;
    EXPECT_EQ((*older)->schedules_size(), 3) << one_statement;
  }
  auto read = store->ReadJurisdiction("xx", PaybandStore::kAnyVersion);
  ASSERT_TRUE(read.ok()) << read.status();
  ASSERT_TRUE(read->has_value());
  const pb::PaybandData* got = &**read;
  auto schedules = store->ListSchedules("xx");
  ASSERT_TRUE(schedules.ok()) << schedules.status();
  ASSERT_EQ(got->schedules_size(), 3);
  ASSERT_EQ(schedules->size(), 3u);
  for (int i = 0; i < 3; ++i) {
    const pb::ScheduleData& sd = got->schedules(i);
    EXPECT_EQ(sd.schedule().SerializeAsString(), (*schedules)[i].SerializeAsString());
    EXPECT_EQ(sd.schedule().version(), 3);
    auto bands = store->ListBands(sd.schedule().id(), "", 0);
    ASSERT_TRUE(bands.ok()) << bands.status();
    ASSERT_EQ(static_cast<size_t>(sd.bands_size()), bands->size()) << sd.schedule().id();
    for (int j = 0; j < sd.bands_size(); ++j) {
      EXPECT_EQ(sd.bands(j).SerializeAsString(), (*bands)[j].SerializeAsString());
    }
  }
  EXPECT_EQ(got->schedules(0).schedule().id(), "xx/B");
  EXPECT_EQ(got->schedules(1).bands_size(), 0);
  EXPECT_EQ(got->schedules(2).bands_size(), 1203);
  EXPECT_EQ(got->schedules(2).bands(0).code(), "M0");
  EXPECT_EQ(got->schedules(2).bands(1).code(), "M1");
  EXPECT_EQ(got->schedules(2).bands(2).code(), "M10");
  EXPECT_EQ(got->schedules(2).bands(1202).code(), "M999");  // bytewise
  EXPECT_EQ(got->schedules(2).bands(1202).given().maximum().cents(), 1000);
}

TEST_P(PaybandStoreConformance, VersionsCountEachJurisdictionsSchedules) {
  auto store = Open("versions");
  ASSERT_NE(store, nullptr);
  ASSERT_TRUE(store->AddSchedule(Schedule("xx", "a"), {}, nullptr, std::nullopt).ok());
  ASSERT_TRUE(store->AddSchedule(Schedule("xx", "b"), {}, nullptr, std::nullopt).ok());
  ASSERT_TRUE(store->AddSchedule(Schedule("yy", "a"), {}, nullptr, std::nullopt).ok());
  EXPECT_EQ(*store->ScheduleVersion("xx"), 2);
  EXPECT_EQ(*store->ScheduleVersion("yy"), 1);
  auto all = store->ListSchedules("");
  ASSERT_TRUE(all.ok()) << all.status();
  ASSERT_EQ(all->size(), 3u);
  for (const auto& s : *all) EXPECT_EQ(s.version(), s.jurisdiction_id() == "xx" ? 2 : 1);
  EXPECT_EQ(store->ListSchedules("yy")->size(), 1u);
  EXPECT_TRUE(store->ListSchedules("zz")->empty());
}

// Ids and codes sort bytewise on every backend ("B" < "a"), so lists and pages agree.
TEST_P(PaybandStoreConformance, ListsSortBytewise) {
  auto store = Open("bytewise");
  ASSERT_NE(store, nullptr);
  for (const char* slug : {"b", "B", "a-2", "a"}) {
    ASSERT_TRUE(store->AddSchedule(Schedule("xx", slug), {}, nullptr, std::nullopt).ok());
  }
  auto list = store->ListSchedules("xx");
  ASSERT_TRUE(list.ok());
  std::vector<std::string> ids;
  for (const auto& s : *list) ids.push_back(s.id());
  EXPECT_EQ(ids, (std::vector<std::string>{"xx/B", "xx/a", "xx/a-2", "xx/b"}));
  ASSERT_TRUE(
      store
          ->AddSchedule(Schedule("yy", "s"),
                        {Band("b", 1, 2), Band("Z", 1, 2), Band("_", 1, 2), Band("10", 1, 2)},
                        nullptr, std::nullopt)
          .ok());
  EXPECT_EQ(Codes(store->ListBands("yy/s", "", 0)),
            (std::vector<std::string>{"10", "Z", "_", "b"}));
}

TEST_P(PaybandStoreConformance, ARepeatedScheduleIsAlreadyExistsAndChangesNothing) {
  auto store = Open("repeat");
  ASSERT_NE(store, nullptr);
  ASSERT_TRUE(
      store->AddSchedule(Schedule("xx", "a"), {Band("B1", 1, 2)}, nullptr, std::nullopt).ok());
  pb::PaySchedule again = Schedule("xx", "a");
  again.set_name("other");
  absl::Status s = store->AddSchedule(again, {Band("B9", 1, 2)}, nullptr, ImportEvent("xx/a"));
  EXPECT_EQ(s.code(), absl::StatusCode::kAlreadyExists) << s;
  EXPECT_EQ(s.message(), "pay schedule xx/a already exists");
  EXPECT_EQ((*store->GetSchedule("xx/a"))->name(), "a");
  EXPECT_FALSE(store->GetBand("xx/a", "B9")->has_value());
  EXPECT_EQ(*store->ScheduleVersion("xx"), 1);
  EXPECT_EQ(EventCount(*store), 0u);
}

// All or nothing: a band that fails half-way (a repeated code) leaves no schedule, no band,
// no version and no audit event, also after a reopen.
TEST_P(PaybandStoreConformance, AFailingImportLeavesNothing) {
  {
    auto store = Open("all_or_nothing");
    ASSERT_NE(store, nullptr);
    absl::Status s = store->AddSchedule(Schedule("xx", "a"),
                                        {Band("B1", 1, 2), Band("B2", 1, 2), Band("B1", 3, 4)},
                                        nullptr, ImportEvent("xx/a"));
    EXPECT_EQ(s.code(), absl::StatusCode::kAlreadyExists) << s;
  }
  auto store = Open("all_or_nothing");
  ASSERT_NE(store, nullptr);
  EXPECT_FALSE(store->GetSchedule("xx/a")->has_value());
  EXPECT_FALSE(store->GetBand("xx/a", "B1")->has_value());
  EXPECT_TRUE(store->ListBands("xx/a", "", 0)->empty());
  EXPECT_EQ(*store->ScheduleVersion("xx"), 0);
  EXPECT_EQ(EventCount(*store), 0u);
  // And the same import, corrected, goes in whole.
  ASSERT_TRUE(store
                  ->AddSchedule(Schedule("xx", "a"), {Band("B1", 1, 2), Band("B2", 1, 2)}, nullptr,
                                ImportEvent("xx/a"))
                  .ok());
  EXPECT_EQ(store->ListBands("xx/a", "", 0)->size(), 2u);
}

TEST_P(PaybandStoreConformance, TheCheckSeesTheJurisdictionsSchedulesAndItsErrorWritesNothing) {
  auto store = Open("check");
  ASSERT_NE(store, nullptr);
  ASSERT_TRUE(store->AddSchedule(Schedule("xx", "a"), {}, nullptr, std::nullopt).ok());
  ASSERT_TRUE(store->AddSchedule(Schedule("yy", "a"), {}, nullptr, std::nullopt).ok());
  std::vector<std::string> seen;
  absl::Status s = store->AddSchedule(
      Schedule("xx", "b"), {Band("B1", 1, 2)},
      [&](const std::vector<pb::PaySchedule>& existing) {
        for (const auto& e : existing) seen.push_back(e.id());
        return absl::InvalidArgumentError("overlaps xx/a");
      },
      ImportEvent("xx/b"));
  EXPECT_EQ(s, absl::InvalidArgumentError("overlaps xx/a"));
  EXPECT_EQ(seen, std::vector<std::string>{"xx/a"});
  EXPECT_FALSE(store->GetSchedule("xx/b")->has_value());
  EXPECT_EQ(*store->ScheduleVersion("xx"), 1);
  EXPECT_EQ(EventCount(*store), 0u);
}

// The audit event commits with its schedule; the trail lists and chains it.
TEST_P(PaybandStoreConformance, TheAuditEventCommitsWithTheSchedule) {
  auto store = Open("audit");
  ASSERT_NE(store, nullptr);
  ASSERT_TRUE(store->AddSchedule(Schedule("xx", "a"), {}, nullptr, ImportEvent("xx/a")).ok());
  ASSERT_TRUE(store->AddSchedule(Schedule("xx", "b"), {}, nullptr, std::nullopt).ok());
  ASSERT_TRUE(store->AddSchedule(Schedule("xx", "c"), {}, nullptr, ImportEvent("xx/c")).ok());
  auto page = store->ListAuditEvents(audit::Filter{}, 10, "");
  ASSERT_TRUE(page.ok()) << page.status();
  ASSERT_EQ(page->events.size(), 2u);
  EXPECT_EQ(page->events[0].sequence, 1);
  EXPECT_EQ(page->events[0].resource_id, "xx/a");
  EXPECT_EQ(page->events[1].resource_id, "xx/c");
  EXPECT_EQ(page->events[1].prev_hash, page->events[0].hash);
  EXPECT_FALSE(audit::VerifyChain(page->events).has_value());
  audit::Filter only_c;
  only_c.resource_type = "pay_schedule";
  only_c.resource_id = "xx/c";
  EXPECT_EQ(store->ListAuditEvents(only_c, 10, "")->events.size(), 1u);
}

TEST_P(PaybandStoreConformance, AlternativeAssignments) {
  auto store = Open("assignments");
  ASSERT_NE(store, nullptr);
  auto assignment = [](const std::string& jurisdiction, const std::string& code) {
    pb::AlternativeBandAssignment a;
    a.set_jurisdiction_id(jurisdiction);
    a.set_class_code(code);
    a.set_band_code("B1");
    a.set_reason("conformance fixture");
    a.mutable_review_due_on()->set_year(2030);  // derived: not stored
    return a;
  };
  for (const auto& [j, c] :
       std::vector<std::pair<std::string, std::string>>{{"yy", "C1"}, {"xx", "c2"}, {"xx", "C3"}}) {
    ASSERT_TRUE(store->AddAlternativeAssignment(assignment(j, c)).ok());
  }
  absl::Status again = store->AddAlternativeAssignment(assignment("xx", "c2"));
  EXPECT_EQ(again.code(), absl::StatusCode::kAlreadyExists) << again;
  EXPECT_EQ(again.message(), "class c2 already has an alternative band assignment");
  auto all = store->ListAlternativeAssignments("");
  ASSERT_TRUE(all.ok()) << all.status();
  std::vector<std::string> keys;
  for (const auto& a : *all) keys.push_back(a.jurisdiction_id() + ":" + a.class_code());
  EXPECT_EQ(keys, (std::vector<std::string>{"xx:C3", "xx:c2", "yy:C1"}));
  EXPECT_EQ(store->ListAlternativeAssignments("yy")->size(), 1u);
  auto one = store->GetAlternativeAssignment("xx", "c2");
  ASSERT_TRUE(one.ok() && one->has_value());
  EXPECT_EQ((*one)->reason(), "conformance fixture");
  EXPECT_FALSE((*one)->has_review_due_on());
  EXPECT_FALSE(store->GetAlternativeAssignment("yy", "c2")->has_value());
}

// Imports into one jurisdiction from several replicas at once: the check of each sees every
// schedule committed before it, so of eight imports that each refuse to join another, exactly
// one succeeds. The window is opened on purpose: each check waits (boundedly) for a second
// check to be running beside it, which happens only if the store lets two run at once.
TEST_P(PaybandStoreConformance, RacingImportsIntoOneJurisdictionTakeTurns) {
  constexpr int kWriters = 8;
  std::vector<std::unique_ptr<PaybandStore>> replicas;
  for (int i = 0; i < 2; ++i) {
    replicas.push_back(Open("racing"));
    ASSERT_NE(replicas.back(), nullptr);
  }
  absl::Mutex mu;
  int in_check = 0;
  int max_in_check = 0;
  std::atomic<int> ok{0};
  std::atomic<int> refused{0};
  std::vector<std::thread> threads;
  threads.reserve(kWriters);
  for (int i = 0; i < kWriters; ++i) {
    threads.emplace_back([&, i] {
      auto check = [&](const std::vector<pb::PaySchedule>& existing) {
        {
          absl::MutexLock lock(&mu);
          ++in_check;
          max_in_check = std::max(max_in_check, in_check);
          auto another = [&] { return in_check > 1; };
          mu.AwaitWithTimeout(absl::Condition(&another), absl::Milliseconds(100));
          --in_check;
        }
        return existing.empty() ? absl::OkStatus() : absl::InvalidArgumentError("overlap");
      };
      absl::Status s = replicas[i % 2]->AddSchedule(Schedule("xx", std::to_string(i)), {}, check,
                                                    ImportEvent("xx"));
      if (s.ok()) {
        ++ok;
      } else if (absl::IsInvalidArgument(s)) {
        ++refused;
      } else {
        ADD_FAILURE() << s;
      }
    });
  }
  for (auto& t : threads) t.join();
  EXPECT_EQ(ok.load(), 1);
  EXPECT_EQ(refused.load(), kWriters - 1);
  EXPECT_EQ(max_in_check, 1);
  EXPECT_EQ(replicas[0]->ListSchedules("xx")->size(), 1u);
  EXPECT_EQ(*replicas[1]->ScheduleVersion("xx"), 1);
  EXPECT_EQ(EventCount(*replicas[1]), 1u);
}

// Answers GetSchedule with "absent": what a replica sees when another one imports the same
// file between its look and its write.
class StaleLookups : public PaybandStore {
 public:
  explicit StaleLookups(PaybandStore* store) : store_(store) {}
  absl::StatusOr<std::vector<pb::PaySchedule>> ListSchedules(const std::string& j) override {
    return store_->ListSchedules(j);
  }
  absl::StatusOr<std::optional<pb::PaySchedule>> GetSchedule(const std::string&) override {
    return std::nullopt;
  }
  absl::StatusOr<int64_t> ScheduleVersion(const std::string& j) override {
    return store_->ScheduleVersion(j);
  }
  absl::StatusOr<std::vector<pb::PayBand>> ListBands(const std::string& s, const std::string& a,
                                                     int limit) override {
    return store_->ListBands(s, a, limit);
  }
  absl::StatusOr<std::optional<pb::PayBand>> GetBand(const std::string& s,
                                                     const std::string& c) override {
    return store_->GetBand(s, c);
  }
  absl::Status AddSchedule(const pb::PaySchedule& s, const std::vector<pb::PayBand>& b,
                           const ScheduleCheck& check,
                           const std::optional<audit::Event>& e) override {
    return store_->AddSchedule(s, b, check, e);
  }
  absl::Status AddAlternativeAssignment(const pb::AlternativeBandAssignment& a) override {
    return store_->AddAlternativeAssignment(a);
  }
  absl::StatusOr<std::vector<pb::AlternativeBandAssignment>> ListAlternativeAssignments(
      const std::string& j) override {
    return store_->ListAlternativeAssignments(j);
  }
  absl::StatusOr<std::optional<pb::AlternativeBandAssignment>> GetAlternativeAssignment(
      const std::string& j, const std::string& c) override {
    return store_->GetAlternativeAssignment(j, c);
  }
  absl::StatusOr<audit::Page> ListAuditEvents(const audit::Filter& f, int n,
                                              const std::string& t) override {
    return store_->ListAuditEvents(f, n, t);
  }

 private:
  PaybandStore* store_;
};

std::vector<PayDataFile> ShippedData() {
  const char* src = std::getenv("CLASSPLAN_SOURCE_DIR");
  EXPECT_NE(src, nullptr);
  auto files = ReadPayDataDir(std::string(src == nullptr ? "." : src) + "/data/payband");
  EXPECT_TRUE(files.ok()) << files.status();
  return files.ok() ? *files : std::vector<PayDataFile>{};
}

// Two replicas starting together both import the shipped data files: the one that finds a
// schedule written since it looked counts it as present, and neither fails.
TEST_P(PaybandStoreConformance, TwoReplicasImportingTheShippedDataBothStart) {
  auto first = Open("shipped");
  auto second = Open("shipped");
  ASSERT_NE(first, nullptr);
  ASSERT_NE(second, nullptr);
  const auto files = ShippedData();
  auto a = ImportPayDataFiles(files, first.get());
  ASSERT_TRUE(a.ok()) << a.status();
  EXPECT_TRUE(a->problems.empty());
  EXPECT_EQ(a->schedules_imported, 5);
  StaleLookups stale(second.get());
  auto b = ImportPayDataFiles(files, &stale);
  ASSERT_TRUE(b.ok()) << b.status();
  EXPECT_TRUE(b->problems.empty());
  EXPECT_EQ(b->schedules_imported, 0);
  EXPECT_EQ(b->schedules_present, 5);
  EXPECT_EQ(b->assignments_imported, 0);
  // The figures read back through either replica as the data file gives them.
  for (PaybandStore* store : {first.get(), second.get()}) {
    auto band = store->GetBand("denver-csa/notice-1355", "806-A");
    ASSERT_TRUE(band.ok() && band->has_value()) << band.status();
    EXPECT_EQ((*band)->given().minimum().cents(), 4291700);
    EXPECT_EQ(store->ListSchedules("")->size(), 5u);
  }
}

}  // namespace
}  // namespace classplan::payband
