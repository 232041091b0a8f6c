#ifndef CLASSPLAN_TESTS_SUPPORT_GRPC_SERVER_WAIT_H_
#define CLASSPLAN_TESTS_SUPPORT_GRPC_SERVER_WAIT_H_

// Waiting for a server binary started by an e2e test, and reading its log.

#include <cstdint>
#include <memory>
#include <string>

#include "grpcpp/grpcpp.h"

namespace classplan::testing {

// A channel to 127.0.0.1:port that reconnects quickly (50-100 ms backoff).
std::shared_ptr<grpc::Channel> FastChannel(int port);
// grpc.health.v1 says SERVING for `service` ("" = the server as a whole).
bool Serving(grpc::Channel* channel, const std::string& service = "");
std::string ReadTextFile(const std::string& path);
// Waits up to 15 s for the server's "serving" log line.
bool WaitServingLog(const std::string& log_path);
// Waits up to `ms` for `text` to appear in the log.
bool WaitLogSays(const std::string& log_path, const std::string& text, int ms = 5000);
// The value of counter `name` in the last "metrics" line of a log's text, or -1.
int64_t LastCounter(const std::string& log_text, const std::string& name);

}  // namespace classplan::testing

#endif  // CLASSPLAN_TESTS_SUPPORT_GRPC_SERVER_WAIT_H_
