#include "tests/support/grpc_server.h"

#include <chrono>
#include <fstream>
#include <sstream>
#include <thread>

#include "grpc/health/v1/health.grpc.pb.h"
#include "tests/support/temp.h"
#include "tests/support/wait.h"

namespace classplan::testing {

std::shared_ptr<grpc::Channel> FastChannel(int port) {
  return SignedChannel("127.0.0.1:" + std::to_string(port));
}

bool IsServing(grpc::Channel* channel, const std::string& service) {
  auto health = grpc::health::v1::Health::NewStub(
      std::shared_ptr<grpc::Channel>(channel, [](grpc::Channel*) {}));
  grpc::health::v1::HealthCheckRequest req;
  req.set_service(service);
  // Asked again until it answers SERVING: on a loaded machine one call's deadline may pass
  // before a server that already logged "serving" answers.
  return WaitFor(
      [&] {
        grpc::ClientContext ctx;
        ctx.set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(1));
        grpc::health::v1::HealthCheckResponse resp;
        return health->Check(&ctx, req, &resp).ok() &&
               resp.status() == grpc::health::v1::HealthCheckResponse::SERVING;
      },
      absl::Seconds(15));
}

bool WaitServingLog(const std::string& log) {
  return WaitForFileText(log, "\"msg\":\"serving\"", absl::Seconds(15));
}

bool WaitLogSays(const std::string& log, const std::string& text, int ms) {
  return WaitForFileText(log, text, absl::Milliseconds(ms));
}

int64_t LastCounter(const std::string& log_text, const std::string& name) {
  const std::string key = "\"" + name + "\":";
  auto pos = log_text.rfind(key);
  if (pos == std::string::npos) return -1;
  return std::stoll(log_text.substr(pos + key.size()));
}

std::unique_ptr<ChildProcess> StartCatalogServer(const std::string& dir, int redis_port,
                                                 int* port) {
  *port = FreeTcpPort();
  auto process = std::make_unique<ChildProcess>(
      std::vector<std::string>{BuildPath("services/catalog/catalog_server"),
                               "--listen=127.0.0.1:" + std::to_string(*port),
                               "--db=" + dir + "/catalog.db",
                               "--data_dir=" + SourcePath("data/catalog"),
                               "--redis=127.0.0.1:" + std::to_string(redis_port),
                               "--drain_timeout=2s", IdentityKeyFlag()},
      dir + "/catalog.log");
  if (!WaitServingLog(dir + "/catalog.log")) return nullptr;
  if (!IsServing(FastChannel(*port).get(), "")) return nullptr;
  return process;
}

}  // namespace classplan::testing
