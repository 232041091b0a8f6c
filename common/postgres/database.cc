#include "common/postgres/database.h"

#include <libpq-fe.h>

#include <algorithm>
#include <utility>

#include "absl/strings/str_cat.h"
#include "common/postgres/error.h"

namespace classplan::postgres {
namespace {

struct ResultDeleter {
  void operator()(PGresult* r) const { PQclear(r); }
};
using Result = std::unique_ptr<PGresult, ResultDeleter>;

// SQLSTATEs after which a cached statement is re-prepared: it no longer exists on the server
// (26000: DEALLOCATE ALL or DISCARD ALL behind the cache's back), or the table it reads changed
// its columns (0A000: "cached plan must not change result type").
bool StalePrepared(const PGresult* result) {
  const char* state = PQresultErrorField(result, PG_DIAG_SQLSTATE);
  if (state == nullptr) return false;
  const std::string_view s(state);
  return s == "26000" || s == "0A000";
}

}  // namespace

absl::StatusOr<std::unique_ptr<Database>> Database::Open(const std::string& conninfo,
                                                         const ConnectOptions& options) {
  const std::string connect_timeout = absl::StrCat(std::max<int64_t>(
      2, absl::ToInt64Seconds(absl::Ceil(options.connect_timeout, absl::Seconds(1)))));
  const std::string server_options =
      absl::StrCat("-c statement_timeout=", absl::ToInt64Milliseconds(options.statement_timeout));
  // `conninfo` is expanded as the dbname (a URI or key=value string); what follows overrides it.
  const char* keys[] = {"dbname",           "connect_timeout", "options",
                        "application_name", "client_encoding", nullptr};
  const char* values[] = {
      conninfo.c_str(), connect_timeout.c_str(), server_options.c_str(), "classplan", "UTF8",
      nullptr};
  PGconn* conn = PQconnectdbParams(keys, values, 1);
  if (conn == nullptr) return absl::ResourceExhaustedError("postgres connect: out of memory");
  if (PQstatus(conn) != CONNECTION_OK) {
    // libpq's message names host, port and user, never the password.
    absl::Status status = internal::FromResult(conn, nullptr, "connect");
    PQfinish(conn);
    return absl::UnavailableError(status.message());
  }
  return std::unique_ptr<Database>(new Database(conn, options.max_prepared_statements));
}

Database::~Database() { PQfinish(conn_); }

absl::Status Database::Failure(const pg_result* result, std::string_view what) {
  if (internal::ConnectionLost(conn_, result)) broken_ = true;
  return internal::FromResult(conn_, result, what);
}

absl::Status Database::Exec(std::string_view sql) {
  // Queued commands go first, in the same string (one round trip; an error stops the rest).
  std::string copy;
  for (const std::string& q : queued_) absl::StrAppend(&copy, q, "; ");
  queued_.clear();
  copy.append(sql);
  Result result(PQexec(conn_, copy.c_str()));
  const ExecStatusType status = PQresultStatus(result.get());
  if (status != PGRES_COMMAND_OK && status != PGRES_TUPLES_OK) {
    return Failure(result.get(), "exec");
  }
  return absl::OkStatus();
}

absl::StatusOr<Statement> Database::Prepare(std::string_view sql) {
  if (sql.empty()) return absl::InvalidArgumentError("postgres prepare: no SQL statement");
  return Statement(this, std::string(sql));
}

PGresult* Database::EvictOne() {
  auto oldest = prepared_.begin();
  for (auto it = prepared_.begin(); it != prepared_.end(); ++it) {
    if (it->second.last_use < oldest->second.last_use) oldest = it;
  }
  const std::string sql = absl::StrCat("DEALLOCATE ", oldest->second.name);
  Result result(PQexec(conn_, sql.c_str()));
  if (PQresultStatus(result.get()) != PGRES_COMMAND_OK) return result.release();
  prepared_.erase(oldest);
  return nullptr;
}

PGresult* Database::Lookup(const std::string& sql, int n, const unsigned int* types,
                           Prepared** entry) {
  *entry = nullptr;
  if (max_prepared_ <= 0) return nullptr;
  // The parameter types are fixed when a statement is prepared, so they are part of its key:
  // the same text bound once with an integer and once with text is two statements.
  std::string key = sql;
  key.push_back('\0');
  for (int i = 0; i < n; ++i) absl::StrAppend(&key, types[i], ",");
  auto it = prepared_.find(key);
  if (it == prepared_.end()) {
    if (static_cast<int>(prepared_.size()) >= max_prepared_) {
      if (PGresult* failed = EvictOne(); failed != nullptr) return failed;
    }
    std::string name = absl::StrCat("classplan_", ++names_);
    Result prepared(PQprepare(conn_, name.c_str(), sql.c_str(), n, types));
    if (PQresultStatus(prepared.get()) != PGRES_COMMAND_OK) return prepared.release();
    it = prepared_.emplace(std::move(key), Prepared{std::move(name), 0}).first;
  }
  it->second.last_use = ++uses_;
  *entry = &it->second;
  return nullptr;
}

void Database::Forget(const Prepared* entry) {
  for (auto it = prepared_.begin(); it != prepared_.end(); ++it) {
    if (&it->second == entry) {
      prepared_.erase(it);
      return;
    }
  }
}

PGresult* Database::Run(const std::string& sql, int n, const unsigned int* types,
                        const char* const* values, const int* lengths, const int* formats,
                        bool retry) {
  Prepared* entry = nullptr;
  if (PGresult* failed = Lookup(sql, n, types, &entry); failed != nullptr) return failed;
  if (entry == nullptr) {
    return PQexecParams(conn_, sql.c_str(), n, types, values, lengths, formats, 1);
  }
  const bool in_transaction = InTransaction();
  PGresult* result = PQexecPrepared(conn_, entry->name.c_str(), n, values, lengths, formats, 1);
  if (!StalePrepared(result)) return result;
  Forget(entry);
  // Outside a transaction nothing ran and nothing is aborted: prepare afresh and run again.
  // Inside one the transaction has failed; the caller sees the error and the next try
  // re-prepares.
  if (in_transaction || !retry) return result;
  PQclear(result);
  return Run(sql, n, types, values, lengths, formats, false);
}

absl::Status Database::StepTogether(Statement& first, Statement& second) {
  Statement* statements[] = {&first, &second};
  return Pipelined(statements, 2);
}

void Database::ExecWithNext(std::string_view sql) { queued_.emplace_back(sql); }

absl::Status Database::Pipelined(Statement* const* statements, int n) {
  std::vector<Prepared*> entries(static_cast<size_t>(n), nullptr);
  std::vector<Statement::Args> args(static_cast<size_t>(n));
  for (int i = 0; i < n; ++i) {
    Statement& st = *statements[i];
    if (st.db_ != this) return absl::FailedPreconditionError("postgres: statement not prepared");
    if (!st.bind_status_.ok()) return st.bind_status_;
    args[i] = st.MakeArgs();
    // Prepared before the pipeline starts (first use on this connection only).
    Result failed(Lookup(st.sql_, args[i].count(), args[i].types.data(), &entries[i]));
    if (failed) return Failure(failed.get(), "statement");
  }
  const std::vector<std::string> queued = std::move(queued_);
  queued_.clear();
  if (PQenterPipelineMode(conn_) != 1) return Failure(nullptr, "pipeline");
  bool sent = true;
  for (const std::string& q : queued) {
    if (sent) {
      sent = PQsendQueryParams(conn_, q.c_str(), 0, nullptr, nullptr, nullptr, nullptr, 0) == 1;
    }
  }
  for (int i = 0; i < n && sent; ++i) {
    const Statement::Args& a = args[i];
    sent = (entries[i] != nullptr
                ? PQsendQueryPrepared(conn_, entries[i]->name.c_str(), a.count(), a.values.data(),
                                      a.lengths.data(), a.formats.data(), 1)
                : PQsendQueryParams(conn_, statements[i]->sql_.c_str(), a.count(), a.types.data(),
                                    a.values.data(), a.lengths.data(), a.formats.data(), 1)) == 1;
  }
  if (sent) sent = PQpipelineSync(conn_) == 1;
  absl::Status status;
  if (!sent) status = Failure(nullptr, "pipeline");
  // Each command's result, then the NULL that ends it; then the sync's. A lost connection
  // ends the results early (PQgetResult returns NULL): the statements left get its error.
  const int total = static_cast<int>(queued.size()) + n;
  for (int i = 0; i < total && sent; ++i) {
    Result result(PQgetResult(conn_));
    if (!result) {
      if (status.ok()) status = Failure(nullptr, "pipeline");
      break;
    }
    while (PGresult* extra = PQgetResult(conn_)) PQclear(extra);
    const int k = i - static_cast<int>(queued.size());
    if (k < 0) {  // a queued command: its failure is the first statement's
      if (PQresultStatus(result.get()) != PGRES_COMMAND_OK && status.ok()) {
        status = Failure(result.get(), "statement");
      }
      continue;
    }
    if (entries[k] != nullptr && StalePrepared(result.get())) Forget(entries[k]);
    if (absl::Status s = statements[k]->Accept(result.release()); status.ok()) status = s;
  }
  if (sent) {
    while (PGresult* r = PQgetResult(conn_)) {
      const bool synced = PQresultStatus(r) == PGRES_PIPELINE_SYNC;
      PQclear(r);
      if (synced) break;
    }
  }
  if (PQexitPipelineMode(conn_) != 1) {
    if (status.ok()) status = Failure(nullptr, "pipeline");
    broken_ = true;  // results we cannot account for: never reuse this connection
  }
  return status;
}

bool Database::InTransaction() const { return PQtransactionStatus(conn_) != PQTRANS_IDLE; }

absl::Status Database::Defer(std::unique_ptr<Deferred> work) {
  if (!in_body_ || !InTransaction()) {
    return absl::FailedPreconditionError("postgres: work deferred outside Database::Transaction");
  }
  deferred_ = std::move(work);
  return absl::OkStatus();
}

bool Database::TransactionFailed() const { return PQtransactionStatus(conn_) == PQTRANS_INERROR; }

absl::Status Database::Transaction(absl::FunctionRef<absl::Status()> body, Isolation isolation) {
  if (InTransaction()) {
    return absl::FailedPreconditionError("postgres transaction: already inside a transaction");
  }
  if (absl::Status s = Exec(
          isolation == Isolation::kSerializable ? "BEGIN ISOLATION LEVEL SERIALIZABLE" : "BEGIN");
      !s.ok()) {
    return s;
  }
  deferred_.reset();
  queued_.clear();
  in_body_ = true;
  absl::Status status = body();
  in_body_ = false;
  if (status.ok() && TransactionFailed()) {
    // COMMIT would silently roll back: say so instead of reporting success.
    status = absl::AbortedError("postgres transaction: a statement failed inside it");
  }
  std::unique_ptr<Deferred> deferred = std::move(deferred_);
  // A lost connection at COMMIT leaves the outcome unknown to us; Unavailable says "maybe".
  if (status.ok()) status = deferred ? deferred->Commit(*this) : Exec("COMMIT");
  if (!status.ok()) {
    queued_.clear();  // rolled back with the rest
    if (InTransaction()) Exec("ROLLBACK").IgnoreError();
  }
  return status;
}

}  // namespace classplan::postgres
