#include "common/server/server_host.h"

#include <signal.h>

#include <algorithm>
#include <climits>
#include <cstdlib>
#include <mutex>
#include <random>

#include "absl/strings/str_cat.h"
#include "common/log/log.h"
#include "common/metrics/metrics.h"
#include "common/server/call_observer.h"
#include "common/server/reflection_v1.h"
#include "common/server/unary.h"
#include "grpcpp/ext/proto_server_reflection_plugin.h"
#include "grpcpp/health_check_service_interface.h"
#include "grpcpp/impl/server_builder_option.h"
#include "grpcpp/impl/server_builder_plugin.h"

namespace classplan::server {
namespace {

sigset_t ShutdownSignals() {
  sigset_t set;
  sigemptyset(&set);
  sigaddset(&set, SIGTERM);
  sigaddset(&set, SIGINT);
  return set;
}

// Removes the reflection plugin, which libgrpc++_reflection registers for every server as
// soon as it is loaded.
class WithoutReflection : public grpc::ServerBuilderOption {
 public:
  void UpdateArguments(grpc::ChannelArguments*) override {}
  void UpdatePlugins(std::vector<std::unique_ptr<grpc::ServerBuilderPlugin>>* plugins) override {
    plugins->erase(
        std::remove_if(plugins->begin(), plugins->end(),
                       [](const auto& p) { return p->name() == "proto_server_reflection"; }),
        plugins->end());
  }
};

}  // namespace

int ChannelArgMillis(absl::Duration d) {
  if (d == absl::InfiniteDuration()) return INT_MAX;
  return static_cast<int>(std::clamp<int64_t>(absl::ToInt64Milliseconds(d), 1, INT_MAX));
}

void BlockShutdownSignals() {
  sigset_t set = ShutdownSignals();
  pthread_sigmask(SIG_BLOCK, &set, nullptr);
}

ServerHost::ServerHost(ServerOptions options) : options_(std::move(options)) {}

ServerHost::~ServerHost() { Shutdown(); }

void ServerHost::AddService(grpc::Service* service) { services_.push_back(service); }

absl::Status ServerHost::Start() {
  if (options_.max_connection_age < absl::ZeroDuration() ||
      options_.max_connection_age_grace < absl::ZeroDuration()) {
    return absl::InvalidArgumentError(
        "max_connection_age and max_connection_age_grace must not be negative (0s: off)");
  }
  calls_ = std::make_shared<metrics::CallMetrics>("classplan_server", "Calls served");
  if (!options_.metrics_listen.empty()) {
    absl::StatusOr<std::unique_ptr<metrics::Endpoint>> endpoint =
        metrics::Endpoint::Start(options_.metrics_listen);
    if (!endpoint.ok()) return endpoint.status();
    metrics_ = *std::move(endpoint);
    metrics_->Add(calls_);
    log::Info("metrics listening",
              {{"address", options_.metrics_listen}, {"port", int64_t{metrics_->port()}}});
  }
  grpc::EnableDefaultHealthCheckService(true);
  if (options_.reflection) grpc::reflection::InitProtoReflectionServerBuilderPlugin();
  grpc::ServerBuilder builder;
  if (!options_.reflection) builder.SetOption(std::make_unique<WithoutReflection>());
  builder.AddListeningPort(
      options_.listen,
      options_.credentials != nullptr ? options_.credentials : grpc::InsecureServerCredentials(),
      &port_);
  builder.SetMaxReceiveMessageSize(options_.max_request_bytes);
  if (options_.max_send_bytes > 0) builder.SetMaxSendMessageSize(options_.max_send_bytes);
  if (options_.max_connection_age > absl::ZeroDuration() &&
      options_.max_connection_age != absl::InfiniteDuration()) {
    // gRPC 1.51 jitters each connection's age by +/-10% with rand(), which nothing seeds: every
    // process would draw the same sequence, so replicas started together would recycle their
    // n-th connections together. Seed it once per process.
    static std::once_flag seeded;
    std::call_once(seeded, [] { std::srand(std::random_device{}()); });
    builder.AddChannelArgument(GRPC_ARG_MAX_CONNECTION_AGE_MS,
                               ChannelArgMillis(options_.max_connection_age));
    builder.AddChannelArgument(GRPC_ARG_MAX_CONNECTION_AGE_GRACE_MS,
                               ChannelArgMillis(options_.max_connection_age_grace));
  }
  {
    std::vector<std::unique_ptr<grpc::experimental::ServerInterceptorFactoryInterface>> creators;
    creators.push_back(UndecodableRequestInterceptorFactory());              // unary.h
    creators.push_back(CallObserverFactory({calls_, options_.access_log}));  // call_observer.h
    builder.experimental().SetInterceptorCreators(std::move(creators));
  }
  for (grpc::Service* s : services_) builder.RegisterService(s);
  if (options_.reflection) {
    // v1 beside the plugin's v1alpha (reflection_v1.h).
    std::vector<std::string> names = options_.health_service_names;
    names.insert(names.end(), {"grpc.health.v1.Health", "grpc.reflection.v1.ServerReflection",
                               "grpc.reflection.v1alpha.ServerReflection"});
    reflection_v1_ = std::make_unique<ReflectionV1>(std::move(names));
    builder.RegisterService(reflection_v1_.get());
  }
  if (generic_ != nullptr) builder.RegisterCallbackGenericService(generic_);
  server_ = builder.BuildAndStart();
  if (server_ == nullptr || port_ == 0) {
    return absl::UnavailableError(absl::StrCat("cannot listen on ", options_.listen));
  }
  if (!options_.health_listen.empty()) {
    // Its own default health service, kept equal to the main one's by every status change.
    grpc::ServerBuilder health_builder;
    health_builder.SetOption(std::make_unique<WithoutReflection>());
    health_builder.AddListeningPort(options_.health_listen, grpc::InsecureServerCredentials(),
                                    &health_port_);
    // gRPC builds no server without a polled queue; the base generic service gives it one and
    // answers every other method UNIMPLEMENTED.
    health_builder.RegisterCallbackGenericService(&health_only_);
    health_server_ = health_builder.BuildAndStart();
    if (health_server_ == nullptr || health_port_ == 0) {
      return absl::UnavailableError(
          absl::StrCat("cannot listen for health checks on ", options_.health_listen));
    }
  }
  ForEachHealth([this](grpc::HealthCheckServiceInterface* health) {
    health->SetServingStatus(false);
    for (const auto& name : options_.health_service_names) health->SetServingStatus(name, false);
  });
  log::Info("listening", {{"address", options_.listen},
                          {"port", int64_t{port_}},
                          {"tls", options_.credentials != nullptr}});
  if (health_server_ != nullptr) {
    log::Info("health listening",
              {{"address", options_.health_listen}, {"port", int64_t{health_port_}}});
  }
  if (options_.metrics_interval > absl::ZeroDuration()) {
    metrics_thread_ = std::thread([this] {
      absl::MutexLock lock(&metrics_mu_);
      while (!metrics_mu_.AwaitWithTimeout(absl::Condition(&metrics_stop_),
                                           options_.metrics_interval)) {
        log::WriteCounters(log::Level::kInfo, "metrics", metrics::Snapshot());
      }
    });
  }
  return absl::OkStatus();
}

void ServerHost::ForEachHealth(
    const std::function<void(grpc::HealthCheckServiceInterface*)>& f) const {
  if (server_ != nullptr) f(server_->GetHealthCheckService());
  if (health_server_ != nullptr) f(health_server_->GetHealthCheckService());
}

void ServerHost::MarkServing() {
  ForEachHealth([this](grpc::HealthCheckServiceInterface* health) {
    health->SetServingStatus(true);
    for (const auto& name : options_.health_service_names) health->SetServingStatus(name, true);
  });
  log::Info("serving", {{"port", int64_t{port_}}});
}

void ServerHost::SetServingStatus(const std::string& service, bool serving) {
  // After Shutdown() gRPC's health service ignores changes, so a drain stays NOT_SERVING.
  ForEachHealth([&](grpc::HealthCheckServiceInterface* health) {
    health->SetServingStatus(service, serving);
  });
}

int ServerHost::WaitForShutdownSignal() {
  sigset_t set = ShutdownSignals();
  int sig = 0;
  sigwait(&set, &sig);
  log::Info("shutdown signal", {{"signal", int64_t{sig}}});
  Shutdown();
  return sig;
}

void ServerHost::Shutdown() {
  if (shut_down_ || server_ == nullptr) return;
  shut_down_ = true;
  // Health's own Shutdown() pins every service at NOT_SERVING for the rest of the drain.
  ForEachHealth([](grpc::HealthCheckServiceInterface* health) { health->Shutdown(); });
  if (options_.drain_grace > absl::ZeroDuration()) absl::SleepFor(options_.drain_grace);
  server_->Shutdown(absl::ToChronoTime(absl::Now() + options_.drain_timeout));
  server_->Wait();
  if (health_server_ != nullptr) {
    // Health answers take no time: nothing to drain.
    health_server_->Shutdown(absl::ToChronoTime(absl::Now()));
    health_server_->Wait();
  }
  if (metrics_thread_.joinable()) {
    {
      absl::MutexLock lock(&metrics_mu_);
      metrics_stop_ = true;
    }
    metrics_thread_.join();
  }
  log::WriteCounters(log::Level::kInfo, "metrics", metrics::Snapshot());
  log::Info("stopped");
}

}  // namespace classplan::server
