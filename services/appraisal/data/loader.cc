#include "services/appraisal/data/loader.h"

#include <algorithm>
#include <set>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "common/files/data_dir.h"
#include "google/protobuf/io/tokenizer.h"
#include "google/protobuf/text_format.h"
#include "services/appraisal/domain/model.h"

namespace classplan::appraisal {
namespace {

class Collector : public google::protobuf::io::ErrorCollector {
 public:
  Collector(std::string file, std::vector<std::string>* out) : file_(std::move(file)), out_(out) {}
  void AddError(int line, int /*column*/, const std::string& message) override {
    out_->push_back(absl::StrCat(file_, ":", line + 1, ": ", message));
  }
  void AddWarning(int, int, const std::string&) override {}

 private:
  std::string file_;
  std::vector<std::string>* out_;
};

}  // namespace

absl::StatusOr<std::vector<v1::Framework>> ParseFrameworkFile(const std::string& name,
                                                              const std::string& text) {
  std::vector<std::string> problems;
  Collector collector(name, &problems);
  google::protobuf::TextFormat::Parser parser;
  google::protobuf::TextFormat::ParseInfoTree tree;
  parser.RecordErrorsTo(&collector);
  parser.WriteLocationsTo(&tree);
  v1::FrameworkData data;
  if (!parser.ParseFromString(text, &data)) {
    if (problems.empty()) problems.push_back(absl::StrCat(name, ":0: not valid text format"));
    return absl::InvalidArgumentError(absl::StrJoin(problems, "; "));
  }
  const auto* fd = v1::FrameworkData::descriptor()->FindFieldByName("frameworks");
  std::set<std::pair<std::string, int>> seen;
  for (int i = 0; i < data.frameworks_size(); ++i) {
    const auto& f = data.frameworks(i);
    const int line = tree.GetLocation(fd, i).line + 1;
    status::Violations v;
    ValidateFramework(f, absl::StrCat("frameworks[", i, "]"), &v);
    for (const auto& p : v.list()) {
      problems.push_back(absl::StrCat(name, ":", line, ": ", p.field, ": ", p.description));
    }
    if (!seen.insert({f.id(), f.version()}).second) {
      problems.push_back(absl::StrCat(name, ":", line, ": duplicate framework id and version"));
    }
  }
  if (data.frameworks().empty()) problems.push_back(absl::StrCat(name, ":1: no frameworks"));
  if (!problems.empty()) return absl::InvalidArgumentError(absl::StrJoin(problems, "; "));
  return std::vector<v1::Framework>(data.frameworks().begin(), data.frameworks().end());
}

absl::StatusOr<std::vector<v1::Framework>> LoadFrameworkDir(const std::string& dir) {
  auto read = files::ReadTextprotoDir(dir);
  if (!read.ok()) return read.status();
  std::vector<v1::Framework> out;
  for (const auto& file : *read) {
    auto got = ParseFrameworkFile(file.name, file.content);
    if (!got.ok()) return got.status();
    for (auto& f : *got) out.push_back(std::move(f));
  }
  return out;
}

}  // namespace classplan::appraisal
