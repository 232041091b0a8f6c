#ifndef CLASSPLAN_COMMON_SQLITE_POOL_H_
#define CLASSPLAN_COMMON_SQLITE_POOL_H_

#include <memory>
#include <string>
#include <vector>

#include "absl/base/thread_annotations.h"
#include "absl/status/statusor.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/time.h"
#include "common/sqlite/database.h"

namespace classplan::sqlite {

// Up to `size` connections to one database file, shared by readers and writers. Each
// connection is leased to one thread at a time. WAL lets readers run while a writer writes;
// writers queue on SQLite's lock for up to OpenOptions::busy_timeout.
//
// Thread-safe. The pool must outlive every Lease, and every Statement must be destroyed before
// its Lease.
class ConnectionPool {
 public:
  static constexpr absl::Duration kDefaultAcquireTimeout = absl::Seconds(5);

  // A leased connection, returned to the pool on destruction. Movable, not copyable.
  class Lease {
   public:
    Lease(Lease&& other) noexcept;
    Lease& operator=(Lease&& other) noexcept;
    Lease(const Lease&) = delete;
    Lease& operator=(const Lease&) = delete;
    ~Lease();

    Database& db() { return *db_; }
    Database& operator*() { return *db_; }
    Database* operator->() { return db_.get(); }

   private:
    friend class ConnectionPool;
    Lease(ConnectionPool* pool, std::unique_ptr<Database> db) : pool_(pool), db_(std::move(db)) {}
    void Return();

    ConnectionPool* pool_;
    std::unique_ptr<Database> db_;
  };

  // Opens the first connection now, so a bad path or unreadable file fails at start-up; the
  // others are opened on demand. `size` must be >= 1, and 1 for ":memory:" (each in-memory
  // connection would be a separate database).
  static absl::StatusOr<std::unique_ptr<ConnectionPool>> Create(const std::string& path, int size,
                                                                const OpenOptions& options = {});

  ~ConnectionPool();
  ConnectionPool(const ConnectionPool&) = delete;
  ConnectionPool& operator=(const ConnectionPool&) = delete;

  // Waits for a free connection (opening a new one if fewer than `size` exist).
  // DeadlineExceeded after `timeout`; an open failure is returned as is.
  absl::StatusOr<Lease> Acquire(absl::Duration timeout = kDefaultAcquireTimeout);

  int size() const { return size_; }

 private:
  ConnectionPool(std::string path, int size, const OpenOptions& options)
      : path_(std::move(path)), size_(size), options_(options) {}

  bool CanAcquire() const ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_) {
    return !idle_.empty() || opened_ < size_;
  }
  void Release(std::unique_ptr<Database> db);

  const std::string path_;
  const int size_;
  const OpenOptions options_;

  mutable absl::Mutex mu_;
  std::vector<std::unique_ptr<Database>> idle_ ABSL_GUARDED_BY(mu_);
  int opened_ ABSL_GUARDED_BY(mu_) = 0;  // Idle + leased + being opened.
  int leased_ ABSL_GUARDED_BY(mu_) = 0;
};

}  // namespace classplan::sqlite

#endif  // CLASSPLAN_COMMON_SQLITE_POOL_H_
