#ifndef CLASSPLAN_COMMON_SQLITE_POOL_H_
#define CLASSPLAN_COMMON_SQLITE_POOL_H_

#include <memory>
#include <string>

#include "absl/status/statusor.h"
#include "common/sqlite/database.h"
#include "common/storage/pool.h"

namespace classplan::sqlite {

// Up to `size` connections to one database file, shared by readers and writers. Each
// connection is leased to one thread at a time (storage::LeasePool: Acquire, Lease). WAL lets
// readers run while a writer writes; writers queue on SQLite's lock for up to
// OpenOptions::busy_timeout.
//
// Thread-safe. The pool must outlive every Lease, and every Statement must be destroyed before
// its Lease.
class ConnectionPool : public storage::LeasePool<Database> {
 public:
  // Opens the first connection now, so a bad path or unreadable file fails at start-up; the
  // others are opened on demand. `size` must be >= 1, and 1 for ":memory:" (each in-memory
  // connection would be a separate database).
  static absl::StatusOr<std::unique_ptr<ConnectionPool>> Create(const std::string& path, int size,
                                                                const OpenOptions& options = {});

 private:
  ConnectionPool(std::string path, int size, const OpenOptions& options,
                 std::unique_ptr<Database> first)
      : LeasePool("sqlite", size, std::move(first)), path_(std::move(path)), options_(options) {}

  absl::StatusOr<std::unique_ptr<Database>> OpenConnection() override;
  storage::Returned Recycle(Database& db) override;

  const std::string path_;
  const OpenOptions options_;
};

}  // namespace classplan::sqlite

#endif  // CLASSPLAN_COMMON_SQLITE_POOL_H_
