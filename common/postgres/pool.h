#ifndef CLASSPLAN_COMMON_POSTGRES_POOL_H_
#define CLASSPLAN_COMMON_POSTGRES_POOL_H_

#include <memory>
#include <string>
#include <vector>

#include "absl/base/thread_annotations.h"
#include "absl/functional/function_ref.h"
#include "absl/status/statusor.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/time.h"
#include "common/postgres/database.h"

namespace classplan::postgres {

// Up to `size` connections to one server, each leased to one thread at a time (the shape of
// sqlite::ConnectionPool). A connection found broken (the server restarted, the network
// dropped: PQstatus bad, SQLSTATE 08xxx or 57P01-57P03) is dropped when its lease ends, with
// every idle one (a restart kills them all), and new ones are opened on demand. Each loss is
// logged and counted (metric "postgres_connections_lost").
//
// Thread-safe. The pool must outlive every Lease, and every Statement its Lease.
class ConnectionPool {
 public:
  static constexpr absl::Duration kDefaultAcquireTimeout = absl::Seconds(5);

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

  // Opens the first connection now, so a bad address or credentials fail at start-up.
  static absl::StatusOr<std::unique_ptr<ConnectionPool>> Create(const std::string& conninfo,
                                                                int size,
                                                                const ConnectOptions& options = {});

  ~ConnectionPool();
  ConnectionPool(const ConnectionPool&) = delete;
  ConnectionPool& operator=(const ConnectionPool&) = delete;

  // Waits for a free connection (opening one if fewer than `size` exist). DeadlineExceeded
  // after `timeout`; a connect failure is returned as is (Unavailable).
  absl::StatusOr<Lease> Acquire(absl::Duration timeout = kDefaultAcquireTimeout);

  // Runs an idempotent read. When it fails because its connection was lost, it runs once more
  // on a newly opened connection, so a server restart costs a read nothing once the server is
  // back. Never use it for a write: a write whose connection died may have committed.
  absl::Status Read(absl::FunctionRef<absl::Status(Database&)> read);

  // Runs `body` in a transaction (Database::Transaction). Only when BEGIN itself fails on a
  // lost connection (nothing of `body` ran) is it tried once more on a new connection; once
  // `body` has started, a failure is returned as is (the write may have committed).
  absl::Status Write(absl::FunctionRef<absl::Status(Database&)> body,
                     Isolation isolation = Isolation::kReadCommitted);

  int size() const { return size_; }

 private:
  ConnectionPool(std::string conninfo, int size, const ConnectOptions& options)
      : conninfo_(std::move(conninfo)), size_(size), options_(options) {}

  bool CanAcquire() const ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_) {
    return !idle_.empty() || opened_ < size_;
  }
  void Release(std::unique_ptr<Database> db);

  const std::string conninfo_;
  const int size_;
  const ConnectOptions options_;

  mutable absl::Mutex mu_;
  std::vector<std::unique_ptr<Database>> idle_ ABSL_GUARDED_BY(mu_);
  int opened_ ABSL_GUARDED_BY(mu_) = 0;  // Idle + leased + being opened.
  int leased_ ABSL_GUARDED_BY(mu_) = 0;
};

}  // namespace classplan::postgres

#endif  // CLASSPLAN_COMMON_POSTGRES_POOL_H_
