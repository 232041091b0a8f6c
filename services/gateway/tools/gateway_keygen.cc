// gateway_keygen: makes an API key. Prints the key (once; it is not stored anywhere) on
// stdout and appends its entry (salted hash, principal, roles) to the key file, which is
// created with mode 0600 if missing.
//
//   gateway_keygen --keys_file=keys.textproto --principal=nm-ats --roles=agency_system
//                  [--comment="NM applicant tracking"] [--iterations=1000]

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <iostream>

#include "absl/flags/flag.h"
#include "absl/flags/parse.h"
#include "absl/flags/usage.h"
#include "absl/strings/str_split.h"
#include "google/protobuf/text_format.h"
#include "services/gateway/domain/api_keys.h"
#include "services/gateway/domain/settings.h"

ABSL_FLAG(std::string, keys_file, "", "key file to append the entry to (required)");
ABSL_FLAG(std::string, principal, "", "principal id the key acts as (required)");
ABSL_FLAG(std::string, roles, "", "comma-separated roles (required)");
ABSL_FLAG(std::string, comment, "", "note stored with the entry");
ABSL_FLAG(int, iterations, classplan::gateway::kDefaultKeyIterations, "PBKDF2 iterations");

int main(int argc, char** argv) {
  absl::SetProgramUsageMessage("gateway_keygen --keys_file=F --principal=ID --roles=R1,R2");
  absl::ParseCommandLine(argc, argv);
  const std::string path = absl::GetFlag(FLAGS_keys_file);
  if (path.empty()) {
    std::cerr << "error: --keys_file is required\n";
    return 2;
  }
  std::vector<std::string> roles =
      absl::StrSplit(absl::GetFlag(FLAGS_roles), ',', absl::SkipWhitespace());
  auto key = classplan::gateway::MakeKey(absl::GetFlag(FLAGS_principal), roles,
                                         absl::GetFlag(FLAGS_iterations));
  if (!key.ok()) {
    std::cerr << "error: " << key.status().message() << "\n";
    return 2;
  }
  key->entry.set_comment(absl::GetFlag(FLAGS_comment));
  // The file must stay valid: check the existing one and the new entry together.
  classplan::gateway::v1::KeyFile file;
  if (access(path.c_str(), F_OK) == 0) {
    if (auto s = classplan::gateway::ReadTextProtoFile(path, &file); !s.ok()) {
      std::cerr << "error: " << s.message() << "\n";
      return 1;
    }
  }
  *file.add_key() = key->entry;
  if (auto store = classplan::gateway::KeyStore::FromProto(file); !store.ok()) {
    std::cerr << "error: " << store.status().message() << "\n";
    return 2;
  }
  classplan::gateway::v1::KeyFile one;
  *one.add_key() = key->entry;
  std::string text;
  google::protobuf::TextFormat::PrintToString(one, &text);
  const int fd = open(path.c_str(), O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0600);
  if (fd < 0 || write(fd, text.data(), text.size()) != static_cast<ssize_t>(text.size())) {
    std::cerr << "error: cannot write " << path << "\n";
    return 1;
  }
  close(fd);
  std::cout << key->key << "\n";
  return 0;
}
