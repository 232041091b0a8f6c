// The domain over a real SQLite store loaded with the shipped data (data/payband/).
#include "services/payband/domain/payband.h"

#include <cstdlib>

#include "absl/strings/str_cat.h"
#include "common/api/page_token.h"
#include "common/audit/audit_proto.h"
#include "common/dates/dates.h"
#include "common/status/field_violations.h"
#include "gtest/gtest.h"
#include "services/payband/data/importer.h"
#include "services/payband/domain/pay_math.h"
#include "services/payband/domain/schedules.h"
#include "services/payband/store/sqlite_payband_store.h"
#include "tests/support/temp.h"

namespace classplan::payband {
namespace {

class FakeClasses : public ClassDirectory {
 public:
  std::vector<ClassPayInfo> classes;
  absl::StatusOr<ClassPayInfo> GetClass(const std::string& code,
                                        std::optional<absl::CivilDay>) override {
    for (const auto& c : classes)
      if (c.code == code) return c;
    return absl::NotFoundError("no class " + code);
  }
  absl::StatusOr<std::vector<ClassPayInfo>> ListClasses(const std::string& j,
                                                        std::optional<absl::CivilDay>) override {
    std::vector<ClassPayInfo> out;
    for (const auto& c : classes)
      if (c.jurisdiction_id == j) out.push_back(c);
    return out;
  }
};

dates::Date D(int y, int m, int d) { return dates::FromCivilDay(absl::CivilDay(y, m, d)); }

classplan::common::v1::Money Usd(int64_t cents) {
  classplan::common::v1::Money m;
  m.set_currency_code("USD");
  m.set_cents(cents);
  return m;
}

std::set<std::string> Fields(const absl::Status& s) {
  std::set<std::string> out;
  for (const auto& v : status::GetFieldViolations(s)) out.insert(v.field);
  return out;
}

// The requests most tests start from.
pb::GetBandRequest BandRequest(const std::string& jurisdiction, const std::string& code) {
  pb::GetBandRequest req;
  req.set_jurisdiction_id(jurisdiction);
  req.set_code(code);
  return req;
}

pb::PlaceSalaryRequest PlaceRequest(const std::string& jurisdiction, const std::string& band,
                                    int64_t cents) {
  pb::PlaceSalaryRequest req;
  req.set_jurisdiction_id(jurisdiction);
  req.set_band_code(band);
  *req.mutable_salary() = Usd(cents);
  return req;
}

pb::FindBandsForSalaryRequest FindRequest(const std::string& jurisdiction, int64_t cents) {
  pb::FindBandsForSalaryRequest req;
  req.set_jurisdiction_id(jurisdiction);
  *req.mutable_salary() = Usd(cents);
  return req;
}

class PaybandTest : public ::testing::Test {
 protected:
  void SetUp() override {
    path_ = testing::MakeTempDir("payband") + "/p.db";
    auto store = SqlitePaybandStore::Open(path_);
    ASSERT_TRUE(store.ok()) << store.status();
    store_ = std::move(*store);
    const char* src = std::getenv("CLASSPLAN_SOURCE_DIR");
    ASSERT_NE(src, nullptr);
    auto files = ReadPayDataDir(std::string(src) + "/data/payband");
    ASSERT_TRUE(files.ok()) << files.status();
    auto report = ImportPayDataFiles(*files, store_.get());
    ASSERT_TRUE(report.ok()) << report.status();
    ASSERT_TRUE(report->problems.empty()) << report->problems.front();
    ASSERT_EQ(report->schedules_imported, 5);
    classes_.classes = {
        {"CA2459", "denver-csa", "806-A", ClassPayInfo::Flsa::kNonExempt},
        {"CA2460", "denver-csa", "807-A", ClassPayInfo::Flsa::kExempt},
        {"SPCP20", "nm-spo", "SD", ClassPayInfo::Flsa::kExempt},
        {"2944", "sf-hsa", "", ClassPayInfo::Flsa::kUnknown},
    };
    payband_ = std::make_unique<Payband>(store_.get(), &classes_,
                                         clock::Clock::Fixed(absl::CivilDay(2026, 3, 10)));
  }

  // Makes `jurisdiction` known to the service as a data file would (an undated, empty
  // schedule): ImportSchedule accepts only jurisdictions with pay data.
  void SeedJurisdiction(const std::string& jurisdiction) {
    pb::PaySchedule s;
    s.set_id(jurisdiction + "/seed");
    s.set_jurisdiction_id(jurisdiction);
    s.set_name("seed");
    s.set_currency_code("USD");
    s.mutable_source()->set_document("unit test fixture");
    ASSERT_TRUE(store_->AddSchedule(s, {}, nullptr, std::nullopt).ok());
  }

  std::string path_;
  identity::Caller caller_{"admin-1", {identity::Role::kHrAdmin}, "req-1", "ImportSchedule"};
  std::unique_ptr<SqlitePaybandStore> store_;
  FakeClasses classes_;
  std::unique_ptr<Payband> payband_;
};

TEST_F(PaybandTest, GetBandDenver806AToday) {
  pb::GetBandRequest req = BandRequest("denver-csa", "806-A");
  auto r = payband_->GetBand(req);
  ASSERT_TRUE(r.ok()) << r.status();
  EXPECT_EQ(r->band().annual().minimum().cents(), 4291700);
  EXPECT_EQ(r->band().annual().midpoint().cents(), 5568550);
  EXPECT_EQ(r->band().annual().maximum().cents(), 6845400);
  EXPECT_EQ(r->schedule().id(), "denver-csa/notice-1355");
  EXPECT_NE(r->as_of_note().find("not in the sources"), std::string::npos);
}

TEST_F(PaybandTest, ExplicitAsOfOnUndatedScheduleIsFailedPrecondition) {
  pb::GetBandRequest req = BandRequest("denver-csa", "806-A");
  *req.mutable_as_of() = D(2012, 1, 1);
  auto r = payband_->GetBand(req);
  EXPECT_EQ(r.status().code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_NE(r.status().message().find("denver-csa/notice-1355"), std::string::npos);
}

TEST_F(PaybandTest, UnknownBandIsNotFoundAndBadInputNamesFields) {
  pb::GetBandRequest req = BandRequest("denver-csa", "999-Z");
  EXPECT_EQ(payband_->GetBand(req).status().code(), absl::StatusCode::kNotFound);
  req.set_code("");
  req.mutable_as_of()->set_year(2011);  // partial
  auto r = payband_->GetBand(req);
  EXPECT_EQ(r.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(Fields(r.status()), (std::set<std::string>{"code", "as_of"}));
}

TEST_F(PaybandTest, NewMexicoBandsAreNotOnFile) {
  pb::PlaceSalaryRequest req = PlaceRequest("nm-spo", "SD", 5000000);
  auto r = payband_->PlaceSalary(req);
  ASSERT_EQ(r.status().code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_NE(r.status().message().find("nm-spo/classified-bands"), std::string::npos);
  EXPECT_NE(r.status().message().find("band SD"), std::string::npos);
}

TEST_F(PaybandTest, PlaceSalaryIn806A) {
  pb::PlaceSalaryRequest req = PlaceRequest("denver-csa", "806-A", 5000000);
  auto r = payband_->PlaceSalary(req);
  ASSERT_TRUE(r.ok()) << r.status();
  EXPECT_EQ(r->placement().compa_ratio_bp(), 8979);
  EXPECT_EQ(r->placement().range_penetration_bp(), 2774);
  EXPECT_EQ(r->placement().quartile(), 2);
  req.mutable_salary()->set_cents(-1);
  req.set_salary_unit(static_cast<pb::RateUnit>(42));
  EXPECT_EQ(Fields(payband_->PlaceSalary(req).status()),
            (std::set<std::string>{"salary.cents", "salary_unit"}));
}

TEST_F(PaybandTest, SanFrancisco2940TodayIsTheLatestPosting) {
  pb::GetBandRequest req = BandRequest("sf-hsa", "2940");
  auto r = payband_->GetBand(req);
  ASSERT_TRUE(r.ok()) << r.status();
  EXPECT_EQ(r->schedule().id(), "sf-hsa/posting-ref58353n");
  EXPECT_EQ(r->band().annual().minimum().cents(), 11143600);
}

TEST_F(PaybandTest, FindBandsForSalary) {
  // in 806-A only (807-A starts at 45,874)
  pb::FindBandsForSalaryRequest req = FindRequest("denver-csa", 4400000);
  auto r = payband_->FindBandsForSalary(req);
  ASSERT_TRUE(r.ok()) << r.status();
  ASSERT_EQ(r->placements_size(), 1);
  EXPECT_EQ(r->placements(0).band().code(), "806-A");
  req.mutable_salary()->set_cents(5000000);
  EXPECT_EQ(payband_->FindBandsForSalary(req)->placements_size(), 2);
}

TEST_F(PaybandTest, FindBandsForSalaryFailsWhenNoBandCanBeChecked) {
  // every band not on file
  pb::FindBandsForSalaryRequest req = FindRequest("nm-spo", 5000000);
  auto r = payband_->FindBandsForSalary(req);
  EXPECT_EQ(r.status().code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_NE(r.status().message().find("no figures on file"), std::string::npos) << r.status();
  // Denver's only schedule is undated: an explicit as_of cannot use its figures.
  req.set_jurisdiction_id("denver-csa");
  *req.mutable_as_of() = D(2012, 1, 1);
  r = payband_->FindBandsForSalary(req);
  EXPECT_EQ(r.status().code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_NE(r.status().message().find("denver-csa/notice-1355"), std::string::npos) << r.status();
}

TEST_F(PaybandTest, FindBandsForSalaryListsSkippedBandsWithTheirReason) {
  // An undated schedule with one band on file and one not: today the first is checked and
  // the second is reported, not dropped.
  pb::PaySchedule s;
  s.set_id("xx-test/undated");
  s.set_jurisdiction_id("xx-test");
  s.set_name("test schedule");
  s.set_hours_per_year(2080);
  s.set_currency_code("USD");
  s.set_midpoint_rule(pb::MIDPOINT_RULE_MIDDLE_OF_RANGE);
  s.mutable_source()->set_document("unit test fixture");
  std::vector<pb::PayBand> bands(2);
  bands[0].set_schedule_id(s.id());
  bands[0].set_code("A1");
  bands[0].set_figures_status(pb::FIGURES_STATUS_ON_FILE);
  bands[0].mutable_given()->set_unit(pb::RATE_UNIT_ANNUAL);
  *bands[0].mutable_given()->mutable_minimum() = Usd(4000000);
  *bands[0].mutable_given()->mutable_maximum() = Usd(6000000);
  bands[1].set_schedule_id(s.id());
  bands[1].set_code("B1");
  bands[1].set_figures_status(pb::FIGURES_STATUS_NOT_ON_FILE);
  ASSERT_TRUE(store_
                  ->AddSchedule(
                      s, bands, [](const auto&) { return absl::OkStatus(); }, std::nullopt)
                  .ok());
  pb::FindBandsForSalaryRequest req = FindRequest("xx-test", 5000000);
  auto r = payband_->FindBandsForSalary(req);
  ASSERT_TRUE(r.ok()) << r.status();
  ASSERT_EQ(r->placements_size(), 1);
  EXPECT_EQ(r->placements(0).band().code(), "A1");
  ASSERT_EQ(r->skipped_size(), 1);
  EXPECT_EQ(r->skipped(0).code(), "B1");
  EXPECT_EQ(r->skipped(0).schedule_id(), "xx-test/undated");
  EXPECT_NE(r->skipped(0).reason().find("no figures on file"), std::string::npos);
  // With an explicit as_of neither band can be used: nothing is checked.
  *req.mutable_as_of() = D(2026, 1, 1);
  EXPECT_EQ(payband_->FindBandsForSalary(req).status().code(),
            absl::StatusCode::kFailedPrecondition);
}

TEST_F(PaybandTest, RatioThatDoesNotFitIsAnErrorNamingTheSalary) {
  // A $0.00-$0.01 band and $100 billion an hour: compa-ratio ~4e20 basis points.
  SeedJurisdiction("xx-test");
  pb::ImportScheduleRequest imp;
  imp.set_jurisdiction_id("xx-test");
  imp.set_name("tiny");
  *imp.mutable_effective_from() = D(2020, 1, 1);
  imp.mutable_source()->set_document("unit test fixture");
  imp.set_csv("band,minimum,midpoint,maximum,unit\nTINY,0,,0.01,annual\n");
  ASSERT_TRUE(payband_->ImportSchedule(imp, caller_).ok());
  pb::PlaceSalaryRequest req = PlaceRequest("xx-test", "TINY", kMaxCents);
  req.set_salary_unit(pb::RATE_UNIT_HOURLY);
  auto r = payband_->PlaceSalary(req);
  EXPECT_EQ(r.status().code(), absl::StatusCode::kInvalidArgument) << r.status();
  EXPECT_EQ(Fields(r.status()), std::set<std::string>{"salary.cents"});
  // A salary that fits is placed.
  *req.mutable_salary() = Usd(1);
  req.set_salary_unit(pb::RATE_UNIT_ANNUAL);
  EXPECT_TRUE(payband_->PlaceSalary(req).ok());
}

TEST_F(PaybandTest, ConvertRate) {
  pb::ConvertRateRequest req;
  *req.mutable_amount() = Usd(2550);
  req.set_from_unit(pb::RATE_UNIT_HOURLY);
  req.set_to_unit(pb::RATE_UNIT_ANNUAL);
  auto r = payband_->ConvertRate(req);
  ASSERT_TRUE(r.ok()) << r.status();
  EXPECT_EQ(r->amount().cents(), 5304000);
  EXPECT_EQ(r->hours_per_year(), 2080);
  req.set_to_unit(pb::RATE_UNIT_UNSPECIFIED);
  EXPECT_EQ(Fields(payband_->ConvertRate(req).status()), std::set<std::string>{"to_unit"});
}

TEST_F(PaybandTest, CheckPayActionNeedsARuleSetAndFigures) {
  pb::CheckPayActionRequest req;
  req.set_jurisdiction_id("denver-csa");
  req.set_band_code("806-A");
  req.set_kind(pb::PAY_ACTION_KIND_ENTRANCE);
  *req.mutable_new_salary() = Usd(5000000);
  *req.mutable_action_date() = D(2026, 3, 1);
  EXPECT_EQ(payband_->CheckPayAction(req).status().code(), absl::StatusCode::kFailedPrecondition);
  req.set_jurisdiction_id("nm-spo");
  req.set_band_code("SD");
  EXPECT_EQ(payband_->CheckPayAction(req).status().code(), absl::StatusCode::kFailedPrecondition);
  req.clear_action_date();
  req.set_kind(pb::PAY_ACTION_KIND_PROMOTION);
  EXPECT_EQ(Fields(payband_->CheckPayAction(req).status()),
            (std::set<std::string>{"current_salary", "action_date"}));
}

TEST_F(PaybandTest, CheckPayActionOnImportedNewMexicoSchedule) {
  pb::ImportScheduleRequest imp;
  imp.set_jurisdiction_id("nm-spo");
  imp.set_name("test schedule");
  *imp.mutable_effective_from() = D(2024, 1, 1);
  imp.mutable_source()->set_document("unit test fixture");
  imp.set_csv("band,minimum,midpoint,maximum,unit\nT1,40000,,60000,annual\n");
  ASSERT_TRUE(payband_->ImportSchedule(imp, caller_).ok());
  pb::CheckPayActionRequest req;
  req.set_jurisdiction_id("nm-spo");
  req.set_band_code("T1");
  req.set_kind(pb::PAY_ACTION_KIND_PROMOTION);
  *req.mutable_current_salary() = Usd(4800000);
  *req.mutable_new_salary() = Usd(5700000);
  *req.mutable_action_date() = D(2024, 6, 1);
  auto r = payband_->CheckPayAction(req);
  ASSERT_TRUE(r.ok()) << r.status();
  ASSERT_EQ(r->findings_size(), 1);
  EXPECT_EQ(r->findings(0).rule_id(), "nm-1.7.4.12D-promotion-increase-5-15");
  EXPECT_EQ(r->increase_bp(), 1875);
  EXPECT_EQ(r->placement().compa_ratio_bp(), 11400);
  // A "promotion" from $57,000 to $40,000 is flagged as a decrease, not "increase below 5%".
  *req.mutable_current_salary() = Usd(5700000);
  *req.mutable_new_salary() = Usd(4000000);
  r = payband_->CheckPayAction(req);
  ASSERT_TRUE(r.ok()) << r.status();
  ASSERT_EQ(r->findings_size(), 1);
  EXPECT_EQ(r->findings(0).rule_id(), "nm-1.7.4.12D-promotion-increase-5-15");
  EXPECT_NE(r->findings(0).reason().find("decrease"), std::string::npos);
  EXPECT_EQ(r->findings(0).reason().find("increase below 5%"), std::string::npos);
  EXPECT_EQ(r->increase_bp(), -2982);
}

TEST_F(PaybandTest, ImportedScheduleIsUsedForExplicitDatesAndOverlapIsRefused) {
  pb::ImportScheduleRequest imp;
  imp.set_jurisdiction_id("denver-csa");
  imp.set_name("2030 grades");
  *imp.mutable_effective_from() = D(2030, 1, 1);
  imp.mutable_source()->set_document("unit test fixture");
  imp.set_csv("band,minimum,midpoint,maximum,unit\n806-A,25.00,,35.00,hourly\n");
  auto r = payband_->ImportSchedule(imp, caller_);
  ASSERT_TRUE(r.ok()) << r.status();
  EXPECT_EQ(r->schedule().id(), "denver-csa/2030-01-01");
  pb::GetBandRequest get;
  get.set_jurisdiction_id("denver-csa");
  get.set_code("806-A");
  *get.mutable_as_of() = D(2031, 5, 5);
  auto band = payband_->GetBand(get);
  ASSERT_TRUE(band.ok()) << band.status();
  EXPECT_EQ(band->band().annual().minimum().cents(), 5200000);  // 25.00 x 2080
  *get.mutable_as_of() = D(2029, 12, 31);
  EXPECT_EQ(payband_->GetBand(get).status().code(), absl::StatusCode::kFailedPrecondition);
  // A second schedule starting the same day overlaps.
  imp.set_name("again");
  auto again = payband_->ImportSchedule(imp, caller_);
  EXPECT_EQ(again.status().code(), absl::StatusCode::kAlreadyExists);
  *imp.mutable_effective_from() = D(2029, 6, 1);
  *imp.mutable_effective_to() = D(2030, 1, 1);
  EXPECT_EQ(Fields(payband_->ImportSchedule(imp, caller_).status()),
            std::set<std::string>{"effective_from"});
}

// Each import leaves exactly one audit event with the schedule; a refused import none.
TEST_F(PaybandTest, EachImportLeavesExactlyOneAuditEvent) {
  classplan::common::v1::ListAuditEventsRequest list;
  auto events = payband_->ListAuditEvents(list, caller_);
  ASSERT_TRUE(events.ok()) << events.status();
  EXPECT_EQ(events->events_size(), 0);  // the shipped data files are not API writes
  identity::Caller analyst{"analyst-1", {identity::Role::kHrAnalyst}, "", "ListAuditEvents"};
  EXPECT_TRUE(absl::IsPermissionDenied(payband_->ListAuditEvents(list, analyst).status()));

  pb::ImportScheduleRequest imp;
  imp.set_jurisdiction_id("denver-csa");
  imp.set_name("2030 grades");
  *imp.mutable_effective_from() = D(2030, 1, 1);
  imp.mutable_source()->set_document("unit test fixture");
  imp.set_csv("band,minimum,midpoint,maximum,unit\n806-A,25.00,,35.00,hourly\n");
  ASSERT_TRUE(payband_->ImportSchedule(imp, caller_).ok());
  EXPECT_TRUE(absl::IsAlreadyExists(payband_->ImportSchedule(imp, caller_).status()));
  *imp.mutable_effective_from() = D(2031, 1, 1);
  imp.set_csv("band,minimum,midpoint,maximum,unit\n806-A,45.00,,35.00,hourly\n");
  EXPECT_TRUE(absl::IsInvalidArgument(payband_->ImportSchedule(imp, caller_).status()));

  events = payband_->ListAuditEvents(list, caller_);
  ASSERT_TRUE(events.ok()) << events.status();
  ASSERT_EQ(events->events_size(), 1);
  const auto& e = events->events(0);
  EXPECT_EQ(e.sequence(), 1);
  EXPECT_EQ(e.principal(), "admin-1");
  EXPECT_EQ(e.method(), "ImportSchedule");
  EXPECT_EQ(e.request_id(), "req-1");
  EXPECT_EQ(e.resource_type(), "pay_schedule");
  EXPECT_EQ(e.resource_id(), "denver-csa/2030-01-01");
  EXPECT_FALSE(audit::VerifyChain({audit::FromProto(e)}).has_value());
}

TEST_F(PaybandTest, ImportWithOneBadRowChangesNothingInTheFile) {
  pb::ImportScheduleRequest imp;
  imp.set_jurisdiction_id("denver-csa");
  imp.set_name("bad");
  *imp.mutable_effective_from() = D(2030, 1, 1);
  imp.mutable_source()->set_document("unit test fixture");
  imp.set_csv(
      "band,minimum,midpoint,maximum,unit\n"
      "806-A,40000,,60000,annual\n"
      "807-A,70000,,60000,annual\n");
  auto r = payband_->ImportSchedule(imp, caller_);
  ASSERT_EQ(r.status().code(), absl::StatusCode::kInvalidArgument);
  auto v = status::GetFieldViolations(r.status());
  ASSERT_EQ(v.size(), 1u);
  EXPECT_EQ(v[0].field, "csv");
  EXPECT_EQ(v[0].description, "line 3: minimum is greater than maximum");
  // Reopen the file: still only the shipped Denver schedule, with its figures.
  payband_.reset();
  store_.reset();
  auto reopened = SqlitePaybandStore::Open(path_);
  ASSERT_TRUE(reopened.ok());
  auto list = (*reopened)->ListSchedules("denver-csa");
  ASSERT_TRUE(list.ok());
  ASSERT_EQ(list->size(), 1u);
  EXPECT_EQ((*list)[0].id(), "denver-csa/notice-1355");
  auto band = (*reopened)->GetBand("denver-csa/notice-1355", "806-A");
  ASSERT_TRUE(band.ok() && band->has_value());
  EXPECT_EQ((*band)->given().minimum().cents(), 4291700);
}

TEST_F(PaybandTest, ClassPayRangeUsesCatalogBandOrSanFranciscoClassNumber) {
  pb::GetClassPayRangeRequest req;
  req.set_class_code("CA2460");
  auto r = payband_->GetClassPayRange(req);
  ASSERT_TRUE(r.ok()) << r.status();
  EXPECT_EQ(r->band().code(), "807-A");
  EXPECT_EQ(r->band().annual().maximum().cents(), 7318100);
  req.set_class_code("2944");
  r = payband_->GetClassPayRange(req);
  ASSERT_TRUE(r.ok()) << r.status();
  EXPECT_EQ(r->band().annual().minimum().cents(), 12092600);
  req.set_class_code("SPCP20");
  EXPECT_EQ(payband_->GetClassPayRange(req).status().code(), absl::StatusCode::kFailedPrecondition);
}

TEST_F(PaybandTest, ClassPayRangeGivesTheAlternativeBandWhenTheBaseBandIsNotOnFile) {
  // SPCP20's base band SD has no figures; an alternative band ALT1 with figures is assigned.
  pb::PaySchedule s;
  s.set_id("nm-spo/alt-test");
  s.set_jurisdiction_id("nm-spo");
  s.set_name("alternative bands (test)");
  s.set_hours_per_year(2080);
  s.set_currency_code("USD");
  s.set_midpoint_rule(pb::MIDPOINT_RULE_MIDDLE_OF_RANGE);
  s.mutable_source()->set_document("unit test fixture");
  pb::PayBand b;
  b.set_schedule_id(s.id());
  b.set_code("ALT1");
  b.set_figures_status(pb::FIGURES_STATUS_ON_FILE);
  b.mutable_given()->set_unit(pb::RATE_UNIT_ANNUAL);
  *b.mutable_given()->mutable_minimum() = Usd(7000000);
  *b.mutable_given()->mutable_maximum() = Usd(9000000);
  ASSERT_TRUE(store_
                  ->AddSchedule(
                      s, {b}, [](const auto&) { return absl::OkStatus(); }, std::nullopt)
                  .ok());
  pb::AlternativeBandAssignment a;
  a.set_jurisdiction_id("nm-spo");
  a.set_class_code("SPCP20");
  a.set_band_code("ALT1");
  *a.mutable_assigned_on() = D(2025, 1, 15);
  a.mutable_source()->set_document("unit test fixture");
  ASSERT_TRUE(store_->AddAlternativeAssignment(a).ok());
  pb::GetClassPayRangeRequest req;
  req.set_class_code("SPCP20");
  auto r = payband_->GetClassPayRange(req);
  ASSERT_TRUE(r.ok()) << r.status();
  EXPECT_EQ(r->band().code(), "SD");
  EXPECT_EQ(r->band().figures_status(), pb::FIGURES_STATUS_NOT_ON_FILE);
  EXPECT_EQ(r->alternative_assignment().band_code(), "ALT1");
  EXPECT_EQ(r->alternative_band().code(), "ALT1");
  EXPECT_EQ(r->alternative_band().annual().minimum().cents(), 7000000);
  bool noted = false;
  for (const auto& n : r->notes())
    noted = noted || (n.find("base band SD is not on file") != std::string::npos);
  EXPECT_TRUE(noted);
}

TEST_F(PaybandTest, FlsaSalaryLevel) {
  pb::CheckFlsaSalaryLevelRequest req;
  req.set_jurisdiction_id("denver-csa");
  auto r = payband_->CheckFlsaSalaryLevel(req);
  ASSERT_TRUE(r.ok()) << r.status();
  EXPECT_EQ(r->annual_level().cents(), 3556800);
  EXPECT_EQ(r->weekly_level().cents() * 52, r->annual_level().cents());
  ASSERT_EQ(r->results_size(), 1);  // CA2459 is non-exempt
  EXPECT_EQ(r->results(0).class_code(), "CA2460");
  EXPECT_EQ(r->results(0).outcome(), pb::FLSA_OUTCOME_MEETS_LEVEL);
  req.set_jurisdiction_id("nm-spo");
  r = payband_->CheckFlsaSalaryLevel(req);
  ASSERT_EQ(r->results_size(), 1);
  EXPECT_EQ(r->results(0).outcome(), pb::FLSA_OUTCOME_FIGURES_NOT_ON_FILE);
  // An exempt class in a band whose minimum is $35,567.99 a year is flagged.
  SeedJurisdiction("xx-test");
  pb::ImportScheduleRequest imp;
  imp.set_jurisdiction_id("xx-test");
  imp.set_name("t");
  *imp.mutable_effective_from() = D(2020, 1, 1);
  imp.mutable_source()->set_document("unit test fixture");
  imp.set_csv(
      "band,minimum,midpoint,maximum,unit\nLOW,35567.99,,50000,annual\nOK,35568,,50000,annual\n");
  ASSERT_TRUE(payband_->ImportSchedule(imp, caller_).ok());
  classes_.classes.push_back({"X1", "xx-test", "LOW", ClassPayInfo::Flsa::kExempt});
  classes_.classes.push_back({"X2", "xx-test", "OK", ClassPayInfo::Flsa::kExempt});
  req.set_jurisdiction_id("xx-test");
  r = payband_->CheckFlsaSalaryLevel(req);
  ASSERT_EQ(r->results_size(), 2);
  EXPECT_EQ(r->results(0).outcome(), pb::FLSA_OUTCOME_BELOW_LEVEL);
  EXPECT_EQ(r->results(1).outcome(), pb::FLSA_OUTCOME_MEETS_LEVEL);
}

// Delegates to a real store; ListSchedules fails with INTERNAL for one jurisdiction.
class FailingStore : public PaybandStore {
 public:
  explicit FailingStore(PaybandStore* real) : real_(real) {}
  absl::StatusOr<std::vector<pb::PaySchedule>> ListSchedules(const std::string& j) override {
    if (j == "broken") return absl::InternalError("disk I/O error");
    return real_->ListSchedules(j);
  }
  absl::StatusOr<std::optional<pb::PaySchedule>> GetSchedule(const std::string& id) override {
    return real_->GetSchedule(id);
  }
  absl::StatusOr<int64_t> ScheduleVersion(const std::string& j) override {
    return real_->ScheduleVersion(j);
  }
  absl::StatusOr<std::vector<pb::PayBand>> ListBands(const std::string& id,
                                                     const std::string& after, int limit) override {
    return real_->ListBands(id, after, limit);
  }
  absl::StatusOr<std::optional<pb::PayBand>> GetBand(const std::string& id,
                                                     const std::string& code) override {
    return real_->GetBand(id, code);
  }
  absl::Status AddSchedule(const pb::PaySchedule& s, const std::vector<pb::PayBand>& b,
                           const ScheduleCheck& c, const std::optional<audit::Event>& e) override {
    return real_->AddSchedule(s, b, c, e);
  }
  absl::Status AddAlternativeAssignment(const pb::AlternativeBandAssignment& a) override {
    return real_->AddAlternativeAssignment(a);
  }
  absl::StatusOr<std::vector<pb::AlternativeBandAssignment>> ListAlternativeAssignments(
      const std::string& j) override {
    return real_->ListAlternativeAssignments(j);
  }
  absl::StatusOr<std::optional<pb::AlternativeBandAssignment>> GetAlternativeAssignment(
      const std::string& j, const std::string& c) override {
    return real_->GetAlternativeAssignment(j, c);
  }
  absl::StatusOr<audit::Page> ListAuditEvents(const audit::Filter& f, int size,
                                              const std::string& token) override {
    return real_->ListAuditEvents(f, size, token);
  }

 private:
  PaybandStore* real_;
};

TEST_F(PaybandTest, FlsaCheckReturnsStoreErrorsInsteadOfAnOutcome) {
  FailingStore failing(store_.get());
  classes_.classes.push_back({"B1", "broken", "X1", ClassPayInfo::Flsa::kExempt});
  Payband payband(&failing, &classes_, clock::Clock::Fixed(absl::CivilDay(2026, 3, 10)));
  pb::CheckFlsaSalaryLevelRequest req;
  req.set_jurisdiction_id("broken");
  auto r = payband.CheckFlsaSalaryLevel(req);
  EXPECT_EQ(r.status().code(), absl::StatusCode::kInternal) << r.status();
  // NOT_FOUND and FAILED_PRECONDITION still become outcomes.
  req.set_jurisdiction_id("nm-spo");
  r = payband.CheckFlsaSalaryLevel(req);
  ASSERT_TRUE(r.ok()) << r.status();
  EXPECT_EQ(r->results(0).outcome(), pb::FLSA_OUTCOME_FIGURES_NOT_ON_FILE);
}

TEST_F(PaybandTest, AlternativeBandReviewsDue) {
  pb::AlternativeBandAssignment a;
  a.set_jurisdiction_id("nm-spo");
  a.set_class_code("TEST1");
  a.set_band_code("SE");
  *a.mutable_assigned_on() = D(2024, 2, 29);
  a.mutable_source()->set_document("unit test fixture");
  ASSERT_TRUE(store_->AddAlternativeAssignment(a).ok());
  pb::ListAlternativeBandReviewsDueRequest req;
  *req.mutable_due_by() = D(2025, 2, 27);
  EXPECT_EQ(payband_->ListAlternativeBandReviewsDue(req)->assignments_size(), 0);
  *req.mutable_due_by() = D(2025, 2, 28);
  auto r = payband_->ListAlternativeBandReviewsDue(req);
  ASSERT_EQ(r->assignments_size(), 1);
  EXPECT_EQ(dates::Format(r->assignments(0).review_due_on()), "2025-02-28");
  req.clear_due_by();
  EXPECT_EQ(Fields(payband_->ListAlternativeBandReviewsDue(req).status()),
            std::set<std::string>{"due_by"});
}

TEST_F(PaybandTest, ListSchedulesAndBands) {
  pb::ListSchedulesRequest req;
  req.set_filter("jurisdiction=sf-hsa");
  auto r = payband_->ListSchedules(req);
  ASSERT_TRUE(r.ok()) << r.status();
  ASSERT_EQ(r->schedules_size(), 3);
  EXPECT_EQ(r->schedules(0).id(), "sf-hsa/posting-ref58353n");  // latest published first
  pb::ListBandsRequest lb;
  lb.set_schedule_id("nm-spo/classified-bands");
  lb.set_page_size(4);
  auto page = payband_->ListBands(lb);
  ASSERT_TRUE(page.ok()) << page.status();
  EXPECT_EQ(page->bands_size(), 4);
  lb.set_page_token(page->next_page_token());
  auto rest = payband_->ListBands(lb);
  ASSERT_TRUE(rest.ok()) << rest.status();
  ASSERT_EQ(rest->bands_size(), 2);
  EXPECT_EQ(rest->bands(1).code(), "SF");
  EXPECT_TRUE(rest->next_page_token().empty());
}

}  // namespace
}  // namespace classplan::payband

// Issue 12: nothing malformed gets in, and every list pages within a byte budget.
namespace classplan::payband {
namespace {

size_t AuditCount(PaybandStore* store) {
  auto page = store->ListAuditEvents(audit::Filter{}, 1000, "");
  return page.ok() ? page->events.size() : 9999;
}

TEST_F(PaybandTest, ImportRefusesUnknownJurisdictionAndCurrencyAndWritesNothing) {
  const size_t events = AuditCount(store_.get());
  pb::ImportScheduleRequest imp;
  imp.set_jurisdiction_id("xx-nowhere");
  imp.set_name("2030 grades");
  *imp.mutable_effective_from() = D(2030, 1, 1);
  imp.set_currency_code("XYZ");
  imp.mutable_source()->set_document("unit test fixture");
  imp.set_csv("band,minimum,midpoint,maximum,unit\nA1,40000,,60000,annual\n");
  auto r = payband_->ImportSchedule(imp, caller_);
  ASSERT_EQ(r.status().code(), absl::StatusCode::kInvalidArgument) << r.status();
  EXPECT_EQ(Fields(r.status()), (std::set<std::string>{"jurisdiction_id", "currency_code"}));
  // A known jurisdiction with a made-up currency is refused as well.
  imp.set_jurisdiction_id("denver-csa");
  r = payband_->ImportSchedule(imp, caller_);
  EXPECT_EQ(Fields(r.status()), (std::set<std::string>{"currency_code"}));
  auto all = store_->ListSchedules("");
  ASSERT_TRUE(all.ok());
  EXPECT_EQ(all->size(), 5u);
  EXPECT_EQ(AuditCount(store_.get()), events);
}

TEST_F(PaybandTest, ImportNamesEveryBadFieldAndWritesNothing) {
  pb::ImportScheduleRequest imp;
  imp.set_jurisdiction_id("denver-csa");
  imp.set_name(std::string(201, 'n'));
  *imp.mutable_effective_from() = D(1, 1, 1);
  *imp.mutable_effective_to() = D(2400, 1, 1);
  imp.set_hours_per_year(9000);
  imp.mutable_source()->set_detail(std::string(1001, 'd'));
  imp.set_csv("band,minimum,midpoint,maximum,unit\nA1,60000,,40000,annual\n");
  auto r = payband_->ImportSchedule(imp, caller_);
  ASSERT_EQ(r.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(Fields(r.status()),
            (std::set<std::string>{"name", "effective_from", "effective_to", "hours_per_year",
                                   "source.document", "source.detail", "csv"}));
  // Too many bands, and too many bytes.
  imp = pb::ImportScheduleRequest();
  imp.set_jurisdiction_id("denver-csa");
  imp.set_name("big");
  *imp.mutable_effective_from() = D(2030, 1, 1);
  imp.mutable_source()->set_document("unit test fixture");
  std::string csv = "band,minimum,midpoint,maximum,unit\n";
  for (int i = 0; i <= kMaxBandsPerSchedule; ++i) absl::StrAppend(&csv, "B", i, ",1,,2,annual\n");
  imp.set_csv(csv);
  r = payband_->ImportSchedule(imp, caller_);
  ASSERT_EQ(r.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(Fields(r.status()), (std::set<std::string>{"csv"}));
  imp.set_csv(std::string(kMaxCsvBytes + 1, 'x'));
  r = payband_->ImportSchedule(imp, caller_);
  ASSERT_EQ(r.status().code(), absl::StatusCode::kInvalidArgument);
  auto list = store_->ListSchedules("denver-csa");
  ASSERT_TRUE(list.ok());
  EXPECT_EQ(list->size(), 1u);
}

TEST_F(PaybandTest, DataFileWithBadFieldsIsRejectedWhole) {
  const std::string file = R"pb(
    schedules {
      schedule {
        id: "zz-test/a"
        jurisdiction_id: "zz-test"
        name: "a"
        effective_from { year: 1 month: 1 day: 1 }
        currency_code: "XYZ"
        midpoint_rule: 99
        source { document: "fixture" }
      }
      bands {
        code: "A1"
        figures_status: FIGURES_STATUS_ON_FILE
        given {
          unit: RATE_UNIT_ANNUAL
          minimum { currency_code: "XYZ" cents: 100 }
          maximum { currency_code: "XYZ" cents: 200 }
        }
        steps {
          number: 2
          amount { currency_code: "XYZ" cents: -1 }
        }
      }
    }
    alternative_assignments {
      jurisdiction_id: "zz-test"
      class_code: "C1"
      band_code: "A1"
      assigned_on { year: 2024 month: 5 day: 1 }
      last_reviewed_on { year: 2023 month: 5 day: 1 }
      source { document: "fixture" }
    }
  )pb";
  auto report = ImportPayDataFiles({{"bad.textproto", file}}, store_.get());
  ASSERT_TRUE(report.ok());
  std::string all;
  for (const auto& p : report->problems) absl::StrAppend(&all, p, "\n");
  for (const char* field :
       {"schedule.effective_from", "schedule.currency_code", "schedule.midpoint_rule",
        "band.steps[0].number", "band.steps[0].amount", "last_reviewed_on"}) {
    EXPECT_NE(all.find(field), std::string::npos) << field << " not in\n" << all;
  }
  EXPECT_EQ(report->schedules_imported, 0);
  EXPECT_EQ(report->assignments_imported, 0);
  auto list = store_->ListSchedules("zz-test");
  ASSERT_TRUE(list.ok());
  EXPECT_TRUE(list->empty());
}

TEST_F(PaybandTest, ListSchedulesPagesAndLowersAnOversizedPageSize) {
  pb::ListSchedulesRequest req;
  req.set_page_size(5000);  // above the maximum: lowered, not refused
  auto all = payband_->ListSchedules(req);
  ASSERT_TRUE(all.ok()) << all.status();
  ASSERT_EQ(all->schedules_size(), 5);
  EXPECT_TRUE(all->next_page_token().empty());
  req.set_page_size(2);
  std::vector<std::string> ids;
  int pages = 0;
  do {
    auto page = payband_->ListSchedules(req);
    ASSERT_TRUE(page.ok()) << page.status();
    ASSERT_LE(page->schedules_size(), 2);
    for (const auto& s : page->schedules()) ids.push_back(s.id());
    req.set_page_token(page->next_page_token());
    ++pages;
  } while (!req.page_token().empty());
  EXPECT_EQ(pages, 3);
  std::vector<std::string> want;
  for (const auto& s : all->schedules()) want.push_back(s.id());
  EXPECT_EQ(ids, want);
  // A token is bound to its filter.
  pb::ListSchedulesRequest other;
  other.set_page_size(2);
  auto first = payband_->ListSchedules(other);
  ASSERT_TRUE(first.ok());
  other.set_filter("jurisdiction=sf-hsa");
  other.set_page_token(first->next_page_token());
  EXPECT_EQ(payband_->ListSchedules(other).status().code(), absl::StatusCode::kInvalidArgument);
}

TEST_F(PaybandTest, ListSchedulesPageStaysWithinTheByteBudget) {
  // 700 schedules with 2000-byte notes: about 1.5 MB, more than one page may hold.
  for (int i = 0; i < 700; ++i) {
    pb::PaySchedule s;
    s.set_id(absl::StrCat("denver-csa/bulk-", 1000 + i));
    s.set_jurisdiction_id("denver-csa");
    s.set_name("bulk");
    s.set_dates_note(std::string(kMaxNoteBytes, 'n'));
    s.set_currency_code("USD");
    s.mutable_source()->set_document("unit test fixture");
    ASSERT_TRUE(store_->AddSchedule(s, {}, nullptr, std::nullopt).ok());
  }
  pb::ListSchedulesRequest req;
  req.set_page_size(1000);
  size_t seen = 0;
  int pages = 0;
  do {
    auto page = payband_->ListSchedules(req);
    ASSERT_TRUE(page.ok()) << page.status();
    EXPECT_LE(page->ByteSizeLong(), api::kPageBudgetBytes + 64);
    seen += page->schedules_size();
    req.set_page_token(page->next_page_token());
    ++pages;
  } while (!req.page_token().empty());
  EXPECT_EQ(seen, 705u);
  EXPECT_GE(pages, 2);
}

TEST_F(PaybandTest, FindBandsForSalaryAndReviewsDuePage) {
  pb::FindBandsForSalaryRequest req = FindRequest("sf-hsa", 12500000);
  auto all = payband_->FindBandsForSalary(req);
  ASSERT_TRUE(all.ok()) << all.status();
  const int total = all->placements_size() + all->skipped_size();
  ASSERT_GE(total, 2);
  EXPECT_TRUE(all->next_page_token().empty());
  req.set_page_size(1);
  int seen = 0;
  do {
    auto page = payband_->FindBandsForSalary(req);
    ASSERT_TRUE(page.ok()) << page.status();
    ASSERT_EQ(page->placements_size() + page->skipped_size(), 1);
    ++seen;
    req.set_page_token(page->next_page_token());
  } while (!req.page_token().empty());
  EXPECT_EQ(seen, total);
  // The token belongs to its salary.
  req = FindRequest("sf-hsa", 12500000);
  req.set_page_size(1);
  auto first = payband_->FindBandsForSalary(req);
  ASSERT_TRUE(first.ok());
  req.mutable_salary()->set_cents(12500001);
  req.set_page_token(first->next_page_token());
  EXPECT_EQ(payband_->FindBandsForSalary(req).status().code(), absl::StatusCode::kInvalidArgument);

  for (const char* cls : {"A1", "A2", "A3"}) {
    pb::AlternativeBandAssignment a;
    a.set_jurisdiction_id("nm-spo");
    a.set_class_code(cls);
    a.set_band_code("SD");
    *a.mutable_assigned_on() = D(2024, 1, 1);
    a.mutable_source()->set_document("unit test fixture");
    ASSERT_TRUE(store_->AddAlternativeAssignment(a).ok());
  }
  pb::ListAlternativeBandReviewsDueRequest due;
  *due.mutable_due_by() = D(2026, 1, 1);
  due.set_page_size(2);
  std::vector<std::string> classes;
  do {
    auto page = payband_->ListAlternativeBandReviewsDue(due);
    ASSERT_TRUE(page.ok()) << page.status();
    for (const auto& a : page->assignments()) classes.push_back(a.class_code());
    due.set_page_token(page->next_page_token());
  } while (!due.page_token().empty());
  EXPECT_EQ(classes, (std::vector<std::string>{"A1", "A2", "A3"}));
}

}  // namespace
}  // namespace classplan::payband
