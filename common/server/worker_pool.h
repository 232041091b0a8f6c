#ifndef CLASSPLAN_COMMON_SERVER_WORKER_POOL_H_
#define CLASSPLAN_COMMON_SERVER_WORKER_POOL_H_

// Fixed pool of threads for blocking work (SQLite, Redis) so that gRPC callback threads never
// wait on I/O. Tasks run in submission order per free thread.

#include <deque>
#include <functional>
#include <thread>
#include <vector>

#include "absl/synchronization/mutex.h"

namespace prometheus {
class Gauge;
}

namespace classplan::server {

class WorkerPool {
 public:
  // At most `max_queue` tasks wait for a thread (0 = no limit); TrySubmit refuses beyond it so
  // that an overloaded server sheds load instead of queueing calls past their deadlines.
  explicit WorkerPool(int threads, size_t max_queue = 0);
  ~WorkerPool();  // runs the queued tasks, then joins
  WorkerPool(const WorkerPool&) = delete;
  WorkerPool& operator=(const WorkerPool&) = delete;

  // Queues a task regardless of the limit.
  void Submit(std::function<void()> task);
  // Queues a task unless max_queue tasks are already waiting; false when refused.
  bool TrySubmit(std::function<void()> task);

 private:
  void Run();

  absl::Mutex mu_;
  std::deque<std::function<void()>> queue_ ABSL_GUARDED_BY(mu_);
  bool stopping_ ABSL_GUARDED_BY(mu_) = false;
  size_t max_queue_;
  // classplan_worker_queue_depth: the tasks waiting in every pool of the process.
  prometheus::Gauge& depth_;
  std::vector<std::thread> threads_;
};

}  // namespace classplan::server

#endif  // CLASSPLAN_COMMON_SERVER_WORKER_POOL_H_
