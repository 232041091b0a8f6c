#include "common/server/worker_pool.h"

#include "common/metrics/metrics.h"
#include "prometheus/gauge.h"

namespace classplan::server {

WorkerPool::WorkerPool(int threads, size_t max_queue)
    : max_queue_(max_queue),
      depth_(metrics::GetGauge("classplan_worker_queue_depth",
                               "Calls and tasks waiting for a worker thread (every pool of the "
                               "process); calls are shed when a pool's queue is full.")) {
  if (threads < 1) threads = 1;
  for (int i = 0; i < threads; ++i) threads_.emplace_back([this] { Run(); });
}

WorkerPool::~WorkerPool() {
  {
    absl::MutexLock lock(&mu_);
    stopping_ = true;
  }
  for (auto& t : threads_) t.join();
}

void WorkerPool::Submit(std::function<void()> task) {
  absl::MutexLock lock(&mu_);
  queue_.push_back(std::move(task));
  depth_.Increment();
}

bool WorkerPool::TrySubmit(std::function<void()> task) {
  absl::MutexLock lock(&mu_);
  if (max_queue_ > 0 && queue_.size() >= max_queue_) return false;
  queue_.push_back(std::move(task));
  depth_.Increment();
  return true;
}

void WorkerPool::Run() {
  for (;;) {
    std::function<void()> task;
    {
      absl::MutexLock lock(&mu_);
      mu_.Await(absl::Condition(
          +[](WorkerPool* p)
               ABSL_EXCLUSIVE_LOCKS_REQUIRED(p->mu_) { return p->stopping_ || !p->queue_.empty(); },
          this));
      if (queue_.empty()) return;  // stopping and drained
      task = std::move(queue_.front());
      queue_.pop_front();
      depth_.Decrement();
    }
    task();
  }
}

}  // namespace classplan::server
