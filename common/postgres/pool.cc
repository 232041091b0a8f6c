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
