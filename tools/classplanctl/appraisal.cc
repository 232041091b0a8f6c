#include "tools/classplanctl/appraisal.h"

#include <algorithm>
#include <cstdlib>
#include <iostream>
#include <map>
#include <set>

#include "absl/flags/declare.h"
#include "absl/flags/flag.h"
#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"
#include "absl/time/clock.h"
#include "absl/time/time.h"
#include "classplan/appraisal/v1/appraisal_service.grpc.pb.h"
#include "common/dates/dates.h"
#include "common/identity/identity.h"
#include "common/status/grpc_status.h"
#include "grpcpp/grpcpp.h"
#include "tools/classplanctl/connect.h"
#include "tools/classplanctl/pay.h"
#include "tools/classplanctl/render.h"

ABSL_FLAG(std::string, appraisal_target,
          classplan::ctl::EnvOr("CLASSPLAN_APPRAISAL_TARGET", classplan::ctl::kGatewayTarget),
          "appraisal service host:port (env CLASSPLAN_APPRAISAL_TARGET)");
ABSL_FLAG(std::string, principal, classplan::ctl::EnvOr("CLASSPLAN_PRINCIPAL", ""),
          "appraisal: who is calling, sent as x-classplan-principal (env CLASSPLAN_PRINCIPAL)");
ABSL_FLAG(std::string, roles, classplan::ctl::EnvOr("CLASSPLAN_ROLES", ""),
          "appraisal: the caller's roles, comma-separated (supervisor, employee, hr_admin), sent "
          "as x-classplan-roles (env CLASSPLAN_ROLES)");
ABSL_FLAG(std::string, entered, "", "appraisal: date the employee entered the class (YYYY-MM-DD)");
ABSL_FLAG(std::string, framework, "", "appraisal: framework id (default: the class's framework)");
ABSL_FLAG(int, framework_version, 0, "appraisal framework: version (0 = latest)");
ABSL_FLAG(std::string, class_code, "", "appraisal: job class code, e.g. 2944");
ABSL_FLAG(std::string, employee, "", "appraisal: employee id");
ABSL_FLAG(std::string, supervisor, "", "appraisal: supervisor id (create: default the principal)");
ABSL_FLAG(std::string, unit_id, "", "appraisal: organizational unit id");
ABSL_FLAG(std::string, period_start, "", "appraisal create: first day of the period");
ABSL_FLAG(std::string, period_end, "", "appraisal create: last day of the period");
ABSL_FLAG(std::string, competency, "", "appraisal observe/goal: competency id, e.g. pe");
ABSL_FLAG(std::string, indicators, "",
          "appraisal observe: observed indicator ids, comma-separated (added to those recorded)");
ABSL_FLAG(std::string, unobserve, "",
          "appraisal observe: indicator ids to remove from those recorded, comma-separated");
ABSL_FLAG(std::string, evidence, "", "appraisal observe: an evidence note to add");
ABSL_FLAG(int, rating, 0, "appraisal observe: the rating on the framework's scale");
ABSL_FLAG(std::string, etag, "",
          "appraisal: the etag last read (default: read the current one first)");
ABSL_FLAG(std::string, comments, "",
          "appraisal acknowledge: the employee's comments; create: supervisor comments");
ABSL_FLAG(std::string, reason, "", "appraisal return: why it is sent back");
ABSL_FLAG(std::string, specific, "", "appraisal goal: what is to be done");
ABSL_FLAG(std::string, measure, "", "appraisal goal: how achievement is measured");
ABSL_FLAG(std::string, target_date, "", "appraisal goal: target date (YYYY-MM-DD)");
ABSL_FLAG(std::string, employees, "",
          "appraisal due: further employee ids to check, comma-separated");

ABSL_DECLARE_FLAG(bool, json);
ABSL_DECLARE_FLAG(absl::Duration, timeout);
ABSL_DECLARE_FLAG(std::string, as_of);
ABSL_DECLARE_FLAG(std::string, state);

namespace classplan::ctl {
namespace {

namespace apb = ::classplan::appraisal::v1;
using Stub = apb::AppraisalService::Stub;
constexpr int kUsageExit = 2;

int AppraisalFail(const grpc::Status& s) {
  std::cerr << "error: " << s.error_message() << " ("
            << absl::StatusCodeToString(static_cast<absl::StatusCode>(s.error_code())) << ")\n";
  for (const auto& v : status::GetFieldViolations(status::FromGrpcStatus(s))) {
    std::cerr << "  field " << v.field << ": " << v.description << "\n";
  }
  switch (s.error_code()) {
    case grpc::StatusCode::UNAVAILABLE:
      std::cerr << "  is the appraisal service running at " << absl::GetFlag(FLAGS_appraisal_target)
                << "? (--appraisal_target)\n";
      break;
    case grpc::StatusCode::UNAUTHENTICATED:
      std::cerr << "  say who you are: --principal=ID --roles=supervisor|employee|hr_admin\n";
      break;
    case grpc::StatusCode::ABORTED:
      std::cerr << "  the appraisal changed since it was read: show it again and retry\n";
      break;
    default:
      break;
  }
  return ExitCodeFor(s.error_code());
}

// Calls a unary RPC with a deadline and the caller's identity metadata.
template <typename Req, typename Resp>
int Call(grpc::Status (Stub::*rpc)(grpc::ClientContext*, const Req&, Resp*), Stub* stub,
         const Req& req, Resp* resp) {
  grpc::ClientContext ctx;
  ctx.set_deadline(absl::ToChronoTime(absl::Now() + absl::GetFlag(FLAGS_timeout)));
  if (auto p = absl::GetFlag(FLAGS_principal); !p.empty()) {
    ctx.AddMetadata(identity::kPrincipalHeader, p);
  }
  if (auto r = absl::GetFlag(FLAGS_roles); !r.empty()) ctx.AddMetadata(identity::kRolesHeader, r);
  grpc::Status s = (stub->*rpc)(&ctx, req, resp);
  return s.ok() ? 0 : AppraisalFail(s);
}

int UsageError(const std::string& what) {
  std::cerr << "error: " << what << "\n";
  return kUsageExit;
}

// Parses --flag as a full date into `out`; false (after printing) when malformed, or when
// missing and `required`.
bool DateFlag(const char* flag, const std::string& value, bool required, common::v1::Date* out,
              bool* has = nullptr) {
  if (has != nullptr) *has = false;
  if (value.empty()) {
    if (required) std::cerr << "error: --" << flag << "=YYYY-MM-DD is required\n";
    return !required;
  }
  auto d = dates::ParseFull(value);
  if (!d.ok()) {
    std::cerr << "error: --" << flag << ": " << d.status().message() << "\n";
    return false;
  }
  *out = *d;
  if (has != nullptr) *has = true;
  return true;
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
  return out;
}

int PrintAppraisal(const apb::Appraisal& a) {
  if (absl::GetFlag(FLAGS_json)) return PrintJson(a);
  std::cout << RenderAppraisal(a);
  return 0;
}

// The appraisal as stored now.
int Fetch(Stub* stub, const std::string& id, apb::Appraisal* out) {
  apb::GetAppraisalRequest req;
  req.set_appraisal_id(id);
  apb::GetAppraisalResponse resp;
  int rc = Call(&Stub::GetAppraisal, stub, req, &resp);
  *out = resp.appraisal();
  return rc;
}

// --etag, or the current one read first.
int EtagFor(Stub* stub, const std::string& id, std::string* etag) {
  *etag = absl::GetFlag(FLAGS_etag);
  if (!etag->empty()) return 0;
  apb::Appraisal a;
  int rc = Fetch(stub, id, &a);
  *etag = a.etag();
  return rc;
}

// One transition: the request type carries appraisal_id and etag; `fill` sets the rest.
template <typename Req, typename Resp>
int Move(grpc::Status (Stub::*rpc)(grpc::ClientContext*, const Req&, Resp*), Stub* stub,
         const std::string& id, Req req = Req()) {
  std::string etag;
  if (int rc = EtagFor(stub, id, &etag); rc != 0) return rc;
  req.set_appraisal_id(id);
  req.set_etag(etag);
  Resp resp;
  if (int rc = Call(rpc, stub, req, &resp); rc != 0) return rc;
  if (absl::GetFlag(FLAGS_json)) return PrintJson(resp);
  std::cout << "appraisal " << resp.appraisal().id() << " is now "
            << StateText(resp.appraisal().state()) << " (etag " << resp.appraisal().etag() << ")\n";
  return 0;
}

// Replaces fields of an appraisal (`paths`) after `change` edited the current copy.
template <typename Change>
int Update(Stub* stub, const std::string& id, const std::vector<std::string>& paths,
           Change change) {
  apb::Appraisal current;
  if (int rc = Fetch(stub, id, &current); rc != 0) return rc;
  apb::UpdateAppraisalRequest req;
  *req.mutable_appraisal() = current;
  if (auto e = absl::GetFlag(FLAGS_etag); !e.empty()) req.mutable_appraisal()->set_etag(e);
  if (int rc = change(req.mutable_appraisal()); rc != 0) return rc;
  for (const auto& p : paths) req.mutable_update_mask()->add_paths(p);
  apb::UpdateAppraisalResponse resp;
  if (int rc = Call(&Stub::UpdateAppraisal, stub, req, &resp); rc != 0) return rc;
  return PrintAppraisal(resp.appraisal());
}

int Expected(Stub* stub) {
  apb::GetExpectedProficiencyRequest req;
  req.set_framework_id(absl::GetFlag(FLAGS_framework));
  req.set_class_code(absl::GetFlag(FLAGS_class_code));
  // The 2944 performance anchors are the only framework with levels by tenure.
  if (req.framework_id().empty() && req.class_code().empty())
    req.set_framework_id("sf-hsa-2944-anchors");
  if (!DateFlag("entered", absl::GetFlag(FLAGS_entered), true, req.mutable_date_entered_class()))
    return kUsageExit;
  bool has = false;
  if (!DateFlag("as_of", absl::GetFlag(FLAGS_as_of), false, req.mutable_as_of(), &has))
    return kUsageExit;
  if (!has) req.clear_as_of();
  apb::GetExpectedProficiencyResponse resp;
  if (int rc = Call(&Stub::GetExpectedProficiency, stub, req, &resp); rc != 0) return rc;
  if (absl::GetFlag(FLAGS_json)) return PrintJson(resp);
  std::cout << "expected level  " << resp.level_name() << "\n"
            << "tenure          " << resp.tenure_years() << " years " << resp.tenure_months() % 12
            << " months (" << resp.tenure_months() << " completed months) on "
            << dates::Format(resp.as_of()) << "\n"
            << "framework       " << resp.framework_id() << " v" << resp.framework_version()
            << "\n";
  return 0;
}

int Create(Stub* stub) {
  apb::CreateAppraisalRequest req;
  auto* a = req.mutable_appraisal();
  a->set_employee_id(absl::GetFlag(FLAGS_employee));
  a->set_class_code(absl::GetFlag(FLAGS_class_code));
  a->set_supervisor_id(absl::GetFlag(FLAGS_supervisor).empty() ? absl::GetFlag(FLAGS_principal)
                                                               : absl::GetFlag(FLAGS_supervisor));
  a->set_unit_id(absl::GetFlag(FLAGS_unit_id));
  a->set_supervisor_comments(absl::GetFlag(FLAGS_comments));
  req.set_framework_id(absl::GetFlag(FLAGS_framework));
  if (a->employee_id().empty() || a->class_code().empty()) {
    return UsageError("appraisal create: --employee=ID and --class_code=CODE are required");
  }
  if (!DateFlag("entered", absl::GetFlag(FLAGS_entered), true, a->mutable_date_entered_class()) ||
      !DateFlag("period_start", absl::GetFlag(FLAGS_period_start), true,
                a->mutable_period_start()) ||
      !DateFlag("period_end", absl::GetFlag(FLAGS_period_end), true, a->mutable_period_end())) {
    return kUsageExit;
  }
  apb::CreateAppraisalResponse resp;
  if (int rc = Call(&Stub::CreateAppraisal, stub, req, &resp); rc != 0) return rc;
  if (absl::GetFlag(FLAGS_json)) return PrintJson(resp);
  std::cout << "created appraisal " << resp.appraisal().id() << " (DRAFT, etag "
            << resp.appraisal().etag() << "), framework " << resp.appraisal().framework_id() << " v"
            << resp.appraisal().framework_version() << ", expected level "
            << LevelText(resp.appraisal().expected_level()) << "\n";
  return 0;
}

int Observe(Stub* stub, const std::string& id) {
  const std::string competency = absl::GetFlag(FLAGS_competency);
  if (competency.empty()) return UsageError("appraisal observe: --competency=ID is required");
  return Update(stub, id, {"assessments"}, [&](apb::Appraisal* a) {
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
    for (const auto& i : SplitList(absl::GetFlag(FLAGS_indicators))) {
      if (have.insert(i).second) as->add_observed_indicator_ids(i);
    }
    const auto drop = SplitList(absl::GetFlag(FLAGS_unobserve));
    auto* ids = as->mutable_observed_indicator_ids();
    ids->erase(std::remove_if(ids->begin(), ids->end(),
                              [&](const std::string& i) {
                                return std::find(drop.begin(), drop.end(), i) != drop.end();
                              }),
               ids->end());
    if (auto e = absl::GetFlag(FLAGS_evidence); !e.empty()) as->add_evidence(e);
    if (int r = absl::GetFlag(FLAGS_rating); r != 0) as->set_rating(r);
    return 0;
  });
}

int AddGoal(Stub* stub, const std::string& id) {
  apb::Goal g;
  g.set_competency_id(absl::GetFlag(FLAGS_competency));
  g.set_specific(absl::GetFlag(FLAGS_specific));
  g.set_measure(absl::GetFlag(FLAGS_measure));
  if (!DateFlag("target_date", absl::GetFlag(FLAGS_target_date), true, g.mutable_target_date()))
    return kUsageExit;
  return Update(stub, id, {"goals"}, [&](apb::Appraisal* a) {
    *a->add_goals() = g;
    return 0;
  });
}

// Supervisor comments, period and unit: only the fields given.
int Edit(Stub* stub, const std::string& id) {
  std::vector<std::string> paths;
  apb::Appraisal given;
  if (!absl::GetFlag(FLAGS_comments).empty()) paths.push_back("supervisor_comments");
  if (!absl::GetFlag(FLAGS_unit_id).empty()) paths.push_back("unit_id");
  bool has = false;
  if (!DateFlag("period_start", absl::GetFlag(FLAGS_period_start), false,
                given.mutable_period_start(), &has))
    return kUsageExit;
  if (has) paths.push_back("period_start");
  if (!DateFlag("period_end", absl::GetFlag(FLAGS_period_end), false, given.mutable_period_end(),
                &has))
    return kUsageExit;
  if (has) paths.push_back("period_end");
  if (paths.empty()) {
    return UsageError(
        "appraisal edit: give --comments, --unit_id, --period_start and/or --period_end");
  }
  return Update(stub, id, paths, [&](apb::Appraisal* a) {
    a->set_supervisor_comments(absl::GetFlag(FLAGS_comments));
    a->set_unit_id(absl::GetFlag(FLAGS_unit_id));
    *a->mutable_period_start() = given.period_start();
    *a->mutable_period_end() = given.period_end();
    return 0;
  });
}

int List(Stub* stub) {
  apb::ListAppraisalsRequest req;
  req.set_employee_id(absl::GetFlag(FLAGS_employee));
  req.set_supervisor_id(absl::GetFlag(FLAGS_supervisor));
  if (auto s = absl::GetFlag(FLAGS_state); !s.empty()) {
    apb::AppraisalState state;
    if (!apb::AppraisalState_Parse("APPRAISAL_STATE_" + absl::AsciiStrToUpper(s), &state)) {
      return UsageError(
          "--state: DRAFT, SUBMITTED, ACKNOWLEDGED, FINALIZED or RETURNED for appraisals");
    }
    req.set_state(state);
  }
  apb::ListAppraisalsResponse all;
  do {
    apb::ListAppraisalsResponse page;
    if (int rc = Call(&Stub::ListAppraisals, stub, req, &page); rc != 0) return rc;
    all.mutable_appraisals()->MergeFrom(page.appraisals());
    req.set_page_token(page.next_page_token());
  } while (!req.page_token().empty());
  if (absl::GetFlag(FLAGS_json)) return PrintJson(all);
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

int Due(Stub* stub) {
  apb::ListDueAppraisalsRequest req;
  req.set_supervisor_id(absl::GetFlag(FLAGS_supervisor));
  req.set_unit_id(absl::GetFlag(FLAGS_unit_id));
  if (req.supervisor_id().empty() && req.unit_id().empty()) {
    req.set_supervisor_id(absl::GetFlag(FLAGS_principal));  // "my team"
  }
  for (const auto& e : SplitList(absl::GetFlag(FLAGS_employees))) req.add_employee_ids(e);
  bool has = false;
  if (!DateFlag("as_of", absl::GetFlag(FLAGS_as_of), false, req.mutable_as_of(), &has))
    return kUsageExit;
  if (!has) req.clear_as_of();
  apb::ListDueAppraisalsResponse resp;
  if (int rc = Call(&Stub::ListDueAppraisals, stub, req, &resp); rc != 0) return rc;
  if (absl::GetFlag(FLAGS_json)) return PrintJson(resp);
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

int Team(Stub* stub) {
  apb::GetTeamSummaryRequest req;
  req.set_supervisor_id(absl::GetFlag(FLAGS_supervisor));
  req.set_unit_id(absl::GetFlag(FLAGS_unit_id));
  if (req.supervisor_id().empty() && req.unit_id().empty()) {
    req.set_supervisor_id(absl::GetFlag(FLAGS_principal));
  }
  req.set_framework_id(absl::GetFlag(FLAGS_framework));
  if (req.framework_id().empty()) req.set_framework_id("sf-hsa-2944-anchors");
  apb::GetTeamSummaryResponse resp;
  if (int rc = Call(&Stub::GetTeamSummary, stub, req, &resp); rc != 0) return rc;
  if (absl::GetFlag(FLAGS_json)) return PrintJson(resp);
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

int Frameworks(Stub* stub) {
  apb::ListFrameworksRequest req;
  req.set_class_code(absl::GetFlag(FLAGS_class_code));
  apb::ListFrameworksResponse resp;
  if (int rc = Call(&Stub::ListFrameworks, stub, req, &resp); rc != 0) return rc;
  if (absl::GetFlag(FLAGS_json)) return PrintJson(resp);
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

int Framework(Stub* stub, const std::string& id) {
  apb::GetFrameworkRequest req;
  req.set_framework_id(id);
  req.set_version(absl::GetFlag(FLAGS_framework_version));
  apb::GetFrameworkResponse resp;
  if (int rc = Call(&Stub::GetFramework, stub, req, &resp); rc != 0) return rc;
  if (absl::GetFlag(FLAGS_json)) return PrintJson(resp);
  const auto& f = resp.framework();
  std::cout << f.title() << "\n"
            << f.id() << " v" << f.version() << "; classes " << absl::StrJoin(f.class_codes(), ", ")
            << "; source: " << f.source() << "\n";
  const std::string only = absl::GetFlag(FLAGS_competency);
  for (const auto& cl : f.clusters()) {
    std::cout << "\n" << cl.name() << "\n";
    for (const auto& c : cl.competencies()) {
      if (!only.empty() && c.id() != only) continue;
      std::cout << "  " << c.id() << "  " << c.name() << "\n";
      if (!only.empty()) {
        std::cout << "    " << c.definition() << "\n";
        for (const auto& l : c.levels()) {
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

}  // namespace

const char* AppraisalUsage() {
  return "  appraisal expected --entered=YYYY-MM-DD [--as_of=YYYY-MM-DD] [--framework=ID|"
         "--class_code=CODE]\n"
         "  appraisal frameworks [--class_code=CODE] | appraisal framework ID [--competency=ID]\n"
         "  appraisal create --employee=ID --class_code=CODE --entered=DATE --period_start=DATE\n"
         "            --period_end=DATE [--supervisor=ID] [--unit_id=ID] [--framework=ID]\n"
         "  appraisal show ID | appraisal list [--employee=ID] [--supervisor=ID] [--state=S]\n"
         "  appraisal observe ID --competency=ID [--indicators=ID,ID] [--unobserve=ID,ID]\n"
         "            [--evidence=TEXT] [--rating=N]\n"
         "  appraisal edit ID [--comments=TEXT] [--period_start=DATE] [--period_end=DATE] "
         "[--unit_id=ID]\n"
         "  appraisal goal ID --competency=ID --specific=TEXT --measure=TEXT "
         "--target_date=DATE\n"
         "  appraisal submit|finalize ID | appraisal acknowledge ID [--comments=TEXT]\n"
         "  appraisal return ID --reason=TEXT      (changes take --etag=E; default: current)\n"
         "  appraisal due [--supervisor=ID|--unit_id=ID] [--as_of=DATE] [--employees=ID,ID]\n"
         "  appraisal team [--supervisor=ID|--unit_id=ID] [--framework=ID]\n"
         "  (appraisal commands use --appraisal_target=host:port, env CLASSPLAN_APPRAISAL_TARGET,\n"
         "   and --principal=ID --roles=supervisor|employee|hr_admin, env CLASSPLAN_PRINCIPAL,\n"
         "   CLASSPLAN_ROLES; the gateway sets these for callers in production)\n";
}

bool IsAppraisalFlag(const std::string& name) {
  static const std::set<std::string> kNames = {
      "appraisal_target", "principal",    "roles",
      "entered",          "framework",    "framework_version",
      "class_code",       "employee",     "supervisor",
      "unit_id",          "period_start", "period_end",
      "competency",       "indicators",   "evidence",
      "rating",           "etag",         "comments",
      "reason",           "specific",     "measure",
      "target_date",      "employees",    "unobserve"};
  return kNames.count(name) > 0;
}

int RunAppraisal(const std::vector<std::string>& args) {
  if (args.size() < 2) return Usage();
  auto channel = ctl::Connect(absl::GetFlag(FLAGS_appraisal_target));
  auto stub = apb::AppraisalService::NewStub(channel);
  Stub* s = stub.get();
  const std::string& verb = args[1];
  const bool one = args.size() == 3;  // verb + id
  const std::string id = one ? args[2] : "";

  if (verb == "expected" && args.size() == 2) return Expected(s);
  if (verb == "frameworks" && args.size() == 2) return Frameworks(s);
  if (verb == "framework" && one) return Framework(s, id);
  if (verb == "create" && args.size() == 2) return Create(s);
  if (verb == "list" && args.size() == 2) return List(s);
  if (verb == "due" && args.size() == 2) return Due(s);
  if (verb == "team" && args.size() == 2) return Team(s);
  if (verb == "show" && one) {
    apb::Appraisal a;
    if (int rc = Fetch(s, id, &a); rc != 0) return rc;
    return PrintAppraisal(a);
  }
  if (verb == "observe" && one) return Observe(s, id);
  if (verb == "goal" && one) return AddGoal(s, id);
  if (verb == "edit" && one) return Edit(s, id);
  if (verb == "submit" && one) return Move(&Stub::SubmitAppraisal, s, id);
  if (verb == "finalize" && one) return Move(&Stub::FinalizeAppraisal, s, id);
  if (verb == "acknowledge" && one) {
    apb::AcknowledgeAppraisalRequest req;
    req.set_comments(absl::GetFlag(FLAGS_comments));
    return Move(&Stub::AcknowledgeAppraisal, s, id, req);
  }
  if (verb == "return" && one) {
    apb::ReturnAppraisalRequest req;
    req.set_reason(absl::GetFlag(FLAGS_reason));
    return Move(&Stub::ReturnAppraisal, s, id, req);
  }
  return Usage();
}

}  // namespace classplan::ctl
