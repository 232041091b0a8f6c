// Issue 12: every catalog write validates everything it stores and writes nothing when anything
// is wrong; every list pages and stays within its byte budget.

#include "services/catalog/domain/validation.h"

#include <google/protobuf/text_format.h>

#include <set>
#include <string>
#include <vector>

#include "common/api/page_token.h"
#include "common/dates/dates.h"
#include "common/status/field_violations.h"
#include "gtest/gtest.h"
#include "services/catalog/domain/catalog.h"
#include "services/catalog/store/sqlite_catalog_store.h"
#include "tests/support/temp.h"

namespace classplan::catalog {
namespace {

constexpr auto* D = &dates::Ymd;

std::set<std::string> Fields(const absl::Status& s) {
  std::set<std::string> out;
  for (const auto& v : status::GetFieldViolations(s)) out.insert(v.field);
  return out;
}

std::string Described(const absl::Status& s) {
  std::string out;
  for (const auto& v : status::GetFieldViolations(s)) out += v.field + ": " + v.description + "\n";
  return out;
}

class ValidationTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = testing::MakeTempDir("catalog_validation_test");
    auto store = SqliteCatalogStore::Open(dir_ + "/catalog.db");
    ASSERT_TRUE(store.ok()) << store.status();
    store_ = std::move(*store);
    WriteBatch b;
    pb::Jurisdiction denver;
    denver.set_id("denver-csa");
    denver.set_name("Denver Career Service");
    denver.set_notice_min_days_before_hearing(13);
    denver.set_work_week_start(pb::DAY_OF_WEEK_MONDAY);
    pb::Jurisdiction sf;
    sf.set_id("sf-hsa");
    sf.set_name("San Francisco HSA");
    b.jurisdictions = {denver, sf};
    ASSERT_TRUE(store_->Commit(b).ok());
    frameworks_["sf-hsa-2944-anchors"] = {"sf-hsa", {"2944"}};
    catalog_ = std::make_unique<Catalog>(store_.get(), &cache_, clock::Clock::Fixed(today_),
                                         nullptr, &frameworks_);
  }

  pb::JobClass Spec(const std::string& code, const std::string& j = "sf-hsa") {
    pb::JobClass c;
    c.set_code(code);
    c.set_title("Title of " + code);
    c.set_jurisdiction_id(j);
    c.set_flsa_status(pb::FLSA_STATUS_EXEMPT);
    return c;
  }

  absl::StatusOr<pb::CreateJobClassResponse> Create(const pb::JobClass& c,
                                                    const dates::Date& eff = D(2020, 1, 6)) {
    pb::CreateJobClassRequest req;
    *req.mutable_job_class() = c;
    *req.mutable_effective()->mutable_effective_date() = eff;
    return catalog_->CreateJobClass(req, caller_);
  }

  // Nothing of `code` in the store, and no more than `events` audit events (the writes that
  // succeeded).
  void ExpectNothingWritten(const std::string& code, size_t events = 0) {
    auto rec = store_->GetClass(code);
    ASSERT_TRUE(rec.ok());
    EXPECT_FALSE(rec->has_value()) << code << " was written";
    audit::Filter all;
    auto written = store_->ListAuditEvents(all, 10, "");
    ASSERT_TRUE(written.ok());
    EXPECT_EQ(written->events.size(), events) << "an audit event was written";
  }

  pb::QualificationRules Rules(const std::string& text) {
    pb::QualificationRules r;
    EXPECT_TRUE(google::protobuf::TextFormat::ParseFromString(text, &r)) << text;
    return r;
  }

  std::string dir_;
  identity::Caller caller_{"analyst-1", {identity::Role::kHrAnalyst}, "req-1", "Write"};
  absl::CivilDay today_ = absl::CivilDay(2026, 11, 23);
  NoClassCache cache_;
  KnownFrameworks frameworks_;
  std::unique_ptr<SqliteCatalogStore> store_;
  std::unique_ptr<Catalog> catalog_;
};

TEST_F(ValidationTest, UnknownEnumsDatesAndFrameworksAreRefusedAndNothingIsWritten) {
  pb::JobClass c = Spec("2944");
  c.set_flsa_status(static_cast<pb::FlsaStatus>(99));
  c.mutable_pay()->set_kind(static_cast<pb::PayCodeKind>(42));
  c.set_competency_framework_id("no-such-framework");
  c.add_history()->mutable_date()->set_year(1);
  auto s = Create(c, D(1, 1, 1));
  ASSERT_EQ(s.status().code(), absl::StatusCode::kInvalidArgument) << s.status();
  EXPECT_EQ(
      Fields(s.status()),
      (std::set<std::string>{"job_class.flsa_status", "job_class.pay.kind",
                             "job_class.competency_framework_id", "job_class.history[0].date"}))
      << Described(s.status());
  ExpectNothingWritten("2944");

  // With the class right, the effective date of 0001-01-01 is still refused.
  s = Create(Spec("2944"), D(1, 1, 1));
  ASSERT_EQ(s.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(Fields(s.status()), (std::set<std::string>{"effective.effective_date"}));
  EXPECT_NE(Described(s.status()).find("year must be between 1900 and 2199"), std::string::npos);
  ExpectNothingWritten("2944");
}

TEST_F(ValidationTest, FrameworkMustExistBeOfTheJurisdictionAndListTheClass) {
  pb::JobClass c = Spec("2944");
  c.set_competency_framework_id("sf-hsa-2944-anchors");
  EXPECT_TRUE(Create(c).ok());
  pb::JobClass other = Spec("2945");  // the framework does not list it
  other.set_competency_framework_id("sf-hsa-2944-anchors");
  auto s = Create(other);
  EXPECT_EQ(Fields(s.status()), (std::set<std::string>{"job_class.competency_framework_id"}));
  ExpectNothingWritten("2945", 1);
  pb::JobClass denver = Spec("CA2459", "denver-csa");
  denver.set_competency_framework_id("sf-hsa-2944-anchors");
  s = Create(denver);
  EXPECT_NE(Described(s.status()).find("another jurisdiction"), std::string::npos);
}

TEST_F(ValidationTest, MalformedRuleTreesAreRefusedNamingEachProblem) {
  struct Case {
    const char* name;
    const char* rules;
    const char* field;
  };
  const std::string mq = "job_class.minimum_qualification_rules";
  const Case cases[] = {
      {"empty all_of", R"pb(root {
                              id: "mq"
                              all_of {}
                            })pb",
       ".root.all_of.children"},
      {"empty any_of", R"pb(root {
                              id: "mq"
                              any_of {}
                            })pb",
       ".root.any_of.children"},
      {"node with no rule", R"pb(root {
                                   id: "mq"
                                   all_of { children { id: "x" } }
                                 })pb",
       ".root.all_of.children[0]"},
      {"negative months", R"pb(root {
                                 id: "mq"
                                 source_text: "x"
                                 experience { months: -12 kinds: EXPERIENCE_KIND_OTHER }
                               })pb",
       ".root.experience.months"},
      {"unknown experience kind", R"pb(root {
                                         id: "mq"
                                         source_text: "x"
                                         experience { months: 12 kinds: 31 }
                                       })pb",
       ".root.experience.kinds[0]"},
      {"duplicate ids",
       R"pb(root {
              id: "mq"
              all_of {
                children {
                  id: "mq"
                  source_text: "x"
                  drivers_licence {}
                }
              }
            })pb",
       ".root.all_of.children[0].id"},
      {"no clause text", R"pb(root {
                                id: "mq"
                                drivers_licence {}
                              })pb",
       ".root.source_text"},
  };
  for (const auto& k : cases) {
    SCOPED_TRACE(k.name);
    pb::JobClass c = Spec("2944");
    *c.mutable_minimum_qualification_rules() = Rules(k.rules);
    auto s = Create(c);
    ASSERT_EQ(s.status().code(), absl::StatusCode::kInvalidArgument);
    EXPECT_EQ(Fields(s.status()).count(mq + k.field), 1u) << Described(s.status());
    ExpectNothingWritten("2944");
  }

  // 45 levels of nesting; a 30,000-leaf rule.
  pb::JobClass deep = Spec("2944");
  pb::QualificationRule* n = deep.mutable_recommended_qualification_rules()->mutable_root();
  for (int i = 0; i < 45; ++i) {
    n->set_id("g" + std::to_string(i));
    n = n->mutable_all_of()->add_children();
  }
  n->set_id("leaf");
  n->set_source_text("x");
  n->mutable_drivers_licence();
  auto s = Create(deep);
  ASSERT_EQ(s.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_NE(Described(s.status()).find("nested more than 16 levels deep"), std::string::npos)
      << Described(s.status());
  pb::JobClass wide = Spec("2944");
  auto* root = wide.mutable_minimum_qualification_rules()->mutable_root();
  root->set_id("mq");
  for (int i = 0; i < 30000; ++i) {
    auto* leaf = root->mutable_any_of()->add_children();
    leaf->set_id("l" + std::to_string(i));
    leaf->set_source_text("x");
    leaf->mutable_drivers_licence();
  }
  s = Create(wide);
  ASSERT_EQ(s.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_NE(Described(s.status()).find("more than 256 nodes"), std::string::npos);
  ExpectNothingWritten("2944");
}

TEST_F(ValidationTest, FreeTextIsBounded) {
  pb::JobClass c = Spec("2944");
  c.mutable_duties()->add_paragraphs(std::string(kMaxLongText + 1, 'x'));
  c.set_title(std::string(kMaxShortText + 1, 't'));
  for (int i = 0; i <= kMaxListEntries; ++i) c.add_notes("n");
  auto s = Create(c);
  EXPECT_EQ(Fields(s.status()), (std::set<std::string>{"job_class.duties.paragraphs[0]",
                                                       "job_class.title", "job_class.notes"}))
      << Described(s.status());
  ExpectNothingWritten("2944");
}

TEST_F(ValidationTest, NoticeWithUnknownChangeKindOrImpossibleTimeIsRefused) {
  pb::CreateClassificationNoticeRequest req;
  pb::ClassificationNotice* n = req.mutable_notice();
  n->set_number("1400");
  n->set_jurisdiction_id("denver-csa");
  n->set_subject("A change");
  *n->mutable_notice_date() = D(2025, 1, 2);
  *n->mutable_hearing()->mutable_date() = D(2025, 1, 20);
  n->mutable_hearing()->mutable_time()->set_hours(25);
  n->mutable_hearing()->mutable_time()->set_minutes(99);
  *n->mutable_comment_deadline()->mutable_date() = D(1, 1, 1);
  auto* ch = n->add_changes();
  ch->set_class_code("CA2459");
  ch->set_kind(static_cast<pb::RevisionKind>(77));
  auto s = catalog_->CreateClassificationNotice(req, caller_);
  ASSERT_EQ(s.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(Fields(s.status()),
            (std::set<std::string>{"notice.hearing.time", "notice.changes[0].kind",
                                   "notice.comment_deadline.date"}))
      << Described(s.status());
  pb::GetClassificationNoticeRequest get;
  get.set_number("1400");
  EXPECT_EQ(catalog_->GetClassificationNotice(get).status().code(), absl::StatusCode::kNotFound);
}

TEST_F(ValidationTest, ReviseWithInvalidRulesLeavesTheClassAsItWas) {
  auto created = Create(Spec("2944"));
  ASSERT_TRUE(created.ok()) << created.status();
  pb::ReviseJobClassRequest req;
  *req.mutable_job_class() = Spec("2944");
  *req.mutable_job_class()->mutable_minimum_qualification_rules() = Rules(R"pb(root {
                                                                                 id: "mq"
                                                                                 any_of {}
                                                                               })pb");
  req.set_etag(created->job_class().etag());
  req.set_change_note("bad rules");
  *req.mutable_effective()->mutable_effective_date() = D(2021, 1, 4);
  EXPECT_EQ(catalog_->ReviseJobClass(req, caller_).status().code(),
            absl::StatusCode::kInvalidArgument);
  auto rec = store_->GetClass("2944");
  ASSERT_TRUE(rec.ok() && rec->has_value());
  EXPECT_EQ((*rec)->revisions_size(), 1);
  EXPECT_EQ((*rec)->version(), 1);
}

// A class of about `bytes` bytes.
pb::ClassRecord LargeClass(int i, size_t bytes) {
  pb::ClassRecord rec;
  char code[16];
  snprintf(code, sizeof(code), "L%04d", i);
  rec.set_code(code);
  rec.set_version(1);
  pb::ClassRevision* rev = rec.add_revisions();
  rev->set_class_code(code);
  rev->set_revision(1);
  rev->set_kind(pb::REVISION_KIND_CREATE);
  rev->set_state(pb::REVISION_STATE_ADOPTED);
  *rev->mutable_effective_date() = D(2020, 1, 6);
  pb::JobClass* c = rev->mutable_job_class();
  c->set_code(code);
  c->set_title("A large class");
  c->set_jurisdiction_id("sf-hsa");
  c->set_flsa_status(pb::FLSA_STATUS_EXEMPT);
  while (c->ByteSizeLong() < bytes) c->mutable_duties()->add_paragraphs(std::string(3900, 'd'));
  return rec;
}

TEST_F(ValidationTest, ListJobClassesPagesEveryClassWithinTheByteBudget) {
  // 520 classes of ~12 KB: 6 MB in all, more than one answer may carry at page_size 500.
  constexpr int kClasses = 520;
  for (int start = 0; start < kClasses; start += 100) {
    WriteBatch b;
    for (int i = start; i < start + 100 && i < kClasses; ++i) {
      b.classes.push_back({LargeClass(i, 12'000), 0});
    }
    ASSERT_TRUE(store_->Commit(b).ok());
  }
  pb::ListJobClassesRequest req;
  req.set_page_size(5000);  // above the maximum: lowered to 500, not refused
  std::vector<std::string> codes;
  int pages = 0;
  do {
    auto page = catalog_->ListJobClasses(req);
    ASSERT_TRUE(page.ok()) << page.status();
    EXPECT_LE(page->ByteSizeLong(), api::kPageBudgetBytes + 1024);
    EXPECT_LE(page->job_classes_size(), 500);
    ASSERT_GT(page->job_classes_size(), 0);
    for (const auto& c : page->job_classes()) codes.push_back(c.code());
    req.set_page_token(page->next_page_token());
    ++pages;
  } while (!req.page_token().empty() && pages < 100);
  ASSERT_EQ(codes.size(), static_cast<size_t>(kClasses));
  for (int i = 0; i < kClasses; ++i) EXPECT_EQ(codes[i], LargeClass(i, 0).code());
  EXPECT_GT(pages, 5);  // the bytes, not the 500 items, cut the pages

  // The revisions of a class page the same way.
  pb::ListClassRevisionsRequest revs;
  revs.set_code("L0000");
  revs.set_page_size(501);
  auto r = catalog_->ListClassRevisions(revs);
  ASSERT_TRUE(r.ok()) << r.status();
  EXPECT_EQ(r->revisions_size(), 1);
}

}  // namespace
}  // namespace classplan::catalog
