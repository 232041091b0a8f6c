#ifndef CLASSPLAN_SERVICES_GATEWAY_GRPC_GRPC_THREADS_H_
#define CLASSPLAN_SERVICES_GATEWAY_GRPC_GRPC_THREADS_H_

namespace classplan::gateway {

// Initialises gRPC and turns off its "default executor" threads, so that the closures gRPC
// core would hand to them (mostly a transport's pending work, offloaded whenever a callback
// thread has a completion to deliver) run on the callback thread that has them instead.
// On a proxy every call crosses two transports, and each such handoff is a futex wake and a
// context switch: measured with `perf stat` under bench/gateway_vs_nginx.sh load, this halves
// the gateway's context switches per call (1.0 -> 0.4) and cuts its futex calls per call from
// 1.4 to 0.4 (docs/performance.md). gRPC's resolver executor (blocking DNS lookups) keeps its
// threads. Call first in main(), before any server or channel exists. gRPC 1.51 has no public
// switch for this, so it uses grpc_core::Executor::SetThreadingDefault, which its shared
// library exports (the gateway is built against Debian's gRPC 1.51 only).
void RunGrpcExecutorWorkInline();

}  // namespace classplan::gateway

#endif  // CLASSPLAN_SERVICES_GATEWAY_GRPC_GRPC_THREADS_H_
