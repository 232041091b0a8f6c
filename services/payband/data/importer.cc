#include "services/payband/data/importer.h"

#include <algorithm>
#include <set>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "classplan/payband/v1/data.pb.h"
#include "google/protobuf/io/tokenizer.h"
#include "google/protobuf/text_format.h"
#include "services/payband/domain/schedules.h"

namespace classplan::payband {
namespace {

using google::protobuf::TextFormat;

class Collector : public google::protobuf::io::ErrorCollector {
 public:
  Collector(std::string file, std::vector<std::string>* out) : file_(std::move(file)), out_(out) {}
  void AddError(int line, int, const std::string& message) override {
    out_->push_back(absl::StrCat(file_, ":", line + 1, ": ", message));
  }
  void AddWarning(int line, int column, const std::string& message) override {
    AddError(line, column, message);
  }

 private:
  std::string file_;
  std::vector<std::string>* out_;
};

void Report(const std::string& file, int line, const status::Violations& v,
            std::vector<std::string>* out) {
  for (const auto& f : v.list())
    out->push_back(absl::StrCat(file, ":", line, ": ", f.field, ": ", f.description));
}

}  // namespace

absl::StatusOr<std::vector<PayDataFile>> ReadPayDataDir(const std::string& dir) {
  return files::ReadTextprotoDir(dir);
}

absl::StatusOr<PayDataReport> ImportPayDataFiles(const std::vector<PayDataFile>& files,
                                                 PaybandStore* store) {
  PayDataReport report;
  const auto* sched_fd = v1::PaybandData::descriptor()->FindFieldByName("schedules");
  const auto* alt_fd = v1::PaybandData::descriptor()->FindFieldByName("alternative_assignments");
  const auto* band_fd = v1::ScheduleData::descriptor()->FindFieldByName("bands");
  for (const auto& f : files) {
    v1::PaybandData data;
    TextFormat::ParseInfoTree tree;
    TextFormat::Parser parser;
    const size_t before = report.problems.size();
    Collector collector(f.name, &report.problems);
    parser.RecordErrorsTo(&collector);
    parser.WriteLocationsTo(&tree);
    if (!parser.ParseFromString(f.content, &data)) {
      if (report.problems.size() == before) report.problems.push_back(f.name + ": does not parse");
      continue;
    }
    // Text format takes any bytes in a string, but the store's binary form refuses invalid
    // UTF-8 when it reads it back: such a file would be stored and then be unreadable.
    if (std::string bytes;
        !data.SerializeToString(&bytes) || !v1::PaybandData().ParseFromString(bytes)) {
      report.problems.push_back(f.name + ": a text field is not valid UTF-8");
      continue;
    }
    // Check the whole file; schedules it adds are checked against each other and the store.
    std::set<std::string> ids;
    std::vector<pb::PaySchedule> planned;
    for (int i = 0; i < data.schedules_size(); ++i) {
      const auto& sd = data.schedules(i);
      const pb::PaySchedule& s = sd.schedule();
      const int line = tree.GetLocation(sched_fd, i).line + 1;
      status::Violations v;
      CheckSchedule(s, "schedule.", v);
      if (!absl::StartsWith(s.id(), s.jurisdiction_id() + "/") ||
          s.id().size() <= s.jurisdiction_id().size() + 1)
        v.Add("schedule.id", "must be \"<jurisdiction_id>/<slug>\"");
      if (!ids.insert(s.id()).second) v.Add("schedule.id", "repeats an earlier schedule");
      if (sd.bands_size() > kMaxBandsPerSchedule)
        v.Add("bands", absl::StrCat("at most ", kMaxBandsPerSchedule, " bands a schedule"));
      Report(f.name, line, v, &report.problems);
      std::set<std::string> codes;
      const auto* nested = tree.GetTreeForNested(sched_fd, i);
      for (int j = 0; j < sd.bands_size(); ++j) {
        status::Violations bv;
        CheckBand(sd.bands(j), MidpointRuleOf(s), s.currency_code(), "band.", bv);
        if (!codes.insert(sd.bands(j).code()).second)
          bv.Add("band.code", "repeats an earlier band");
        const int bline = nested ? nested->GetLocation(band_fd, j).line + 1 : line;
        Report(f.name, bline, bv, &report.problems);
      }
      planned.push_back(s);
    }
    for (int i = 0; i < data.alternative_assignments_size(); ++i) {
      const auto& a = data.alternative_assignments(i);
      status::Violations v;
      CheckAlternativeAssignment(a, "", v);
      Report(f.name, tree.GetLocation(alt_fd, i).line + 1, v, &report.problems);
    }
    if (report.problems.size() != before) continue;
    for (size_t i = 0; i < planned.size(); ++i) {
      for (size_t k = 0; k < i; ++k) {
        if (auto st = CheckNoOverlap({planned[k]}, planned[i]); !st.ok()) {
          report.problems.push_back(absl::StrCat(
              f.name, ":", tree.GetLocation(sched_fd, i).line + 1, ": ", st.message()));
        }
      }
    }
    if (report.problems.size() != before) continue;
    for (int i = 0; i < data.schedules_size(); ++i) {
      const auto& sd = data.schedules(i);
      auto existing = store->GetSchedule(sd.schedule().id());
      if (!existing.ok()) return existing.status();
      if (existing->has_value()) {
        ++report.schedules_present;
        continue;
      }
      std::vector<pb::PayBand> bands(sd.bands().begin(), sd.bands().end());
      absl::Status st = store->AddSchedule(
          sd.schedule(), bands,
          [&](const std::vector<pb::PaySchedule>& e) { return CheckNoOverlap(e, sd.schedule()); },
          std::nullopt);  // shipped data, not an API write: no audit event
      // Another replica importing the same file got there first (replicas start together).
      if (absl::IsAlreadyExists(st)) {
        ++report.schedules_present;
        continue;
      }
      if (absl::IsInvalidArgument(st)) {
        report.problems.push_back(
            absl::StrCat(f.name, ":", tree.GetLocation(sched_fd, i).line + 1, ": ", st.message()));
        continue;
      }
      if (!st.ok()) return st;
      ++report.schedules_imported;
    }
    for (const auto& a : data.alternative_assignments()) {
      absl::Status st = store->AddAlternativeAssignment(a);
      if (absl::IsAlreadyExists(st)) continue;
      if (!st.ok()) return st;
      ++report.assignments_imported;
    }
  }
  return report;
}

}  // namespace classplan::payband
