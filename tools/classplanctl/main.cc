// classplanctl: command-line client for classplan.
//
//   classplanctl class get SPCP20 [--as_of=2015-01-01]
//   classplanctl class list [--jurisdiction=nm-spo] [--series=...] [--pay_band=SD]
//                           [--flsa=EXEMPT] [--state=ABOLISHED] [--page_size=N]
//   classplanctl class search "out-of-home placement"
//   classplanctl class revisions CA2459
//   classplanctl notice get 1355 | notice list
//   classplanctl jurisdiction list | series list | health
//   classplanctl pay band 806-A --jurisdiction=denver-csa | pay class CA2459 | ... (pay.h)
//   classplanctl appraisal expected --entered=2022-05-01 | appraisal show ID | ... (appraisal.h)
//
// Global flags: --target=host:port (env CLASSPLAN_TARGET), --json, --timeout=5s,
// --api_key=KEY (env CLASSPLAN_API_KEY), --tls_ca=FILE (env CLASSPLAN_TLS_CA);
// pay commands: --payband_target=host:port (env CLASSPLAN_PAYBAND_TARGET); appraisal
// commands: --appraisal_target, --principal, --roles (appraisal.h). The catalog and pay
// targets default to the gateway, 127.0.0.1:50050 (connect.h). Flag names may be spelt
// with dashes (--as-of is --as_of).
// Exit codes: 0 ok, 1 other error, 2 usage, 3 not found, 4 invalid input or failed
// precondition, 5 unavailable or deadline exceeded, 6 conflict (stale etag, already exists).

#include <algorithm>
#include <cstdlib>
#include <iostream>
#include <set>

#include "absl/flags/flag.h"
#include "absl/flags/parse.h"
#include "absl/flags/usage.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "classplan/catalog/v1/catalog_service.grpc.pb.h"
#include "common/dates/dates.h"
#include "common/status/grpc_status.h"
#include "google/protobuf/util/json_util.h"
#include "grpc/health/v1/health.grpc.pb.h"
#include "grpcpp/grpcpp.h"
#include "tools/classplanctl/appraisal.h"
#include "tools/classplanctl/connect.h"
#include "tools/classplanctl/eligibility.h"
#include "tools/classplanctl/pay.h"
#include "tools/classplanctl/render.h"

ABSL_FLAG(std::string, target,
          classplan::ctl::EnvOr("CLASSPLAN_TARGET", classplan::ctl::kGatewayTarget),
          "classplan endpoint host:port (env CLASSPLAN_TARGET)");
ABSL_FLAG(bool, json, false, "print the response as protobuf JSON");
ABSL_FLAG(absl::Duration, timeout, absl::Seconds(5), "deadline for each call");
ABSL_FLAG(std::string, as_of, "", "class get: the revision in force on this date (YYYY-MM-DD)");
ABSL_FLAG(std::string, jurisdiction, "", "filter: jurisdiction id, e.g. nm-spo");
ABSL_FLAG(std::string, series, "", "filter: class series id");
ABSL_FLAG(std::string, pay_band, "", "filter: pay band or grade code");
ABSL_FLAG(std::string, flsa, "", "filter: EXEMPT, NON_EXEMPT or UNKNOWN");
ABSL_FLAG(std::string, state, "",
          "filter: ACTIVE or ABOLISHED (classes), POSTED or APPROVED (notices)");
ABSL_FLAG(int, page_size, 0, "results per page; all pages are fetched");

namespace classplan::ctl {
namespace {

constexpr int kUsage = 2;

}  // namespace

int ExitCodeFor(grpc::StatusCode code) {
  switch (code) {
    case grpc::StatusCode::OK:
      return 0;
    case grpc::StatusCode::NOT_FOUND:
      return 3;
    case grpc::StatusCode::INVALID_ARGUMENT:
    case grpc::StatusCode::FAILED_PRECONDITION:
    case grpc::StatusCode::OUT_OF_RANGE:
    case grpc::StatusCode::RESOURCE_EXHAUSTED:
      return 4;
    case grpc::StatusCode::UNAVAILABLE:
    case grpc::StatusCode::DEADLINE_EXCEEDED:
      return 5;
    case grpc::StatusCode::ABORTED:
    case grpc::StatusCode::ALREADY_EXISTS:
      return 6;
    default:
      return 1;
  }
}

void PrintStatusError(const grpc::Status& s) {
  std::cerr << "error: " << s.error_message() << " ("
            << absl::StatusCodeToString(static_cast<absl::StatusCode>(s.error_code())) << ")\n";
  for (const auto& v : status::GetFieldViolations(status::FromGrpcStatus(s))) {
    std::cerr << "  field " << v.field << ": " << v.description << "\n";
  }
  if (s.error_code() == grpc::StatusCode::UNAUTHENTICATED) {
    std::cerr << "  the gateway needs an API key: --api_key or CLASSPLAN_API_KEY\n";
  }
}

namespace {

int Fail(const grpc::Status& s) {
  PrintStatusError(s);
  if (s.error_code() == grpc::StatusCode::UNAVAILABLE) {
    std::cerr << "  is the service running at " << absl::GetFlag(FLAGS_target) << "? (--target)\n";
  }
  return ExitCodeFor(s.error_code());
}

void SetDeadline(grpc::ClientContext* ctx) {
  ctx->set_deadline(absl::ToChronoTime(absl::Now() + absl::GetFlag(FLAGS_timeout)));
}

}  // namespace

int PrintJson(const google::protobuf::Message& m) {
  std::string out;
  google::protobuf::util::JsonPrintOptions o;
  o.add_whitespace = true;
  o.preserve_proto_field_names = true;
  (void)google::protobuf::util::MessageToJsonString(m, &out, o);
  std::cout << out;
  return 0;
}

namespace {

// Calls a unary RPC with a deadline; prints errors and returns the exit code.
template <typename Req, typename Resp, typename Fn>
int Call(Fn fn, const Req& req, Resp* resp) {
  grpc::ClientContext ctx;
  SetDeadline(&ctx);
  grpc::Status s = fn(&ctx, req, resp);
  return s.ok() ? 0 : Fail(s);
}

// Calls a paged List RPC until its last page, appending each page's items to `all`.
template <typename Req, typename Resp, typename Fn, typename Items>
int CallAllPages(Fn fn, Req req, Resp* all, Items items) {
  do {
    Resp page;
    int rc = Call(fn, req, &page);
    if (rc != 0) return rc;
    items(all)->MergeFrom(*items(&page));
    req.set_page_token(page.next_page_token());
  } while (!req.page_token().empty());
  return 0;
}

std::string Filter() {
  std::vector<std::string> parts;
  auto add = [&](const char* field, const std::string& v) {
    if (!v.empty()) parts.push_back(absl::StrCat(field, " = \"", v, "\""));
  };
  add("jurisdiction", absl::GetFlag(FLAGS_jurisdiction));
  add("series", absl::GetFlag(FLAGS_series));
  add("pay_band", absl::GetFlag(FLAGS_pay_band));
  add("flsa_status", absl::GetFlag(FLAGS_flsa));
  add("state", absl::GetFlag(FLAGS_state));
  return absl::StrJoin(parts, " AND ");
}

}  // namespace

// People type "denver" for "denver-csa": a value without '-' that starts exactly one
// jurisdiction id (asked of the catalog) is taken as that id. Anything else is left as given,
// so the service still reports an unknown jurisdiction itself.
void ExpandJurisdictionFlag() {
  std::string value = absl::GetFlag(FLAGS_jurisdiction);
  if (value.empty() || value.find('-') != std::string::npos) return;
  auto stub = catalog::v1::CatalogService::NewStub(Connect(absl::GetFlag(FLAGS_target)));
  catalog::v1::ListJurisdictionsRequest req;
  req.set_page_size(500);
  catalog::v1::ListJurisdictionsResponse resp;
  grpc::ClientContext ctx;
  ctx.set_deadline(absl::ToChronoTime(absl::Now() + absl::Seconds(2)));
  if (!stub->ListJurisdictions(&ctx, req, &resp).ok()) return;
  std::vector<std::string> matches;
  for (const auto& j : resp.jurisdictions()) {
    if (j.id() == value) return;
    if (absl::StartsWith(j.id(), value + "-")) matches.push_back(j.id());
  }
  if (matches.size() == 1) absl::SetFlag(&FLAGS_jurisdiction, matches[0]);
}

int Usage() {
  std::cerr << "usage: classplanctl [--target=host:port] [--api_key=KEY] [--json] COMMAND\n"
               "  class get CODE [--as_of=YYYY-MM-DD]\n"
               "  class list [--jurisdiction=ID] [--series=ID] [--pay_band=CODE] "
               "[--flsa=EXEMPT|NON_EXEMPT|UNKNOWN] [--state=ACTIVE|ABOLISHED]\n"
               "  class search \"WORDS\" [filters as for list]\n"
               "  class revisions CODE\n"
               "  notice get NUMBER | notice list [--jurisdiction=ID] [--state=POSTED|APPROVED]\n"
               "  jurisdiction list | series list [--jurisdiction=ID] | health\n"
            << PayUsage() << AppraisalUsage() << EligibilityUsage();
  return kUsage;
}

namespace {

int Run(const std::vector<std::string>& args) {
  if (args.size() < 2 && !(args.size() == 1 && args[0] == "health")) return Usage();
  if (args[0] == "pay") return RunPay(args);
  if (args[0] == "appraisal") return RunAppraisal(args);
  if (args[0] == "eligibility") return RunEligibility(args);
  auto channel = Connect(absl::GetFlag(FLAGS_target));
  auto stub = catalog::v1::CatalogService::NewStub(channel);
  namespace pb = catalog::v1;
  const bool json = absl::GetFlag(FLAGS_json);
  const std::string& noun = args[0];
  const std::string verb = args.size() > 1 ? args[1] : "";

  if (noun == "health") {
    auto health = grpc::health::v1::Health::NewStub(channel);
    grpc::health::v1::HealthCheckRequest req;
    grpc::health::v1::HealthCheckResponse resp;
    int rc =
        Call([&](auto* c, const auto& r, auto* o) { return health->Check(c, r, o); }, req, &resp);
    if (rc != 0) return rc;
    std::cout << grpc::health::v1::HealthCheckResponse::ServingStatus_Name(resp.status()) << "\n";
    return resp.status() == grpc::health::v1::HealthCheckResponse::SERVING ? 0 : 5;
  }
  if (noun == "class" && verb == "get" && args.size() == 3) {
    pb::GetJobClassRequest req;
    req.set_code(args[2]);
    if (std::string as_of = absl::GetFlag(FLAGS_as_of); !as_of.empty()) {
      auto d = dates::ParseFull(as_of);
      if (!d.ok()) {
        std::cerr << "error: --as_of: " << d.status().message() << "\n";
        return kUsage;
      }
      *req.mutable_as_of() = *d;
    }
    pb::GetJobClassResponse resp;
    int rc = Call([&](auto* c, const auto& r, auto* o) { return stub->GetJobClass(c, r, o); }, req,
                  &resp);
    if (rc != 0) return rc;
    if (json) return PrintJson(resp);
    std::cout << RenderClass(resp.job_class());
    return 0;
  }
  if (noun == "class" && verb == "list" && args.size() == 2) {
    pb::ListJobClassesRequest req;
    req.set_filter(Filter());
    req.set_page_size(absl::GetFlag(FLAGS_page_size));
    pb::ListJobClassesResponse all;
    int rc = CallAllPages(
        [&](auto* c, const auto& r, auto* o) { return stub->ListJobClasses(c, r, o); }, req, &all,
        [](pb::ListJobClassesResponse* m) { return m->mutable_job_classes(); });
    if (rc != 0) return rc;
    if (json) return PrintJson(all);
    std::vector<std::vector<std::string>> rows;
    for (const auto& c : all.job_classes()) {
      rows.push_back({c.code(), c.title(), c.jurisdiction_id(),
                      c.pay().code().empty() ? "unknown" : c.pay().code(),
                      FlsaText(c.flsa_status())});
    }
    std::cout << Table({"CODE", "TITLE", "JURISDICTION", "PAY", "FLSA"}, rows);
    std::cout << all.job_classes_size() << " classes\n";
    return 0;
  }
  if (noun == "class" && verb == "search" && args.size() == 3) {
    pb::SearchJobClassesRequest req;
    req.set_query(args[2]);
    req.set_filter(Filter());
    req.set_page_size(absl::GetFlag(FLAGS_page_size));
    pb::SearchJobClassesResponse resp;
    int rc = Call([&](auto* c, const auto& r, auto* o) { return stub->SearchJobClasses(c, r, o); },
                  req, &resp);
    if (rc != 0) return rc;
    if (json) return PrintJson(resp);
    std::vector<std::vector<std::string>> rows;
    for (const auto& h : resp.hits())
      rows.push_back({h.code(), h.title(), h.jurisdiction_id(), h.snippet()});
    std::cout << Table({"CODE", "TITLE", "JURISDICTION", "MATCH"}, rows);
    std::cout << resp.hits_size() << " matches"
              << (resp.next_page_token().empty() ? "" : " (more available)") << "\n";
    return 0;
  }
  if (noun == "class" && verb == "revisions" && args.size() == 3) {
    pb::ListClassRevisionsRequest req;
    req.set_code(args[2]);
    pb::ListClassRevisionsResponse resp;
    int rc = CallAllPages(
        [&](auto* c, const auto& r, auto* o) { return stub->ListClassRevisions(c, r, o); }, req,
        &resp, [](pb::ListClassRevisionsResponse* m) { return m->mutable_revisions(); });
    if (rc != 0) return rc;
    if (json) return PrintJson(resp);
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
  if (noun == "notice" && verb == "get" && args.size() == 3) {
    pb::GetClassificationNoticeRequest req;
    req.set_number(args[2]);
    pb::GetClassificationNoticeResponse resp;
    int rc = Call(
        [&](auto* c, const auto& r, auto* o) { return stub->GetClassificationNotice(c, r, o); },
        req, &resp);
    if (rc != 0) return rc;
    if (json) return PrintJson(resp);
    std::cout << RenderNotice(resp.notice());
    return 0;
  }
  if (noun == "notice" && verb == "list" && args.size() == 2) {
    pb::ListClassificationNoticesRequest req;
    std::vector<std::string> parts;
    if (auto j = absl::GetFlag(FLAGS_jurisdiction); !j.empty())
      parts.push_back(absl::StrCat("jurisdiction = \"", j, "\""));
    if (auto s = absl::GetFlag(FLAGS_state); !s.empty())
      parts.push_back(absl::StrCat("state = ", s));
    req.set_filter(absl::StrJoin(parts, " AND "));
    pb::ListClassificationNoticesResponse resp;
    int rc = CallAllPages(
        [&](auto* c, const auto& r, auto* o) { return stub->ListClassificationNotices(c, r, o); },
        req, &resp, [](pb::ListClassificationNoticesResponse* m) { return m->mutable_notices(); });
    if (rc != 0) return rc;
    if (json) return PrintJson(resp);
    std::vector<std::vector<std::string>> rows;
    for (const auto& n : resp.notices()) {
      rows.push_back({n.number(), dates::Format(n.notice_date()), n.jurisdiction_id(),
                      pb::NoticeState_Name(n.state()).substr(13), n.subject()});
    }
    std::cout << Table({"NUMBER", "DATE", "JURISDICTION", "STATE", "SUBJECT"}, rows);
    return 0;
  }
  if (noun == "jurisdiction" && verb == "list") {
    pb::ListJurisdictionsRequest req;
    pb::ListJurisdictionsResponse resp;
    int rc = Call([&](auto* c, const auto& r, auto* o) { return stub->ListJurisdictions(c, r, o); },
                  req, &resp);
    if (rc != 0) return rc;
    if (json) return PrintJson(resp);
    std::vector<std::vector<std::string>> rows;
    for (const auto& j : resp.jurisdictions()) rows.push_back({j.id(), j.name()});
    std::cout << Table({"ID", "NAME"}, rows);
    return 0;
  }
  if (noun == "series" && verb == "list") {
    pb::ListClassSeriesRequest req;
    req.set_jurisdiction_id(absl::GetFlag(FLAGS_jurisdiction));
    pb::ListClassSeriesResponse resp;
    int rc = Call([&](auto* c, const auto& r, auto* o) { return stub->ListClassSeries(c, r, o); },
                  req, &resp);
    if (rc != 0) return rc;
    if (json) return PrintJson(resp);
    std::vector<std::vector<std::string>> rows;
    for (const auto& s : resp.series()) {
      std::vector<std::string> levels;
      for (const auto& l : s.levels())
        levels.push_back(l.class_code().empty() ? l.name() : l.class_code());
      rows.push_back({s.id(), s.title(), absl::StrJoin(levels, " < ")});
    }
    std::cout << Table({"ID", "TITLE", "LEVELS"}, rows);
    return 0;
  }
  return Usage();
}

}  // namespace
}  // namespace classplan::ctl

int main(int argc, char** argv) {
  absl::SetProgramUsageMessage("classplanctl COMMAND (see --help)");
  // Unknown flags are usage errors (exit 2); abseil's parser would exit 1.
  static const std::set<std::string> kFlags = {
      "target", "json", "nojson", "timeout", "as_of", "jurisdiction", "series", "pay_band", "flsa",
      "state", "page_size", "help", "helpfull", "helpshort", "version",
      // pay commands (pay.cc)
      "api_key", "tls_ca", "payband_target", "band", "from", "to", "unit", "hours_per_year",
      "schedule", "date", "due_by", "name", "effective_from", "effective_to", "source",
      // eligibility commands (eligibility.cc)
      "eligibility_target", "class", "applicant", "applicants", "track", "misses"};
  std::vector<std::string> spelt(argv, argv + argc);  // --as-of is --as_of
  for (int i = 1; i < argc; ++i) {
    std::string& arg = spelt[i];
    if (arg == "--") break;
    if (arg.rfind("--", 0) != 0) continue;
    size_t eq = arg.find('=');
    std::string name = arg.substr(2, eq == std::string::npos ? std::string::npos : eq - 2);
    std::replace(name.begin(), name.end(), '-', '_');
    arg.replace(2, name.size(), name);
    argv[i] = arg.data();
    if (kFlags.count(name) == 0 && !classplan::ctl::IsAppraisalFlag(name)) {
      std::cerr << "error: unknown flag --" << name << "\n";
      return classplan::ctl::Usage();
    }
  }
  std::vector<char*> rest = absl::ParseCommandLine(argc, argv);
  std::vector<std::string> args(rest.begin() + 1, rest.end());
  classplan::ctl::ExpandJurisdictionFlag();
  return classplan::ctl::Run(args);
}
