#include "tests/support/postgres_server.h"

#include <fcntl.h>
#include <grp.h>
#include <pwd.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <utility>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"
#include "tests/support/temp.h"

namespace classplan::testing {
namespace {

bool Executable(const std::string& path) { return ::access(path.c_str(), X_OK) == 0; }

bool HasServerPrograms(const std::string& dir) {
  return Executable(dir + "/initdb") && Executable(dir + "/pg_ctl") && Executable(dir + "/psql");
}

std::string FindBinDir() {
  if (const char* env = std::getenv("CLASSPLAN_PG_BINDIR"); env != nullptr && *env != '\0') {
    return HasServerPrograms(env) ? env : "";
  }
  if (HasServerPrograms("/usr/lib/postgresql/15/bin")) return "/usr/lib/postgresql/15/bin";
  std::string newest;
  std::error_code ec;
  for (const auto& entry : std::filesystem::directory_iterator("/usr/lib/postgresql", ec)) {
    const std::string bin = entry.path().string() + "/bin";
    if (HasServerPrograms(bin) && bin > newest) newest = bin;
  }
  if (!newest.empty()) return newest;
  const char* path = std::getenv("PATH");
  for (const auto& dir : absl::StrSplit(path == nullptr ? "" : path, ':')) {
    std::string initdb = absl::StrCat(dir, "/initdb");
    if (!Executable(initdb)) continue;
    std::filesystem::path real = std::filesystem::canonical(initdb, ec);
    if (!ec && HasServerPrograms(real.parent_path().string())) return real.parent_path().string();
  }
  return "";
}

// Chowns every entry under `dir` (and `dir`) to uid:gid.
void GiveTree(const std::string& dir, uid_t uid, gid_t gid) {
  std::error_code ec;
  ::chown(dir.c_str(), uid, gid);
  for (const auto& e : std::filesystem::recursive_directory_iterator(dir, ec)) {
    ::lchown(e.path().c_str(), uid, gid);
  }
}

}  // namespace

absl::StatusOr<std::unique_ptr<PostgresServer>> PostgresServer::Start() { return Start(Options{}); }

absl::StatusOr<std::unique_ptr<PostgresServer>> PostgresServer::Start(Options options) {
  std::string bindir = FindBinDir();
  if (bindir.empty()) {
    return absl::NotFoundError(
        "PostgreSQL server programs (initdb, pg_ctl, psql) not found in $CLASSPLAN_PG_BINDIR, "
        "/usr/lib/postgresql/*/bin or on PATH; install Debian's postgresql package "
        "(scripts/install-deps.sh)");
  }
  std::string dir = MakeTempDir("classplan-pg-");
  if (dir.empty()) return absl::InternalError("cannot create a temp dir for PostgreSQL");
  const int port = FreeTcpPort();
  std::unique_ptr<PostgresServer> server(
      new PostgresServer(std::move(bindir), std::move(dir), port, options));
  if (port <= 0) return absl::InternalError("no free loopback port");
  if (::geteuid() == 0) {
    const char* name = std::getenv("CLASSPLAN_PG_USER");
    if (name == nullptr || *name == '\0') name = "postgres";
    const struct passwd* pw = ::getpwnam(name);
    if (pw == nullptr || pw->pw_uid == 0) {
      return absl::FailedPreconditionError(absl::StrCat(
          "running as root, and initdb/postgres refuse root: no unprivileged user '", name,
          "' to run them as (install Debian's postgresql package, which creates 'postgres', or "
          "set CLASSPLAN_PG_USER, or run the tests as a normal user)"));
    }
    server->as_other_user_ = true;
    server->run_uid_ = pw->pw_uid;
    server->run_gid_ = pw->pw_gid;
    ::chmod(server->dir_.c_str(), 0700);
    GiveTree(server->dir_, pw->pw_uid, pw->pw_gid);
  }
  if (absl::Status s = server->InitDb(); !s.ok()) return s;
  if (absl::Status s = server->StartAgain(); !s.ok()) return s;
  return server;
}

PostgresServer::~PostgresServer() {
  if (running_) StopImmediately().IgnoreError();
  std::error_code ignored;
  std::filesystem::remove_all(dir_, ignored);
}

std::string PostgresServer::Url(const std::string& database) const {
  return absl::StrCat("postgresql://classplan@127.0.0.1:", port_, "/", database);
}

std::string PostgresServer::SocketUrl(const std::string& database) const {
  return absl::StrCat("postgresql://classplan@/", database, "?host=", dir_, "&port=", port_);
}

absl::Status PostgresServer::RunServerProgram(const std::string& program,
                                              std::vector<std::string> args) const {
  const std::string log = absl::StrCat(dir_, "/", program, ".log");
  args.insert(args.begin(), bindir_ + "/" + program);
  std::vector<char*> argv;
  argv.reserve(args.size() + 1);
  for (std::string& a : args) argv.push_back(a.data());
  argv.push_back(nullptr);
  const pid_t pid = ::fork();
  if (pid < 0) return absl::InternalError(absl::StrCat("fork: ", std::strerror(errno)));
  if (pid == 0) {
    const int fd = ::open(log.c_str(), O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0600);
    const int devnull = ::open("/dev/null", O_RDONLY);
    if (devnull >= 0) ::dup2(devnull, STDIN_FILENO);
    if (fd >= 0) {
      ::dup2(fd, STDOUT_FILENO);
      ::dup2(fd, STDERR_FILENO);
    }
    if (as_other_user_) {
      if (::setgroups(0, nullptr) != 0 || ::setgid(run_gid_) != 0 || ::setuid(run_uid_) != 0) {
        _exit(126);
      }
    }
    if (::chdir(dir_.c_str()) != 0) _exit(126);
    ::execv(argv[0], argv.data());
    _exit(127);
  }
  int status = 0;
  while (::waitpid(pid, &status, 0) < 0 && errno == EINTR) {
  }
  if (WIFEXITED(status) && WEXITSTATUS(status) == 0) return absl::OkStatus();
  return absl::InternalError(absl::StrCat(program, " ", absl::StrJoin(args, " "),
                                          " failed (status ", status, "); its log:\n",
                                          ReadWholeFile(log)));
}

absl::Status PostgresServer::InitDb() {
  // Synchronous writes are the server's business (fsync below); initdb's own don't matter here.
  return RunServerProgram("initdb", {"-D", dir_ + "/data", "-U", "classplan", "--auth=trust", "-E",
                                     "UTF8", "--locale=C", "--no-sync", "--no-instructions"});
}

absl::Status PostgresServer::StartAgain() {
  const std::string server_options =
      absl::StrCat("-c listen_addresses=127.0.0.1 -p ", port_, " -k ", dir_,
                   " -c fsync=", options_.fsync ? "on" : "off",
                   " -c synchronous_commit=on -c max_connections=40 -c shared_buffers=16MB");
  absl::Status s = RunServerProgram("pg_ctl", {"start", "-w", "-t", "60", "-D", dir_ + "/data",
                                               "-l", dir_ + "/server.log", "-o", server_options});
  if (!s.ok()) {
    return absl::Status(s.code(), absl::StrCat(s.message(), "\nserver log:\n",
                                               ReadWholeFile(dir_ + "/server.log")));
  }
  running_ = true;
  return absl::OkStatus();
}

absl::Status PostgresServer::StopImmediately() {
  running_ = false;
  return RunServerProgram("pg_ctl", {"stop", "-w", "-m", "immediate", "-D", dir_ + "/data"});
}

absl::Status PostgresServer::Restart() {
  if (absl::Status s = StopImmediately(); !s.ok()) return s;
  return StartAgain();
}

absl::StatusOr<std::string> PostgresServer::Psql(const std::string& database,
                                                 const std::string& sql) const {
  std::string out_file = absl::StrCat(dir_, "/psql.out");
  ::unlink(out_file.c_str());
  absl::Status s = RunServerProgram(
      "psql", {"-X", "-q", "-A", "-t", "-v", "ON_ERROR_STOP=1", "-h", "127.0.0.1", "-p",
               absl::StrCat(port_), "-U", "classplan", "-d", database, "-o", out_file, "-c", sql});
  if (!s.ok()) return s;
  return ReadWholeFile(out_file);
}

absl::StatusOr<std::string> PostgresServer::CreateDatabase(const std::string& name) {
  if (auto s = Psql("postgres", absl::StrCat("CREATE DATABASE \"", name, "\"")); !s.ok()) {
    return s.status();
  }
  return Url(name);
}

}  // namespace classplan::testing
