// Writes the binary seed corpora of the fuzz targets that read protobuf binary, from the
// shipped text (scripts/fuzz.sh runs it; nothing binary is kept in git):
//   <out>/rules_fuzz/    every class revision's qualification rules in data/catalog
//   <out>/profile_fuzz/  every applicant in examples/applicants (JSON)
// Usage: fuzz_seeds <source dir> <out dir>

#include <filesystem>
#include <fstream>
#include <iostream>
#include <sstream>
#include <string>

#include "classplan/catalog/v1/data.pb.h"
#include "classplan/eligibility/v1/applicant.pb.h"
#include "google/protobuf/text_format.h"
#include "google/protobuf/util/json_util.h"

namespace {

namespace fs = std::filesystem;

std::string Read(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream text;
  text << in.rdbuf();
  return text.str();
}

bool Write(const fs::path& path, const google::protobuf::Message& m) {
  std::ofstream out(path, std::ios::binary);
  return m.SerializeToOstream(&out);
}

}  // namespace

int main(int argc, char** argv) {
  if (argc != 3) {
    std::cerr << "usage: fuzz_seeds <source dir> <out dir>\n";
    return 2;
  }
  const fs::path src = argv[1];
  const fs::path out = argv[2];
  fs::create_directories(out / "rules_fuzz");
  fs::create_directories(out / "profile_fuzz");
  int written = 0;
  for (const auto& entry : fs::directory_iterator(src / "data" / "catalog")) {
    if (entry.path().extension() != ".textproto") continue;
    classplan::catalog::v1::CatalogData file;
    if (!google::protobuf::TextFormat::ParseFromString(Read(entry.path()), &file)) {
      std::cerr << entry.path() << ": does not parse\n";
      return 1;
    }
    for (int i = 0; i < file.revisions_size(); ++i) {
      const auto& job_class = file.revisions(i).job_class();
      const std::string stem = entry.path().stem().string() + "-" + std::to_string(i);
      if (job_class.has_minimum_qualification_rules()) {
        written +=
            Write(out / "rules_fuzz" / (stem + "-min"), job_class.minimum_qualification_rules());
      }
      if (job_class.has_recommended_qualification_rules()) {
        written += Write(out / "rules_fuzz" / (stem + "-rec"),
                         job_class.recommended_qualification_rules());
      }
    }
  }
  for (const auto& entry : fs::directory_iterator(src / "examples" / "applicants")) {
    if (entry.path().extension() != ".json") continue;
    classplan::eligibility::v1::Applicant applicant;
    if (!google::protobuf::util::JsonStringToMessage(Read(entry.path()), &applicant).ok()) {
      std::cerr << entry.path() << ": does not parse\n";
      return 1;
    }
    written += Write(out / "profile_fuzz" / entry.path().stem(), applicant);
  }
  std::cout << "fuzz_seeds: " << written << " seeds in " << out.string() << "\n";
  return 0;
}
