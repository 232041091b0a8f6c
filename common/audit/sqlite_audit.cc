#include "common/audit/sqlite_audit.h"

#include "absl/strings/str_cat.h"
#include "common/audit/audit_rows.h"

namespace classplan::audit {

absl::StatusOr<Event> Append(sqlite::Database& db, Event event) {
  if (!db.InTransaction()) {
    return absl::FailedPreconditionError("audit Append must run inside the write's transaction");
  }
  // The transaction holds SQLite's write lock: appenders are serialized by it.
  auto last = db.Prepare("SELECT seq, hash FROM audit_events ORDER BY seq DESC LIMIT 1");
  if (!last.ok()) return last.status();
  auto next = internal::NextLink(*last, std::move(event));
  if (!next.ok()) return next.status();
  auto ins = db.Prepare(absl::StrCat("INSERT INTO audit_events(", internal::kColumns,
                                     ") VALUES(?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, "
                                     "?13)"));
  if (!ins.ok()) return ins.status();
  internal::BindEvent(*ins, *next);
  if (auto s = ins->Step(); !s.ok()) return s.status();
  return next;
}

absl::StatusOr<Page> List(sqlite::Database& db, const Filter& filter, int page_size,
                          const std::string& page_token) {
  static const std::string sql =
      absl::StrCat("SELECT ", internal::kColumns,
                   " FROM audit_events WHERE seq > ?1 AND (?2 = '' OR resource_type = ?2) "
                   "AND (?3 = '' OR resource_id = ?3) AND (?4 = '' OR principal = ?4) "
                   "AND (?5 IS NULL OR time_us >= ?5) AND (?6 IS NULL OR time_us < ?6) "
                   "ORDER BY seq LIMIT ?7");
  return internal::ListPage(db, sql.c_str(), filter, page_size, page_token);
}

absl::StatusOr<std::optional<Break>> Verify(sqlite::Database& db) {
  return internal::VerifyAll(db);
}

absl::StatusOr<sqlite::ConnectionPool::Lease> SqliteAuditedBackend::Acquire(Pool& pool) {
  auto lease = pool.Acquire();
  if (!lease.ok()) return lease.status();
  if (auto s = (*lease)->Exec("PRAGMA synchronous=FULL"); !s.ok()) return s;
  return lease;
}

absl::Status SqliteAuditedBackend::Read(Pool& pool,
                                        absl::FunctionRef<absl::Status(Database&)> read) {
  auto lease = Acquire(pool);
  if (!lease.ok()) return lease.status();
  return read(**lease);
}

absl::Status SqliteAuditedBackend::Write(Pool& pool,
                                         absl::FunctionRef<absl::Status(Database&)> write) {
  auto lease = Acquire(pool);
  if (!lease.ok()) return lease.status();
  Database& db = **lease;
  return db.Transaction([&] { return write(db); });
}

absl::StatusOr<Event> SqliteAuditedBackend::Append(Database& db, Event event) {
  return audit::Append(db, std::move(event));
}

absl::StatusOr<Page> SqliteAuditedBackend::List(Database& db, const Filter& filter, int page_size,
                                                const std::string& page_token) {
  return audit::List(db, filter, page_size, page_token);
}

}  // namespace classplan::audit
