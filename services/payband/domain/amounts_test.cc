// The amount syntax shared by schedule CSV files and classplanctl.
#include "services/payband/domain/amounts.h"

#include <utility>

#include "gtest/gtest.h"

namespace classplan::payband {
namespace {

TEST(AmountsTest, AcceptsTheOneSyntax) {
  for (const auto& [text, cents] : {std::pair<const char*, int64_t>{"57000", 5700000},
                                    {"57,000", 5700000},
                                    {"57000.50", 5700050},
                                    {"$1,234.50", 123450},
                                    {"$1,234.5", 123450},
                                    {"42917", 4291700},
                                    {"46.00", 4600},
                                    {"25.5", 2550},
                                    {"1,234,567", 123456700},
                                    {"100000000000", kMaxCents}}) {
    int64_t c = -1;
    EXPECT_TRUE(ParseDollars(text, &c)) << text;
    EXPECT_EQ(c, cents) << text;
  }
}

TEST(AmountsTest, RefusesEverythingElse) {
  int64_t c = 0;
  // The cases first: a decimal comma, and a comma that does not group by three.
  for (const char* bad : {"25,50",
                          "5,0000",
                          "12,34",
                          "",
                          "$",
                          "-5",
                          "+5",
                          "57 000",
                          " 57000",
                          "57000 ",
                          "57000.",
                          ".50",
                          "57000.505",
                          "1.234",
                          "1.2.3",
                          "1e5",
                          ",570",
                          "57,",
                          "57,00,000",
                          "1,2345",
                          "$$5",
                          "5$",
                          "0x10",
                          "\xef\xbc\x91",
                          "1000000000000",
                          "100000000000.01"}) {
    EXPECT_FALSE(ParseDollars(bad, &c)) << bad;
  }
}

}  // namespace
}  // namespace classplan::payband
