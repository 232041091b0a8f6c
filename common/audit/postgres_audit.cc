#include "common/audit/postgres_audit.h"

#include <algorithm>
#include <memory>
#include <utility>
#include <vector>

#include "absl/strings/str_cat.h"
#include "common/audit/audit_rows.h"

namespace classplan::audit {

namespace {

// Takes the append lock and returns the transaction's isolation level (one statement).
constexpr char kLockSql[] =
    "SELECT pg_advisory_xact_lock($1), current_setting('transaction_isolation')";

// The tail is read after the lock by a statement of its own; only READ COMMITTED gives that
// statement a snapshot taken after the lock was granted. Under REPEATABLE READ or SERIALIZABLE
// the snapshot is the transaction's first statement's, so the tail read could miss the previous
// holder's event and link a second event to the same one: a fork (the seq key would then refuse
// the insert with an opaque error, after the transaction's work). Refused first, in plain words.
absl::Status CheckIsolation(postgres::Statement& lock) {
  auto row = lock.Step();
  if (!row.ok()) return row.status();
  const std::string isolation = *row ? lock.ColumnText(1) : "";
  if (isolation == "read committed") return absl::OkStatus();
  return absl::FailedPreconditionError(
      absl::StrCat("audit append needs a READ COMMITTED transaction, not ", isolation,
                   ": its read of the chain's tail could miss the previous event"));
}

}  // namespace

absl::StatusOr<Event> Append(postgres::Database& db, Event event) {
  if (!db.InTransaction()) {
    return absl::FailedPreconditionError("audit Append must run inside the write's transaction");
  }
  // Replicas share the chain: one appender at a time, until its transaction commits. The read
  // of the tail comes after the lock, so (READ COMMITTED) it sees the previous appender's row.
  auto lock = db.Prepare(kLockSql);
  if (!lock.ok()) return lock.status();
  lock->Bind(1, kAppendLockKey);
  if (auto s = CheckIsolation(*lock); !s.ok()) return s;
  auto last = db.Prepare("SELECT seq, hash FROM audit_events ORDER BY seq DESC LIMIT 1");
  if (!last.ok()) return last.status();
  auto next = internal::NextLink(*last, std::move(event));
  if (!next.ok()) return next.status();
  auto ins = db.Prepare(absl::StrCat("INSERT INTO audit_events(", internal::kColumns,
                                     ") VALUES($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, "
                                     "$13)"));
  if (!ins.ok()) return ins.status();
  internal::BindEvent(*ins, *next);
  if (auto s = ins->Step(); !s.ok()) return s.status();
  return next;
}

namespace {

// Rows per INSERT: 13 parameters each, well inside the protocol's 65,535.
constexpr size_t kRowsPerInsert = 256;

std::string InsertSql(size_t rows) {
  std::string sql = absl::StrCat("INSERT INTO audit_events(", internal::kColumns, ") VALUES");
  for (size_t r = 0; r < rows; ++r) {
    absl::StrAppend(&sql, r == 0 ? "(" : ", (");
    for (size_t c = 1; c <= 13; ++c) absl::StrAppend(&sql, c == 1 ? "$" : ", $", r * 13 + c);
    absl::StrAppend(&sql, ")");
  }
  return sql;
}

class PendingAppends : public postgres::Deferred {
 public:
  void Add(Event event) { events_.push_back(std::move(event)); }
  size_t Mark() const override { return events_.size(); }
  void Undo(size_t mark) override { events_.resize(std::min(mark, events_.size())); }

  absl::Status Commit(postgres::Database& db) override {
    if (events_.empty()) return db.Exec("COMMIT");
    // The lock, then the tail read in a statement of its own (a snapshot taken after the lock
    // is granted, so it sees the previous holder's rows): one round trip.
    auto lock = db.Prepare(kLockSql);
    auto tail = db.Prepare("SELECT seq, hash FROM audit_events ORDER BY seq DESC LIMIT 1");
    if (!lock.ok() || !tail.ok()) return !lock.ok() ? lock.status() : tail.status();
    lock->Bind(1, kAppendLockKey);
    if (auto s = db.StepTogether(*lock, *tail); !s.ok()) return s;
    if (auto s = CheckIsolation(*lock); !s.ok()) return s;
    auto row = tail->Step();
    if (!row.ok()) return row.status();
    int64_t sequence = *row ? tail->ColumnInt(0) : 0;
    std::string hash = *row ? tail->ColumnText(1) : std::string(kGenesisHash);
    for (size_t start = 0; start < events_.size(); start += kRowsPerInsert) {
      const size_t rows = std::min(kRowsPerInsert, events_.size() - start);
      auto ins = db.Prepare(InsertSql(rows));
      if (!ins.ok()) return ins.status();
      for (size_t r = 0; r < rows; ++r) {
        Event e = internal::Link(std::move(events_[start + r]), sequence, hash);
        sequence = e.sequence;
        hash = e.hash;
        internal::BindEvent(*ins, e, static_cast<int>(r * 13 + 1));
      }
      if (start + rows < events_.size()) {
        if (auto s = ins->Step(); !s.ok()) return s.status();
        continue;
      }
      // The last INSERT and the COMMIT in one round trip.
      auto commit = db.Prepare("COMMIT");
      if (!commit.ok()) return commit.status();
      return db.StepTogether(*ins, *commit);
    }
    return absl::OkStatus();  // not reached: the last chunk returns
  }

 private:
  std::vector<Event> events_;
};

}  // namespace

absl::Status AppendAtCommit(postgres::Database& db, Event event) {
  if (!db.InTransaction()) {
    return absl::FailedPreconditionError("audit Append must run inside the write's transaction");
  }
  auto* pending = dynamic_cast<PendingAppends*>(db.deferred());
  if (pending == nullptr) {
    if (db.deferred() != nullptr) {
      return absl::FailedPreconditionError("the transaction already defers other work");
    }
    auto fresh = std::make_unique<PendingAppends>();
    pending = fresh.get();
    if (auto s = db.Defer(std::move(fresh)); !s.ok()) return s;
  }
  pending->Add(std::move(event));
  return absl::OkStatus();
}

absl::StatusOr<Page> List(postgres::Database& db, const Filter& filter, int page_size,
                          const std::string& page_token) {
  static const std::string sql = absl::StrCat(
      "SELECT ", internal::kColumns,
      " FROM audit_events WHERE seq > $1 AND ($2 = '' OR resource_type = $2) "
      "AND ($3 = '' OR resource_id = $3) AND ($4 = '' OR principal = $4) "
      "AND ($5::bigint IS NULL OR time_us >= $5) AND ($6::bigint IS NULL OR time_us < $6) "
      "ORDER BY seq LIMIT $7");
  return internal::ListPage(db, sql.c_str(), filter, page_size, page_token);
}

absl::StatusOr<std::optional<Break>> Verify(postgres::Database& db) {
  return internal::VerifyAll(db);
}

}  // namespace classplan::audit
