#include "common/postgres/pool.h"

#include <utility>

#include "absl/strings/str_cat.h"
#include "common/log/log.h"
#include "common/metrics/metrics.h"

namespace classplan::postgres {

absl::StatusOr<std::unique_ptr<ConnectionPool>> ConnectionPool::Create(
    const std::string& conninfo, int size, const ConnectOptions& options) {
  if (size < 1) {
    return absl::InvalidArgumentError(absl::StrCat("postgres pool: size must be >= 1, got ", size));
  }
  absl::StatusOr<std::unique_ptr<Database>> first = Database::Open(conninfo, options);
  if (!first.ok()) return first.status();
  return std::unique_ptr<ConnectionPool>(
      new ConnectionPool(conninfo, size, options, *std::move(first)));
}

absl::StatusOr<std::unique_ptr<Database>> ConnectionPool::OpenConnection() {
  return Database::Open(conninfo_, options_);
}

absl::Status ConnectionPool::Read(absl::FunctionRef<absl::Status(Database&)> read) {
  absl::Status status;
  for (int attempt = 0; attempt < 2; ++attempt) {
    absl::StatusOr<Lease> lease = Acquire();
    if (!lease.ok()) return lease.status();
    status = read(**lease);
    // Only a lost connection is worth a second try: the lease's end drops it and the idle
    // ones, so the retry connects afresh.
    if (status.ok() || !(*lease)->broken()) return status;
    metrics::GetCounter("postgres_reads_retried").Increment();
  }
  return status;
}

absl::Status ConnectionPool::Write(absl::FunctionRef<absl::Status(Database&)> body,
                                   Isolation isolation) {
  absl::Status status;
  for (int attempt = 0; attempt < 2; ++attempt) {
    absl::StatusOr<Lease> lease = Acquire();
    if (!lease.ok()) return lease.status();
    Database& db = **lease;
    bool began = false;
    status = db.Transaction(
        [&] {
          began = true;
          return body(db);
        },
        isolation);
    if (status.ok() || began || !db.broken()) return status;
    metrics::GetCounter("postgres_begins_retried").Increment();
  }
  return status;
}

struct ConnectionPool::Grouped {
  explicit Grouped(absl::FunctionRef<absl::Status(Database&)> b) : body(b) {}
  absl::FunctionRef<absl::Status(Database&)> body;
  absl::Status status;
  bool done = false;
};

absl::Status ConnectionPool::WriteGrouped(absl::FunctionRef<absl::Status(Database&)> body,
                                          const char* first) {
  Grouped me(body);
  std::vector<Grouped*> batch;
  {
    absl::MutexLock lock(&group_mu_);
    group_queue_.push_back(&me);
    // Either a leader runs this write, or this caller becomes the leader when none is left.
    auto ready = [this, &me]()
                     ABSL_EXCLUSIVE_LOCKS_REQUIRED(group_mu_) { return me.done || !group_leader_; };
    group_mu_.Await(absl::Condition(&ready));
    if (me.done) return me.status;
    group_leader_ = true;
    while (!group_queue_.empty() && static_cast<int>(batch.size()) < kMaxGroup) {
      batch.push_back(group_queue_.front());
      group_queue_.pop_front();
    }
  }
  // `me` is in the batch: it was queued, and a member is marked done before leadership ends.
  RunGroup(batch, first);
  absl::MutexLock lock(&group_mu_);
  for (Grouped* g : batch) g->done = true;
  group_leader_ = false;
  return me.status;
}

void ConnectionPool::RunGroup(const std::vector<Grouped*>& batch, const char* first) {
  if (batch.size() > 1) {
    metrics::GetCounter("postgres_grouped_writes").Increment(static_cast<int64_t>(batch.size()));
  }
  size_t ran = 0;
  absl::Status tx = Write([&](Database& db) -> absl::Status {
    ran = 0;
    if (first != nullptr) {
      if (absl::Status s = db.Exec(first); !s.ok()) return s;
    }
    if (batch.size() == 1) {  // the transaction alone makes it all or nothing
      ran = 1;
      batch.front()->status = batch.front()->body(db);
      return batch.front()->status;
    }
    for (Grouped* g : batch) {
      ++ran;
      const size_t mark = db.deferred() != nullptr ? db.deferred()->Mark() : 0;
      // The savepoint and its release travel with the body's next statement (ExecWithNext):
      // no round trip of their own.
      db.ExecWithNext("SAVEPOINT grouped_write");
      g->status = g->body(db);
      if (g->status.ok() && db.TransactionFailed()) {
        // A statement of the body failed and the body went on: RELEASE would be refused.
        g->status = absl::AbortedError("postgres transaction: a statement failed inside it");
      }
      if (g->status.ok()) {
        db.ExecWithNext("RELEASE SAVEPOINT grouped_write");
        continue;
      }
      if (db.broken()) return g->status;
      if (db.deferred() != nullptr) db.deferred()->Undo(mark);  // its share of the deferred work
      if (absl::Status s = db.Exec("ROLLBACK TO SAVEPOINT grouped_write; "
                                   "RELEASE SAVEPOINT grouped_write");
          !s.ok()) {
        return s;
      }
    }
    return absl::OkStatus();
  });
  if (tx.ok()) return;
  // Nothing of the batch committed: members that succeeded, or never ran, share its error.
  for (size_t i = 0; i < batch.size(); ++i) {
    if (i >= ran || batch[i]->status.ok()) batch[i]->status = tx;
  }
}

storage::Returned ConnectionPool::Recycle(Database& db) {
  if (!db.broken() && db.InTransaction()) {
    log::Warn("postgres pool: connection returned inside a transaction; rolling back");
    if (!db.Exec("ROLLBACK").ok() && !db.broken()) return storage::Returned::kDrop;
  }
  if (!db.broken()) return storage::Returned::kKeep;
  // A server restart ends every connection; the idle ones would each fail once more.
  log::Warn("postgres pool: connection lost; idle connections dropped, new ones will connect");
  metrics::GetCounter("postgres_connections_lost").Increment();
  return storage::Returned::kDropAll;
}

}  // namespace classplan::postgres
