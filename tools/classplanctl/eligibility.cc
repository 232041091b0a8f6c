// classplanctl's eligibility commands (the eligibility service, --eligibility_target).

#include <fstream>
#include <iostream>
#include <memory>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include "classplan/eligibility/v1/eligibility_service.grpc.pb.h"
#include "common/dates/dates.h"
#include "google/protobuf/util/json_util.h"
#include "tools/classplanctl/commands.h"
#include "tools/classplanctl/context.h"
#include "tools/classplanctl/render.h"

namespace classplan::ctl {
namespace {

namespace ev1 = ::classplan::eligibility::v1;
using Stub = ev1::EligibilityService::Stub;
constexpr Service kEligibility = Service::kEligibility;

// Every eligibility command's flags; each command sets those it has.
struct EligibilityArgs {
  std::string class_code;
  std::string applicant;
  std::string applicants;
  std::string track = "minimum";
  std::string as_of;
  int misses = 3;
  // Rulings.
  std::string applicant_ref;
  bool standing = false;
  std::string reason_id;
  std::string decision;
  std::string why;
  std::string evidence;
  std::string from;
  std::string until;
  std::string id;
  std::string etag;
  bool include_withdrawn = false;
};

bool ReadApplicant(const std::string& path, ev1::Applicant* out) {
  std::ifstream in(path);
  if (!in) {
    std::cerr << "error: cannot read " << path << "\n";
    return false;
  }
  std::stringstream ss;
  ss << in.rdbuf();
  auto s = google::protobuf::util::JsonStringToMessage(ss.str(), out);
  if (!s.ok()) {
    std::cerr << "error: " << path << " is not an applicant profile: " << s.message() << "\n";
    return false;
  }
  return true;
}

// --as_of or today (UTC).
bool AsOf(const EligibilityArgs& f, common::v1::Date* out) {
  bool has = false;
  if (!ParseDateFlag("as_of", f.as_of, &has, out)) return false;
  if (!has) *out = dates::FromCivilDay(dates::Today());
  return true;
}

bool Track(const EligibilityArgs& f, ev1::Track* out) {
  const std::string& t = f.track;
  if (t == "minimum") {
    *out = ev1::TRACK_MINIMUM;
  } else if (t == "recommended") {
    *out = ev1::TRACK_RECOMMENDED;
  } else {
    std::cerr << "error: --track must be minimum or recommended\n";
    return false;
  }
  return true;
}

const char* Word(ev1::Determination d) {
  switch (d) {
    case ev1::DETERMINATION_QUALIFIED:
      return "QUALIFIED";
    case ev1::DETERMINATION_NEEDS_REVIEW:
      return "NEEDS REVIEW";
    case ev1::DETERMINATION_NOT_QUALIFIED:
      return "NOT QUALIFIED";
    default:
      return "-";
  }
}

void PrintTree(const ev1::NodeResult& n, int depth) {
  std::cout << std::string(2 + 2 * depth, ' ') << n.rule_id() << " (" << n.kind()
            << "): " << Word(n.determination());
  if (!n.reason().empty()) std::cout << " - " << n.reason();
  std::cout << "\n";
  for (const auto& c : n.children()) PrintTree(c, depth + 1);
}

void PrintEvaluation(const ev1::Evaluation& e) {
  for (const auto& line : e.explanation()) std::cout << line << "\n";
  if (e.review_reasons_size() > 0) {
    std::cout << "\nReview reasons (a ruling names the id in brackets):\n";
    for (const auto& r : e.review_reasons()) {
      std::cout << "  " << r.text() << " [" << r.id() << "]\n";
    }
  }
  std::cout << "\nRule tree:\n";
  PrintTree(e.result(), 0);
}

int Check(const EligibilityArgs& f, Stub* stub, Context& c) {
  ev1::EvaluateRequest req;
  req.set_class_code(f.class_code);
  if (req.class_code().empty() || f.applicant.empty()) {
    std::cerr << "error: eligibility check needs --class and --applicant\n";
    return kUsageExit;
  }
  ev1::Track track;
  if (!Track(f, &track) || !AsOf(f, req.mutable_as_of())) return kUsageExit;
  req.set_track(track);
  if (!ReadApplicant(f.applicant, req.mutable_applicant())) return kInvalidExit;
  ev1::Evaluation resp;
  if (int rc = c.Call(kEligibility, stub, &Stub::Evaluate, req, &resp); rc != 0) return rc;
  if (c.json()) return PrintJson(resp);
  PrintEvaluation(resp);
  return 0;
}

void PrintRuling(const ev1::Ruling& r) {
  std::cout << r.id() << "  " << r.class_code() << "  "
            << (r.standing() ? "standing" : "applicant " + r.applicant_ref()) << "  "
            << r.review_reason_id() << "  "
            << (r.decision() == ev1::RULING_DECISION_QUALIFIED ? "QUALIFIED" : "NOT QUALIFIED");
  if (r.has_effective_from()) {
    std::cout << "  from " << dates::Format(r.effective_from());
    if (r.has_effective_until()) std::cout << " until " << dates::Format(r.effective_until());
  }
  std::cout << "  by " << r.author();
  if (r.withdrawn()) std::cout << "  WITHDRAWN by " << r.withdrawn_by();
  std::cout << "\n    " << r.reason() << "\n";
  if (r.withdrawn()) std::cout << "    withdrawn: " << r.withdrawal_reason() << "\n";
}

// Sends a ruling request and prints the ruling it answers with.
template <typename Req>
int SendRuling(Context& c, Stub* stub,
               grpc::Status (Stub::*rpc)(grpc::ClientContext*, const Req&, ev1::Ruling*),
               const Req& req) {
  ev1::Ruling resp;
  if (int rc = c.Call(kEligibility, stub, rpc, req, &resp); rc != 0) return rc;
  if (c.json()) return PrintJson(resp);
  PrintRuling(resp);
  return 0;
}

int Rule(const EligibilityArgs& f, Stub* stub, Context& c) {
  ev1::RecordRulingRequest req;
  req.set_ruling_id(f.id);
  ev1::Ruling* r = req.mutable_ruling();
  r->set_class_code(f.class_code);
  r->set_applicant_ref(f.applicant_ref);
  r->set_standing(f.standing);
  r->set_review_reason_id(f.reason_id);
  r->set_reason(f.why);
  r->set_evidence_ref(f.evidence);
  if (f.decision == "qualified") {
    r->set_decision(ev1::RULING_DECISION_QUALIFIED);
  } else if (f.decision == "not_qualified") {
    r->set_decision(ev1::RULING_DECISION_NOT_QUALIFIED);
  } else {
    std::cerr << "error: --decision must be qualified or not_qualified\n";
    return kUsageExit;
  }
  bool has = false;
  if (!ParseDateFlag("from", f.from, &has, r->mutable_effective_from())) return kUsageExit;
  if (!has) r->clear_effective_from();
  if (!ParseDateFlag("until", f.until, &has, r->mutable_effective_until())) return kUsageExit;
  if (!has) r->clear_effective_until();
  return SendRuling(c, stub, &Stub::RecordRuling, req);
}

int Rulings(const EligibilityArgs& f, Stub* stub, Context& c) {
  ev1::ListRulingsRequest req;
  req.set_class_code(f.class_code);
  req.set_applicant_ref(f.applicant_ref);
  if (f.standing) req.set_kind(ev1::ListRulingsRequest::KIND_STANDING);
  req.set_include_withdrawn(f.include_withdrawn);
  ev1::ListRulingsResponse all;
  if (int rc = c.CallAllPages(kEligibility, stub, &Stub::ListRulings, req, &all,
                              [](ev1::ListRulingsResponse* p) { return p->mutable_rulings(); });
      rc != 0) {
    return rc;
  }
  if (c.json()) return PrintJson(all);
  for (const auto& r : all.rulings()) PrintRuling(r);
  return 0;
}

int WithdrawRuling(const EligibilityArgs& f, Stub* stub, Context& c) {
  ev1::WithdrawRulingRequest req;
  req.set_id(f.id);
  req.set_reason(f.why);
  req.set_etag(f.etag);
  return SendRuling(c, stub, &Stub::WithdrawRuling, req);
}

void PrintStanding(const ev1::ClassStanding& c) {
  std::cout << "  " << c.class_code() << "  " << c.class_title();
  if (!c.decided_path().empty()) std::cout << "  (path " << c.decided_path() << ")";
  std::cout << "\n";
  for (const auto& s : c.shortfalls()) std::cout << "      " << s.description() << "\n";
  for (int i = 0; i < c.review_reasons_size(); ++i) {
    std::cout << "      review " << c.review_reasons(i);
    if (i < c.review_reason_ids_size()) std::cout << " [" << c.review_reason_ids(i) << "]";
    std::cout << "\n";
  }
  for (const auto& a : c.applied_rulings()) {
    std::cout << "      by ruling " << a.ruling_id() << " (" << a.review_reason_id() << ")\n";
  }
}

int Qualify(const EligibilityArgs& f, Stub* stub, Context& c) {
  ev1::FindQualifyingClassesRequest req;
  if (f.applicant.empty()) {
    std::cerr << "error: eligibility qualify needs --applicant\n";
    return kUsageExit;
  }
  ev1::Track track;
  if (!Track(f, &track) || !AsOf(f, req.mutable_as_of())) return kUsageExit;
  req.set_track(track);
  req.set_max_nearest_misses(f.misses);
  if (!ReadApplicant(f.applicant, req.mutable_applicant())) return kInvalidExit;
  ev1::FindQualifyingClassesResponse resp;
  if (int rc = c.Call(kEligibility, stub, &Stub::FindQualifyingClasses, req, &resp); rc != 0)
    return rc;
  if (c.json()) return PrintJson(resp);
  std::cout << "Qualifies for (" << resp.qualifying_size() << "):\n";
  for (const auto& c : resp.qualifying()) PrintStanding(c);
  if (resp.qualifying_size() == 0) std::cout << "  none\n";
  if (resp.needs_review_size() > 0) {
    std::cout << "Needs a person's review (" << resp.needs_review_size() << "):\n";
    for (const auto& c : resp.needs_review()) PrintStanding(c);
  }
  std::cout << "Nearest misses:\n";
  for (const auto& c : resp.nearest_misses()) PrintStanding(c);
  if (resp.nearest_misses_size() == 0) std::cout << "  none\n";
  return 0;
}

int Screen(const EligibilityArgs& f, Stub* stub, Context& c) {
  ev1::ScreenRequest header;
  header.mutable_header()->set_class_code(f.class_code);
  if (header.header().class_code().empty() || f.applicants.empty()) {
    std::cerr << "error: eligibility screen needs --class and --applicants\n";
    return kUsageExit;
  }
  ev1::Track track;
  if (!Track(f, &track) || !AsOf(f, header.mutable_header()->mutable_as_of())) return kUsageExit;
  header.mutable_header()->set_track(track);
  std::ifstream in(f.applicants);
  if (!in) {
    std::cerr << "error: cannot read " << f.applicants << "\n";
    return kInvalidExit;
  }
  std::vector<ev1::ScreenRequest> items;
  std::string line;
  for (int n = 1; std::getline(in, line); ++n) {
    if (line.empty()) continue;
    ev1::ScreenRequest r;
    if (!google::protobuf::util::JsonStringToMessage(line, r.mutable_applicant()).ok()) {
      std::cerr << "error: line " << n << " is not an applicant profile\n";
      return kInvalidExit;
    }
    items.push_back(std::move(r));
  }
  grpc::ClientContext ctx;  // no deadline: a pool may be large
  c.Identify(&ctx);
  auto stream = stub->ScreenApplicants(&ctx);
  // Writer and reader run together so that the server's flow control can work.
  std::thread writer([&] {
    bool ok = stream->Write(header);
    for (size_t i = 0; ok && i < items.size(); ++i) ok = stream->Write(items[i]);
    stream->WritesDone();
  });
  ev1::ScreenResult result;
  int64_t counts[4] = {0, 0, 0, 0};
  const bool json = c.json();
  while (stream->Read(&result)) {
    if (json) {
      std::cout << JsonText(result, /*one_line=*/true);  // one result a line
    } else {
      std::cout << result.index() << "\t" << result.applicant_ref() << "\t"
                << (result.has_error() ? "INVALID" : Word(result.determination()));
      for (const auto& s : result.shortfalls()) std::cout << "\t" << s.description();
      for (const auto& v : result.error().field_violations()) {
        std::cout << "\t" << v.field() << ": " << v.description();
      }
      std::cout << "\n";
    }
    ++counts[result.has_error() ? 0 : static_cast<int>(result.determination())];
  }
  writer.join();
  grpc::Status s = stream->Finish();
  if (!s.ok()) return c.Fail(s, kEligibility);
  if (!json) {
    std::cerr << "qualified " << counts[1] << ", needs review " << counts[2] << ", not qualified "
              << counts[3] << ", invalid " << counts[0] << "\n";
  }
  return 0;
}

void AddTrackAndDate(Node* command, EligibilityArgs* f) {
  command->add_option("--track", f->track, "minimum or recommended qualifications")
      ->type_name("TRACK")
      ->capture_default_str()
      ->one_of({"minimum", "recommended"});
  AddAsOfFlag(command, &f->as_of,
              "the class revision and rules in force on this date (default today)");
}

}  // namespace

void AddEligibilityCommands(Cli& cli) {
  EligibilityArgs* f = cli.Keep(std::make_unique<EligibilityArgs>());
  Node* group =
      cli.Group(cli.root(), "eligibility", "who qualifies for a class (the eligibility service)");
  using Fn = int (*)(const EligibilityArgs&, Stub*, Context&);
  auto command = [&cli, group, f](const char* name, const char* help, Fn fn) {
    return cli.Command(group, name, help, [f, fn](Context& c) {
      auto stub = ev1::EligibilityService::NewStub(c.Channel(kEligibility));
      return fn(*f, stub.get(), c);
    });
  };
  Node* check = command("check", "an applicant against one class, with the explanation", Check);
  check->add_option("--class", f->class_code, "the class code, e.g. SPCP23")
      ->type_name("CODE")
      ->required();
  check
      ->add_option("--applicant", f->applicant, "JSON file of a classplan.eligibility.v1.Applicant")
      ->type_name("FILE")
      ->required();
  AddTrackAndDate(check, f);
  Node* qualify =
      command("qualify", "the classes an applicant qualifies for, and the nearest misses", Qualify);
  qualify
      ->add_option("--applicant", f->applicant, "JSON file of a classplan.eligibility.v1.Applicant")
      ->type_name("FILE")
      ->required();
  qualify->add_option("--misses", f->misses, "how many nearest misses to show")
      ->type_name("N")
      ->capture_default_str();
  AddTrackAndDate(qualify, f);
  Node* screen = command("screen", "a pool of applicants against one class, streamed", Screen);
  screen->add_option("--class", f->class_code, "the class code")->type_name("CODE")->required();
  screen->add_option("--applicants", f->applicants, "file of applicants, one JSON object a line")
      ->type_name("FILE")
      ->required();
  AddTrackAndDate(screen, f);

  // Rulings (hr_analyst / hr_admin).
  Node* rule = command(
      "rule", "record a ruling on a review reason: for one applicant reference, or --standing",
      Rule);
  rule->add_option("--class", f->class_code, "the class code")->type_name("CODE")->required();
  rule->add_option("--applicant_ref", f->applicant_ref,
                   "the determination's applicant reference (not with --standing)");
  rule->add_flag("--standing", f->standing, "a standing ruling for every applicant of the class");
  rule->add_option("--reason_id", f->reason_id,
                   "the review reason's id as an evaluation reports it, e.g. "
                   "\"path-1/education|field_needs_review|51.1508\"")
      ->required();
  rule->add_option("--decision", f->decision, "qualified or not_qualified")->required();
  rule->add_option("--why", f->why, "why (at most 2000 characters)")->required();
  rule->add_option("--evidence", f->evidence, "where the evidence is (a document or case id)");
  rule->add_option("--from", f->from, "standing: the first as-of day it applies to (YYYY-MM-DD)");
  rule->add_option("--until", f->until, "standing: the last as-of day it applies to");
  rule->add_option("--id", f->id,
                   "idempotency key: the ruling id to use (rul-...); a retry with "
                   "the same id and content returns the stored ruling");
  Node* rulings = command("rulings", "list rulings, by id", Rulings);
  rulings->add_option("--class", f->class_code, "only this class's");
  rulings->add_option("--applicant_ref", f->applicant_ref, "only this applicant reference's");
  rulings->add_flag("--standing", f->standing, "only standing rulings");
  rulings->add_flag("--include_withdrawn", f->include_withdrawn, "list withdrawn rulings too");
  Node* withdraw = command(
      "withdraw-ruling", "withdraw a ruling: later evaluations no longer apply it", WithdrawRuling);
  withdraw->add_option("--id", f->id, "the ruling id")->required();
  withdraw->add_option("--why", f->why, "why it is withdrawn")->required();
  withdraw->add_option("--etag", f->etag, "fail unless the ruling is still at this etag");
}

}  // namespace classplan::ctl
