#ifndef CLASSPLAN_COMMON_POSTGRES_POOL_H_
#define CLASSPLAN_COMMON_POSTGRES_POOL_H_

#include <deque>
#include <memory>
#include <string>

#include "absl/base/thread_annotations.h"
#include "absl/functional/function_ref.h"
#include "absl/status/statusor.h"
#include "absl/synchronization/mutex.h"
#include "common/postgres/database.h"
#include "common/storage/pool.h"

namespace classplan::postgres {

// Up to `size` connections to one server, each leased to one thread at a time
// (storage::LeasePool, as sqlite::ConnectionPool). A connection found broken (the server restarted,
// the network dropped: PQstatus bad, SQLSTATE 08xxx or 57P01-57P03) is dropped when its lease ends,
// with every idle one (a restart kills them all), and new ones are opened on demand. Each loss is
// logged and counted (metric "postgres_connections_lost").
//
// Thread-safe. The pool must outlive every Lease, and every Statement its Lease.
class ConnectionPool : public storage::LeasePool<Database> {
 public:
  // Opens the first connection now, so a bad address or credentials fail at start-up.
  static absl::StatusOr<std::unique_ptr<ConnectionPool>> Create(const std::string& conninfo,
                                                                int size,
                                                                const ConnectOptions& options = {});

  // Runs an idempotent read. When it fails because its connection was lost, it runs once more
  // on a newly opened connection, so a server restart costs a read nothing once the server is
  // back. Never use it for a write: a write whose connection died may have committed.
  absl::Status Read(absl::FunctionRef<absl::Status(Database&)> read);

  // Runs `body` in a transaction (Database::Transaction). Only when BEGIN itself fails on a
  // lost connection (nothing of `body` ran) is it tried once more on a new connection; once
  // `body` has started, a failure is returned as is (the write may have committed).
  absl::Status Write(absl::FunctionRef<absl::Status(Database&)> body,
                     Isolation isolation = Isolation::kReadCommitted);

  // As Write, with group commit: callers that arrive while a batch is running wait and then
  // run together in the next transaction (at most kMaxGroup), each body under its own
  // SAVEPOINT, so a failing body undoes only its own work and gets its own error. A batch pays
  // one commit (one WAL flush) and one pass through locks held to the commit, such as the
  // audit chain's, for all its writes. A body sees the earlier writes of its batch (one
  // transaction) and its locks are held until the batch commits; a failed COMMIT is every
  // member's error. A lone caller runs without a savepoint.
  //
  // Work the bodies defer to the commit (Database::Defer, e.g. audit::AppendAtCommit) runs
  // once for the whole group, right before its COMMIT; a body rolled back to its savepoint
  // drops its share (Deferred::Undo).
  //
  // `first` (if not null) runs first in every group transaction, before any body: a store
  // whose bodies each end taking one shared lock (the audit chain's advisory lock) passes the
  // statement taking it, so no group ever holds a body's lock while it waits for that one (two
  // replicas' groups would otherwise deadlock).
  absl::Status WriteGrouped(absl::FunctionRef<absl::Status(Database&)> body,
                            const char* first = nullptr);

  static constexpr int kMaxGroup = 32;
  // Writes waiting for the next group (for tests).
  int GroupQueued() {
    absl::MutexLock lock(&group_mu_);
    return static_cast<int>(group_queue_.size());
  }

 private:
  struct Grouped;
  // Runs `batch` in one transaction (WriteGrouped), setting each member's status.
  void RunGroup(const std::vector<Grouped*>& batch, const char* first);

  ConnectionPool(std::string conninfo, int size, const ConnectOptions& options,
                 std::unique_ptr<Database> first)
      : LeasePool("postgres", size, std::move(first)),
        conninfo_(std::move(conninfo)),
        options_(options) {}

  absl::StatusOr<std::unique_ptr<Database>> OpenConnection() override;
  storage::Returned Recycle(Database& db) override;

  const std::string conninfo_;
  const ConnectOptions options_;

  absl::Mutex group_mu_;
  std::deque<Grouped*> group_queue_ ABSL_GUARDED_BY(group_mu_);
  bool group_leader_ ABSL_GUARDED_BY(group_mu_) = false;
};

}  // namespace classplan::postgres

#endif  // CLASSPLAN_COMMON_POSTGRES_POOL_H_
