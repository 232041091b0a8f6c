#ifndef CLASSPLAN_COMMON_SERVER_STARTUP_H_
#define CLASSPLAN_COMMON_SERVER_STARTUP_H_

// What every service's main() and start repeat, written once: the exit codes and log lines of
// a start that fails, and main() itself.
//
//   int Run() {
//     auto store = SqliteCatalogStore::Open(absl::GetFlag(FLAGS_db));
//     if (!store.ok()) return server::StartFailed("cannot open store", store.status());
//     ...
//   }
//   int main(int argc, char** argv) {
//     return server::ServiceMain(argc, argv, {"classplan catalog service"}, &Run);
//   }

#include <cstddef>
#include <memory>

#include "absl/status/status.h"
#include "absl/strings/string_view.h"
#include "common/server/worker_pool.h"

namespace classplan::server {

// Exit codes of a start that fails: a bad flag, or anything else (store, data, ...).
inline constexpr int kExitBadFlag = 2;
inline constexpr int kExitStartFailed = 1;

// Logs "bad flag" with `detail`; returns kExitBadFlag.
int BadFlag(absl::string_view detail);
// Logs `what` (e.g. "cannot open store") with the status message as detail; returns
// kExitStartFailed.
int StartFailed(absl::string_view what, const absl::Status& status);

struct ServiceMainOptions {
  const char* usage;  // the program usage message
  // The service's own --listen default: the environment variable `listen_env` or else
  // `listen_default` (--listen on the command line still wins). Null: the shared default
  // (CLASSPLAN_LISTEN).
  const char* listen_env = nullptr;
  const char* listen_default = nullptr;
};

// Calls beyond this many waiting for a worker are refused with UNAVAILABLE rather than queued
// past their deadlines.
inline constexpr size_t kMaxWaitingCalls = 1024;

// The pool a service's adapter hands its calls to: --worker_threads threads, at most
// kMaxWaitingCalls waiting.
std::unique_ptr<WorkerPool> WorkersFromFlags();

// A service's main(): blocks the shutdown signals before any thread starts, sets the usage
// message and the --listen default, parses the command line and returns run()'s exit code.
int ServiceMain(int argc, char** argv, const ServiceMainOptions& options, int (*run)());

}  // namespace classplan::server

#endif  // CLASSPLAN_COMMON_SERVER_STARTUP_H_
