// classplanctl's catalog commands: class, notice, jurisdiction and series, and health.

#include <iostream>
#include <memory>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "classplan/catalog/v1/catalog_service.grpc.pb.h"
#include "common/dates/dates.h"
#include "grpc/health/v1/health.grpc.pb.h"
#include "tools/classplanctl/commands.h"
#include "tools/classplanctl/context.h"
#include "tools/classplanctl/render.h"

namespace classplan::ctl {
namespace {

using Stub = pb::CatalogService::Stub;
constexpr Service kCatalog = Service::kCatalog;

// Every catalog command's flags and arguments; each command sets those it has.
struct CatalogArgs {
  std::string code;   // class code, notice number or search words
  std::string as_of;  // class get
  std::string jurisdiction;
  std::string series;
  std::string pay_band;
  std::string flsa;
  std::string state;
  int page_size = 0;
};

std::unique_ptr<Stub> NewStub(Context& c) {
  return pb::CatalogService::NewStub(c.Channel(kCatalog));
}

// The AIP-160 filter of class list and search.
std::string ClassFilter(const CatalogArgs& a) {
  std::vector<std::string> parts;
  auto add = [&](const char* field, const std::string& v) {
    if (!v.empty()) parts.push_back(absl::StrCat(field, " = \"", v, "\""));
  };
  add("jurisdiction", a.jurisdiction);
  add("series", a.series);
  add("pay_band", a.pay_band);
  add("flsa_status", a.flsa);
  add("state", a.state);
  return absl::StrJoin(parts, " AND ");
}

int Health(Context& c) {
  auto health = grpc::health::v1::Health::NewStub(c.Channel(kCatalog));
  grpc::health::v1::HealthCheckResponse resp;
  if (int rc = c.Call(kCatalog, health.get(), &grpc::health::v1::Health::Stub::Check,
                      grpc::health::v1::HealthCheckRequest(), &resp);
      rc != 0) {
    return rc;
  }
  if (c.json()) {
    PrintJson(resp);
  } else {
    std::cout << grpc::health::v1::HealthCheckResponse::ServingStatus_Name(resp.status()) << "\n";
  }
  return resp.status() == grpc::health::v1::HealthCheckResponse::SERVING ? 0 : 5;
}

int ClassGet(const CatalogArgs& a, Context& c) {
  pb::GetJobClassRequest req;
  req.set_code(a.code);
  bool has = false;
  if (!ParseDateFlag("as_of", a.as_of, &has, req.mutable_as_of())) return kUsageExit;
  if (!has) req.clear_as_of();
  pb::GetJobClassResponse resp;
  if (int rc = c.Call(kCatalog, NewStub(c).get(), &Stub::GetJobClass, req, &resp); rc != 0)
    return rc;
  if (c.json()) return PrintJson(resp);
  std::cout << RenderClass(resp.job_class());
  return 0;
}

int ClassList(const CatalogArgs& a, Context& c) {
  pb::ListJobClassesRequest req;
  req.set_filter(ClassFilter(a));
  req.set_page_size(a.page_size);
  pb::ListJobClassesResponse all;
  if (int rc =
          c.CallAllPages(kCatalog, NewStub(c).get(), &Stub::ListJobClasses, req, &all,
                         [](pb::ListJobClassesResponse* m) { return m->mutable_job_classes(); });
      rc != 0) {
    return rc;
  }
  if (c.json()) return PrintJson(all);
  std::vector<std::vector<std::string>> rows;
  for (const auto& k : all.job_classes()) {
    rows.push_back({k.code(), k.title(), k.jurisdiction_id(),
                    k.pay().code().empty() ? "unknown" : k.pay().code(),
                    FlsaText(k.flsa_status())});
  }
  std::cout << Table({"CODE", "TITLE", "JURISDICTION", "PAY", "FLSA"}, rows);
  std::cout << all.job_classes_size() << " classes\n";
  return 0;
}

int ClassSearch(const CatalogArgs& a, Context& c) {
  pb::SearchJobClassesRequest req;
  req.set_query(a.code);
  req.set_filter(ClassFilter(a));
  req.set_page_size(a.page_size);
  pb::SearchJobClassesResponse resp;
  if (int rc = c.Call(kCatalog, NewStub(c).get(), &Stub::SearchJobClasses, req, &resp); rc != 0)
    return rc;
  if (c.json()) return PrintJson(resp);
  std::vector<std::vector<std::string>> rows;
  for (const auto& h : resp.hits()) {
    rows.push_back({h.code(), h.title(), h.jurisdiction_id(), h.snippet()});
  }
  std::cout << Table({"CODE", "TITLE", "JURISDICTION", "MATCH"}, rows);
  std::cout << resp.hits_size() << " matches"
            << (resp.next_page_token().empty() ? "" : " (more available)") << "\n";
  return 0;
}

int ClassRevisions(const CatalogArgs& a, Context& c) {
  pb::ListClassRevisionsRequest req;
  req.set_code(a.code);
  pb::ListClassRevisionsResponse resp;
  if (int rc =
          c.CallAllPages(kCatalog, NewStub(c).get(), &Stub::ListClassRevisions, req, &resp,
                         [](pb::ListClassRevisionsResponse* m) { return m->mutable_revisions(); });
      rc != 0) {
    return rc;
  }
  if (c.json()) return PrintJson(resp);
  std::vector<std::vector<std::string>> rows;
  for (const auto& r : resp.revisions()) {
    rows.push_back({absl::StrCat(r.revision()), pb::RevisionKind_Name(r.kind()).substr(14),
                    pb::RevisionState_Name(r.state()).substr(15),
                    r.has_effective_date() ? dates::Format(r.effective_date()) : "unknown",
                    r.notice_number().empty() ? "-" : r.notice_number(), r.change_note()});
  }
  std::cout << Table({"REV", "KIND", "STATE", "EFFECTIVE", "NOTICE", "NOTE"}, rows);
  return 0;
}

int NoticeGet(const CatalogArgs& a, Context& c) {
  pb::GetClassificationNoticeRequest req;
  req.set_number(a.code);
  pb::GetClassificationNoticeResponse resp;
  if (int rc = c.Call(kCatalog, NewStub(c).get(), &Stub::GetClassificationNotice, req, &resp);
      rc != 0) {
    return rc;
  }
  if (c.json()) return PrintJson(resp);
  std::cout << RenderNotice(resp.notice());
  return 0;
}

int NoticeList(const CatalogArgs& a, Context& c) {
  pb::ListClassificationNoticesRequest req;
  std::vector<std::string> parts;
  if (!a.jurisdiction.empty())
    parts.push_back(absl::StrCat("jurisdiction = \"", a.jurisdiction, "\""));
  if (!a.state.empty()) parts.push_back(absl::StrCat("state = ", a.state));
  req.set_filter(absl::StrJoin(parts, " AND "));
  pb::ListClassificationNoticesResponse resp;
  if (int rc = c.CallAllPages(
          kCatalog, NewStub(c).get(), &Stub::ListClassificationNotices, req, &resp,
          [](pb::ListClassificationNoticesResponse* m) { return m->mutable_notices(); });
      rc != 0) {
    return rc;
  }
  if (c.json()) return PrintJson(resp);
  std::vector<std::vector<std::string>> rows;
  for (const auto& n : resp.notices()) {
    rows.push_back({n.number(), dates::Format(n.notice_date()), n.jurisdiction_id(),
                    pb::NoticeState_Name(n.state()).substr(13), n.subject()});
  }
  std::cout << Table({"NUMBER", "DATE", "JURISDICTION", "STATE", "SUBJECT"}, rows);
  return 0;
}

int JurisdictionList(const CatalogArgs&, Context& c) {
  pb::ListJurisdictionsResponse resp;
  if (int rc = c.Call(kCatalog, NewStub(c).get(), &Stub::ListJurisdictions,
                      pb::ListJurisdictionsRequest(), &resp);
      rc != 0) {
    return rc;
  }
  if (c.json()) return PrintJson(resp);
  std::vector<std::vector<std::string>> rows;
  for (const auto& j : resp.jurisdictions()) rows.push_back({j.id(), j.name()});
  std::cout << Table({"ID", "NAME"}, rows);
  return 0;
}

int SeriesList(const CatalogArgs& a, Context& c) {
  pb::ListClassSeriesRequest req;
  req.set_jurisdiction_id(a.jurisdiction);
  pb::ListClassSeriesResponse resp;
  if (int rc = c.Call(kCatalog, NewStub(c).get(), &Stub::ListClassSeries, req, &resp); rc != 0)
    return rc;
  if (c.json()) return PrintJson(resp);
  std::vector<std::vector<std::string>> rows;
  for (const auto& s : resp.series()) {
    std::vector<std::string> levels;
    for (const auto& l : s.levels()) {
      levels.push_back(l.class_code().empty() ? l.name() : l.class_code());
    }
    rows.push_back({s.id(), s.title(), absl::StrJoin(levels, " < ")});
  }
  std::cout << Table({"ID", "TITLE", "LEVELS"}, rows);
  return 0;
}

// The filters of class list and search.
void AddClassFilters(Node* command, CatalogArgs* a) {
  AddJurisdictionFlag(command, &a->jurisdiction);
  command->add_option("--series", a->series, "only this class series")->type_name("ID");
  command->add_option("--pay_band", a->pay_band, "only this pay band or grade")->type_name("CODE");
  command->add_option("--flsa", a->flsa, "only EXEMPT, NON_EXEMPT or UNKNOWN classes")
      ->type_name("STATUS");
  command->add_option("--state", a->state, "only ACTIVE or ABOLISHED classes")->type_name("STATE");
  command->add_option("--page_size", a->page_size, "results per page (list: all pages are fetched)")
      ->type_name("N");
}

}  // namespace

void AddCatalogCommands(Cli& cli) {
  CatalogArgs* a = cli.Keep(std::make_unique<CatalogArgs>());
  Node* root = cli.root();
  // Each command: what it runs, with the shared values.
  auto run = [a](int (*fn)(const CatalogArgs&, Context&)) {
    return [a, fn](Context& c) {
      c.ExpandJurisdiction(&a->jurisdiction);
      return fn(*a, c);
    };
  };

  Node* job_class = cli.Group(root, "class", "job class specifications");
  Node* get = cli.Command(job_class, "get", "a class: the revision in force today or on a date",
                          run(ClassGet));
  get->add_option("CODE", a->code, "the class code, e.g. SPCP20")->required();
  AddAsOfFlag(get, &a->as_of, "the revision in force on this date");
  Node* list = cli.Command(job_class, "list", "classes, as a table", run(ClassList));
  AddClassFilters(list, a);
  Node* search =
      cli.Command(job_class, "search", "ranked full-text search of class text", run(ClassSearch));
  search->add_option("WORDS", a->code, "what to look for, e.g. \"out-of-home placement\"")
      ->required();
  AddClassFilters(search, a);
  cli.Command(job_class, "revisions", "a class's revisions", run(ClassRevisions))
      ->add_option("CODE", a->code, "the class code")
      ->required();

  Node* notice = cli.Group(root, "notice", "classification notices");
  cli.Command(notice, "get", "a notice and the class changes it makes", run(NoticeGet))
      ->add_option("NUMBER", a->code, "the notice number, e.g. 1355")
      ->required();
  Node* notices = cli.Command(notice, "list", "notices, as a table", run(NoticeList));
  AddJurisdictionFlag(notices, &a->jurisdiction);
  notices->add_option("--state", a->state, "only POSTED or APPROVED notices")->type_name("STATE");

  cli.Command(cli.Group(root, "jurisdiction", "jurisdictions"), "list", "every jurisdiction",
              run(JurisdictionList));
  Node* series = cli.Command(cli.Group(root, "series", "class series"), "list",
                             "class series and their levels", run(SeriesList));
  AddJurisdictionFlag(series, &a->jurisdiction);

  cli.Command(root, "health", "the health of --target (the gateway, or one replica)",
              [](Context& c) { return Health(c); });
}

}  // namespace classplan::ctl
