#include "services/gateway/grpc/grpc_threads.h"

#include "grpc/grpc.h"

// The one declaration needed from gRPC core's src/core/lib/iomgr/executor.h (not installed).
namespace grpc_core {
class Executor {
 public:
  static void SetThreadingDefault(bool enable);
};
}  // namespace grpc_core

namespace classplan::gateway {

void RunGrpcExecutorWorkInline() {
  // This reference is never dropped, so gRPC is never shut down and re-initialised with the
  // executor threads back on.
  grpc_init();
  grpc_core::Executor::SetThreadingDefault(false);
}

}  // namespace classplan::gateway
