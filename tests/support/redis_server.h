#ifndef CLASSPLAN_TESTS_SUPPORT_REDIS_SERVER_H_
#define CLASSPLAN_TESTS_SUPPORT_REDIS_SERVER_H_

// A throwaway redis-server for tests: loopback only, a port reserved for the test process
// (FreeTcpPort: nobody else gets it, so Restart finds it free), no persistence, its own
// temp dir. Killed (and the dir removed) on destruction.

#include <sys/types.h>

#include <memory>
#include <string>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/time/time.h"

namespace classplan::testing {

class RedisServer {
 public:
  struct Options {
    // When set, Redis requires it: an ACL user `user` with this password (all keys, channels
    // and commands), the default user disabled, as deploy/local/run.sh sets it up.
    std::string password;
    std::string user = "classplan";
  };

  // Finds redis-server on PATH (else /usr/bin/redis-server), starts it and waits up to 10s
  // for PING to answer.
  static absl::StatusOr<std::unique_ptr<RedisServer>> Start();
  static absl::StatusOr<std::unique_ptr<RedisServer>> Start(Options options);

  ~RedisServer();
  RedisServer(const RedisServer&) = delete;
  RedisServer& operator=(const RedisServer&) = delete;

  std::string host() const { return "127.0.0.1"; }
  int port() const { return port_; }
  const Options& options() const { return options_; }
  // A file holding "<user> <password>" (mode 0600) for --redis_password_file; "" without a
  // password.
  std::string password_file() const;
  // Runs redis-cli with the server's credentials (not on its command line) and `args`;
  // returns its stdout, or an error when it exits non-zero.
  absl::StatusOr<std::string> Cli(const std::string& args) const;
  bool running() const { return pid_ > 0; }

  // SIGKILLs the server and reaps it; no-op if not running.
  void Kill();
  // SIGSTOP / SIGCONT: the server keeps its sockets but stops answering, like a hung host.
  void Pause();
  void Resume();
  // CLIENT PAUSE <d> WRITE (through redis-cli): for d, writes (SET, DEL, PUBLISH, ...) wait
  // while reads go on, like a server refusing writes. Returns once the pause is set.
  absl::Status HoldWrites(absl::Duration d);
  // Ends a HoldWrites early (CLIENT UNPAUSE), so a test can hold writes for as long as it
  // needs on a slow machine and still finish quickly.
  absl::Status ReleaseWrites();
  // Starts it again on the same port and dir (kills it first if running), waiting for PING.
  absl::Status Restart();

 private:
  RedisServer(std::string binary, std::string dir, int port, Options options);
  absl::Status Launch();
  absl::Status WaitReady();

  const std::string binary_;
  const std::string dir_;
  const int port_;
  const Options options_;
  pid_t pid_ = -1;
};

}  // namespace classplan::testing

#endif  // CLASSPLAN_TESTS_SUPPORT_REDIS_SERVER_H_
