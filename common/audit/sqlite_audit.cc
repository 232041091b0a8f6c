#include "common/audit/sqlite_audit.h"

#include <utility>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"
#include "common/api/page_token.h"
#include "common/sqlite/rows.h"
#include "common/status/field_violations.h"

namespace classplan::audit {
namespace {

constexpr char kColumns[] =
    "seq, time_us, principal, roles, request_id, method, resource_type, resource_id, "
    "etag_before, etag_after, reason, prev_hash, hash";

Event ReadEvent(const sqlite::Statement& st) {
  Event e;
  e.sequence = st.ColumnInt(0);
  e.time = absl::FromUnixMicros(st.ColumnInt(1));
  e.principal = st.ColumnText(2);
  std::string roles = st.ColumnText(3);
  if (!roles.empty()) e.roles = absl::StrSplit(roles, ',');
  e.request_id = st.ColumnText(4);
  e.method = st.ColumnText(5);
  e.resource_type = st.ColumnText(6);
  e.resource_id = st.ColumnText(7);
  e.etag_before = st.ColumnText(8);
  e.etag_after = st.ColumnText(9);
  e.reason = st.ColumnText(10);
  e.prev_hash = st.ColumnText(11);
  e.hash = st.ColumnText(12);
  return e;
}

// Identifies a query for its page tokens.
std::string QueryKey(const Filter& f) {
  auto micros = [](const std::optional<absl::Time>& t) {
    return t ? absl::StrCat(absl::ToUnixMicros(*t)) : std::string("-");
  };
  return absl::StrJoin({f.resource_type, f.resource_id, f.principal, micros(f.from), micros(f.to)},
                       "\x1f");
}

}  // namespace

absl::StatusOr<Event> Append(sqlite::Database& db, Event event) {
  if (!db.InTransaction()) {
    return absl::FailedPreconditionError("audit Append must run inside the write's transaction");
  }
  auto last = db.Prepare("SELECT seq, hash FROM audit_events ORDER BY seq DESC LIMIT 1");
  if (!last.ok()) return last.status();
  auto row = last->Step();
  if (!row.ok()) return row.status();
  event.sequence = *row ? last->ColumnInt(0) + 1 : 1;
  event.prev_hash = *row ? last->ColumnText(1) : std::string(kGenesisHash);
  last->Reset();
  // Kept to the microsecond, as stored, so the hash recomputed from a read matches.
  event.time = absl::FromUnixMicros(absl::ToUnixMicros(event.time));
  event.hash = Hash(event);
  auto ins = db.Prepare(absl::StrCat("INSERT INTO audit_events(", kColumns,
                                     ") VALUES(?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, "
                                     "?13)"));
  if (!ins.ok()) return ins.status();
  ins->Bind(1, event.sequence).Bind(2, absl::ToUnixMicros(event.time)).Bind(3, event.principal);
  ins->Bind(4, absl::StrJoin(event.roles, ",")).Bind(5, event.request_id).Bind(6, event.method);
  ins->Bind(7, event.resource_type).Bind(8, event.resource_id).Bind(9, event.etag_before);
  ins->Bind(10, event.etag_after).Bind(11, event.reason).Bind(12, event.prev_hash);
  ins->Bind(13, event.hash);
  if (auto s = ins->Step(); !s.ok()) return s.status();
  return event;
}

absl::StatusOr<Page> List(sqlite::Database& db, const Filter& filter, int page_size,
                          const std::string& page_token) {
  absl::StatusOr<int> size = api::PageSize(page_size, kDefaultPageSize, kMaxPageSize);
  if (!size.ok()) return size.status();
  const std::string query = QueryKey(filter);
  absl::StatusOr<std::string> position = api::DecodePageToken(page_token, query);
  if (!position.ok()) return position.status();
  int64_t after = 0;
  if (!position->empty() && !absl::SimpleAtoi(*position, &after)) {
    return status::InvalidField("page_token", "not a page token from this API");
  }
  // One more row than the page says whether another page follows.
  auto st = db.Prepare(
      absl::StrCat("SELECT ", kColumns,
                   " FROM audit_events WHERE seq > ?1 AND (?2 = '' OR resource_type = ?2) "
                   "AND (?3 = '' OR resource_id = ?3) AND (?4 = '' OR principal = ?4) "
                   "AND (?5 IS NULL OR time_us >= ?5) AND (?6 IS NULL OR time_us < ?6) "
                   "ORDER BY seq LIMIT ?7"));
  if (!st.ok()) return st.status();
  st->Bind(1, after).Bind(2, filter.resource_type).Bind(3, filter.resource_id);
  st->Bind(4, filter.principal);
  if (filter.from) {
    st->Bind(5, absl::ToUnixMicros(*filter.from));
  } else {
    st->BindNull(5);
  }
  if (filter.to) {
    st->Bind(6, absl::ToUnixMicros(*filter.to));
  } else {
    st->BindNull(6);
  }
  st->Bind(7, int64_t{*size} + 1);
  Page page;
  page.events.reserve(static_cast<size_t>(*size) + 1);
  absl::Status s = sqlite::ForEachRow(*st, [&] {
    page.events.push_back(ReadEvent(*st));
    return absl::OkStatus();
  });
  if (!s.ok()) return s;
  if (page.events.size() > static_cast<size_t>(*size)) {
    page.events.pop_back();
    page.next_page_token = api::EncodePageToken(query, absl::StrCat(page.events.back().sequence));
  }
  return page;
}

absl::StatusOr<std::optional<Break>> Verify(sqlite::Database& db) {
  auto st = db.Prepare(absl::StrCat("SELECT ", kColumns, " FROM audit_events ORDER BY seq"));
  if (!st.ok()) return st.status();
  ChainVerifier verifier;
  std::optional<Break> broken;
  absl::Status s = sqlite::ForEachRow(*st, [&] {
    if (!broken) broken = verifier.Next(ReadEvent(*st));
    return absl::OkStatus();
  });
  if (!s.ok()) return s;
  return broken;
}

}  // namespace classplan::audit
