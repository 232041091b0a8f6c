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
  return std::unique_ptr<Database>(new Database(conn));
}

Database::~Database() { PQfinish(conn_); }

absl::Status Database::Failure(const pg_result* result, std::string_view what) {
  if (internal::ConnectionLost(conn_, result)) broken_ = true;
  return internal::FromResult(conn_, result, what);
}

absl::Status Database::Exec(std::string_view sql) {
  const std::string copy(sql);
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

bool Database::InTransaction() const { return PQtransactionStatus(conn_) != PQTRANS_IDLE; }

absl::Status Database::Transaction(absl::FunctionRef<absl::Status()> body, Isolation isolation) {
  if (InTransaction()) {
    return absl::FailedPreconditionError("postgres transaction: already inside a transaction");
  }
  if (absl::Status s = Exec(
          isolation == Isolation::kSerializable ? "BEGIN ISOLATION LEVEL SERIALIZABLE" : "BEGIN");
      !s.ok()) {
    return s;
  }
  absl::Status status = body();
  if (status.ok() && PQtransactionStatus(conn_) == PQTRANS_INERROR) {
    // COMMIT would silently roll back: say so instead of reporting success.
    status = absl::AbortedError("postgres transaction: a statement failed inside it");
  }
  if (!status.ok()) {
    if (InTransaction()) Exec("ROLLBACK").IgnoreError();
    return status;
  }
  // A lost connection here leaves the outcome unknown to us; Unavailable says "maybe".
  return Exec("COMMIT");
}

}  // namespace classplan::postgres
