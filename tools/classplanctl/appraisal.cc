// classplanctl's appraisal commands (the appraisal service, --appraisal_target). Every call
// carries the caller's identity as the gateway would set it: --principal and --roles (env
// CLASSPLAN_PRINCIPAL, CLASSPLAN_ROLES); through the gateway, the key decides who is calling.

#include <algorithm>
#include <iostream>
#include <memory>
#include <set>
#include <string>
#include <vector>

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"
#include "absl/time/time.h"
#include "classplan/appraisal/v1/appraisal_service.grpc.pb.h"
#include "common/dates/dates.h"
#include "tools/classplanctl/commands.h"
#include "tools/classplanctl/context.h"
#include "tools/classplanctl/render.h"

namespace classplan::ctl {
namespace {

namespace apb = ::classplan::appraisal::v1;
using Stub = apb::AppraisalService::Stub;
constexpr Service kAppraisal = Service::kAppraisal;

// Every appraisal command's argument and flags; each command sets those it has.
struct AppraisalArgs {
  std::string id;  // the appraisal (or framework) id
  std::string as_of;
  std::string entered;
  std::string framework;
  int framework_version = 0;
  std::string class_code;
  std::string employee;
  std::string supervisor;
  std::string unit_id;
  std::string period_start;
  std::string period_end;
  std::string competency;
  std::string indicators;
  std::string unobserve;
  std::string evidence;
  int rating = 0;
  std::string etag;
  std::string comments;
  std::string reason;
  std::string specific;
  std::string measure;
  std::string target_date;
  std::string employees;
  std::string state;
  std::string note;
  std::string text;
  std::string from;  // a reporting relationship's first day
  std::string to;    // ... and last day
};

// A date flag the tree requires (so never empty); false (after printing) when malformed.
bool RequiredDate(const char* flag, const std::string& value, common::v1::Date* out) {
  bool has = false;
  return ParseDateFlag(flag, value, &has, out);
}

std::vector<std::string> SplitList(const std::string& s) {
  return absl::StrSplit(s, ',', absl::SkipWhitespace());
}

std::string LevelText(apb::ProficiencyLevel l) {
  if (l == apb::PROFICIENCY_LEVEL_UNSPECIFIED) return "-";
  std::string name = apb::ProficiencyLevel_Name(l).substr(18);  // after PROFICIENCY_LEVEL_
  return absl::StrCat(name.substr(0, 1), absl::AsciiStrToLower(name.substr(1)));
}

std::string StateText(apb::AppraisalState s) {
  return apb::AppraisalState_Name(s).substr(16);  // after APPRAISAL_STATE_
}

std::string ComparisonText(apb::Comparison c) {
  switch (c) {
    case apb::COMPARISON_BELOW:
      return "below";
    case apb::COMPARISON_AT:
      return "at";
    case apb::COMPARISON_ABOVE:
      return "above";
    default:
      return "-";
  }
}

std::string TimeText(const google::protobuf::Timestamp& t) {
  return absl::FormatTime("%Y-%m-%d %H:%M:%SZ", absl::FromUnixSeconds(t.seconds()),
                          absl::UTCTimeZone());
}

std::string Shorten(const std::string& s, size_t n) {
  return s.size() <= n ? s : s.substr(0, n - 3) + "...";
}

std::string RenderAppraisal(const apb::Appraisal& a) {
  std::string out =
      absl::StrCat("appraisal ", a.id(), "  ", StateText(a.state()), "  (etag ", a.etag(), ")\n");
  absl::StrAppend(&out, "employee     ", a.employee_id(), "   class ", a.class_code(),
                  "   supervisor ", a.supervisor_id(),
                  a.unit_id().empty() ? "" : absl::StrCat("   unit ", a.unit_id()), "\n");
  absl::StrAppend(&out, "period       ", dates::Format(a.period_start()), " to ",
                  dates::Format(a.period_end()), "\n");
  absl::StrAppend(&out, "framework    ", a.framework_id(), " v", a.framework_version(), "\n");
  absl::StrAppend(&out, "in class     since ", dates::Format(a.date_entered_class()), ": ",
                  a.tenure_months(), " months at the period's end; expected level ",
                  a.expected_level() == apb::PROFICIENCY_LEVEL_UNSPECIFIED
                      ? "none (scale-rated framework)"
                      : LevelText(a.expected_level()),
                  "\n\n");
  std::vector<std::vector<std::string>> rows;
  std::set<std::string> notes;
  for (const auto& as : a.assessments()) {
    rows.push_back(
        {as.competency_id(), absl::StrCat(as.observed_indicator_ids_size()),
         absl::StrCat(as.evidence_size()),
         as.demonstrated_level_note().empty() ? LevelText(as.demonstrated_level()) : "not computed",
         as.comparison() == apb::COMPARISON_UNSPECIFIED
             ? "-"
             : absl::StrCat(ComparisonText(as.comparison()), " (", as.gap(), ")"),
         as.rating() == 0 ? "-" : absl::StrCat(as.rating())});
    if (!as.demonstrated_level_note().empty()) notes.insert(as.demonstrated_level_note());
  }
  if (rows.empty()) {
    absl::StrAppend(&out, "no competency assessed yet\n");
  } else {
    absl::StrAppend(
        &out, Table({"COMPETENCY", "OBSERVED", "EVIDENCE", "DEMONSTRATED", "VS EXPECTED", "RATING"},
                    rows));
  }
  for (const auto& n : notes) absl::StrAppend(&out, "note: demonstrated level: ", n, "\n");
  absl::StrAppend(
      &out, "overall rating: ",
      a.overall_rating() == 0 ? a.overall_rating_note() : absl::StrCat(a.overall_rating()), "\n");
  if (!a.supervisor_comments().empty())
    absl::StrAppend(&out, "supervisor's comments: ", a.supervisor_comments(), "\n");
  if (!a.employee_comments().empty())
    absl::StrAppend(&out, "employee's comments: ", a.employee_comments(), "\n");
  if (a.employee_declined()) {
    absl::StrAppend(&out, "the employee declined to acknowledge it (see the history)\n");
  }
  if (!a.goals().empty()) {
    rows.clear();
    for (const auto& g : a.goals()) {
      rows.push_back(
          {g.competency_id(), g.specific(), g.measure(), dates::Format(g.target_date())});
    }
    absl::StrAppend(&out, "\ngoals\n", Table({"COMPETENCY", "SPECIFIC", "MEASURE", "BY"}, rows));
  }
  if (!a.development_plan().empty()) {
    rows.clear();
    for (const auto& d : a.development_plan()) {
      rows.push_back({d.competency_id(), LevelText(d.target_level()), d.indicator_id(),
                      Shorten(d.text(), 70)});
    }
    absl::StrAppend(&out, "\ndevelopment plan (indicators of the next level not yet observed)\n",
                    Table({"COMPETENCY", "LEVEL", "INDICATOR", "TEXT"}, rows));
  }
  rows.clear();
  for (const auto& t : a.history()) {
    rows.push_back({TimeText(t.time()),
                    t.from_state() == apb::APPRAISAL_STATE_UNSPECIFIED
                        ? absl::StrCat("created ", StateText(t.to_state()))
                        : absl::StrCat(StateText(t.from_state()), " -> ", StateText(t.to_state())),
                    t.actor_id(), t.actor_role(), t.comment()});
  }
  absl::StrAppend(&out, "\nhistory\n", Table({"WHEN", "CHANGE", "BY", "ROLE", "COMMENT"}, rows));
  if (!a.addenda().empty()) {
    rows.clear();
    for (const auto& x : a.addenda()) {
      rows.push_back({TimeText(x.time()), x.author_id(), x.author_role(), x.reason(), x.text()});
    }
    absl::StrAppend(&out, "\naddenda (corrections after finalization)\n",
                    Table({"WHEN", "BY", "ROLE", "WHY", "CORRECTION"}, rows));
  }
  return out;
}

int PrintAppraisal(const apb::Appraisal& a, const Context& c) {
  if (c.json()) return PrintJson(a);
  std::cout << RenderAppraisal(a);
  return 0;
}

// The appraisal as stored now.
int Fetch(Stub* stub, Context& c, const std::string& id, apb::Appraisal* out) {
  apb::GetAppraisalRequest req;
  req.set_appraisal_id(id);
  apb::GetAppraisalResponse resp;
  int rc = c.Call(kAppraisal, stub, &Stub::GetAppraisal, req, &resp);
  *out = resp.appraisal();
  return rc;
}

// --etag, or the current one read first.
int EtagFor(const AppraisalArgs& f, Stub* stub, Context& c, std::string* etag) {
  *etag = f.etag;
  if (!etag->empty()) return 0;
  apb::Appraisal a;
  int rc = Fetch(stub, c, f.id, &a);
  *etag = a.etag();
  return rc;
}

// One transition: the request type carries appraisal_id and etag; `fill` sets the rest.
template <typename Req, typename Resp>
int Move(grpc::Status (Stub::*rpc)(grpc::ClientContext*, const Req&, Resp*), const AppraisalArgs& f,
         Stub* stub, Context& c, Req req = Req()) {
  std::string etag;
  if (int rc = EtagFor(f, stub, c, &etag); rc != 0) return rc;
  req.set_appraisal_id(f.id);
  req.set_etag(etag);
  Resp resp;
  if (int rc = c.Call(kAppraisal, stub, rpc, req, &resp); rc != 0) return rc;
  if (c.json()) return PrintJson(resp);
  std::cout << "appraisal " << resp.appraisal().id() << " is now "
            << StateText(resp.appraisal().state()) << " (etag " << resp.appraisal().etag() << ")\n";
  return 0;
}

// Replaces fields of an appraisal (`paths`) after `change` edited the current copy.
template <typename Change>
int Update(const AppraisalArgs& f, Stub* stub, Context& c, const std::vector<std::string>& paths,
           Change change) {
  const std::string& id = f.id;
  apb::Appraisal current;
  if (int rc = Fetch(stub, c, id, &current); rc != 0) return rc;
  apb::UpdateAppraisalRequest req;
  *req.mutable_appraisal() = current;
  if (auto e = f.etag; !e.empty()) req.mutable_appraisal()->set_etag(e);
  if (int rc = change(req.mutable_appraisal()); rc != 0) return rc;
  for (const auto& p : paths) req.mutable_update_mask()->add_paths(p);
  apb::UpdateAppraisalResponse resp;
  if (int rc = c.Call(kAppraisal, stub, &Stub::UpdateAppraisal, req, &resp); rc != 0) return rc;
  return PrintAppraisal(resp.appraisal(), c);
}

int Expected(const AppraisalArgs& f, Stub* stub, Context& c) {
  apb::GetExpectedProficiencyRequest req;
  req.set_framework_id(f.framework);
  req.set_class_code(f.class_code);
  // The 2944 performance anchors are the only framework with levels by tenure.
  if (req.framework_id().empty() && req.class_code().empty())
    req.set_framework_id("sf-hsa-2944-anchors");
  if (!RequiredDate("entered", f.entered, req.mutable_date_entered_class())) return kUsageExit;
  bool has = false;
  if (!ParseDateFlag("as_of", f.as_of, &has, req.mutable_as_of())) return kUsageExit;
  if (!has) req.clear_as_of();
  apb::GetExpectedProficiencyResponse resp;
  if (int rc = c.Call(kAppraisal, stub, &Stub::GetExpectedProficiency, req, &resp); rc != 0)
    return rc;
  if (c.json()) return PrintJson(resp);
  std::cout << "expected level  " << resp.level_name() << "\n"
            << "tenure          " << resp.tenure_years() << " years " << resp.tenure_months() % 12
            << " months (" << resp.tenure_months() << " completed months) on "
            << dates::Format(resp.as_of()) << "\n"
            << "framework       " << resp.framework_id() << " v" << resp.framework_version()
            << "\n";
  return 0;
}

int Create(const AppraisalArgs& f, Stub* stub, Context& c) {
  apb::CreateAppraisalRequest req;
  auto* a = req.mutable_appraisal();
  a->set_employee_id(f.employee);
  a->set_class_code(f.class_code);
  a->set_supervisor_id(f.supervisor.empty() ? c.flags().principal : f.supervisor);
  a->set_unit_id(f.unit_id);
  a->set_supervisor_comments(f.comments);
  req.set_framework_id(f.framework);
  if (a->employee_id().empty() || a->class_code().empty()) {
    return UsageError("appraisal create: --employee and --class_code must not be empty");
  }
  if (!RequiredDate("entered", f.entered, a->mutable_date_entered_class()) ||
      !RequiredDate("period_start", f.period_start, a->mutable_period_start()) ||
      !RequiredDate("period_end", f.period_end, a->mutable_period_end())) {
    return kUsageExit;
  }
  apb::CreateAppraisalResponse resp;
  if (int rc = c.Call(kAppraisal, stub, &Stub::CreateAppraisal, req, &resp); rc != 0) return rc;
  if (c.json()) return PrintJson(resp);
  std::cout << "created appraisal " << resp.appraisal().id() << " (DRAFT, etag "
            << resp.appraisal().etag() << "), framework " << resp.appraisal().framework_id() << " v"
            << resp.appraisal().framework_version() << ", expected level "
            << LevelText(resp.appraisal().expected_level()) << "\n";
  return 0;
}

int Observe(const AppraisalArgs& f, Stub* stub, Context& c) {
  const std::string competency = f.competency;
  if (competency.empty()) return UsageError("appraisal observe: --competency=ID is required");
  return Update(f, stub, c, {"assessments"}, [&](apb::Appraisal* a) {
    apb::CompetencyAssessment* as = nullptr;
    for (auto& x : *a->mutable_assessments()) {
      if (x.competency_id() == competency) as = &x;
    }
    if (as == nullptr) {
      as = a->add_assessments();
      as->set_competency_id(competency);
    }
    std::set<std::string> have(as->observed_indicator_ids().begin(),
                               as->observed_indicator_ids().end());
    for (const auto& i : SplitList(f.indicators)) {
      if (have.insert(i).second) as->add_observed_indicator_ids(i);
    }
    const auto drop = SplitList(f.unobserve);
    auto* ids = as->mutable_observed_indicator_ids();
    ids->erase(std::remove_if(ids->begin(), ids->end(),
                              [&](const std::string& i) {
                                return std::find(drop.begin(), drop.end(), i) != drop.end();
                              }),
               ids->end());
    if (auto e = f.evidence; !e.empty()) as->add_evidence(e);
    if (int r = f.rating; r != 0) as->set_rating(r);
    return 0;
  });
}

int AddGoal(const AppraisalArgs& f, Stub* stub, Context& c) {
  apb::Goal g;
  g.set_competency_id(f.competency);
  g.set_specific(f.specific);
  g.set_measure(f.measure);
  if (!RequiredDate("target_date", f.target_date, g.mutable_target_date())) return kUsageExit;
  return Update(f, stub, c, {"goals"}, [&](apb::Appraisal* a) {
    *a->add_goals() = g;
    return 0;
  });
}

// Supervisor comments, period and unit: only the fields given.
int Edit(const AppraisalArgs& f, Stub* stub, Context& c) {
  std::vector<std::string> paths;
  apb::Appraisal given;
  if (!f.comments.empty()) paths.push_back("supervisor_comments");
  if (!f.unit_id.empty()) paths.push_back("unit_id");
  bool has = false;
  if (!ParseDateFlag("period_start", f.period_start, &has, given.mutable_period_start()))
    return kUsageExit;
  if (has) paths.push_back("period_start");
  if (!ParseDateFlag("period_end", f.period_end, &has, given.mutable_period_end()))
    return kUsageExit;
  if (has) paths.push_back("period_end");
  if (paths.empty()) {
    return UsageError(
        "appraisal edit: give --comments, --unit_id, --period_start and/or --period_end");
  }
  return Update(f, stub, c, paths, [&](apb::Appraisal* a) {
    a->set_supervisor_comments(f.comments);
    a->set_unit_id(f.unit_id);
    *a->mutable_period_start() = given.period_start();
    *a->mutable_period_end() = given.period_end();
    return 0;
  });
}

int List(const AppraisalArgs& f, Stub* stub, Context& c) {
  apb::ListAppraisalsRequest req;
  req.set_employee_id(f.employee);
  req.set_supervisor_id(f.supervisor);
  if (auto s = f.state; !s.empty()) {
    apb::AppraisalState state;
    if (!apb::AppraisalState_Parse("APPRAISAL_STATE_" + absl::AsciiStrToUpper(s), &state)) {
      return UsageError(
          "--state: DRAFT, SUBMITTED, ACKNOWLEDGED, DECLINED, FINALIZED, RETURNED or VOIDED for "
          "appraisals");
    }
    req.set_state(state);
  }
  apb::ListAppraisalsResponse all;
  do {
    apb::ListAppraisalsResponse page;
    if (int rc = c.Call(kAppraisal, stub, &Stub::ListAppraisals, req, &page); rc != 0) return rc;
    all.mutable_appraisals()->MergeFrom(page.appraisals());
    req.set_page_token(page.next_page_token());
  } while (!req.page_token().empty());
  if (c.json()) return PrintJson(all);
  std::vector<std::vector<std::string>> rows;
  for (const auto& a : all.appraisals()) {
    rows.push_back(
        {a.id(), a.employee_id(), a.class_code(), a.supervisor_id(),
         absl::StrCat(dates::Format(a.period_start()), "..", dates::Format(a.period_end())),
         StateText(a.state())});
  }
  std::cout << Table({"ID", "EMPLOYEE", "CLASS", "SUPERVISOR", "PERIOD", "STATE"}, rows);
  std::cout << all.appraisals_size() << " appraisals\n";
  return 0;
}

int Due(const AppraisalArgs& f, Stub* stub, Context& c) {
  apb::ListDueAppraisalsRequest req;
  req.set_supervisor_id(f.supervisor);
  req.set_unit_id(f.unit_id);
  if (req.supervisor_id().empty() && req.unit_id().empty()) {
    req.set_supervisor_id(c.flags().principal);  // "my team"
  }
  for (const auto& e : SplitList(f.employees)) req.add_employee_ids(e);
  bool has = false;
  if (!ParseDateFlag("as_of", f.as_of, &has, req.mutable_as_of())) return kUsageExit;
  if (!has) req.clear_as_of();
  apb::ListDueAppraisalsResponse resp;
  if (int rc = c.CallAllPages(kAppraisal, stub, &Stub::ListDueAppraisals, req, &resp); rc != 0)
    return rc;
  if (c.json()) return PrintJson(resp);
  std::vector<std::vector<std::string>> rows;
  for (const auto& e : resp.employees()) {
    rows.push_back({e.employee_id(),
                    e.has_last_finalized_on() ? dates::Format(e.last_finalized_on()) : "never",
                    e.open_appraisal_id().empty() ? "-" : e.open_appraisal_id()});
  }
  std::cout << "due on " << dates::Format(resp.as_of())
            << " (no appraisal finalized in the 12 months before)\n";
  std::cout << Table({"EMPLOYEE", "LAST FINALIZED", "OPEN APPRAISAL"}, rows);
  std::cout << resp.employees_size() << " employees due\n";
  return 0;
}

int Team(const AppraisalArgs& f, Stub* stub, Context& c) {
  apb::GetTeamSummaryRequest req;
  req.set_supervisor_id(f.supervisor);
  req.set_unit_id(f.unit_id);
  if (req.supervisor_id().empty() && req.unit_id().empty()) {
    req.set_supervisor_id(c.flags().principal);
  }
  req.set_framework_id(f.framework);
  if (req.framework_id().empty()) req.set_framework_id("sf-hsa-2944-anchors");
  apb::GetTeamSummaryResponse resp;
  if (int rc = c.Call(kAppraisal, stub, &Stub::GetTeamSummary, req, &resp); rc != 0) return rc;
  if (c.json()) return PrintJson(resp);
  std::vector<std::vector<std::string>> rows;
  for (const auto& c : resp.competencies()) {
    rows.push_back({c.competency_id(), absl::StrCat(c.below()), absl::StrCat(c.at()),
                    absl::StrCat(c.above()), absl::StrCat(c.unknown())});
  }
  std::cout << resp.employees() << " employees, each by their latest appraisal under "
            << req.framework_id() << "\n";
  std::cout << Table({"COMPETENCY", "BELOW", "AT", "ABOVE", "NOT COMPUTED"}, rows);
  return 0;
}

int Frameworks(const AppraisalArgs& f, Stub* stub, Context& c) {
  apb::ListFrameworksRequest req;
  req.set_class_code(f.class_code);
  apb::ListFrameworksResponse resp;
  if (int rc = c.CallAllPages(kAppraisal, stub, &Stub::ListFrameworks, req, &resp); rc != 0)
    return rc;
  if (c.json()) return PrintJson(resp);
  std::vector<std::vector<std::string>> rows;
  for (const auto& f : resp.frameworks()) {
    int competencies = 0;
    for (const auto& cl : f.clusters()) competencies += cl.competencies_size();
    rows.push_back({f.id(), absl::StrCat(f.version()), absl::StrJoin(f.class_codes(), ","),
                    f.kind() == apb::FRAMEWORK_KIND_INDICATOR_LEVELS ? "indicators" : "scale",
                    absl::StrCat(competencies), Shorten(f.title(), 60)});
  }
  std::cout << Table({"ID", "VERSION", "CLASSES", "RATED BY", "COMPETENCIES", "TITLE"}, rows);
  return 0;
}

int Framework(const AppraisalArgs& args, Stub* stub, Context& c) {
  apb::GetFrameworkRequest req;
  req.set_framework_id(args.id);
  req.set_version(args.framework_version);
  apb::GetFrameworkResponse resp;
  if (int rc = c.Call(kAppraisal, stub, &Stub::GetFramework, req, &resp); rc != 0) return rc;
  if (c.json()) return PrintJson(resp);
  const auto& f = resp.framework();
  std::cout << f.title() << "\n"
            << f.id() << " v" << f.version() << "; classes " << absl::StrJoin(f.class_codes(), ", ")
            << "; source: " << f.source() << "\n";
  const std::string only = args.competency;
  for (const auto& cl : f.clusters()) {
    std::cout << "\n" << cl.name() << "\n";
    for (const auto& comp : cl.competencies()) {
      if (!only.empty() && comp.id() != only) continue;
      std::cout << "  " << comp.id() << "  " << comp.name() << "\n";
      if (!only.empty()) {
        std::cout << "    " << comp.definition() << "\n";
        for (const auto& l : comp.levels()) {
          std::cout << "    " << LevelText(l.level()) << "\n";
          for (const auto& i : l.indicators())
            std::cout << "      " << i.id() << "  " << i.text() << "\n";
        }
      }
    }
  }
  if (!f.levels().empty()) {
    std::vector<std::vector<std::string>> rows;
    for (const auto& l : f.levels()) {
      rows.push_back(
          {l.name(), l.expected_by_tenure()
                         ? absl::StrCat(l.tenure_from_months(), " months",
                                        l.tenure_until_months() == 0
                                            ? " and more"
                                            : absl::StrCat(" to under ", l.tenure_until_months()))
                         : "never expected, only achieved"});
    }
    std::cout << "\n" << Table({"LEVEL", "EXPECTED FROM TENURE"}, rows);
  }
  for (const auto& n : f.notes()) std::cout << "note: " << n << "\n";
  return 0;
}

int Addendum(const AppraisalArgs& f, Stub* stub, Context& c) {
  apb::AddAppraisalAddendumRequest req;
  req.set_appraisal_id(f.id);
  req.set_reason(f.reason);
  req.set_text(f.text);
  apb::AddAppraisalAddendumResponse resp;
  if (int rc = c.Call(kAppraisal, stub, &Stub::AddAppraisalAddendum, req, &resp); rc != 0)
    return rc;
  if (c.json()) return PrintJson(resp);
  std::cout << "appraisal " << resp.appraisal().id() << " now has "
            << resp.appraisal().addenda_size() << " addenda\n";
  return 0;
}

std::vector<std::string> AssignmentRow(const apb::SupervisorAssignment& a) {
  return {a.id(),
          a.employee_id(),
          a.supervisor_id(),
          dates::Format(a.from_date()),
          a.has_to_date() ? dates::Format(a.to_date()) : "open",
          a.etag()};
}

const std::vector<std::string> kAssignmentColumns = {"ID",   "EMPLOYEE", "SUPERVISOR",
                                                     "FROM", "TO",       "ETAG"};

int Assign(const AppraisalArgs& f, Stub* stub, Context& c) {
  apb::AssignSupervisorRequest req;
  auto* a = req.mutable_assignment();
  a->set_employee_id(f.employee);
  a->set_supervisor_id(f.supervisor);
  if (!RequiredDate("from", f.from, a->mutable_from_date())) return kUsageExit;
  bool has = false;
  if (!ParseDateFlag("to", f.to, &has, a->mutable_to_date())) return kUsageExit;
  if (!has) a->clear_to_date();
  apb::AssignSupervisorResponse resp;
  if (int rc = c.Call(kAppraisal, stub, &Stub::AssignSupervisor, req, &resp); rc != 0) return rc;
  if (c.json()) return PrintJson(resp);
  std::cout << "recorded assignment " << resp.assignment().id() << "\n"
            << Table(kAssignmentColumns, {AssignmentRow(resp.assignment())});
  return 0;
}

int EndAssignment(const AppraisalArgs& f, Stub* stub, Context& c) {
  apb::EndSupervisorAssignmentRequest req;
  req.set_assignment_id(f.id);
  req.set_etag(f.etag);
  if (!RequiredDate("to", f.to, req.mutable_to_date())) return kUsageExit;
  apb::EndSupervisorAssignmentResponse resp;
  if (int rc = c.Call(kAppraisal, stub, &Stub::EndSupervisorAssignment, req, &resp); rc != 0)
    return rc;
  if (c.json()) return PrintJson(resp);
  std::cout << "ended assignment " << resp.assignment().id() << "\n"
            << Table(kAssignmentColumns, {AssignmentRow(resp.assignment())});
  return 0;
}

int Assignments(const AppraisalArgs& f, Stub* stub, Context& c) {
  apb::ListSupervisorAssignmentsRequest req;
  req.set_employee_id(f.employee);
  req.set_supervisor_id(f.supervisor);
  bool has = false;
  if (!ParseDateFlag("as_of", f.as_of, &has, req.mutable_as_of())) return kUsageExit;
  if (!has) req.clear_as_of();
  apb::ListSupervisorAssignmentsResponse all;
  do {
    apb::ListSupervisorAssignmentsResponse page;
    if (int rc = c.Call(kAppraisal, stub, &Stub::ListSupervisorAssignments, req, &page); rc != 0)
      return rc;
    all.mutable_assignments()->MergeFrom(page.assignments());
    req.set_page_token(page.next_page_token());
  } while (!req.page_token().empty());
  if (c.json()) return PrintJson(all);
  std::vector<std::vector<std::string>> rows;
  rows.reserve(all.assignments_size());
  for (const auto& a : all.assignments()) rows.push_back(AssignmentRow(a));
  std::cout << Table(kAssignmentColumns, rows) << all.assignments_size() << " assignments\n";
  return 0;
}

// The appraisal's id argument of the commands that take one.
void AddId(Node* command, AppraisalArgs* f) {
  command->add_option("ID", f->id, "the appraisal id")->required();
}

void AddEtag(Node* command, AppraisalArgs* f) {
  command->add_option("--etag", f->etag, "the etag last read (default: read the current one)")
      ->type_name("ETAG");
}

// --supervisor / --unit_id: whose staff (default: the caller's own).
void AddTeam(Node* command, AppraisalArgs* f) {
  command->add_option("--supervisor", f->supervisor, "this supervisor's staff")->type_name("ID");
  command->add_option("--unit_id", f->unit_id, "this organizational unit's staff")->type_name("ID");
}

Opt* AddDate(Node* command, const char* name, std::string* value, const char* help) {
  return command->add_option(name, *value, help)->type_name("YYYY-MM-DD");
}

}  // namespace

void AddAppraisalCommands(Cli& cli) {
  AppraisalArgs* f = cli.Keep(std::make_unique<AppraisalArgs>());
  Node* group = cli.Group(cli.root(), "appraisal",
                          "competency frameworks and appraisals (the appraisal service)");
  using Fn = int (*)(const AppraisalArgs&, Stub*, Context&);
  auto command = [&cli, group, f](const char* name, const char* help, Fn fn) {
    return cli.Command(group, name, help, [f, fn](Context& c) {
      auto stub = apb::AppraisalService::NewStub(c.Channel(kAppraisal));
      return fn(*f, stub.get(), c);
    });
  };

  Node* expected =
      command("expected",
              "the level expected from time in the class (the 2944 performance anchors)", Expected);
  AddDate(expected, "--entered", &f->entered, "the day the employee entered the class")->required();
  AddAsOfFlag(expected, &f->as_of, "the day to count to (default today)");
  expected->add_option("--framework", f->framework, "framework id")->type_name("ID");
  expected->add_option("--class_code", f->class_code, "the class's framework")->type_name("CODE");

  command("frameworks", "competency frameworks", Frameworks)
      ->add_option("--class_code", f->class_code, "only this class's")
      ->type_name("CODE");
  Node* framework = command("framework", "a framework's competencies and levels", Framework);
  framework->add_option("ID", f->id, "the framework id, e.g. sf-hsa-2944-anchors")->required();
  framework->add_option("--competency", f->competency, "one competency with its indicators")
      ->type_name("ID");
  framework->add_option("--framework_version", f->framework_version, "version (0: the latest)")
      ->type_name("N");

  Node* create = command("create", "a new appraisal (DRAFT); prints its id", Create);
  create->add_option("--employee", f->employee, "employee id")->type_name("ID")->required();
  create->add_option("--class_code", f->class_code, "job class code, e.g. 2944")
      ->type_name("CODE")
      ->required();
  AddDate(create, "--entered", &f->entered, "the day the employee entered the class")->required();
  AddDate(create, "--period_start", &f->period_start, "first day of the period")->required();
  AddDate(create, "--period_end", &f->period_end, "last day of the period")->required();
  create->add_option("--supervisor", f->supervisor, "supervisor id (default: --principal)")
      ->type_name("ID");
  create->add_option("--unit_id", f->unit_id, "organizational unit id")->type_name("ID");
  create->add_option("--framework", f->framework, "framework id (default: the class's)")
      ->type_name("ID");
  create->add_option("--comments", f->comments, "supervisor's comments")->type_name("TEXT");

  AddId(command("show", "an appraisal: levels, gaps, goals, development plan, history",
                [](const AppraisalArgs& a, Stub* stub, Context& c) {
                  apb::Appraisal appraisal;
                  if (int rc = Fetch(stub, c, a.id, &appraisal); rc != 0) return rc;
                  return PrintAppraisal(appraisal, c);
                }),
        f);
  Node* list = command("list", "appraisals the caller may see", List);
  list->add_option("--employee", f->employee, "only this employee's")->type_name("ID");
  list->add_option("--supervisor", f->supervisor, "only this supervisor's")->type_name("ID");
  list->add_option("--state", f->state,
                   "only DRAFT, SUBMITTED, ACKNOWLEDGED, DECLINED, FINALIZED, RETURNED or VOIDED "
                   "ones")
      ->type_name("STATE");

  Node* observe = command("observe", "records observed indicators, evidence or a rating", Observe);
  AddId(observe, f);
  observe->add_option("--competency", f->competency, "competency id, e.g. pe")
      ->type_name("ID")
      ->required();
  observe->add_option("--indicators", f->indicators, "indicator ids to add, comma-separated")
      ->type_name("ID,ID");
  observe->add_option("--unobserve", f->unobserve, "indicator ids to remove, comma-separated")
      ->type_name("ID,ID");
  observe->add_option("--evidence", f->evidence, "an evidence note to add")->type_name("TEXT");
  observe->add_option("--rating", f->rating, "the rating on the framework's scale")->type_name("N");
  AddEtag(observe, f);

  Node* goal = command("goal", "adds a goal", AddGoal);
  AddId(goal, f);
  goal->add_option("--competency", f->competency, "competency id")->type_name("ID");
  goal->add_option("--specific", f->specific, "what is to be done")->type_name("TEXT");
  goal->add_option("--measure", f->measure, "how achievement is measured")->type_name("TEXT");
  AddDate(goal, "--target_date", &f->target_date, "target date")->required();
  AddEtag(goal, f);

  Node* edit = command("edit", "changes comments, period or unit (only those given)", Edit);
  AddId(edit, f);
  edit->add_option("--comments", f->comments, "supervisor's comments")->type_name("TEXT");
  AddDate(edit, "--period_start", &f->period_start, "first day of the period");
  AddDate(edit, "--period_end", &f->period_end, "last day of the period");
  edit->add_option("--unit_id", f->unit_id, "organizational unit id")->type_name("ID");
  AddEtag(edit, f);

  // The workflow's transitions: the appraisal's id, and the etag read last.
  auto transition = [&command, f](const char* name, const char* help, Fn fn) {
    Node* t = command(name, help, fn);
    AddId(t, f);
    AddEtag(t, f);
    return t;
  };
  transition("submit", "sends it to the employee", [](const AppraisalArgs& a, Stub* s, Context& c) {
    return Move(&Stub::SubmitAppraisal, a, s, c);
  });
  transition("acknowledge", "the employee acknowledges it",
             [](const AppraisalArgs& a, Stub* s, Context& c) {
               apb::AcknowledgeAppraisalRequest req;
               req.set_comments(a.comments);
               return Move(&Stub::AcknowledgeAppraisal, a, s, c, req);
             })
      ->add_option("--comments", f->comments, "the employee's comments")
      ->type_name("TEXT");
  transition("finalize", "closes it (a DECLINED one: HR, with --note)",
             [](const AppraisalArgs& a, Stub* s, Context& c) {
               apb::FinalizeAppraisalRequest req;
               req.set_note(a.note);
               return Move(&Stub::FinalizeAppraisal, a, s, c, req);
             })
      ->add_option("--note", f->note, "HR's note (required when the employee declined)")
      ->type_name("TEXT");
  transition("decline", "the employee declines to acknowledge it",
             [](const AppraisalArgs& a, Stub* s, Context& c) {
               apb::DeclineAppraisalRequest req;
               req.set_comments(a.comments);
               return Move(&Stub::DeclineAppraisal, a, s, c, req);
             })
      ->add_option("--comments", f->comments, "why (required)")
      ->type_name("TEXT")
      ->required();
  transition("void", "HR voids a mistaken appraisal (kept, hidden from lists and reports)",
             [](const AppraisalArgs& a, Stub* s, Context& c) {
               apb::VoidAppraisalRequest req;
               req.set_reason(a.reason);
               return Move(&Stub::VoidAppraisal, a, s, c, req);
             })
      ->add_option("--reason", f->reason, "why it is voided (required)")
      ->type_name("TEXT")
      ->required();
  Node* addendum = command("addendum", "appends a correction to a FINALIZED appraisal", Addendum);
  AddId(addendum, f);
  addendum->add_option("--reason", f->reason, "why the correction is needed")
      ->type_name("TEXT")
      ->required();
  addendum->add_option("--text", f->text, "the correction")->type_name("TEXT")->required();

  // Reporting relationships: who supervises whom, from when to when (HR maintains them).
  Node* assignment =
      cli.Group(group, "assignment", "reporting relationships (supervisor of an employee)");
  auto assignment_command = [&cli, assignment, f](const char* name, const char* help, Fn fn) {
    return cli.Command(assignment, name, help, [f, fn](Context& c) {
      auto stub = apb::AppraisalService::NewStub(c.Channel(kAppraisal));
      return fn(*f, stub.get(), c);
    });
  };
  Node* assign = assignment_command("add", "records one (hr_admin)", Assign);
  assign->add_option("--employee", f->employee, "employee id")->type_name("ID")->required();
  assign->add_option("--supervisor", f->supervisor, "supervisor id")->type_name("ID")->required();
  AddDate(assign, "--from", &f->from, "first day")->required();
  AddDate(assign, "--to", &f->to, "last day (default: open-ended)");
  Node* end = assignment_command("end", "ends one on a day (hr_admin)", EndAssignment);
  end->add_option("ID", f->id, "the assignment id")->required();
  AddDate(end, "--to", &f->to, "its last day")->required();
  end->add_option("--etag", f->etag, "the etag last read (default: not checked)")
      ->type_name("ETAG");
  Node* assignments = assignment_command("list", "the ones the caller may see", Assignments);
  assignments->add_option("--employee", f->employee, "only this employee's")->type_name("ID");
  assignments->add_option("--supervisor", f->supervisor, "only this supervisor's")->type_name("ID");
  AddAsOfFlag(assignments, &f->as_of, "only those in force on this date (default: all)");
  transition("return", "sends it back to draft",
             [](const AppraisalArgs& a, Stub* s, Context& c) {
               apb::ReturnAppraisalRequest req;
               req.set_reason(a.reason);
               return Move(&Stub::ReturnAppraisal, a, s, c, req);
             })
      ->add_option("--reason", f->reason, "why it is sent back")
      ->type_name("TEXT");

  Node* due = command("due", "employees due an appraisal (none finalized in 12 months)", Due);
  AddTeam(due, f);
  AddAsOfFlag(due, &f->as_of, "due on this date (default today)");
  due->add_option("--employees", f->employees, "further employee ids to check, comma-separated")
      ->type_name("ID,ID");
  Node* team = command("team", "below / at / above expected, per competency", Team);
  AddTeam(team, f);
  team->add_option("--framework", f->framework, "framework id (default sf-hsa-2944-anchors)")
      ->type_name("ID");
}

}  // namespace classplan::ctl
