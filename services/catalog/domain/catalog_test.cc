#include "services/catalog/domain/catalog.h"

#include <map>

#include "common/audit/audit_proto.h"
#include "common/audit/sqlite_audit.h"
#include "common/dates/dates.h"
#include "common/sqlite/database.h"
#include "common/status/field_violations.h"
#include "gtest/gtest.h"
#include "services/catalog/cache/built_view_cache.h"
#include "services/catalog/store/sqlite_catalog_store.h"
#include "tests/support/temp.h"

namespace classplan::catalog {
namespace {

constexpr auto* D = &dates::Ymd;

std::string FirstViolationField(const absl::Status& s) {
  auto v = status::GetFieldViolations(s);
  return v.empty() ? "" : v[0].field;
}

class CatalogTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = testing::MakeTempDir("catalog_test");
    auto store = SqliteCatalogStore::Open(dir_ + "/catalog.db");
    ASSERT_TRUE(store.ok()) << store.status();
    store_ = std::move(*store);
    WriteBatch b;
    pb::Jurisdiction denver;
    denver.set_id("denver-csa");
    denver.set_name("Denver Career Service");
    denver.set_notice_min_days_before_hearing(13);
    denver.set_work_week_start(pb::DAY_OF_WEEK_MONDAY);
    pb::Jurisdiction nm;
    nm.set_id("nm-spo");
    nm.set_name("New Mexico SPO");
    b.jurisdictions = {denver, nm};
    ASSERT_TRUE(store_->Commit(b).ok());
    catalog_ = std::make_unique<Catalog>(store_.get(), &cache_, clock::Clock::Fixed(today_));
  }

  pb::JobClass Spec(const std::string& code, const std::string& j = "nm-spo") {
    pb::JobClass c;
    c.set_code(code);
    c.set_title("Title of " + code);
    c.set_jurisdiction_id(j);
    c.set_flsa_status(pb::FLSA_STATUS_EXEMPT);
    c.mutable_pay()->set_code("SD");
    c.mutable_duties()->add_items("Coordinates out-of-home placement of children");
    return c;
  }

  absl::StatusOr<pb::CreateJobClassResponse> Create(const std::string& code,
                                                    const dates::Date& eff) {
    pb::CreateJobClassRequest req;
    *req.mutable_job_class() = Spec(code);
    *req.mutable_effective()->mutable_effective_date() = eff;
    req.set_change_note("created");
    return catalog_->CreateJobClass(req, caller_);
  }

  // Abolishes a class created by Create (etag "v1") from `eff` on.
  absl::StatusOr<pb::AbolishJobClassResponse> Abolish(const std::string& code,
                                                      const dates::Date& eff) {
    pb::AbolishJobClassRequest req;
    req.set_code(code);
    req.set_etag("v1");
    req.set_change_note("abolished");
    *req.mutable_effective()->mutable_effective_date() = eff;
    return catalog_->AbolishJobClass(req, caller_);
  }

  // Every audit event, read through ListAuditEvents as hr_admin (one page is enough here).
  std::vector<audit::Event> Events() {
    classplan::common::v1::ListAuditEventsRequest req;
    auto page = catalog_->ListAuditEvents(req, admin_);
    EXPECT_TRUE(page.ok()) << page.status();
    std::vector<audit::Event> out;
    if (!page.ok()) return out;
    EXPECT_TRUE(page->next_page_token().empty());
    out.reserve(page->events_size());
    for (const auto& e : page->events()) out.push_back(audit::FromProto(e));
    return out;
  }

  std::string dir_;
  identity::Caller admin_{"admin-1", {identity::Role::kHrAdmin}, "req-admin", "ListAuditEvents"};
  identity::Caller caller_{"analyst-1", {identity::Role::kHrAnalyst}, "req-1", "Write"};
  absl::CivilDay today_ = absl::CivilDay(2026, 11, 23);
  NoClassCache cache_;
  std::unique_ptr<SqliteCatalogStore> store_;
  std::unique_ptr<Catalog> catalog_;
};

TEST_F(CatalogTest, CreateGetAndNotFound) {
  ASSERT_TRUE(Create("spcp20", D(2018, 8, 24)).ok());
  pb::GetJobClassRequest get;
  get.set_code("SPCP20");
  auto got = catalog_->GetJobClass(get);
  ASSERT_TRUE(got.ok()) << got.status();
  EXPECT_EQ(got->job_class().code(), "SPCP20");  // codes are normalised to upper-case
  EXPECT_EQ(got->job_class().revision(), 1);
  EXPECT_EQ(got->job_class().etag(), "v1");
  get.set_code("NOPE1");
  EXPECT_EQ(catalog_->GetJobClass(get).status().code(), absl::StatusCode::kNotFound);
  get.set_code("bad code!");
  auto bad = catalog_->GetJobClass(get);
  EXPECT_EQ(bad.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(FirstViolationField(bad.status()), "code");
  EXPECT_EQ(Create("SPCP20", D(2018, 8, 24)).status().code(), absl::StatusCode::kAlreadyExists);
}

TEST_F(CatalogTest, CreateRejectsBadInputWithFieldViolations) {
  pb::CreateJobClassRequest req;
  *req.mutable_job_class() = Spec("X1");
  req.mutable_job_class()->set_flsa_status(pb::FLSA_STATUS_UNSPECIFIED);
  *req.mutable_effective()->mutable_effective_date() = D(2020, 2, 30);
  auto r = catalog_->CreateJobClass(req, caller_);
  ASSERT_EQ(r.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(FirstViolationField(r.status()), "job_class.flsa_status");
  req.mutable_job_class()->set_flsa_status(pb::FLSA_STATUS_EXEMPT);
  r = catalog_->CreateJobClass(req, caller_);
  EXPECT_EQ(FirstViolationField(r.status()), "effective.effective_date");
  req.mutable_job_class()->set_jurisdiction_id("atlantis");
  r = catalog_->CreateJobClass(req, caller_);
  EXPECT_EQ(FirstViolationField(r.status()), "job_class.jurisdiction_id");
  pb::GetJobClassRequest get;
  get.set_code("X1");
  EXPECT_EQ(catalog_->GetJobClass(get).status().code(), absl::StatusCode::kNotFound);
}

TEST_F(CatalogTest, ReviseNeedsFreshEtagAndKeepsHistory) {
  ASSERT_TRUE(Create("SPCP23", D(2018, 8, 24)).ok());
  pb::ReviseJobClassRequest rev;
  *rev.mutable_job_class() = Spec("SPCP23");
  rev.mutable_job_class()->set_title("Senior Worker, revised");
  *rev.mutable_effective()->mutable_effective_date() = D(2026, 1, 1);
  rev.set_change_note("retitled");
  rev.set_etag("v9");
  auto stale = catalog_->ReviseJobClass(rev, caller_);
  EXPECT_EQ(stale.status().code(), absl::StatusCode::kAborted);
  pb::ListClassRevisionsRequest list;
  list.set_code("SPCP23");
  EXPECT_EQ(catalog_->ListClassRevisions(list)->revisions_size(), 1);  // nothing written

  rev.set_etag("v1");
  auto ok = catalog_->ReviseJobClass(rev, caller_);
  ASSERT_TRUE(ok.ok()) << ok.status();
  EXPECT_EQ(ok->job_class().title(), "Senior Worker, revised");
  EXPECT_EQ(ok->job_class().etag(), "v2");
  EXPECT_EQ(catalog_->ListClassRevisions(list)->revisions_size(), 2);

  pb::GetJobClassRequest get;
  get.set_code("SPCP23");
  *get.mutable_as_of() = D(2020, 6, 1);
  EXPECT_EQ(catalog_->GetJobClass(get)->job_class().title(), "Title of SPCP23");

  // Revising with the old etag again is refused.
  EXPECT_EQ(catalog_->ReviseJobClass(rev, caller_).status().code(), absl::StatusCode::kAborted);
  // A revision may not take effect before an earlier one.
  rev.set_etag("v2");
  *rev.mutable_effective()->mutable_effective_date() = D(2019, 1, 1);
  EXPECT_EQ(catalog_->ReviseJobClass(rev, caller_).status().code(),
            absl::StatusCode::kFailedPrecondition);
}

TEST_F(CatalogTest, AbolishedClassesLeaveTheActiveList) {
  ASSERT_TRUE(Create("G1099B", D(2011, 9, 20)).ok());
  ASSERT_TRUE(Create("G1099O", D(2011, 9, 20)).ok());
  ASSERT_TRUE(Abolish("G1099B", D(2026, 1, 1)).ok());
  pb::ListJobClassesRequest list;
  auto active = catalog_->ListJobClasses(list);
  ASSERT_EQ(active->job_classes_size(), 1);
  EXPECT_EQ(active->job_classes(0).code(), "G1099O");
  list.set_filter("state = ABOLISHED");
  EXPECT_EQ(catalog_->ListJobClasses(list)->job_classes(0).code(), "G1099B");
}

TEST_F(CatalogTest, ListPagesFiltersAndRejectsBadTokens) {
  for (const char* code : {"A1", "A2", "A3"}) ASSERT_TRUE(Create(code, D(2020, 1, 1)).ok());
  pb::ListJobClassesRequest req;
  req.set_page_size(2);
  req.set_filter("jurisdiction = nm-spo AND flsa_status = EXEMPT");
  auto p1 = catalog_->ListJobClasses(req);
  ASSERT_TRUE(p1.ok()) << p1.status();
  ASSERT_EQ(p1->job_classes_size(), 2);
  ASSERT_FALSE(p1->next_page_token().empty());
  req.set_page_token(p1->next_page_token());
  auto p2 = catalog_->ListJobClasses(req);
  ASSERT_EQ(p2->job_classes_size(), 1);
  EXPECT_EQ(p2->job_classes(0).code(), "A3");
  EXPECT_TRUE(p2->next_page_token().empty());

  req.set_filter("flsa_status = NON_EXEMPT");
  req.clear_page_token();
  EXPECT_EQ(catalog_->ListJobClasses(req)->job_classes_size(), 0);

  req.set_page_token(p1->next_page_token());  // token from another filter
  EXPECT_EQ(FirstViolationField(catalog_->ListJobClasses(req).status()), "page_token");
  req.clear_page_token();
  req.set_filter("flsa_status = SOMETIMES");
  EXPECT_EQ(FirstViolationField(catalog_->ListJobClasses(req).status()), "filter");
}

// Puts a class with one adopted revision straight into the store, as the importer does for
// dates the sources give only partly (or not at all: no `eff`).
void PutImported(SqliteCatalogStore* store, const pb::JobClass& spec,
                 std::optional<dates::Date> eff) {
  pb::ClassRecord rec;
  rec.set_code(spec.code());
  rec.set_version(1);
  pb::ClassRevision* rev = rec.add_revisions();
  rev->set_class_code(spec.code());
  rev->set_revision(1);
  rev->set_kind(pb::REVISION_KIND_CREATE);
  rev->set_state(pb::REVISION_STATE_ADOPTED);
  if (eff) *rev->mutable_effective_date() = *eff;
  *rev->mutable_job_class() = spec;
  WriteBatch b;
  b.classes.push_back({rec, 0});
  ASSERT_TRUE(store->Commit(b).ok());
}

std::vector<std::string> Codes(const pb::ListJobClassesResponse& r) {
  std::vector<std::string> out;
  for (const auto& c : r.job_classes()) out.push_back(c.code());
  return out;
}

TEST_F(CatalogTest, ListAsOfAnswersEachClassOnTheDay) {
  ASSERT_TRUE(Create("A1", D(2018, 8, 24)).ok());
  pb::ReviseJobClassRequest rev;
  *rev.mutable_job_class() = Spec("A1");
  rev.mutable_job_class()->set_title("A1 revised");
  *rev.mutable_effective()->mutable_effective_date() = D(2026, 1, 1);
  rev.set_change_note("retitled");
  rev.set_etag("v1");
  ASSERT_TRUE(catalog_->ReviseJobClass(rev, caller_).ok());
  ASSERT_TRUE(Create("B2", D(2024, 5, 1)).ok());  // created after the day asked
  dates::Date year_2020;
  year_2020.set_year(2020);
  PutImported(store_.get(), Spec("C3"), year_2020);                   // straddles 2020-01-01
  PutImported(store_.get(), Spec("D4", "denver-csa"), std::nullopt);  // never dated
  ASSERT_TRUE(Create("E5", D(2018, 8, 24)).ok());
  ASSERT_TRUE(Abolish("E5", D(2019, 6, 1)).ok());

  pb::ListJobClassesRequest req;
  auto now = catalog_->ListJobClasses(req);  // today, as before
  ASSERT_TRUE(now.ok()) << now.status();
  EXPECT_EQ(Codes(*now), (std::vector<std::string>{"A1", "B2", "C3", "D4"}));
  EXPECT_EQ(now->job_classes(0).title(), "A1 revised");
  EXPECT_EQ(now->uncertain_size(), 0);

  *req.mutable_as_of() = D(2020, 1, 1);
  auto then = catalog_->ListJobClasses(req);
  ASSERT_TRUE(then.ok()) << then.status();
  EXPECT_EQ(Codes(*then), std::vector<std::string>{"A1"});  // B2 not yet, E5 abolished
  EXPECT_EQ(then->job_classes(0).title(), "Title of A1");   // the revision on the day
  EXPECT_EQ(then->job_classes(0).revision(), 1);
  EXPECT_EQ(then->job_classes(0).etag(), "v2");
  ASSERT_EQ(then->uncertain_size(), 2);  // named, not failing the list
  EXPECT_EQ(then->uncertain(0).code(), "C3");
  EXPECT_NE(then->uncertain(0).reason().find("unknown day in 2020"), std::string::npos)
      << then->uncertain(0).reason();
  EXPECT_EQ(then->uncertain(0).current().revision(), 1);  // as GetJobClass answers today
  EXPECT_EQ(then->uncertain(1).code(), "D4");
  EXPECT_NE(then->uncertain(1).reason().find("date the sources do not give"), std::string::npos);
  // The same answers GetJobClass gives for the day.
  pb::GetJobClassRequest get;
  get.set_code("C3");
  *get.mutable_as_of() = req.as_of();
  EXPECT_EQ(catalog_->GetJobClass(get).status().message(), then->uncertain(0).reason());
  get.set_code("B2");
  EXPECT_TRUE(absl::IsNotFound(catalog_->GetJobClass(get).status()));

  req.set_filter("state = ABOLISHED");  // the state on the day
  auto abolished = catalog_->ListJobClasses(req);
  ASSERT_TRUE(abolished.ok()) << abolished.status();
  EXPECT_EQ(Codes(*abolished), std::vector<std::string>{"E5"});
  EXPECT_EQ(abolished->uncertain_size(), 0);  // C3 and D4 are active today
  *req.mutable_as_of() = D(2019, 1, 1);
  EXPECT_EQ(catalog_->ListJobClasses(req)->job_classes_size(), 0);  // E5 still active then

  req.set_filter("jurisdiction = nm-spo");  // filters the uncertain ones too
  *req.mutable_as_of() = D(2021, 3, 1);     // C3 has taken effect by then
  auto nm = catalog_->ListJobClasses(req);
  ASSERT_TRUE(nm.ok()) << nm.status();
  EXPECT_EQ(Codes(*nm), (std::vector<std::string>{"A1", "C3"}));
  EXPECT_EQ(nm->uncertain_size(), 0);
}

TEST_F(CatalogTest, ListAsOfPagesAndChecksTheDate) {
  for (const char* code : {"A1", "A2"}) ASSERT_TRUE(Create(code, D(2018, 8, 24)).ok());
  PutImported(store_.get(), Spec("A3"), std::nullopt);
  ASSERT_TRUE(Create("A4", D(2018, 8, 24)).ok());
  pb::ListJobClassesRequest req;
  req.set_page_size(2);
  *req.mutable_as_of() = D(2020, 1, 1);
  auto p1 = catalog_->ListJobClasses(req);
  ASSERT_TRUE(p1.ok()) << p1.status();
  EXPECT_EQ(Codes(*p1), (std::vector<std::string>{"A1", "A2"}));
  ASSERT_FALSE(p1->next_page_token().empty());
  req.set_page_token(p1->next_page_token());
  auto p2 = catalog_->ListJobClasses(req);  // an uncertain class counts towards the page
  ASSERT_TRUE(p2.ok()) << p2.status();
  EXPECT_EQ(Codes(*p2), std::vector<std::string>{"A4"});
  ASSERT_EQ(p2->uncertain_size(), 1);
  EXPECT_EQ(p2->uncertain(0).code(), "A3");
  EXPECT_TRUE(p2->next_page_token().empty());

  *req.mutable_as_of() = D(2020, 1, 2);  // a token is for one day
  EXPECT_EQ(FirstViolationField(catalog_->ListJobClasses(req).status()), "page_token");
  req.clear_as_of();
  EXPECT_EQ(FirstViolationField(catalog_->ListJobClasses(req).status()), "page_token");
  req.clear_page_token();
  *req.mutable_as_of() = D(2020, 2, 30);
  EXPECT_EQ(FirstViolationField(catalog_->ListJobClasses(req).status()), "as_of");
}

TEST_F(CatalogTest, JurisdictionsPageById) {
  pb::ListJurisdictionsRequest req;
  req.set_page_size(1);
  auto p1 = catalog_->ListJurisdictions(req);
  ASSERT_TRUE(p1.ok()) << p1.status();
  ASSERT_EQ(p1->jurisdictions_size(), 1);
  EXPECT_EQ(p1->jurisdictions(0).id(), "denver-csa");
  req.set_page_token(p1->next_page_token());
  auto p2 = catalog_->ListJurisdictions(req);
  ASSERT_EQ(p2->jurisdictions_size(), 1);
  EXPECT_EQ(p2->jurisdictions(0).id(), "nm-spo");
  EXPECT_TRUE(p2->next_page_token().empty());
  req.set_page_token("garbage");
  EXPECT_EQ(FirstViolationField(catalog_->ListJurisdictions(req).status()), "page_token");
}

TEST_F(CatalogTest, SearchFindsHyphenatedPhrases) {
  ASSERT_TRUE(Create("CA2459", D(2012, 1, 1)).ok());
  pb::SearchJobClassesRequest req;
  req.set_query("out-of-home placements");
  auto r = catalog_->SearchJobClasses(req);
  ASSERT_TRUE(r.ok()) << r.status();
  ASSERT_EQ(r->hits_size(), 1);
  EXPECT_EQ(r->hits(0).code(), "CA2459");
  EXPECT_NE(r->hits(0).snippet().find('['), std::string::npos);
  req.set_query("astronaut");
  EXPECT_EQ(catalog_->SearchJobClasses(req)->hits_size(), 0);
  req.set_query(" -- ");
  EXPECT_EQ(FirstViolationField(catalog_->SearchJobClasses(req).status()), "query");
}

pb::ClassificationNotice Notice(const dates::Date& notice_date, const dates::Date& hearing) {
  pb::ClassificationNotice n;
  n.set_number("2000");
  n.set_jurisdiction_id("denver-csa");
  *n.mutable_notice_date() = notice_date;
  n.set_subject("Proposed change");
  *n.mutable_hearing()->mutable_date() = hearing;
  auto* ch = n.add_changes();
  ch->set_class_code("CX1");
  ch->set_kind(pb::REVISION_KIND_CREATE);
  return n;
}

TEST_F(CatalogTest, NoticeHearingMustBeThirteenDaysAfterNotice) {
  pb::CreateClassificationNoticeRequest req;
  *req.mutable_notice() = Notice(D(2011, 11, 30), D(2011, 12, 12));  // 12 days
  auto r = catalog_->CreateClassificationNotice(req, caller_);
  ASSERT_EQ(r.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(FirstViolationField(r.status()), "notice.hearing.date");
  *req.mutable_notice() = Notice(D(2011, 11, 30), D(2011, 12, 13));  // 13 days
  ASSERT_TRUE(catalog_->CreateClassificationNotice(req, caller_).ok());
}

TEST_F(CatalogTest, ApprovalMakesPendingRevisionsEffectiveNextWorkWeek) {
  pb::CreateClassificationNoticeRequest nreq;
  *nreq.mutable_notice() = Notice(D(2011, 11, 30), D(2011, 12, 15));
  ASSERT_TRUE(catalog_->CreateClassificationNotice(nreq, caller_).ok());

  pb::CreateJobClassRequest creq;
  *creq.mutable_job_class() = Spec("CX1", "denver-csa");
  creq.mutable_effective()->set_notice_number("2000");
  auto created = catalog_->CreateJobClass(creq, caller_);
  ASSERT_TRUE(created.ok()) << created.status();
  EXPECT_EQ(created->revision().state(), pb::REVISION_STATE_PENDING);
  pb::GetJobClassRequest get;
  get.set_code("CX1");
  EXPECT_EQ(catalog_->GetJobClass(get).status().code(), absl::StatusCode::kNotFound);

  pb::RecordNoticeApprovalRequest ap;
  ap.set_number("2000");
  *ap.mutable_approval_date() = D(2011, 12, 15);  // a Thursday
  ap.set_etag("v7");
  EXPECT_EQ(catalog_->RecordNoticeApproval(ap, caller_).status().code(),
            absl::StatusCode::kAborted);
  ap.set_etag("v1");
  auto approved = catalog_->RecordNoticeApproval(ap, caller_);
  ASSERT_TRUE(approved.ok()) << approved.status();
  EXPECT_EQ(approved->notice().state(), pb::NOTICE_STATE_APPROVED);
  EXPECT_EQ(dates::Format(approved->notice().effective_date()), "2011-12-19");
  ASSERT_EQ(approved->revisions_size(), 1);

  auto got = catalog_->GetJobClass(get);
  ASSERT_TRUE(got.ok()) << got.status();
  EXPECT_EQ(dates::Format(got->job_class().revision_effective_date()), "2011-12-19");
  *get.mutable_as_of() = D(2011, 12, 18);
  EXPECT_EQ(catalog_->GetJobClass(get).status().code(), absl::StatusCode::kNotFound);
  EXPECT_EQ(catalog_->RecordNoticeApproval(ap, caller_).status().code(),
            absl::StatusCode::kAborted);
}

TEST_F(CatalogTest, NothingQueuesBehindAPendingRevision) {
  ASSERT_TRUE(Create("CX1", D(2010, 1, 1)).ok());
  pb::CreateClassificationNoticeRequest nreq;
  *nreq.mutable_notice() = Notice(D(2011, 11, 30), D(2011, 12, 15));
  nreq.mutable_notice()->set_jurisdiction_id("nm-spo");
  nreq.mutable_notice()->mutable_changes(0)->set_kind(pb::REVISION_KIND_REVISE);
  ASSERT_TRUE(catalog_->CreateClassificationNotice(nreq, caller_).ok());
  pb::ReviseJobClassRequest rev;
  *rev.mutable_job_class() = Spec("CX1");
  rev.set_change_note("on notice");
  rev.set_etag("v1");
  rev.mutable_effective()->set_notice_number("2000");
  ASSERT_TRUE(catalog_->ReviseJobClass(rev, caller_).ok());
  // A dated revision recorded after the pending one would take effect out of order.
  rev.set_etag("v2");
  *rev.mutable_effective()->mutable_effective_date() = D(2012, 1, 1);
  auto r = catalog_->ReviseJobClass(rev, caller_);
  EXPECT_EQ(r.status().code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_EQ(catalog_
                ->ListClassRevisions([] {
                  pb::ListClassRevisionsRequest l;
                  l.set_code("CX1");
                  return l;
                }())
                ->revisions_size(),
            2);
}

// The store's own etag checks: store/catalog_store_conformance.cc.

TEST_F(CatalogTest, ApprovalNeedsAConfiguredWorkWeek) {
  WriteBatch b;
  pb::Jurisdiction nm;
  nm.set_id("nm-spo");
  nm.set_name("New Mexico SPO");
  b.jurisdictions = {nm};
  ASSERT_TRUE(store_->Commit(b).ok());
  pb::CreateClassificationNoticeRequest nreq;
  *nreq.mutable_notice() = Notice(D(2020, 1, 1), D(2020, 1, 20));
  nreq.mutable_notice()->set_jurisdiction_id("nm-spo");
  ASSERT_TRUE(catalog_->CreateClassificationNotice(nreq, caller_).ok());
  pb::RecordNoticeApprovalRequest ap;
  ap.set_number("2000");
  *ap.mutable_approval_date() = D(2020, 1, 21);
  ap.set_etag("v1");
  auto r = catalog_->RecordNoticeApproval(ap, caller_);
  EXPECT_EQ(r.status().code(), absl::StatusCode::kFailedPrecondition);
  pb::GetClassificationNoticeRequest g;
  g.set_number("2000");
  EXPECT_EQ(catalog_->GetClassificationNotice(g)->notice().state(), pb::NOTICE_STATE_POSTED);
}

// An in-process cache that tests fill by hand.
class MapCache : public NoClassCache {
 public:
  ClassRecordPtr PeekLocal(absl::string_view code) override {
    auto it = records.find(std::string(code));
    return it == records.end() ? nullptr : it->second;
  }
  std::map<std::string, ClassRecordPtr> records;
};

// SPCP20 at version 1 with one adopted, undated revision.
std::shared_ptr<pb::ClassRecord> OneRevisionRecord(const std::string& title) {
  auto rec = std::make_shared<pb::ClassRecord>();
  rec->set_code("SPCP20");
  rec->set_version(1);
  auto* rev = rec->add_revisions();
  rev->set_revision(1);
  rev->set_state(pb::REVISION_STATE_ADOPTED);
  rev->mutable_job_class()->set_title(title);
  return rec;
}

// The shared response LookUpJobClass answers with; null for an error or a fetch.
SharedJobClassResponse Hit(Catalog& catalog, const pb::GetJobClassRequest& req) {
  JobClassLookup lookup = catalog.LookUpJobClass(req);
  auto* hit = std::get_if<SharedJobClassResponse>(&lookup);
  return hit == nullptr ? nullptr : *hit;
}

// A catalog over MapCache with the in-process built-view cache.
class CatalogSharedViewTest : public ::testing::Test {
 protected:
  MapCache cache;
  BuiltViewCache views;
  clock::ManualClock today{absl::CivilDay(2026, 11, 23)};
  Catalog catalog{nullptr, &cache, today.clock(), &views};
};

TEST_F(CatalogSharedViewTest, BuildsOneViewPerRecordAndDay) {
  auto rec = OneRevisionRecord("Case Worker");
  cache.records["SPCP20"] = rec;

  pb::GetJobClassRequest req;
  req.set_code("spcp20");
  auto first = Hit(catalog, req);
  ASSERT_NE(first, nullptr);
  EXPECT_EQ(first->job_class().title(), "Case Worker");
  EXPECT_EQ(Hit(catalog, req), first);  // shared, not rebuilt

  auto newer = std::make_shared<pb::ClassRecord>(*rec);
  newer->set_version(2);
  newer->mutable_revisions(0)->mutable_job_class()->set_title("Case Worker (revised)");
  cache.records["SPCP20"] = newer;
  auto second = Hit(catalog, req);
  ASSERT_NE(second, nullptr);
  EXPECT_EQ(second->job_class().title(), "Case Worker (revised)");
  EXPECT_EQ(second->job_class().etag(), "v2");

  today.Set(absl::CivilDay(2026, 11, 24));  // a new day may change which revision is in force
  EXPECT_NE(Hit(catalog, req), second);

  req.mutable_as_of()->set_year(2020);
  req.mutable_as_of()->set_month(1);
  req.mutable_as_of()->set_day(1);
  EXPECT_EQ(Hit(catalog, req), nullptr);  // the undated revision cannot be placed in 2020
  req.clear_as_of();
  req.set_code("NOPE1");
  EXPECT_EQ(Hit(catalog, req), nullptr);
}

TEST_F(CatalogSharedViewTest, LookUpAnswersHitErrorOrFetchOnce) {
  auto rec = OneRevisionRecord("Case Worker");
  rec->set_version(3);
  *rec->mutable_revisions(0)->mutable_effective_date() = D(2019, 7, 1);
  cache.records["SPCP20"] = rec;

  pb::GetJobClassRequest bad;
  bad.set_code("no spaces");
  JobClassLookup invalid = catalog.LookUpJobClass(bad);
  ASSERT_TRUE(std::holds_alternative<absl::Status>(invalid));
  EXPECT_EQ(FirstViolationField(std::get<absl::Status>(invalid)), "code");

  pb::GetJobClassRequest dated;
  dated.set_code("spcp20");
  *dated.mutable_as_of() = D(2020, 1, 1);
  auto as_of_hit = Hit(catalog, dated);  // built for the call, not kept
  ASSERT_NE(as_of_hit, nullptr);
  EXPECT_EQ(as_of_hit->job_class().etag(), "v3");
  EXPECT_NE(Hit(catalog, dated), as_of_hit);

  *dated.mutable_as_of() = D(2019, 6, 30);  // before the first revision: GetJobClass's error
  JobClassLookup early = catalog.LookUpJobClass(dated);
  ASSERT_TRUE(std::holds_alternative<absl::Status>(early));
  EXPECT_TRUE(absl::IsNotFound(std::get<absl::Status>(early)));

  pb::GetJobClassRequest miss;
  miss.set_code("ca2459");
  *miss.mutable_as_of() = D(2020, 2, 3);
  JobClassLookup fetch = catalog.LookUpJobClass(miss);
  ASSERT_TRUE(std::holds_alternative<JobClassFetch>(fetch));
  EXPECT_EQ(std::get<JobClassFetch>(fetch).code, "CA2459");
  EXPECT_EQ(std::get<JobClassFetch>(fetch).as_of, absl::CivilDay(2020, 2, 3));
}

// Each write method leaves exactly one event, with the write, and a refused write none.
TEST_F(CatalogTest, EveryWriteLeavesExactlyOneAuditEvent) {
  ASSERT_TRUE(Events().empty());
  ASSERT_TRUE(Create("cx1", D(2010, 1, 1)).ok());
  std::vector<audit::Event> events = Events();
  ASSERT_EQ(events.size(), 1u);
  EXPECT_EQ(events[0].principal, "analyst-1");
  EXPECT_EQ(events[0].roles, std::vector<std::string>{"hr_analyst"});
  EXPECT_EQ(events[0].request_id, "req-1");
  EXPECT_EQ(events[0].resource_type, "job_class");
  EXPECT_EQ(events[0].resource_id, "CX1");
  EXPECT_EQ(events[0].etag_before, "");
  EXPECT_EQ(events[0].etag_after, "v1");
  EXPECT_EQ(events[0].reason, "created");
  EXPECT_EQ(events[0].time, clock::Clock::Fixed(today_).Now());

  // Refused writes: invalid input, a duplicate, a stale etag.
  pb::CreateJobClassRequest bad;
  *bad.mutable_job_class() = Spec("CX2");
  bad.mutable_job_class()->set_title("");
  EXPECT_TRUE(absl::IsInvalidArgument(catalog_->CreateJobClass(bad, caller_).status()));
  EXPECT_TRUE(absl::IsAlreadyExists(Create("CX1", D(2010, 1, 1)).status()));
  pb::ReviseJobClassRequest rev;
  *rev.mutable_job_class() = Spec("CX1");
  *rev.mutable_effective()->mutable_effective_date() = D(2012, 1, 1);
  rev.set_change_note("retitled");
  rev.set_etag("v7");
  EXPECT_TRUE(absl::IsAborted(catalog_->ReviseJobClass(rev, caller_).status()));
  EXPECT_EQ(Events().size(), 1u);

  rev.set_etag("v1");
  ASSERT_TRUE(catalog_->ReviseJobClass(rev, caller_).ok());
  events = Events();
  ASSERT_EQ(events.size(), 2u);
  EXPECT_EQ(events[1].method, "Write");
  EXPECT_EQ(events[1].etag_before, "v1");
  EXPECT_EQ(events[1].etag_after, "v2");
  EXPECT_EQ(events[1].reason, "retitled");

  pb::AbolishJobClassRequest abolish;
  abolish.set_code("cx1");
  abolish.set_etag("v1");  // stale
  abolish.set_change_note("gone");
  *abolish.mutable_effective()->mutable_effective_date() = D(2026, 1, 1);
  EXPECT_TRUE(absl::IsAborted(catalog_->AbolishJobClass(abolish, caller_).status()));
  EXPECT_EQ(Events().size(), 2u);
  abolish.set_etag("v2");
  ASSERT_TRUE(catalog_->AbolishJobClass(abolish, caller_).ok());
  events = Events();
  ASSERT_EQ(events.size(), 3u);
  EXPECT_EQ(events[2].resource_id, "CX1");
  EXPECT_EQ(events[2].etag_after, "v3");

  pb::CreateClassificationNoticeRequest nreq;
  *nreq.mutable_notice() = Notice(D(2011, 11, 30), D(2011, 12, 12));  // hearing too soon
  EXPECT_TRUE(
      absl::IsInvalidArgument(catalog_->CreateClassificationNotice(nreq, caller_).status()));
  EXPECT_EQ(Events().size(), 3u);
  *nreq.mutable_notice() = Notice(D(2011, 11, 30), D(2011, 12, 15));
  ASSERT_TRUE(catalog_->CreateClassificationNotice(nreq, caller_).ok());
  events = Events();
  ASSERT_EQ(events.size(), 4u);
  EXPECT_EQ(events[3].resource_type, "notice");
  EXPECT_EQ(events[3].resource_id, "2000");
  EXPECT_EQ(events[3].etag_after, "v1");

  pb::RecordNoticeApprovalRequest ap;
  ap.set_number("2000");
  *ap.mutable_approval_date() = D(2011, 12, 15);
  ap.set_etag("v2");  // stale
  EXPECT_TRUE(absl::IsAborted(catalog_->RecordNoticeApproval(ap, caller_).status()));
  EXPECT_EQ(Events().size(), 4u);
  ap.set_etag("v1");
  ASSERT_TRUE(catalog_->RecordNoticeApproval(ap, caller_).ok());
  events = Events();
  ASSERT_EQ(events.size(), 5u);
  EXPECT_EQ(events[4].resource_id, "2000");
  EXPECT_EQ(events[4].etag_before, "v1");
  EXPECT_EQ(events[4].etag_after, "v2");

  EXPECT_FALSE(audit::VerifyChain(events).has_value());
}

TEST_F(CatalogTest, OnlyHrAdminListsAuditEventsWithFilters) {
  ASSERT_TRUE(Create("CX1", D(2010, 1, 1)).ok());
  ASSERT_TRUE(Create("CX2", D(2010, 1, 1)).ok());
  classplan::common::v1::ListAuditEventsRequest req;
  EXPECT_TRUE(absl::IsPermissionDenied(catalog_->ListAuditEvents(req, caller_).status()));
  req.set_resource_type("job_class");
  req.set_resource_id("CX2");
  auto page = catalog_->ListAuditEvents(req, admin_);
  ASSERT_TRUE(page.ok()) << page.status();
  ASSERT_EQ(page->events_size(), 1);
  EXPECT_EQ(page->events(0).sequence(), 2);
  req.clear_resource_id();
  req.set_page_size(1);
  page = catalog_->ListAuditEvents(req, admin_);
  ASSERT_TRUE(page.ok()) << page.status();
  ASSERT_EQ(page->events_size(), 1);
  EXPECT_FALSE(page->next_page_token().empty());
}

// An event edited in the database file is named by verification.
TEST_F(CatalogTest, AnEditedEventRowIsFound) {
  ASSERT_TRUE(Create("CX1", D(2010, 1, 1)).ok());
  ASSERT_TRUE(Create("CX2", D(2010, 1, 1)).ok());
  auto db = sqlite::Database::Open(dir_ + "/catalog.db");
  ASSERT_TRUE(db.ok()) << db.status();
  auto intact = audit::Verify(**db);
  ASSERT_TRUE(intact.ok()) << intact.status();
  EXPECT_FALSE(intact->has_value());
  ASSERT_TRUE((*db)->Exec("UPDATE audit_events SET principal = 'someone' WHERE seq = 1").ok());
  auto broken = audit::Verify(**db);
  ASSERT_TRUE(broken.ok()) << broken.status();
  ASSERT_TRUE(broken->has_value());
  EXPECT_EQ((*broken)->sequence, 1);
}

}  // namespace
}  // namespace classplan::catalog
