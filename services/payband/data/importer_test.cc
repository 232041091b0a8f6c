#include "services/payband/data/importer.h"

#include <string>

#include "gtest/gtest.h"
#include "services/payband/store/sqlite_payband_store.h"
#include "tests/support/temp.h"

namespace classplan::payband {
namespace {

constexpr char kGood[] = R"pb(
  schedules {
    schedule {
      id: "xx/a"
      jurisdiction_id: "xx"
      name: "A"
      currency_code: "USD"
      source { document: "fixture" }
    }
    bands { code: "B1" figures_status: FIGURES_STATUS_NOT_ON_FILE }
  }
)pb";

// The band starting on line 11 (line 1 is the rest of the R"pb( line) has a minimum above its
// maximum; nothing of the file (not even the good band OK) may be imported.
constexpr char kBad[] = R"pb(
  schedules {
    schedule {
      id: "yy/a"
      jurisdiction_id: "yy"
      name: "A"
      currency_code: "USD"
      source { document: "fixture" }
    }
    bands { code: "OK" figures_status: FIGURES_STATUS_NOT_ON_FILE }
    bands {
      code: "B2"
      figures_status: FIGURES_STATUS_ON_FILE
      given {
        unit: RATE_UNIT_ANNUAL
        minimum { currency_code: "USD" cents: 9 }
        maximum { currency_code: "USD" cents: 5 }
      }
    }
  }
)pb";

TEST(PayDataImporterTest, RejectsBadFileWithLineAndIsIdempotent) {
  auto store = SqlitePaybandStore::Open(testing::MakeTempDir("paydata") + "/p.db");
  ASSERT_TRUE(store.ok());
  std::vector<PayDataFile> files = {{"good.textproto", kGood}, {"bad.textproto", kBad}};
  auto r = ImportPayDataFiles(files, store->get());
  ASSERT_TRUE(r.ok()) << r.status();
  EXPECT_EQ(r->schedules_imported, 1);
  ASSERT_EQ(r->problems.size(), 1u);
  EXPECT_EQ(r->problems[0], "bad.textproto:11: band.given.minimum: must not exceed the maximum");
  EXPECT_FALSE((*store)->GetSchedule("yy/a")->has_value());
  auto again = ImportPayDataFiles({files[0]}, store->get());
  EXPECT_EQ(again->schedules_imported, 0);
  EXPECT_EQ(again->schedules_present, 1);
}

// Found by fuzz/payband_data_fuzz: a name that is not UTF-8 was imported, and the schedule
// could not be read back from the store.
TEST(PayDataImporterTest, RefusesTextThatIsNotUtf8) {
  auto store = SqlitePaybandStore::Open(testing::MakeTempDir("paydata") + "/p.db");
  ASSERT_TRUE(store.ok());
  std::string content = kGood;
  content.replace(content.find("name: \"A\""), 9, "name: \"\xe9\"");
  auto r = ImportPayDataFiles({{"latin1.textproto", content}}, store->get());
  ASSERT_TRUE(r.ok()) << r.status();
  EXPECT_EQ(r->schedules_imported, 0);
  ASSERT_EQ(r->problems.size(), 1u);
  EXPECT_EQ(r->problems[0], "latin1.textproto: a text field is not valid UTF-8");
  EXPECT_FALSE((*store)->GetSchedule("xx/a")->has_value());
}

}  // namespace
}  // namespace classplan::payband
