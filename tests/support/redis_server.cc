#include "tests/support/redis_server.h"

#include <fcntl.h>
#include <netinet/in.h>
#include <poll.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string_view>
#include <system_error>
#include <utility>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "absl/time/time.h"
#include "tests/support/temp.h"
#include "tests/support/wait.h"

namespace classplan::testing {
namespace {

constexpr absl::Duration kReadyTimeout = absl::Seconds(10);

std::string FindRedisServer() {
  if (const char* path = std::getenv("PATH"); path != nullptr) {
    for (absl::string_view dir : absl::StrSplit(path, ':', absl::SkipEmpty())) {
      std::string candidate = absl::StrCat(dir, "/redis-server");
      if (access(candidate.c_str(), X_OK) == 0) return candidate;
    }
  }
  if (access("/usr/bin/redis-server", X_OK) == 0) return "/usr/bin/redis-server";
  return "";
}

// True if a RESP PING on 127.0.0.1:port gets +PONG within the timeout (after AUTH when
// `auth` is a RESP AUTH command).
bool Pings(int port, absl::Duration timeout, const std::string& auth = "") {
  const int fd = socket(AF_INET, SOCK_STREAM, 0);
  if (fd < 0) return false;
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  addr.sin_port = htons(static_cast<uint16_t>(port));
  bool ok = false;
  if (connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof(addr)) == 0) {
    const std::string ping = auth + "PING\r\n";
    if (send(fd, ping.data(), ping.size(), MSG_NOSIGNAL) == static_cast<ssize_t>(ping.size())) {
      // "+OK\r\n" for the AUTH first, then "+PONG".
      const std::string expected = auth.empty() ? "+PONG" : "+OK\r\n+PONG";
      std::string got;
      char buf[32] = {};
      pollfd pfd{fd, POLLIN, 0};
      while (got.size() < expected.size() &&
             poll(&pfd, 1, static_cast<int>(absl::ToInt64Milliseconds(timeout))) == 1) {
        const ssize_t n = recv(fd, buf, sizeof(buf), 0);
        if (n <= 0) break;
        got.append(buf, static_cast<size_t>(n));
      }
      ok = got.compare(0, expected.size(), expected) == 0;
    }
  }
  close(fd);
  return ok;
}

std::string ReadFile(const std::string& path) {
  std::ifstream in(path);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

// The RESP AUTH command for the options, or "" without a password.
std::string AuthCommand(const RedisServer::Options& o) {
  if (o.password.empty()) return "";
  return absl::StrCat("*3\r\n$4\r\nAUTH\r\n$", o.user.size(), "\r\n", o.user, "\r\n$",
                      o.password.size(), "\r\n", o.password, "\r\n");
}

}  // namespace

absl::StatusOr<std::unique_ptr<RedisServer>> RedisServer::Start() { return Start(Options{}); }

absl::StatusOr<std::unique_ptr<RedisServer>> RedisServer::Start(Options options) {
  std::string binary = FindRedisServer();
  if (binary.empty()) return absl::NotFoundError("redis-server not found on PATH or in /usr/bin");
  std::string dir = MakeTempDir("classplan-redis-");
  if (dir.empty()) return absl::InternalError("cannot create temp dir for redis-server");
  const int port = FreeTcpPort();
  std::unique_ptr<RedisServer> server(
      new RedisServer(std::move(binary), std::move(dir), port, std::move(options)));
  if (port <= 0) return absl::InternalError("no free loopback port");
  if (absl::Status s = server->Restart(); !s.ok()) return s;
  return server;
}

RedisServer::RedisServer(std::string binary, std::string dir, int port, Options options)
    : binary_(std::move(binary)), dir_(std::move(dir)), port_(port), options_(std::move(options)) {
  if (!options_.password.empty()) {
    // Owner-only, like the launcher's: the password is never on a command line.
    std::ofstream(password_file()) << options_.user << " " << options_.password << "\n";
    chmod(password_file().c_str(), 0600);
    // The ACL rules in a config file rather than on redis-server's command line, too.
    std::ofstream(dir_ + "/acl.conf") << "user default off\nuser " << options_.user << " on >"
                                      << options_.password << " ~* &* +@all\n";
  }
}

std::string RedisServer::password_file() const {
  return options_.password.empty() ? "" : dir_ + "/password";
}

absl::StatusOr<std::string> RedisServer::Cli(const std::string& args) const {
  // redis-cli reads the password from REDISCLI_AUTH, so it is not on a command line.
  const std::string line =
      options_.password.empty()
          ? absl::StrCat("redis-cli -p ", port_, " ", args)
          : absl::StrCat("REDISCLI_AUTH=$(cut -d' ' -f2 '", password_file(), "') redis-cli --user ",
                         options_.user, " -p ", port_, " ", args);
  FILE* p = popen(line.c_str(), "r");
  if (p == nullptr) return absl::InternalError("popen redis-cli");
  std::string out;
  char buf[4096];
  size_t n;
  while ((n = fread(buf, 1, sizeof(buf), p)) > 0) out.append(buf, n);
  if (pclose(p) != 0) return absl::InternalError(absl::StrCat("failed: redis-cli ... ", args));
  return out;
}

RedisServer::~RedisServer() {
  Kill();
  std::error_code ignored;
  std::filesystem::remove_all(dir_, ignored);
}

void RedisServer::Kill() {
  if (pid_ <= 0) return;
  kill(pid_, SIGKILL);
  while (waitpid(pid_, nullptr, 0) < 0 && errno == EINTR) {
  }
  pid_ = -1;
}

void RedisServer::Pause() {
  if (pid_ > 0) kill(pid_, SIGSTOP);
}

void RedisServer::Resume() {
  if (pid_ > 0) kill(pid_, SIGCONT);
}

absl::Status RedisServer::HoldWrites(absl::Duration d) {
  return Cli(absl::StrCat("CLIENT PAUSE ", absl::ToInt64Milliseconds(d), " WRITE")).status();
}

absl::Status RedisServer::ReleaseWrites() { return Cli("CLIENT UNPAUSE").status(); }

absl::Status RedisServer::Restart() {
  Kill();
  if (absl::Status s = Launch(); !s.ok()) return s;
  return WaitReady();
}

absl::Status RedisServer::Launch() {
  const std::string port = absl::StrCat(port_);
  const std::string logfile = absl::StrCat(dir_, "/redis.log");
  std::vector<std::string> args = {
      binary_, "--port", port, "--bind",    "127.0.0.1", "--save",      "",  "--appendonly",
      "no",    "--dir",  dir_, "--logfile", logfile,     "--daemonize", "no"};
  if (!options_.password.empty()) {
    args.insert(args.begin() + 1, dir_ + "/acl.conf");  // the config file comes first
  }
  std::vector<char*> argv;
  argv.reserve(args.size() + 1);
  for (std::string& a : args) argv.push_back(a.data());
  argv.push_back(nullptr);

  const pid_t parent = getpid();
  const pid_t pid = fork();
  if (pid < 0) return absl::InternalError(absl::StrCat("fork: ", std::strerror(errno)));
  if (pid == 0) {
    // Don't outlive a crashed test binary.
    prctl(PR_SET_PDEATHSIG, SIGKILL);
    if (getppid() != parent) _exit(1);
    const int devnull = open("/dev/null", O_RDWR);
    if (devnull >= 0) {
      dup2(devnull, STDIN_FILENO);
      dup2(devnull, STDOUT_FILENO);
    }
    execv(argv[0], argv.data());
    _exit(127);
  }
  pid_ = pid;
  return absl::OkStatus();
}

absl::Status RedisServer::WaitReady() {
  int status = 0;
  bool exited = false;
  const bool answered = WaitFor(
      [&] {
        exited = waitpid(pid_, &status, WNOHANG) == pid_;
        return exited || Pings(port_, absl::Milliseconds(500), AuthCommand(options_));
      },
      kReadyTimeout);
  if (exited) {
    pid_ = -1;
    return absl::InternalError(absl::StrCat("redis-server exited early (status ", status,
                                            "); log:\n", ReadFile(dir_ + "/redis.log")));
  }
  if (answered) return absl::OkStatus();
  Kill();
  return absl::DeadlineExceededError(absl::StrCat("redis-server did not answer PING on port ",
                                                  port_, " within 10s; log:\n",
                                                  ReadFile(dir_ + "/redis.log")));
}

}  // namespace classplan::testing
