#include "tools/classplanctl/eligibility.h"

#include <fstream>
#include <iostream>
#include <sstream>
#include <thread>

#include "absl/flags/declare.h"
#include "absl/flags/flag.h"
#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "classplan/eligibility/v1/eligibility_service.grpc.pb.h"
#include "common/dates/dates.h"
#include "common/status/grpc_status.h"
#include "google/protobuf/util/json_util.h"
#include "grpcpp/grpcpp.h"
#include "tools/classplanctl/connect.h"
#include "tools/classplanctl/pay.h"

ABSL_FLAG(std::string, eligibility_target,
          classplan::ctl::EnvOr("CLASSPLAN_ELIGIBILITY_TARGET", classplan::ctl::kGatewayTarget),
          "eligibility service host:port (env CLASSPLAN_ELIGIBILITY_TARGET)");
ABSL_FLAG(std::string, class, "", "eligibility check/screen: the class code, e.g. SPCP23");
ABSL_FLAG(std::string, applicant, "",
          "eligibility check/qualify: JSON file of a classplan.eligibility.v1.Applicant");
ABSL_FLAG(std::string, applicants, "",
          "eligibility screen: file of applicants, one JSON object a line");
ABSL_FLAG(std::string, track, "minimum", "eligibility: minimum or recommended");
ABSL_FLAG(int, misses, 3, "eligibility qualify: how many nearest misses to show");

ABSL_DECLARE_FLAG(bool, json);
ABSL_DECLARE_FLAG(absl::Duration, timeout);
ABSL_DECLARE_FLAG(std::string, as_of);

namespace classplan::ctl {
namespace {

namespace ev1 = ::classplan::eligibility::v1;
constexpr int kUsageExit = 2;
constexpr int kInvalidExit = 4;

int Fail(const grpc::Status& s) {
  PrintStatusError(s);
  if (s.error_code() == grpc::StatusCode::UNAVAILABLE &&
      s.error_message().rfind("catalog unavailable", 0) != 0) {
    std::cerr << "  is the eligibility service running at "
              << absl::GetFlag(FLAGS_eligibility_target) << "? (--eligibility_target)\n";
  }
  return ExitCodeFor(s.error_code());
}

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
bool AsOf(common::v1::Date* out) {
  const std::string text = absl::GetFlag(FLAGS_as_of);
  if (text.empty()) {
    *out = dates::FromCivilDay(dates::Today());
    return true;
  }
  auto d = dates::ParseFull(text);
  if (!d.ok()) {
    std::cerr << "error: --as_of must be YYYY-MM-DD\n";
    return false;
  }
  *out = *d;
  return true;
}

bool Track(ev1::Track* out) {
  const std::string t = absl::GetFlag(FLAGS_track);
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
  std::cout << "\nRule tree:\n";
  PrintTree(e.result(), 0);
}

int Check(ev1::EligibilityService::Stub* stub) {
  ev1::EvaluateRequest req;
  req.set_class_code(absl::GetFlag(FLAGS_class));
  if (req.class_code().empty() || absl::GetFlag(FLAGS_applicant).empty()) {
    std::cerr << "error: eligibility check needs --class and --applicant\n";
    return kUsageExit;
  }
  ev1::Track track;
  if (!Track(&track) || !AsOf(req.mutable_as_of())) return kUsageExit;
  req.set_track(track);
  if (!ReadApplicant(absl::GetFlag(FLAGS_applicant), req.mutable_applicant())) return kInvalidExit;
  grpc::ClientContext ctx;
  ctx.set_deadline(absl::ToChronoTime(absl::Now() + absl::GetFlag(FLAGS_timeout)));
  ev1::Evaluation resp;
  grpc::Status s = stub->Evaluate(&ctx, req, &resp);
  if (!s.ok()) return Fail(s);
  if (absl::GetFlag(FLAGS_json)) return PrintJson(resp);
  PrintEvaluation(resp);
  return 0;
}

void PrintStanding(const ev1::ClassStanding& c) {
  std::cout << "  " << c.class_code() << "  " << c.class_title();
  if (!c.decided_path().empty()) std::cout << "  (path " << c.decided_path() << ")";
  std::cout << "\n";
  for (const auto& s : c.shortfalls()) std::cout << "      " << s.description() << "\n";
  for (const auto& r : c.review_reasons()) std::cout << "      review " << r << "\n";
}

int Qualify(ev1::EligibilityService::Stub* stub) {
  ev1::FindQualifyingClassesRequest req;
  if (absl::GetFlag(FLAGS_applicant).empty()) {
    std::cerr << "error: eligibility qualify needs --applicant\n";
    return kUsageExit;
  }
  ev1::Track track;
  if (!Track(&track) || !AsOf(req.mutable_as_of())) return kUsageExit;
  req.set_track(track);
  req.set_max_nearest_misses(absl::GetFlag(FLAGS_misses));
  if (!ReadApplicant(absl::GetFlag(FLAGS_applicant), req.mutable_applicant())) return kInvalidExit;
  grpc::ClientContext ctx;
  ctx.set_deadline(absl::ToChronoTime(absl::Now() + absl::GetFlag(FLAGS_timeout)));
  ev1::FindQualifyingClassesResponse resp;
  grpc::Status s = stub->FindQualifyingClasses(&ctx, req, &resp);
  if (!s.ok()) return Fail(s);
  if (absl::GetFlag(FLAGS_json)) return PrintJson(resp);
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

int Screen(ev1::EligibilityService::Stub* stub) {
  ev1::ScreenRequest header;
  header.mutable_header()->set_class_code(absl::GetFlag(FLAGS_class));
  if (header.header().class_code().empty() || absl::GetFlag(FLAGS_applicants).empty()) {
    std::cerr << "error: eligibility screen needs --class and --applicants\n";
    return kUsageExit;
  }
  ev1::Track track;
  if (!Track(&track) || !AsOf(header.mutable_header()->mutable_as_of())) return kUsageExit;
  header.mutable_header()->set_track(track);
  std::ifstream in(absl::GetFlag(FLAGS_applicants));
  if (!in) {
    std::cerr << "error: cannot read " << absl::GetFlag(FLAGS_applicants) << "\n";
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
  auto stream = stub->ScreenApplicants(&ctx);
  // Writer and reader run together so that the server's flow control can work.
  std::thread writer([&] {
    bool ok = stream->Write(header);
    for (size_t i = 0; ok && i < items.size(); ++i) ok = stream->Write(items[i]);
    stream->WritesDone();
  });
  ev1::ScreenResult result;
  int64_t counts[4] = {0, 0, 0, 0};
  const bool json = absl::GetFlag(FLAGS_json);
  while (stream->Read(&result)) {
    if (json) {
      std::string out;
      google::protobuf::util::JsonPrintOptions o;
      (void)google::protobuf::util::MessageToJsonString(result, &out, o);
      std::cout << out << "\n";
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
  if (!s.ok()) return Fail(s);
  if (!json) {
    std::cerr << "qualified " << counts[1] << ", needs review " << counts[2] << ", not qualified "
              << counts[3] << ", invalid " << counts[0] << "\n";
  }
  return 0;
}

}  // namespace

const char* EligibilityUsage() {
  return "  eligibility check --class=CODE --applicant=a.json [--track=minimum|recommended] "
         "[--as_of=YYYY-MM-DD]\n"
         "  eligibility qualify --applicant=a.json [--misses=3] [--as_of=...]\n"
         "  eligibility screen --class=CODE --applicants=pool.jsonl [--as_of=...]\n"
         "  (eligibility commands talk to --eligibility_target, env "
         "CLASSPLAN_ELIGIBILITY_TARGET; --as_of defaults to today)\n";
}

int RunEligibility(const std::vector<std::string>& args) {
  if (args.size() != 2) return Usage();
  auto stub = ev1::EligibilityService::NewStub(Connect(absl::GetFlag(FLAGS_eligibility_target)));
  if (args[1] == "check") return Check(stub.get());
  if (args[1] == "qualify") return Qualify(stub.get());
  if (args[1] == "screen") return Screen(stub.get());
  return Usage();
}

}  // namespace classplan::ctl
