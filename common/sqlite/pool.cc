#include "common/sqlite/pool.h"

#include <utility>

#include "absl/strings/str_cat.h"
#include "common/log/log.h"

namespace classplan::sqlite {

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

absl::StatusOr<std::unique_ptr<ConnectionPool>> ConnectionPool::Create(const std::string& path,
                                                                       int size,
                                                                       const OpenOptions& options) {
  if (size < 1) {
    return absl::InvalidArgumentError(absl::StrCat("sqlite pool: size must be >= 1, got ", size));
  }
  bool in_memory = path.empty() || path == ":memory:";
  if (in_memory && size != 1) {
    return absl::InvalidArgumentError(
        "sqlite pool: an in-memory database cannot be shared; use size 1 or a file");
  }
  absl::StatusOr<std::unique_ptr<Database>> first = Database::Open(path, options);
  if (!first.ok()) return first.status();
  std::unique_ptr<ConnectionPool> pool(new ConnectionPool(path, size, options));
  absl::MutexLock lock(&pool->mu_);
  pool->idle_.push_back(*std::move(first));
  pool->opened_ = 1;
  return pool;
}

ConnectionPool::~ConnectionPool() {
  absl::MutexLock lock(&mu_);
  if (leased_ != 0) {
    // A Lease outliving its pool would later touch freed memory; make the bug visible.
    log::Error("sqlite pool destroyed with connections still leased",
               {{"leased", int64_t{leased_}}});
  }
}

absl::StatusOr<ConnectionPool::Lease> ConnectionPool::Acquire(absl::Duration timeout) {
  {
    absl::MutexLock lock(&mu_);
    if (!mu_.AwaitWithTimeout(absl::Condition(this, &ConnectionPool::CanAcquire), timeout)) {
      return absl::DeadlineExceededError(absl::StrCat("sqlite pool: no free connection after ",
                                                      absl::FormatDuration(timeout), " (pool size ",
                                                      size_, ")"));
    }
    ++leased_;
    if (!idle_.empty()) {
      std::unique_ptr<Database> db = std::move(idle_.back());
      idle_.pop_back();
      return Lease(this, std::move(db));
    }
    ++opened_;  // Reserve the slot; open outside the lock so others aren't held up.
  }
  absl::StatusOr<std::unique_ptr<Database>> db = Database::Open(path_, options_);
  if (!db.ok()) {
    absl::MutexLock lock(&mu_);
    --opened_;
    --leased_;
    return db.status();
  }
  return Lease(this, *std::move(db));
}

void ConnectionPool::Release(std::unique_ptr<Database> db) {
  // A transaction left open would hold the write lock for whoever gets this connection next.
  if (db->InTransaction()) {
    log::Warn("sqlite pool: connection returned inside a transaction; rolling back");
    if (!db->Exec("ROLLBACK").ok()) {
      // Can't trust it any more; drop it and let a fresh one be opened.
      db.reset();
    }
  }
  absl::MutexLock lock(&mu_);
  --leased_;
  if (db != nullptr) {
    idle_.push_back(std::move(db));
  } else {
    --opened_;
  }
}

}  // namespace classplan::sqlite
