#ifndef CLASSPLAN_COMMON_SERVER_WORKER_POOL_H_
#define CLASSPLAN_COMMON_SERVER_WORKER_POOL_H_

// Fixed pool of threads for blocking work (SQLite, Redis) so that gRPC callback threads never
// wait on I/O. Tasks run in submission order per free thread.

#include <deque>
#include <functional>
#include <thread>
#include <vector>

#include "absl/synchronization/mutex.h"

namespace classplan::server {

class WorkerPool {
 public:
  explicit WorkerPool(int threads);
  ~WorkerPool();  // runs the queued tasks, then joins
  WorkerPool(const WorkerPool&) = delete;
  WorkerPool& operator=(const WorkerPool&) = delete;

  void Submit(std::function<void()> task);

 private:
  void Run();

  absl::Mutex mu_;
  std::deque<std::function<void()>> queue_ ABSL_GUARDED_BY(mu_);
  bool stopping_ ABSL_GUARDED_BY(mu_) = false;
  std::vector<std::thread> threads_;
};

}  // namespace classplan::server

#endif  // CLASSPLAN_COMMON_SERVER_WORKER_POOL_H_
