#ifndef CLASSPLAN_COMMON_POSTGRES_DATABASE_H_
#define CLASSPLAN_COMMON_POSTGRES_DATABASE_H_

// A PostgreSQL connection through libpq, the C client library of Debian's libpq-dev. libpq
// and not libpqxx: libpqxx is not among the packages the project may use, and the few
// things stores need (parameters, binary bytea, transactions, SQLSTATE) are a thin layer over
// libpq, shaped here like common/sqlite so a store's two implementations read alike.

#include <algorithm>
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "absl/functional/function_ref.h"
#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "common/postgres/statement.h"

struct pg_conn;
struct pg_result;

namespace classplan::postgres {

struct ConnectOptions {
  // libpq's connect_timeout (it rounds up to whole seconds, at least 2).
  absl::Duration connect_timeout = absl::Seconds(5);
  // Every statement on the connection is cancelled by the server after this
  // (DeadlineExceeded), so no store call waits on the database for ever.
  absl::Duration statement_timeout = absl::Seconds(10);
  // Server-side prepared statements kept per connection (0: none, every statement parsed and
  // planned afresh). Beyond it the least recently used one is deallocated.
  int max_prepared_statements = 128;
};

enum class Isolation { kReadCommitted, kSerializable };

// Work a transaction defers to its end, run inside it after its body and ending with the
// COMMIT itself, so its last statement can share the COMMIT's round trip (StepTogether).
// Dropped when the transaction rolls back. audit::AppendAtCommit keeps the audit chain's events
// here, so the chain's lock is taken last and held only for the append and the commit.
class Deferred {
 public:
  virtual ~Deferred() = default;
  // Does the deferred work and commits; on failure the transaction is rolled back.
  virtual absl::Status Commit(Database& db) = 0;
  // A position in the work, and dropping what came after it (a SAVEPOINT rolled back).
  virtual size_t Mark() const = 0;
  virtual void Undo(size_t mark) = 0;
};

// One connection. Not thread-safe: used by one thread at a time (ConnectionPool leases it).
class Database {
 public:
  // Connects to `conninfo` (a postgresql:// URI or "key=value ..." string). The connection
  // string may hold a password: it never appears in a returned error or log line.
  static absl::StatusOr<std::unique_ptr<Database>> Open(const std::string& conninfo,
                                                        const ConnectOptions& options = {});

  ~Database();
  Database(const Database&) = delete;
  Database& operator=(const Database&) = delete;

  // Runs one or more ';'-separated statements without parameters (schema, SET, locks).
  absl::Status Exec(std::string_view sql);

  // A statement to bind and Step (no server round trip until the first Step). The first Step
  // of a given SQL text (with given parameter types) on this connection prepares it on the
  // server as a named statement (PQprepare); later ones only execute it (PQexecPrepared), so
  // the server parses and plans it once per connection, not per call. The cache is bounded
  // (ConnectOptions::max_prepared_statements, least recently used deallocated) and dies with
  // the connection (the pool drops a lost one, and a new one starts empty).
  absl::StatusOr<Statement> Prepare(std::string_view sql);

  // Runs `body` inside BEGIN ... COMMIT (SERIALIZABLE when asked). If `body` fails the
  // transaction is rolled back and its error returned; a body that went on after a failed
  // statement (PostgreSQL then refuses the rest) gets Aborted. Nesting: FailedPrecondition.
  absl::Status Transaction(absl::FunctionRef<absl::Status()> body,
                           Isolation isolation = Isolation::kReadCommitted);

  // Sends both statements (bound, not yet stepped) in one round trip (libpq pipeline mode) and
  // runs them in order, each with its own snapshot (READ COMMITTED): e.g. taking a lock, then
  // reading what the lock guards; or a last write and COMMIT. Afterwards each is as after its
  // first Step, but before its first row: Step() walks the rows. The first error is returned;
  // a statement after a failed one does not run (PostgreSQL aborts the rest of the pipeline).
  absl::Status StepTogether(Statement& first, Statement& second);

  // Queues a command without parameters or rows (SAVEPOINT, RELEASE SAVEPOINT) to go with the
  // next statement, Exec or StepTogether, in the same round trip; a failure of the command is
  // that call's error. A transaction's rollback drops what is still queued.
  void ExecWithNext(std::string_view sql);

  // The current transaction's deferred work (nullptr: none), and setting it (inside a
  // transaction run by Transaction, which runs it in place of a plain COMMIT).
  Deferred* deferred() const { return deferred_.get(); }
  // FailedPrecondition outside a body run by Transaction: a COMMIT sent otherwise would not
  // run the work, and it would be lost.
  absl::Status Defer(std::unique_ptr<Deferred> work);

  bool InTransaction() const;
  // Inside a transaction a statement of which failed (PostgreSQL refuses the rest).
  bool TransactionFailed() const;
  // Rows changed by the most recent statement run through Prepare on this connection.
  int64_t Changes() const { return changes_; }

  // The connection is gone (server restart, network): the pool drops it.
  bool broken() const { return broken_; }

 private:
  friend class Statement;
  // A cache holds at least two statements, so StepTogether's pair never evicts its own.
  Database(pg_conn* conn, int max_prepared)
      : conn_(conn), max_prepared_(max_prepared <= 0 ? 0 : std::max(max_prepared, 2)) {}
  // Turns a failed result into a Status, noting a lost connection.
  absl::Status Failure(const pg_result* result, std::string_view what);
  struct Prepared {
    std::string name;
    uint64_t last_use = 0;
  };
  // The cache's statement for `sql` with `types` in *entry, prepared now if new (nullptr when
  // the cache is off); a failed result (the caller's to PQclear) otherwise.
  pg_result* Lookup(const std::string& sql, int n, const unsigned int* types, Prepared** entry);
  // Sends the queued commands and `statements` in one round trip (StepTogether).
  absl::Status Pipelined(Statement* const* statements, int n);
  // Drops `entry` from the cache (the server no longer has it, or its plan is invalid).
  void Forget(const Prepared* entry);
  // Runs `sql` with parameters through the prepared-statement cache (Prepare says how); the
  // result is the caller's to PQclear.
  pg_result* Run(const std::string& sql, int n, const unsigned int* types,
                 const char* const* values, const int* lengths, const int* formats,
                 bool retry = true);
  // Makes room for one more prepared statement; the DEALLOCATE's failure otherwise.
  pg_result* EvictOne();

  pg_conn* conn_;
  const int max_prepared_;
  bool broken_ = false;
  int64_t changes_ = 0;
  std::unique_ptr<Deferred> deferred_;
  bool in_body_ = false;             // Transaction is running its body
  std::vector<std::string> queued_;  // ExecWithNext
  // SQL text and parameter types -> the statement prepared for them on this connection.
  std::unordered_map<std::string, Prepared> prepared_;
  uint64_t uses_ = 0;
  uint64_t names_ = 0;
};

}  // namespace classplan::postgres

#endif  // CLASSPLAN_COMMON_POSTGRES_DATABASE_H_
