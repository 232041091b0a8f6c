#include "common/server/startup.h"

#include "absl/flags/flag.h"
#include "absl/flags/parse.h"
#include "absl/flags/usage.h"
#include "common/log/log.h"
#include "common/server/flags.h"
#include "common/server/server_host.h"

namespace classplan::server {

int BadFlag(absl::string_view detail) {
  log::Error("bad flag", {{"detail", detail}});
  return kExitBadFlag;
}

int StartFailed(absl::string_view what, const absl::Status& status) {
  log::Error(what, {{"detail", absl::string_view(status.message())}});
  return kExitStartFailed;
}

std::unique_ptr<WorkerPool> WorkersFromFlags() {
  return std::make_unique<WorkerPool>(absl::GetFlag(FLAGS_worker_threads), kMaxWaitingCalls);
}

int ServiceMain(int argc, char** argv, const ServiceMainOptions& options, int (*run)()) {
  BlockShutdownSignals();
  absl::SetProgramUsageMessage(options.usage);
  if (options.listen_env != nullptr) {
    absl::SetFlag(&FLAGS_listen, EnvOr(options.listen_env, options.listen_default));
  }
  absl::ParseCommandLine(argc, argv);
  // Before run() connects to anything: a bad mutual TLS set refuses to start.
  if (const auto& mtls = MtlsFromFlags(); !mtls.ok()) return BadFlag(mtls.status().message());
  return run();
}

}  // namespace classplan::server
