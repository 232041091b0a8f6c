#include "common/postgres/pool.h"

#include <utility>

#include "absl/strings/str_cat.h"
#include "common/log/log.h"
#include "common/metrics/metrics.h"

namespace classplan::postgres {

ConnectionPool::Lease::Lease(Lease&& other) noexcept
    : pool_(std::exchange(other.pool_, nullptr)), db_(std::move(other.db_)) {}

ConnectionPool::Lease& ConnectionPool::Lease::operator=(Lease&& other) noexcept {
  if (this != &other) {
    Return();
    pool_ = std::exchange(other.pool_, nullptr);
    db_ = std::move(other.db_);
  }
  return *this;
}

ConnectionPool::Lease::~Lease() { Return(); }

void ConnectionPool::Lease::Return() {
  if (pool_ != nullptr && db_ != nullptr) pool_->Release(std::move(db_));
  pool_ = nullptr;
  db_.reset();
}

absl::StatusOr<std::unique_ptr<ConnectionPool>> ConnectionPool::Create(
    const std::string& conninfo, int size, const ConnectOptions& options) {
  if (size < 1) {
    return absl::InvalidArgumentError(absl::StrCat("postgres pool: size must be >= 1, got ", size));
  }
  absl::StatusOr<std::unique_ptr<Database>> first = Database::Open(conninfo, options);
  if (!first.ok()) return first.status();
  std::unique_ptr<ConnectionPool> pool(new ConnectionPool(conninfo, size, options));
  absl::MutexLock lock(&pool->mu_);
  pool->idle_.push_back(*std::move(first));
  pool->opened_ = 1;
  return pool;
}

ConnectionPool::~ConnectionPool() {
  absl::MutexLock lock(&mu_);
  if (leased_ != 0) {
    log::Error("postgres pool destroyed with connections still leased",
               {{"leased", int64_t{leased_}}});
  }
}

absl::StatusOr<ConnectionPool::Lease> ConnectionPool::Acquire(absl::Duration timeout) {
  {
    absl::MutexLock lock(&mu_);
    if (!mu_.AwaitWithTimeout(absl::Condition(this, &ConnectionPool::CanAcquire), timeout)) {
      return absl::DeadlineExceededError(absl::StrCat("postgres pool: no free connection after ",
                                                      absl::FormatDuration(timeout), " (pool size ",
                                                      size_, ")"));
    }
    ++leased_;
    if (!idle_.empty()) {
      std::unique_ptr<Database> db = std::move(idle_.back());
      idle_.pop_back();
      return Lease(this, std::move(db));
    }
    ++opened_;  // Reserve the slot; connect outside the lock so others aren't held up.
  }
  absl::StatusOr<std::unique_ptr<Database>> db = Database::Open(conninfo_, options_);
  if (!db.ok()) {
    absl::MutexLock lock(&mu_);
    --opened_;
    --leased_;
    return db.status();
  }
  return Lease(this, *std::move(db));
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

void ConnectionPool::Release(std::unique_ptr<Database> db) {
  std::vector<std::unique_ptr<Database>> dropped;
  if (!db->broken() && db->InTransaction()) {
    log::Warn("postgres pool: connection returned inside a transaction; rolling back");
    if (!db->Exec("ROLLBACK").ok()) db.reset();
  }
  const bool lost = db == nullptr || db->broken();
  if (lost) {
    log::Warn("postgres pool: connection lost; idle connections dropped, new ones will connect");
    metrics::GetCounter("postgres_connections_lost").Increment();
    db.reset();
  }
  absl::MutexLock lock(&mu_);
  --leased_;
  if (!lost) {
    idle_.push_back(std::move(db));
    return;
  }
  --opened_;
  // A server restart ends every connection; the idle ones would each fail once more.
  opened_ -= static_cast<int>(idle_.size());
  dropped.swap(idle_);  // closed after the lock is released (destructor order)
}

}  // namespace classplan::postgres
