#ifndef CLASSPLAN_TESTS_SUPPORT_GATEWAY_PROCESSES_H_
#define CLASSPLAN_TESTS_SUPPORT_GATEWAY_PROCESSES_H_

// Starting gateway_server, its keys, policy and test backends for the gateway's end-to-end
// tests (tests/e2e/gateway_*_test.cc).

#include <map>
#include <memory>
#include <string>
#include <vector>

#include "tests/support/process.h"

namespace classplan::testing {

struct Proc {
  int port = 0;
  std::string log;
  std::unique_ptr<ChildProcess> process;
};

// Starts a server binary listening on `host`:`port` (0 = a free port), verifying identity
// assertions with the test's key (identity.h), and waits for its "serving" log line. The log is
// dir/<name>-<port>.log (dir/<name>-<host>-<port>.log for a host other than 127.0.0.1).
Proc StartServer(const std::string& dir, const std::string& name, std::vector<std::string> argv,
                 int port = 0, const std::string& host = "127.0.0.1");

// tests/e2e/test_backend. Its "x-served-by" header is the port, or `name` when given; `flags`
// are added to its command line.
Proc StartTestBackend(const std::string& dir, const std::string& host = "127.0.0.1", int port = 0,
                      const std::string& name = "", const std::vector<std::string>& flags = {});

// Adds a key for `principal` with `roles` (comma-separated) to dir/keys.textproto and
// returns it.
std::string MakeKey(const std::string& dir, const std::string& principal, const std::string& roles);

// dir/policy.textproto: the shipped policy plus the test service's rules.
void WritePolicy(const std::string& dir);

// A config route to `target`; `idempotent` is a comma-separated list of short method names.
std::string RouteTo(const std::string& service, const std::string& target,
                    const std::string& idempotent = "");
// A route to "ipv4:127.0.0.1:<port>,...".
std::string Route(const std::string& service, const std::vector<int>& ports,
                  const std::string& idempotent = "");

// Writes a gateway config in `dir` (keys and policy as above, health checks every 200 ms,
// `extra` and `routes` appended) and starts a gateway; its metrics port goes to
// *metrics_port. `redis_port` 0 means redis "off". `flags` go on its command line.
Proc StartGateway(const std::string& dir, const std::string& routes, int redis_port,
                  const std::string& extra, int* metrics_port,
                  const std::vector<std::string>& flags = {});

std::multimap<std::string, std::string> Bearer(const std::string& key);

}  // namespace classplan::testing

#endif  // CLASSPLAN_TESTS_SUPPORT_GATEWAY_PROCESSES_H_
