#ifndef CLASSPLAN_COMMON_AUDIT_AUDIT_ROWS_H_
#define CLASSPLAN_COMMON_AUDIT_AUDIT_ROWS_H_

// Internal to the audit stores: the trail's row logic, written once for SQLite and PostgreSQL
// (their Statement and Database types have the same shape). Only the SQL differs.

#include <cstdint>
#include <optional>
#include <string>
#include <utility>

#include "absl/status/statusor.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"
#include "common/api/page_token.h"
#include "common/audit/audit.h"
#include "common/status/field_violations.h"
#include "common/storage/rows.h"

namespace classplan::audit::internal {

// The columns, in the order ReadEvent reads and BindEvent binds them.
inline constexpr char kColumns[] =
    "seq, time_us, principal, roles, request_id, method, resource_type, resource_id, "
    "etag_before, etag_after, reason, prev_hash, hash";

template <typename Statement>
Event ReadEvent(const Statement& st) {
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

// `event` as the link after (prev_sequence, prev_hash): sequence, prev_hash, time kept to the
// microsecond (as stored, so the hash recomputed from a read matches) and hash.
inline Event Link(Event event, int64_t prev_sequence, std::string prev_hash) {
  event.sequence = prev_sequence + 1;
  event.prev_hash = std::move(prev_hash);
  event.time = absl::FromUnixMicros(absl::ToUnixMicros(event.time));
  event.hash = Hash(event);
  return event;
}

// The next link (Link) after the tail read from `last` (a statement selecting seq, hash of the
// last event, stepped once).
template <typename Statement>
absl::StatusOr<Event> NextLink(Statement& last, Event event) {
  auto row = last.Step();
  if (!row.ok()) return row.status();
  event = Link(std::move(event), *row ? last.ColumnInt(0) : 0,
               *row ? last.ColumnText(1) : std::string(kGenesisHash));
  last.Reset();
  return event;
}

// Binds `event` to parameters first..first + 12 in kColumns order.
template <typename Statement>
void BindEvent(Statement& ins, const Event& event, int first = 1) {
  const int f = first - 1;
  ins.Bind(f + 1, event.sequence).Bind(f + 2, absl::ToUnixMicros(event.time));
  ins.Bind(f + 3, event.principal).Bind(f + 4, absl::StrJoin(event.roles, ","));
  ins.Bind(f + 5, event.request_id).Bind(f + 6, event.method).Bind(f + 7, event.resource_type);
  ins.Bind(f + 8, event.resource_id).Bind(f + 9, event.etag_before);
  ins.Bind(f + 10, event.etag_after).Bind(f + 11, event.reason).Bind(f + 12, event.prev_hash);
  ins.Bind(f + 13, event.hash);
}

// Identifies a query for its page tokens.
inline std::string QueryKey(const Filter& f) {
  auto micros = [](const std::optional<absl::Time>& t) {
    return t ? absl::StrCat(absl::ToUnixMicros(*t)) : std::string("-");
  };
  return absl::StrJoin({f.resource_type, f.resource_id, f.principal, micros(f.from), micros(f.to)},
                       "\x1f");
}

// One page by `sql`, which selects kColumns with parameters 1 after-seq, 2 resource_type,
// 3 resource_id, 4 principal, 5 from (NULL: none), 6 to (NULL: none), 7 limit.
template <typename Database>
absl::StatusOr<Page> ListPage(Database& db, const char* sql, const Filter& filter, int page_size,
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
  auto st = db.Prepare(sql);
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
  // One more row than the page says whether another page follows.
  st->Bind(7, int64_t{*size} + 1);
  Page page;
  page.events.reserve(static_cast<size_t>(*size) + 1);
  absl::Status s = storage::ForEachRow(*st, [&] {
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

// Walks the whole chain in sequence order.
template <typename Database>
absl::StatusOr<std::optional<Break>> VerifyAll(Database& db) {
  auto st = db.Prepare(absl::StrCat("SELECT ", kColumns, " FROM audit_events ORDER BY seq"));
  if (!st.ok()) return st.status();
  ChainVerifier verifier;
  std::optional<Break> broken;
  absl::Status s = storage::ForEachRow(*st, [&] {
    if (!broken) broken = verifier.Next(ReadEvent(*st));
    return absl::OkStatus();
  });
  if (!s.ok()) return s;
  return broken;
}

}  // namespace classplan::audit::internal

#endif  // CLASSPLAN_COMMON_AUDIT_AUDIT_ROWS_H_
