#ifndef CLASSPLAN_TESTS_SUPPORT_POSTGRES_SERVER_H_
#define CLASSPLAN_TESTS_SUPPORT_POSTGRES_SERVER_H_

// A throwaway PostgreSQL 15 for a test: `initdb` into a fresh temp dir, `pg_ctl start` on
// 127.0.0.1 and a port reserved for the test process (FreeTcpPort), its unix socket in the
// temp dir, trust authentication (loopback only), superuser "classplan". Stopped (pg_ctl -m
// immediate) and the dir removed on destruction.
//
// initdb and postgres refuse to run as root. Run as root (a container), the server's programs
// run as the `postgres` system user (Debian's postgresql package creates it; another with
// CLASSPLAN_PG_USER) and the temp dir is given to it; without such a user, Start fails saying
// so. The binaries are found in $CLASSPLAN_PG_BINDIR, /usr/lib/postgresql/15/bin, the newest
// /usr/lib/postgresql/*/bin, or beside `initdb` on PATH.

#include <sys/types.h>

#include <memory>
#include <string>

#include "absl/status/status.h"
#include "absl/status/statusor.h"

namespace classplan::testing {

class PostgresServer {
 public:
  struct Options {
    // fsync on (the default) for durability tests; off where a test only needs speed.
    bool fsync = true;
  };

  static absl::StatusOr<std::unique_ptr<PostgresServer>> Start();
  static absl::StatusOr<std::unique_ptr<PostgresServer>> Start(Options options);

  ~PostgresServer();
  PostgresServer(const PostgresServer&) = delete;
  PostgresServer& operator=(const PostgresServer&) = delete;

  int port() const { return port_; }
  // postgresql://classplan@127.0.0.1:<port>/<database>
  std::string Url(const std::string& database = "postgres") const;
  // The same database over the server's Unix socket (in its temp dir, owner-only):
  // postgresql://classplan@/<database>?host=<dir>&port=<port> (libpq's host=/dir).
  std::string SocketUrl(const std::string& database = "postgres") const;
  // Creates a fresh, empty database (through psql) and returns its Url.
  absl::StatusOr<std::string> CreateDatabase(const std::string& name);
  // Runs one SQL command through psql on `database`; returns its unaligned output.
  absl::StatusOr<std::string> Psql(const std::string& database, const std::string& sql) const;

  // pg_ctl stop -m immediate: like a crash, no shutdown checkpoint; clients' connections die.
  absl::Status StopImmediately();
  // pg_ctl start -w on the same dir and port (crash recovery replays the WAL).
  absl::Status StartAgain();
  // Both, for fault tests.
  absl::Status Restart();

 private:
  PostgresServer(std::string bindir, std::string dir, int port, Options options)
      : bindir_(std::move(bindir)), dir_(std::move(dir)), port_(port), options_(options) {}
  // Runs one of the server's programs (as the server's user when we are root) with output to
  // <dir>/<name>.log; its exit code, or an error when it cannot be started.
  absl::Status RunServerProgram(const std::string& program, std::vector<std::string> args) const;
  absl::Status InitDb();

  const std::string bindir_;
  const std::string dir_;
  const int port_;
  const Options options_;
  uid_t run_uid_ = 0;  // when root: the unprivileged user the server runs as
  gid_t run_gid_ = 0;
  bool as_other_user_ = false;
  bool running_ = false;
};

}  // namespace classplan::testing

#endif  // CLASSPLAN_TESTS_SUPPORT_POSTGRES_SERVER_H_
