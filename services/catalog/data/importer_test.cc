#include "services/catalog/data/importer.h"

#include <algorithm>

#include "gtest/gtest.h"
#include "services/catalog/store/sqlite_catalog_store.h"
#include "tests/support/process.h"
#include "tests/support/temp.h"

namespace classplan::catalog {
namespace {

constexpr char kJurisdictions[] = R"pb(
  jurisdictions { id: "nm-spo" name: "New Mexico State Personnel Office" }
)pb";

constexpr char kGoodClass[] = R"pb(
  revisions {
    job_class {
      code: "X100"
      title: "Good"
      jurisdiction_id: "nm-spo"
      flsa_status: FLSA_STATUS_EXEMPT
    }
    state: REVISION_STATE_ADOPTED
    effective_date { year: 2018 month: 8 day: 24 }
  }
)pb";

// One entry has a field that does not exist.
constexpr char kSyntaxError[] = R"pb(
  revisions {
    job_class {
      code: "X200"
      title: "Bad"
      jurisdiction_id: "nm-spo"
      flsa_status: FLSA_STATUS_EXEMPT
    }
    state: REVISION_STATE_ADOPTED
  }
  revisions { job_class { code: "X201" colour: "blue" } }
)pb";

// The second entry names an unknown jurisdiction; the first entry is fine but must not be
// imported either.
constexpr char kBadReference[] = R"pb(
  revisions {
    job_class {
      code: "X300"
      title: "Fine"
      jurisdiction_id: "nm-spo"
      flsa_status: FLSA_STATUS_EXEMPT
    }
    state: REVISION_STATE_ADOPTED
  }

  revisions {
    job_class {
      code: "X301"
      title: "Bad"
      jurisdiction_id: "atlantis"
      flsa_status: FLSA_STATUS_UNSPECIFIED
    }
    state: REVISION_STATE_ADOPTED
  }
)pb";

// 1-based line of the n-th (1-based) occurrence of `needle` in `text`; 0 when absent.
int LineOfNth(const std::string& text, const std::string& needle, int n) {
  size_t pos = std::string::npos;
  for (int i = 0; i < n; ++i) {
    pos = text.find(needle, pos == std::string::npos ? 0 : pos + 1);
    if (pos == std::string::npos) return 0;
  }
  return 1 + static_cast<int>(std::count(text.begin(), text.begin() + pos, '\n'));
}

class ImporterTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto store = SqliteCatalogStore::Open(testing::MakeTempDir("importer") + "/c.db");
    ASSERT_TRUE(store.ok()) << store.status();
    store_ = std::move(*store);
  }
  bool Has(const std::string& code) { return store_->GetClass(code)->has_value(); }
  std::unique_ptr<SqliteCatalogStore> store_;
};

TEST_F(ImporterTest, RejectsBadFilesWithFileLineAndReasonAndImportsNothingFromThem) {
  std::vector<DataFile> files = {{"a-jurisdictions.textproto", kJurisdictions},
                                 {"b-good.textproto", kGoodClass},
                                 {"c-syntax.textproto", kSyntaxError},
                                 {"d-reference.textproto", kBadReference}};
  auto report = ImportDataFiles(files, store_.get());
  ASSERT_TRUE(report.ok()) << report.status();
  EXPECT_EQ(report->files_imported, 2);
  EXPECT_TRUE(Has("X100"));
  EXPECT_FALSE(Has("X200"));
  EXPECT_FALSE(Has("X300"));  // a good entry in a bad file is not imported
  EXPECT_FALSE(Has("X301"));

  bool syntax = false, reference = false, flsa = false;
  for (const auto& p : report->problems) {
    std::string text = p.ToString();
    if (p.file == "c-syntax.textproto" && p.line == LineOfNth(kSyntaxError, "colour", 1) &&
        text.find("colour") != std::string::npos)
      syntax = true;
    if (p.file == "d-reference.textproto" && p.line == LineOfNth(kBadReference, "revisions {", 2) &&
        text.find("atlantis") != std::string::npos)
      reference = true;
    if (p.file == "d-reference.textproto" && text.find("flsa_status") != std::string::npos)
      flsa = true;
  }
  EXPECT_TRUE(syntax && reference && flsa);
}

TEST_F(ImporterTest, FilesThatLeanOnARejectedFileAreRejectedToo) {
  constexpr char kBadJurisdiction[] = R"pb(
    jurisdictions { id: "x" name: "" }
  )pb";  // id too short and no name
  constexpr char kUsesIt[] = R"pb(
    revisions {
      job_class { code: "X400" title: "Leans" jurisdiction_id: "x" flsa_status: FLSA_STATUS_EXEMPT }
      state: REVISION_STATE_ADOPTED
    }
  )pb";
  auto report =
      ImportDataFiles({{"a.textproto", kBadJurisdiction}, {"b.textproto", kUsesIt}}, store_.get());
  ASSERT_TRUE(report.ok());
  EXPECT_EQ(report->files_imported, 0);
  EXPECT_FALSE(Has("X400"));
  bool b_rejected = false;
  for (const auto& p : report->problems) b_rejected |= p.file == "b.textproto";
  EXPECT_TRUE(b_rejected);
}

TEST_F(ImporterTest, DuplicatesAcrossFilesAndOutOfOrderDatesAreReported) {
  constexpr char kTwoRevisions[] = R"pb(
    revisions {
      job_class {
        code: "X500"
        title: "One"
        jurisdiction_id: "nm-spo"
        flsa_status: FLSA_STATUS_EXEMPT
      }
      state: REVISION_STATE_ADOPTED
      effective_date { year: 2018 month: 8 day: 24 }
    }
    revisions {
      job_class {
        code: "X500"
        title: "Two"
        jurisdiction_id: "nm-spo"
        flsa_status: FLSA_STATUS_EXEMPT
      }
      state: REVISION_STATE_ADOPTED
      effective_date { year: 2011 month: 9 day: 20 }
    }
  )pb";
  auto report = ImportDataFiles({{"a.textproto", kJurisdictions},
                                 {"b.textproto", kGoodClass},
                                 {"c.textproto", kGoodClass},
                                 {"d.textproto", kTwoRevisions}},
                                store_.get());
  ASSERT_TRUE(report.ok());
  bool dup = false, order = false;
  for (const auto& p : report->problems) {
    dup |= p.file == "c.textproto" &&
           p.reason.find("also defined in b.textproto") != std::string::npos;
    order |= p.file == "d.textproto" && p.line == LineOfNth(kTwoRevisions, "revisions {", 2) &&
             p.reason.find("in order") != std::string::npos;
  }
  EXPECT_TRUE(dup);
  EXPECT_TRUE(order);
  EXPECT_FALSE(Has("X500"));
}

TEST_F(ImporterTest, ImportIsIdempotentAndNeverOverwritesLiveClasses) {
  std::vector<DataFile> files = {{"a.textproto", kJurisdictions}, {"b.textproto", kGoodClass}};
  ASSERT_EQ(ImportDataFiles(files, store_.get())->files_imported, 2);
  auto again = ImportDataFiles(files, store_.get());
  EXPECT_EQ(again->files_imported, 0);
  EXPECT_EQ(again->files_unchanged, 2);
  // A changed file is imported again, but an existing class keeps its live version.
  files[1].content = std::string(kGoodClass) + "\n# edited\n";
  auto changed = ImportDataFiles(files, store_.get());
  EXPECT_EQ(changed->files_imported, 1);
  EXPECT_EQ(changed->classes_imported, 0);
  EXPECT_EQ((*store_->GetClass("X100"))->version(), 1);
}

// Found by fuzz/payband_data_fuzz (the catalog's importer had the same gap): text that is not
// UTF-8 was imported, and the class could not be read back from the store.
TEST_F(ImporterTest, RefusesTextThatIsNotUtf8) {
  std::string content = kGoodClass;
  content.replace(content.find("title: \"Good\""), 13, "title: \"G\xf6\"");
  std::vector<DataFile> files = {{"a.textproto", kJurisdictions}, {"b.textproto", content}};
  auto report = ImportDataFiles(files, store_.get());
  ASSERT_TRUE(report.ok()) << report.status();
  ASSERT_EQ(report->problems.size(), 1u);
  EXPECT_EQ(report->problems[0].ToString(), "b.textproto: a text field is not valid UTF-8");
  EXPECT_FALSE(Has("X100"));
}

TEST_F(ImporterTest, ShippedDataImportsCleanly) {
  auto files = ReadDataDir(testing::SourcePath("data/catalog"));
  ASSERT_TRUE(files.ok()) << files.status();
  // With the shipped frameworks, as the server checks them.
  auto frameworks = LoadKnownFrameworks(testing::SourcePath("data/appraisal"));
  ASSERT_TRUE(frameworks.ok()) << frameworks.status();
  EXPECT_GE(frameworks->size(), 5u);
  auto report = ImportDataFiles(*files, store_.get(), &*frameworks);
  ASSERT_TRUE(report.ok()) << report.status();
  for (const auto& p : report->problems) ADD_FAILURE() << p.ToString();
  EXPECT_EQ(report->classes_imported, 9);
  EXPECT_EQ(report->notices_imported, 1);
}

// The same checks as the catalog's writes run on data files: a malformed rule tree, an
// unknown framework, a hearing at 25:99, a change kind 77 and a date in year 1 reject the file.
TEST_F(ImporterTest, DataFilesPassTheWriteValidators) {
  constexpr char kBad[] = R"pb(
    revisions {
      job_class {
        code: "X400"
        title: "Bad rules"
        jurisdiction_id: "nm-spo"
        flsa_status: FLSA_STATUS_EXEMPT
        competency_framework_id: "nowhere"
        minimum_qualification_rules {
          root {
            id: "mq"
            any_of {}
          }
        }
      }
      state: REVISION_STATE_ADOPTED
      effective_date { year: 1 month: 1 day: 1 }
    }
    notices {
      number: "9"
      jurisdiction_id: "nm-spo"
      subject: "s"
      notice_date { year: 2020 month: 1 day: 1 }
      hearing {
        date { year: 2020 month: 2 day: 1 }
        time { hours: 25 minutes: 99 }
      }
      changes { class_code: "X400" kind: 77 }
      state: NOTICE_STATE_POSTED
    }
  )pb";
  KnownFrameworks frameworks;
  std::vector<DataFile> files = {{"a-jurisdictions.textproto", kJurisdictions},
                                 {"b-bad.textproto", kBad}};
  auto report = ImportDataFiles(files, store_.get(), &frameworks);
  ASSERT_TRUE(report.ok()) << report.status();
  EXPECT_FALSE(Has("X400"));
  std::string all;
  for (const auto& p : report->problems) all += p.ToString() + "\n";
  for (const char* expected :
       {"job_class.minimum_qualification_rules.root.any_of.children: a group needs at least",
        "job_class.competency_framework_id: unknown competency framework",
        "effective_date: year must be between 1900 and 2199",
        "hearing.time:", "changes[0].kind: unknown value 77"}) {
    EXPECT_NE(all.find(expected), std::string::npos) << expected << " not in:\n" << all;
  }
}

}  // namespace
}  // namespace classplan::catalog
