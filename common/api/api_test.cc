#include "common/api/etag.h"
#include "common/api/filter.h"
#include "common/api/page_token.h"
#include "common/status/field_violations.h"
#include "gtest/gtest.h"

namespace classplan::api {
namespace {

const std::set<std::string> kFields = {"jurisdiction", "flsa_status", "pay_band"};

TEST(FilterTest, ParsesConjunctions) {
  auto f = ParseFilter(R"( jurisdiction = "nm-spo" AND flsa_status=EXEMPT )", kFields);
  ASSERT_TRUE(f.ok()) << f.status();
  EXPECT_EQ(f->at("jurisdiction"), "nm-spo");
  EXPECT_EQ(f->at("flsa_status"), "EXEMPT");
  EXPECT_TRUE(ParseFilter("", kFields)->empty());
}

TEST(FilterTest, RejectsMalformedWithFieldViolation) {
  for (const char* bad :
       {"colour = red", "jurisdiction", "jurisdiction = ", "pay_band = SD OR x",
        "jurisdiction = \"nm", "pay_band = SD AND pay_band = SE", "pay_band != SD"}) {
    auto f = ParseFilter(bad, kFields);
    ASSERT_FALSE(f.ok()) << bad;
    EXPECT_EQ(f.status().code(), absl::StatusCode::kInvalidArgument);
    auto v = status::GetFieldViolations(f.status());
    ASSERT_EQ(v.size(), 1u) << bad;
    EXPECT_EQ(v[0].field, "filter");
  }
}

TEST(PageTokenTest, RoundTripsAndRejectsForeignTokens) {
  std::string t = EncodePageToken("filter-a", "SPCP20");
  auto pos = DecodePageToken(t, "filter-a");
  ASSERT_TRUE(pos.ok());
  EXPECT_EQ(*pos, "SPCP20");
  EXPECT_EQ(*DecodePageToken("", "filter-a"), "");
  auto other = DecodePageToken(t, "filter-b");
  ASSERT_FALSE(other.ok());
  EXPECT_EQ(status::GetFieldViolations(other.status()).at(0).field, "page_token");
  EXPECT_FALSE(DecodePageToken("!!!", "filter-a").ok());
  EXPECT_FALSE(DecodePageToken("bm9wZQ", "filter-a").ok());  // "nope"
}

// Moved with EtagOf/VersionOfEtag from the catalog's revisions_test (RevisionsTest).
TEST(EtagTest, EtagsRoundTrip) {
  EXPECT_EQ(VersionOfEtag(EtagOf(7)), 7);
  EXPECT_EQ(VersionOfEtag("7"), 0);
  EXPECT_EQ(VersionOfEtag("vx"), 0);
  EXPECT_EQ(VersionOfEtag(""), 0);
}

TEST(EtagTest, OnlyTheExactEtagMatches) {
  EXPECT_EQ(EtagOf(12), "v12");
  EXPECT_TRUE(EtagMatches("v12", 12));
  EXPECT_TRUE(EtagMatches(EtagOf(1), 1));
  for (const char* other : {"", "v11", "v13", "12", "V12", "v012", "v+12", " v12", "v12 "}) {
    EXPECT_FALSE(EtagMatches(other, 12)) << other;
    EXPECT_NE(VersionOfEtag(other), 12) << other;
  }
  EXPECT_EQ(VersionOfEtag("v0"), 0);
  EXPECT_EQ(VersionOfEtag("v-3"), 0);
}

TEST(PageTokenTest, PageSizeBounds) {
  EXPECT_EQ(*PageSize(0, 50, 500), 50);
  EXPECT_EQ(*PageSize(7, 50, 500), 7);
  EXPECT_FALSE(PageSize(-1, 50, 500).ok());
  EXPECT_EQ(*PageSize(500, 50, 500), 500);
  EXPECT_EQ(*PageSize(501, 50, 500), 500);  // AIP-158: lowered to the maximum, not refused
  EXPECT_EQ(*PageSize(1 << 30, 50, 500), 500);
}

TEST(PageBudgetTest, StopsBeforeTheItemThatWouldOverflowTheBytes) {
  PageBudget page(500, 100);
  EXPECT_TRUE(page.Fits(40, "a"));   // 48 with framing
  EXPECT_TRUE(page.Fits(40, "b"));   // 96
  EXPECT_FALSE(page.Fits(40, "c"));  // would be 144
  EXPECT_TRUE(page.full());
  EXPECT_EQ(*DecodePageToken(page.NextPageToken("q"), "q"), "b");
}

TEST(PageBudgetTest, StopsAtTheItemLimit) {
  PageBudget page(2);
  EXPECT_TRUE(page.Fits(1, "a"));
  EXPECT_TRUE(page.Fits(1, "b"));
  EXPECT_FALSE(page.full());  // two items and no third: the last page
  EXPECT_EQ(page.NextPageToken("q"), "");
  EXPECT_FALSE(page.Fits(1, "c"));
  EXPECT_EQ(*DecodePageToken(page.NextPageToken("q"), "q"), "b");
}

TEST(PageBudgetTest, FirstItemAlwaysFits) {
  PageBudget page(500, 10);
  EXPECT_TRUE(page.Fits(1000, "big"));
  EXPECT_FALSE(page.Fits(1, "small"));
  EXPECT_EQ(*DecodePageToken(page.NextPageToken(""), ""), "big");
  PageBudget none(0);  // a page always holds one item, or a list could never advance
  EXPECT_TRUE(none.Fits(1, "a"));
  EXPECT_FALSE(none.Fits(1, "b"));
}

TEST(PageBudgetTest, StaysClosedOnceFull) {
  PageBudget page(500, 100);
  EXPECT_TRUE(page.Fits(80, "a"));
  EXPECT_FALSE(page.Fits(80, "b"));
  EXPECT_FALSE(page.Fits(1, "c"));  // would fit the bytes left, but the page is closed
  EXPECT_EQ(*DecodePageToken(page.NextPageToken("q"), "q"), "a");
}

TEST(PageBudgetTest, TokenBelongsToItsQuery) {
  PageBudget page(1);
  EXPECT_TRUE(page.Fits(1, "a"));
  EXPECT_FALSE(page.Fits(1, "b"));
  EXPECT_FALSE(DecodePageToken(page.NextPageToken("filter-a"), "filter-b").ok());
  EXPECT_EQ(page.NextPageToken("filter-a"), EncodePageToken("filter-a", "a"));
}

}  // namespace
}  // namespace classplan::api
