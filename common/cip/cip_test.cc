#include "common/cip/cip.h"

#include "gtest/gtest.h"

namespace classplan::cip {
namespace {

TEST(CipParse, TheThreeLevels) {
  auto f = Parse("42");
  ASSERT_TRUE(f.has_value());
  EXPECT_EQ(f->digits, 2);
  EXPECT_TRUE(f->Contains(422803));
  EXPECT_FALSE(f->Contains(430100));
  auto s = Parse("44.07");
  ASSERT_TRUE(s.has_value());
  EXPECT_TRUE(s->Contains(440702));
  EXPECT_FALSE(s->Contains(440000));
  auto c = Parse("44.0000");
  ASSERT_TRUE(c.has_value());
  EXPECT_EQ(c->lo, 440000);
  EXPECT_EQ(c->hi, 440000);
  EXPECT_EQ(Format(*c), "44.0000");
  EXPECT_EQ(Format(*Parse("45.10")), "45.10");
  EXPECT_EQ(Format(*Parse("01")), "01");
  EXPECT_EQ(Format(Parse("51.1508")->Series()), "51.15");
  EXPECT_EQ(Format(Parse("51.1508")->Family()), "51");
  EXPECT_EQ(ParseSixDigit("13.1101"), 131101);
  EXPECT_EQ(ParseSixDigit("13.11"), -1);
}

TEST(CipParse, RefusesAnythingElse) {
  for (const char* bad : {"", "4", "420", "42.", "42.1", "42.123", "42.12345", "4a", "42-2803",
                          "42.28O3", " 42", "42.2803 ", "+42.2803", "4.22803"}) {
    EXPECT_FALSE(Parse(bad).has_value()) << bad;
    EXPECT_EQ(ParseSixDigit(bad), -1) << bad;
  }
}

TEST(CipList, ShippedListHoldsTheCodesWithTheirPublishedTitles) {
  const CipList& list = Shipped();
  EXPECT_EQ(list.size(), 54u);
  ASSERT_NE(list.Title("44.0701"), nullptr);
  EXPECT_EQ(*list.Title("44.0701"), "Social Work.");
  EXPECT_EQ(*list.Title("13.1101"), "Counselor Education/School Counseling and Guidance Services.");
  EXPECT_EQ(*list.Title("42"), "PSYCHOLOGY.");
  EXPECT_EQ(*list.Title("44.0000"), "Human Services, General.");
  EXPECT_EQ(list.Title("44.0"), nullptr);
  EXPECT_FALSE(list.Contains("99.9999"));
}

TEST(CipList, ReadsTheNcesLayout) {
  // NCES's file: ="…" escapes, quoted commas, extra columns, CRLF, a BOM, CIP 2010 rows.
  const char* csv =
      "\xEF\xBB\xBF"
      "CIPFamily,CIPCode,Action,TextChange,CIPTitle,CIPDefinition,CrossReferences,Examples\r\n"
      "=\"45\",=\"45.1103\",Moved to,no,Rural Sociology.,\"A program, with \"\"quotes\"\"\nand a "
      "line break.\",,\r\n"
      "=\"45\",=\"45.1401\",Moved from,no,Rural Sociology.,Moved from 45.1401 to 45.1103,,\r\n"
      "=\"01\",=\"01.0101\",Deleted,no,Old.,\"Deleted, Report under 01.0102\",,\r\n"
      "=\"44\",=\"44.0000\",No substantive changes,no,\"Human Services, General.\",x,,\r\n";
  auto list = CipList::ParseCsv(csv);
  ASSERT_TRUE(list.ok()) << list.status();
  EXPECT_EQ(list->size(), 2u);
  EXPECT_EQ(*list->Title("45.1103"), "Rural Sociology.");
  EXPECT_EQ(*list->Title("44.0000"), "Human Services, General.");
  EXPECT_FALSE(list->Contains("45.1401"));
  EXPECT_FALSE(list->Contains("01.0101"));
}

TEST(CipList, NamesTheBadLine) {
  auto bad = CipList::ParseCsv("CIPCode,CIPTitle\n44.0701,Social Work.\n44.701,Typo.\n");
  ASSERT_FALSE(bad.ok());
  EXPECT_NE(bad.status().message().find("line 3"), std::string::npos) << bad.status();
  EXPECT_FALSE(CipList::ParseCsv("Code,Title\n44.0701,Social Work.\n").ok());
  EXPECT_FALSE(CipList::ParseCsv("CIPCode,CIPTitle\n44.0701,\"Social Work.\n").ok());
  EXPECT_FALSE(CipList::ParseCsv("CIPCode,CIPTitle\n44.0701,\n").ok());
  EXPECT_FALSE(CipList::ParseCsv("CIPCode,CIPTitle\n44.0701,A\n44.0701,B\n").ok());
}

}  // namespace
}  // namespace classplan::cip
