#include "common/sqlite/pool.h"

#include <utility>

#include "absl/strings/str_cat.h"
#include "common/log/log.h"

namespace classplan::sqlite {

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
  return std::unique_ptr<ConnectionPool>(
      new ConnectionPool(path, size, options, *std::move(first)));
}

absl::StatusOr<std::unique_ptr<Database>> ConnectionPool::OpenConnection() {
  return Database::Open(path_, options_);
}

storage::Returned ConnectionPool::Recycle(Database& db) {
  // A transaction left open would hold the write lock for whoever gets this connection next.
  if (db.InTransaction()) {
    log::Warn("sqlite pool: connection returned inside a transaction; rolling back");
    // Can't trust it any more if that fails; drop it and let a fresh one be opened.
    if (!db.Exec("ROLLBACK").ok()) return storage::Returned::kDrop;
  }
  return storage::Returned::kKeep;
}

}  // namespace classplan::sqlite
