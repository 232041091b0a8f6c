#ifndef CLASSPLAN_TESTS_SUPPORT_GRPC_SERVER_H_
#define CLASSPLAN_TESTS_SUPPORT_GRPC_SERVER_H_

// Waiting for and talking to a server binary started by an end-to-end test.

#include <cstdint>
#include <memory>
#include <string>

#include "grpcpp/grpcpp.h"
#include "tests/support/identity.h"
#include "tests/support/process.h"
#include "tests/support/temp.h"

namespace classplan::testing {

// A channel to 127.0.0.1:`port` that reconnects within ~100 ms (the default backoff would
// make a test wait seconds after the first refused connection). Its calls are signed as
// SignedChannel's (identity.h): a service called directly believes them.
std::shared_ptr<grpc::Channel> FastChannel(int port);

// True once grpc.health.v1 reports SERVING for `service` ("" = the whole server), asked
// again for up to 15 s (false after that).
bool IsServing(grpc::Channel* channel, const std::string& service);

// Waits up to 15 s for the server's "serving" log line in `log`.
bool WaitServingLog(const std::string& log);

// Starts the catalog_server binary on a free port (stored in *port) with the shipped data, a
// fresh database in `dir` and the Redis on `redis_port`, and waits until it serves. Null when
// it does not come up (see dir/catalog.log).
std::unique_ptr<ChildProcess> StartCatalogServer(const std::string& dir, int redis_port, int* port);

// Waits up to `ms` milliseconds for `text` to appear in the file `log`.
bool WaitLogSays(const std::string& log, const std::string& text, int ms = 5000);

// The value of counter `name` in the last "metrics" line of a log's text, or -1.
int64_t LastCounter(const std::string& log_text, const std::string& name);

}  // namespace classplan::testing

#endif  // CLASSPLAN_TESTS_SUPPORT_GRPC_SERVER_H_
