// The amount syntax shared by schedule CSV files and classplanctl.
#include "services/payband/domain/amounts.h"

#include "gtest/gtest.h"

namespace classplan::payband {
namespace {

TEST(AmountsTest, AcceptsTheOneSyntax) {
  int64_t c = 0;
  EXPECT_TRUE(ParseDollars("57000", &c));
  EXPECT_EQ(c, 5700000);
  EXPECT_TRUE(ParseDollars("57,000", &c));
  EXPECT_EQ(c, 5700000);
  EXPECT_TRUE(ParseDollars("57000.50", &c));
  EXPECT_EQ(c, 5700050);
  EXPECT_TRUE(ParseDollars("$1,234.50", &c));
  EXPECT_EQ(c, 123450);
  EXPECT_TRUE(ParseDollars("25.5", &c));
  EXPECT_EQ(c, 2550);
  EXPECT_TRUE(ParseDollars("1,234,567", &c));
  EXPECT_EQ(c, 123456700);
}

TEST(AmountsTest, RefusesEverythingElse) {
  int64_t c = 0;
  // The cases: a decimal comma, and a comma that does not group by three.
  EXPECT_FALSE(ParseDollars("25,50", &c));
  EXPECT_FALSE(ParseDollars("5,0000", &c));
  for (const char* bad : {"", "$", "-5", "+5", "57 000", " 57000", "57000 ", "57000.", ".50",
                          "57000.505", "1.2.3", "1e5", ",570", "57,", "57,00,000", "1,2345",
                          "$$5", "5$", "0x10", "１２", "1000000000000"}) {
    EXPECT_FALSE(ParseDollars(bad, &c)) << bad;
  }
  EXPECT_TRUE(ParseDollars("100000000000", &c));  // $100 billion: kMaxCents
  EXPECT_EQ(c, kMaxCents);
  EXPECT_FALSE(ParseDollars("100000000000.01", &c));
}

}  // namespace
}  // namespace classplan::payband
