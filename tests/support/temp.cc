#include "tests/support/temp.h"

#include <netinet/in.h>
#include <stdlib.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cstdlib>
#include <fstream>
#include <regex>
#include <sstream>
#include <vector>

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "tests/support/wait.h"

namespace classplan::testing {

int FreeTcpPort() {
  // Close-on-exec: the servers a test starts must not hold its other reservations.
  const int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (fd < 0) return -1;
  const int one = 1;
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  // Every address: the DNS test's replicas listen on 127.0.0.2 and 127.0.0.3 too.
  addr.sin_addr.s_addr = htonl(INADDR_ANY);
  addr.sin_port = 0;
  socklen_t len = sizeof(addr);
  if (setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one)) != 0 ||
      bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof(addr)) != 0 ||
      getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &len) != 0) {
    close(fd);
    return -1;
  }
  // Kept open on purpose until the process exits: closing it would free the port for anyone.
  return ntohs(addr.sin_port);
}

std::string MakeTempDir(std::string_view prefix) {
  const char* tmpdir = std::getenv("TMPDIR");
  std::string templ = absl::StrCat(tmpdir != nullptr && *tmpdir != '\0' ? tmpdir : "/tmp", "/",
                                   absl::string_view(prefix.data(), prefix.size()), "XXXXXX");
  std::vector<char> buf(templ.begin(), templ.end());
  buf.push_back('\0');
  if (mkdtemp(buf.data()) == nullptr) return "";
  return std::string(buf.data());
}

std::string ReadWholeFile(const std::string& path) {
  std::ifstream in(path);
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

std::string DemoKey(const std::string& env_file, const std::string& role) {
  std::smatch m;
  const std::string text = ReadWholeFile(env_file);
  const std::regex re("CLASSPLAN_DEMO_KEY_" + absl::AsciiStrToUpper(role) + "=(cpk_[0-9a-f_]+)");
  return std::regex_search(text, m, re) ? m[1].str() : "";
}

bool WaitForFileText(const std::string& path, const std::string& needle, absl::Duration timeout) {
  return WaitFor([&] { return ReadWholeFile(path).find(needle) != std::string::npos; }, timeout);
}

}  // namespace classplan::testing
