#ifndef CLASSPLAN_COMMON_STORAGE_POOL_H_
#define CLASSPLAN_COMMON_STORAGE_POOL_H_

// The connection pool of sqlite::ConnectionPool and postgres::ConnectionPool, written once:
// up to `size` connections, each leased to one thread at a time, opened on demand, a bounded
// wait for a free one. A database's pool says how to open a connection and what to do with
// one handed back (keep it, drop it, or drop it with every idle one).

#include <cstdint>
#include <memory>
#include <utility>
#include <vector>

#include "absl/base/thread_annotations.h"
#include "absl/status/statusor.h"
#include "absl/strings/str_cat.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/time.h"
#include "common/log/log.h"

namespace classplan::storage {

enum class Returned { kKeep, kDrop, kDropAll };

template <typename Db>
class LeasePool {
 public:
  static constexpr absl::Duration kDefaultAcquireTimeout = absl::Seconds(5);

  // A leased connection, returned to the pool on destruction. Movable, not copyable.
  class Lease {
   public:
    Lease(Lease&& other) noexcept
        : pool_(std::exchange(other.pool_, nullptr)), db_(std::move(other.db_)) {}
    Lease& operator=(Lease&& other) noexcept {
      if (this != &other) {
        Return();
        pool_ = std::exchange(other.pool_, nullptr);
        db_ = std::move(other.db_);
      }
      return *this;
    }
    Lease(const Lease&) = delete;
    Lease& operator=(const Lease&) = delete;
    ~Lease() { Return(); }

    Db& db() { return *db_; }
    Db& operator*() { return *db_; }
    Db* operator->() { return db_.get(); }

   private:
    friend class LeasePool;
    Lease(LeasePool* pool, std::unique_ptr<Db> db) : pool_(pool), db_(std::move(db)) {}
    void Return() {
      if (pool_ != nullptr && db_ != nullptr) pool_->Release(std::move(db_));
      pool_ = nullptr;
      db_.reset();
    }

    LeasePool* pool_;
    std::unique_ptr<Db> db_;
  };

  virtual ~LeasePool() {
    absl::MutexLock lock(&mu_);
    if (leased_ != 0) {
      // A Lease outliving its pool would later touch freed memory; make the bug visible.
      log::Error(absl::StrCat(name_, " pool destroyed with connections still leased"),
                 {{"leased", int64_t{leased_}}});
    }
  }
  LeasePool(const LeasePool&) = delete;
  LeasePool& operator=(const LeasePool&) = delete;

  // Waits for a free connection (opening a new one if fewer than `size` exist).
  // DeadlineExceeded after `timeout`; an open failure is returned as is.
  absl::StatusOr<Lease> Acquire(absl::Duration timeout = kDefaultAcquireTimeout) {
    {
      absl::MutexLock lock(&mu_);
      if (!mu_.AwaitWithTimeout(absl::Condition(this, &LeasePool::CanAcquire), timeout)) {
        return absl::DeadlineExceededError(absl::StrCat(name_, " pool: no free connection after ",
                                                        absl::FormatDuration(timeout),
                                                        " (pool size ", size_, ")"));
      }
      ++leased_;
      if (!idle_.empty()) {
        std::unique_ptr<Db> db = std::move(idle_.back());
        idle_.pop_back();
        return Lease(this, std::move(db));
      }
      ++opened_;  // Reserve the slot; open outside the lock so others aren't held up.
    }
    absl::StatusOr<std::unique_ptr<Db>> db = OpenConnection();
    if (!db.ok()) {
      absl::MutexLock lock(&mu_);
      --opened_;
      --leased_;
      return db.status();
    }
    return Lease(this, *std::move(db));
  }

  int size() const { return size_; }

 protected:
  // `name` prefixes messages ("sqlite", "postgres"); `first` is the connection opened at
  // creation, so a bad address fails at start-up.
  LeasePool(const char* name, int size, std::unique_ptr<Db> first) : name_(name), size_(size) {
    absl::MutexLock lock(&mu_);
    idle_.push_back(std::move(first));
    opened_ = 1;
  }

  virtual absl::StatusOr<std::unique_ptr<Db>> OpenConnection() = 0;
  // Called (outside the pool's lock) for each connection handed back.
  virtual Returned Recycle(Db& db) = 0;

 private:
  bool CanAcquire() const ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_) {
    return !idle_.empty() || opened_ < size_;
  }

  void Release(std::unique_ptr<Db> db) {
    const Returned what = Recycle(*db);
    std::vector<std::unique_ptr<Db>> dropped;  // closed after the lock is released
    if (what != Returned::kKeep) dropped.push_back(std::move(db));
    absl::MutexLock lock(&mu_);
    --leased_;
    if (what == Returned::kKeep) {
      idle_.push_back(std::move(db));
      return;
    }
    --opened_;
    if (what == Returned::kDropAll) {
      opened_ -= static_cast<int>(idle_.size());
      for (auto& idle : idle_) dropped.push_back(std::move(idle));
      idle_.clear();
    }
  }

  const char* const name_;
  const int size_;
  mutable absl::Mutex mu_;
  std::vector<std::unique_ptr<Db>> idle_ ABSL_GUARDED_BY(mu_);
  int opened_ ABSL_GUARDED_BY(mu_) = 0;  // Idle + leased + being opened.
  int leased_ ABSL_GUARDED_BY(mu_) = 0;
};

}  // namespace classplan::storage

#endif  // CLASSPLAN_COMMON_STORAGE_POOL_H_
