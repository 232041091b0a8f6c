// gateway_keygen: makes an API key. Prints the key (once; it is not stored anywhere) on
// stdout and adds its entry (salted hash, principal, roles, expiry) to the key file, which is
// always mode 0600. The file is replaced whole (written beside it, then renamed), so a gateway
// reloading it never reads half an entry.
//
//   gateway_keygen --keys_file=keys.textproto --principal=nm-ats --roles=agency_system
//                  [--expires=2027-01-31T00:00:00Z | --expires=2160h]
//                  [--comment="NM applicant tracking"] [--iterations=1000]

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cstdio>
#include <iostream>

#include "absl/flags/flag.h"
#include "absl/flags/parse.h"
#include "absl/flags/usage.h"
#include "absl/strings/str_split.h"
#include "absl/time/clock.h"
#include "absl/time/time.h"
#include "google/protobuf/text_format.h"
#include "services/gateway/domain/api_keys.h"
#include "services/gateway/domain/settings.h"

ABSL_FLAG(std::string, keys_file, "", "key file to append the entry to (required)");
ABSL_FLAG(std::string, principal, "", "principal id the key acts as (required)");
ABSL_FLAG(std::string, roles, "", "comma-separated roles (required)");
ABSL_FLAG(std::string, comment, "", "note stored with the entry");
ABSL_FLAG(std::string, expires, "",
          "when the key stops working: an RFC 3339 time (2027-01-31T00:00:00Z) or a duration "
          "from now (2160h); empty: never");
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
  const std::string expires_flag = absl::GetFlag(FLAGS_expires);
  absl::Time expires = absl::InfiniteFuture();
  if (absl::Duration in; !expires_flag.empty() && absl::ParseDuration(expires_flag, &in)) {
    expires = absl::Now() + in;
  } else if (auto at = classplan::gateway::ParseExpiry(expires_flag); at.ok()) {
    expires = *at;
  } else {
    std::cerr << "error: --expires: " << at.status().message() << " or a duration (2160h)\n";
    return 2;
  }
  if (expires <= absl::Now()) {
    std::cerr << "error: --expires is in the past\n";
    return 2;
  }
  auto key = classplan::gateway::MakeKey(absl::GetFlag(FLAGS_principal), roles,
                                         absl::GetFlag(FLAGS_iterations), expires);
  if (!key.ok()) {
    std::cerr << "error: " << key.status().message() << "\n";
    return 2;
  }
  key->entry.set_comment(absl::GetFlag(FLAGS_comment));
  // The file must stay valid: check the existing one and the new entry together.
  std::string text;
  if (access(path.c_str(), F_OK) == 0) {
    auto old = classplan::gateway::ReadWholeFile(path);
    if (!old.ok()) {
      std::cerr << "error: " << old.status().message() << "\n";
      return 1;
    }
    text = *std::move(old);
  }
  classplan::gateway::v1::KeyFile file;
  if (auto s = classplan::gateway::ParseTextProto(text, path, &file); !s.ok()) {
    std::cerr << "error: " << s.message() << "\n";
    return 1;
  }
  *file.add_key() = key->entry;
  if (auto store = classplan::gateway::KeyStore::FromProto(file); !store.ok()) {
    std::cerr << "error: " << store.status().message() << "\n";
    return 2;
  }
  // The old text as it is (an operator's comments stay), then the new entry.
  classplan::gateway::v1::KeyFile one;
  *one.add_key() = key->entry;
  std::string entry;
  google::protobuf::TextFormat::PrintToString(one, &entry);
  if (!text.empty() && text.back() != '\n') text += '\n';
  text += entry;
  const std::string tmp = path + ".tmp";
  const int fd = open(tmp.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
  const bool written = fd >= 0 && fchmod(fd, 0600) == 0 &&
                       write(fd, text.data(), text.size()) == static_cast<ssize_t>(text.size()) &&
                       fsync(fd) == 0;
  if (fd >= 0) close(fd);
  if (!written || rename(tmp.c_str(), path.c_str()) != 0) {
    unlink(tmp.c_str());
    std::cerr << "error: cannot write " << path << "\n";
    return 1;
  }
  std::cout << key->key << "\n";
  return 0;
}
