#include "services/payband/domain/csv_schedule.h"

#include "common/status/field_violations.h"
#include "gtest/gtest.h"

namespace classplan::payband {
namespace {

TEST(CsvScheduleTest, ParsesGoodFile) {
  auto r = ParseScheduleCsv(
      "\xEF\xBB\xBF"
      "Band,Minimum,Midpoint,Maximum,Unit\r\n"
      "806-A,42917,,68454,annual\r\n\r\n"
      "H1,\"$1,000.50\",,\"$2,000\",HOURLY\n",
      "USD");
  ASSERT_TRUE(r.ok()) << r.status();
  EXPECT_EQ(r->midpoint_rule, pb::MIDPOINT_RULE_MIDDLE_OF_RANGE);
  ASSERT_EQ(r->bands.size(), 2u);
  EXPECT_EQ(r->bands[1].given().unit(), pb::RATE_UNIT_HOURLY);
  EXPECT_EQ(r->bands[1].given().minimum().cents(), 100050);
  EXPECT_FALSE(r->bands[0].given().has_midpoint());
}

TEST(CsvScheduleTest, ReportsEveryBadRowWithItsLine) {
  auto r = ParseScheduleCsv(
      "band,minimum,midpoint,maximum,unit\n"
      "A1,100,,200,annual\n"
      "A2,300,,200,annual\n"  // 3: min > max
      "A1,100,,200,annual\n"  // 4: duplicate
      "A3,100,,200,weekly\n"  // 5: unit
      "A4,abc,,200,annual\n"  // 6: amount
      "A5,100,200\n",         // 7: field count
      "USD");
  ASSERT_EQ(r.status().code(), absl::StatusCode::kInvalidArgument);
  std::vector<std::string> got;
  for (const auto& v : status::GetFieldViolations(r.status())) got.push_back(v.description);
  EXPECT_EQ(got, (std::vector<std::string>{
                     "line 3: minimum is greater than maximum",
                     "line 4: band A1 repeats line 2",
                     "line 5: unit must be hourly or annual",
                     "line 6: minimum must be an amount in dollars such as 42917 or 46.00",
                     "line 7: expected 5 fields, found 3",
                 }));
}

TEST(CsvScheduleTest, MidpointAllOrNothing) {
  auto ok = ParseScheduleCsv("band,minimum,midpoint,maximum,unit\nA,1,2,3,annual\n", "USD");
  ASSERT_TRUE(ok.ok());
  EXPECT_EQ(ok->midpoint_rule, pb::MIDPOINT_RULE_GIVEN);
  auto bad = ParseScheduleCsv(
      "band,minimum,midpoint,maximum,unit\nA,1,2,3,annual\nB,1,,3,annual\nC,1,5,3,annual\n", "USD");
  ASSERT_FALSE(bad.ok());
  std::vector<std::string> got;
  for (const auto& v : status::GetFieldViolations(bad.status())) got.push_back(v.description);
  EXPECT_EQ(got, (std::vector<std::string>{
                     "line 4: midpoint must lie between minimum and maximum",
                     "line 3: midpoint must be given in every row or in none (line 2 differs)"}));
}

TEST(CsvScheduleTest, BadHeaderAndEmpty) {
  EXPECT_FALSE(ParseScheduleCsv("code,min,max\n", "USD").ok());
  EXPECT_FALSE(ParseScheduleCsv("", "USD").ok());
  EXPECT_FALSE(ParseScheduleCsv("band,minimum,midpoint,maximum,unit\n", "USD").ok());
}

}  // namespace
}  // namespace classplan::payband
