#include "common/postgres/error.h"

#include <libpq-fe.h>

#include <string>

#include "absl/strings/str_cat.h"
#include "absl/strings/strip.h"

namespace classplan::postgres::internal {
namespace {

std::string_view Sqlstate(const PGresult* result) {
  if (result == nullptr) return {};
  const char* state = PQresultErrorField(result, PG_DIAG_SQLSTATE);
  return state == nullptr ? std::string_view() : std::string_view(state);
}

bool StartsWith(std::string_view s, std::string_view prefix) {
  return s.substr(0, prefix.size()) == prefix;
}

bool LostState(std::string_view state) {
  return StartsWith(state, "08") || state == "57P01" || state == "57P02" || state == "57P03";
}

absl::StatusCode CodeFor(std::string_view state) {
  if (state == "23505" || state == "23P01") return absl::StatusCode::kAlreadyExists;
  if (StartsWith(state, "23")) return absl::StatusCode::kFailedPrecondition;
  if (state == "40001" || state == "40P01") return absl::StatusCode::kAborted;
  if (state == "57014") return absl::StatusCode::kDeadlineExceeded;
  if (LostState(state) || state == "55P03") return absl::StatusCode::kUnavailable;
  if (StartsWith(state, "53")) return absl::StatusCode::kResourceExhausted;
  if (StartsWith(state, "22")) return absl::StatusCode::kInvalidArgument;
  if (state == "42501" || StartsWith(state, "28")) return absl::StatusCode::kPermissionDenied;
  return absl::StatusCode::kInternal;
}

}  // namespace

bool ConnectionLost(PGconn* conn, const PGresult* result) {
  if (conn == nullptr || PQstatus(conn) == CONNECTION_BAD) return true;
  return LostState(Sqlstate(result));
}

absl::Status FromResult(PGconn* conn, const PGresult* result, std::string_view what) {
  std::string_view state = Sqlstate(result);
  std::string text;
  if (result != nullptr && PQresultErrorField(result, PG_DIAG_MESSAGE_PRIMARY) != nullptr) {
    text = PQresultErrorField(result, PG_DIAG_MESSAGE_PRIMARY);
  } else if (conn != nullptr) {
    text = PQerrorMessage(conn);  // libpq's own (connection) failure: no data in it
  }
  text = std::string(absl::StripTrailingAsciiWhitespace(text));
  if (StartsWith(state, "22")) text = "invalid value";
  absl::StatusCode code = CodeFor(state);
  if (state.empty()) {
    // No SQLSTATE: libpq failed before or without the server answering.
    code =
        ConnectionLost(conn, result) ? absl::StatusCode::kUnavailable : absl::StatusCode::kInternal;
  }
  return absl::Status(code,
                      absl::StrCat("postgres ", std::string(what), ": ", text, " (SQLSTATE ",
                                   state.empty() ? std::string("none") : std::string(state), ")"));
}

}  // namespace classplan::postgres::internal
