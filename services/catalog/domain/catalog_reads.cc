// Catalog's reads: jurisdictions, series, classes (get, list, search) and revisions.

#include <string>
#include <vector>

#include "absl/strings/ascii.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"
#include "common/api/filter.h"
#include "common/api/page_token.h"
#include "common/dates/dates.h"
#include "services/catalog/domain/catalog.h"
#include "services/catalog/domain/checks.h"
#include "services/catalog/domain/revisions.h"

namespace classplan::catalog {
namespace {

constexpr size_t kMaxQueryLength = 200;

absl::StatusOr<pb::FlsaStatus> ParseFlsa(const std::string& v) {
  pb::FlsaStatus out;
  if (pb::FlsaStatus_Parse(absl::StrCat("FLSA_STATUS_", v), &out) &&
      out != pb::FLSA_STATUS_UNSPECIFIED) {
    return out;
  }
  return status::InvalidField("filter", "flsa_status must be EXEMPT, NON_EXEMPT or UNKNOWN");
}

struct ClassFilter {
  std::string jurisdiction, series, pay_band;
  pb::FlsaStatus flsa = pb::FLSA_STATUS_UNSPECIFIED;
  pb::ClassState state = pb::CLASS_STATE_ACTIVE;

  bool Matches(const pb::JobClass& c) const {
    return (jurisdiction.empty() || c.jurisdiction_id() == jurisdiction) &&
           (series.empty() || c.series_id() == series) &&
           (pay_band.empty() || c.pay().code() == pay_band) &&
           (flsa == pb::FLSA_STATUS_UNSPECIFIED || c.flsa_status() == flsa) && c.state() == state;
  }
};

absl::StatusOr<ClassFilter> ParseClassFilter(const std::string& text) {
  auto f = api::ParseFilter(text, {"jurisdiction", "series", "pay_band", "flsa_status", "state"});
  if (!f.ok()) return f.status();
  ClassFilter out;
  for (const auto& [field, value] : *f) {
    if (field == "jurisdiction") out.jurisdiction = value;
    if (field == "series") out.series = value;
    if (field == "pay_band") out.pay_band = value;
    if (field == "flsa_status") {
      auto flsa = ParseFlsa(value);
      if (!flsa.ok()) return flsa.status();
      out.flsa = *flsa;
    }
    if (field == "state") {
      if (!pb::ClassState_Parse(absl::StrCat("CLASS_STATE_", value), &out.state) ||
          out.state == pb::CLASS_STATE_UNSPECIFIED) {
        return status::InvalidField("filter", "state must be ACTIVE or ABOLISHED");
      }
    }
  }
  return out;
}

// Turns what a person types into an FTS5 query: every word must match; a hyphenated word
// ("out-of-home") becomes a phrase. Quoting each token keeps FTS5 syntax out of user input.
absl::StatusOr<std::string> ToFtsQuery(const std::string& query) {
  if (query.size() > kMaxQueryLength) {
    return status::InvalidField("query",
                                absl::StrCat("must be at most ", kMaxQueryLength, " characters"));
  }
  std::vector<std::string> terms;
  for (absl::string_view word :
       absl::StrSplit(query, absl::ByAnyChar(" \t\n\r"), absl::SkipEmpty())) {
    std::vector<std::string> tokens;
    std::string cur;
    for (char c : word) {
      if (absl::ascii_isalnum(static_cast<unsigned char>(c)) ||
          static_cast<unsigned char>(c) >= 0x80) {
        cur += c;
      } else if (!cur.empty()) {
        tokens.push_back(std::move(cur));
        cur.clear();
      }
    }
    if (!cur.empty()) tokens.push_back(std::move(cur));
    if (!tokens.empty()) terms.push_back(absl::StrCat("\"", absl::StrJoin(tokens, " "), "\""));
  }
  if (terms.empty()) return status::InvalidField("query", "must contain at least one word");
  return absl::StrJoin(terms, " ");
}

absl::StatusOr<int64_t> DecodeInt(const std::string& token, const std::string& query) {
  auto pos = api::DecodePageToken(token, query);
  if (!pos.ok()) return pos.status();
  int64_t n = 0;
  if (!pos->empty() && (!absl::SimpleAtoi(*pos, &n) || n < 0)) {
    return status::InvalidField("page_token", "not a page token from this API");
  }
  return n;
}

}  // namespace

absl::StatusOr<ClassRecordPtr> Catalog::LoadClass(const std::string& code) {
  if (ClassRecordPtr hit = cache_->Get(code)) return hit;
  uint64_t token = cache_->FillToken();
  auto rec = store_->GetClass(code);
  if (!rec.ok()) return rec.status();
  if (!rec->has_value()) {
    return absl::NotFoundError(absl::StrCat("no job class with code ", code));
  }
  auto ptr = std::make_shared<const pb::ClassRecord>(std::move(**rec));
  cache_->Fill(ptr, token);
  return ClassRecordPtr(ptr);
}

absl::StatusOr<pb::GetJobClassResponse> Catalog::Resolve(const pb::ClassRecord& record,
                                                         absl::CivilDay day, bool strict) {
  auto rev = RevisionInForce(record, day, strict);
  if (!rev.ok()) return rev.status();
  pb::GetJobClassResponse out;
  *out.mutable_job_class() = ViewOf(record, **rev);
  return out;
}

namespace {
absl::Status ValidateGet(const pb::GetJobClassRequest& r) {
  status::Violations v;
  CheckKey(r.code(), "code", v);
  if (r.has_as_of()) CheckFullDate(r.as_of(), "as_of", v);
  return v.ToStatus();
}
}  // namespace

JobClassLookup Catalog::LookUpJobClass(const pb::GetJobClassRequest& request) {
  if (absl::Status s = ValidateGet(request); !s.ok()) return s;
  JobClassFetch fetch{NormalizeCode(request.code()), std::nullopt};
  if (request.has_as_of()) fetch.as_of = dates::ToCivilDay(request.as_of());
  ClassRecordPtr rec = cache_->PeekLocal(fetch.code);
  if (rec == nullptr) return fetch;
  if (fetch.as_of.has_value()) {
    auto built = Resolve(*rec, *fetch.as_of, true);
    if (!built.ok()) return built.status();
    return std::make_shared<const pb::GetJobClassResponse>(std::move(*built));
  }
  absl::CivilDay today = clock_.Today();
  if (SharedJobClassResponse kept = views_->Find(fetch.code, rec, today)) return kept;
  auto built = Resolve(*rec, today, false);
  if (!built.ok()) return built.status();
  auto response = std::make_shared<const pb::GetJobClassResponse>(std::move(*built));
  views_->Keep(fetch.code, rec, today, response);
  return response;
}

absl::StatusOr<pb::GetJobClassResponse> Catalog::FetchJobClass(const JobClassFetch& fetch) {
  auto rec = LoadClass(fetch.code);
  if (!rec.ok()) return rec.status();
  return Resolve(**rec, fetch.as_of ? *fetch.as_of : clock_.Today(), fetch.as_of.has_value());
}

absl::StatusOr<pb::GetJobClassResponse> Catalog::GetJobClass(
    const pb::GetJobClassRequest& request) {
  JobClassLookup lookup = LookUpJobClass(request);
  if (auto* hit = std::get_if<SharedJobClassResponse>(&lookup)) return **hit;
  if (auto* error = std::get_if<absl::Status>(&lookup)) return *error;
  return FetchJobClass(std::get<JobClassFetch>(lookup));
}

absl::StatusOr<pb::GetJurisdictionResponse> Catalog::GetJurisdiction(
    const pb::GetJurisdictionRequest& request) {
  if (request.id().empty()) return status::InvalidField("id", "is required");
  auto j = LoadJurisdiction(request.id(), "");
  if (!j.ok()) return j.status();
  pb::GetJurisdictionResponse out;
  *out.mutable_jurisdiction() = *j;
  return out;
}

namespace {
// Pages through a small list already in id order: the token holds the last id returned. A
// page ends at page_size items or at the byte budget, whichever comes first.
template <typename T, typename Out>
absl::Status PageById(std::vector<T>& items, int requested_size, const std::string& token,
                      const std::string& query, Out* out_items, std::string* next_token) {
  auto size = api::PageSize(requested_size, 50, 500);
  if (!size.ok()) return size.status();
  auto after = api::DecodePageToken(token, query);
  if (!after.ok()) return after.status();
  api::PageBudget page(*size);
  for (auto& item : items) {
    if (!after->empty() && item.id() <= *after) continue;
    if (!page.Fits(item.ByteSizeLong(), item.id())) break;
    *out_items->Add() = std::move(item);
  }
  *next_token = page.NextPageToken(query);
  return absl::OkStatus();
}
}  // namespace

absl::StatusOr<pb::ListJurisdictionsResponse> Catalog::ListJurisdictions(
    const pb::ListJurisdictionsRequest& request) {
  auto list = store_->ListJurisdictions();
  if (!list.ok()) return list.status();
  pb::ListJurisdictionsResponse out;
  if (absl::Status s = PageById(*list, request.page_size(), request.page_token(), "",
                                out.mutable_jurisdictions(), out.mutable_next_page_token());
      !s.ok()) {
    return s;
  }
  return out;
}

absl::StatusOr<pb::GetClassSeriesResponse> Catalog::GetClassSeries(
    const pb::GetClassSeriesRequest& request) {
  if (request.id().empty()) return status::InvalidField("id", "is required");
  auto s = store_->GetSeries(request.id());
  if (!s.ok()) return s.status();
  if (!s->has_value())
    return absl::NotFoundError(absl::StrCat("no class series with id ", request.id()));
  pb::GetClassSeriesResponse out;
  *out.mutable_series() = std::move(**s);
  return out;
}

absl::StatusOr<pb::ListClassSeriesResponse> Catalog::ListClassSeries(
    const pb::ListClassSeriesRequest& request) {
  auto list = store_->ListSeries(request.jurisdiction_id());
  if (!list.ok()) return list.status();
  pb::ListClassSeriesResponse out;
  if (absl::Status s =
          PageById(*list, request.page_size(), request.page_token(), request.jurisdiction_id(),
                   out.mutable_series(), out.mutable_next_page_token());
      !s.ok()) {
    return s;
  }
  return out;
}

absl::StatusOr<pb::ListJobClassesResponse> Catalog::ListJobClasses(
    const pb::ListJobClassesRequest& request) {
  auto size = api::PageSize(request.page_size(), 50, 500);
  if (!size.ok()) return size.status();
  std::optional<absl::CivilDay> as_of;
  if (request.has_as_of()) {
    status::Violations v;
    CheckFullDate(request.as_of(), "as_of", v);
    if (!v.empty()) return v.ToStatus();
    as_of = dates::ToCivilDay(request.as_of());
  }
  auto filter = ParseClassFilter(request.filter());
  if (!filter.ok()) return filter.status();
  // A token is for one filter and one day.
  const std::string query_key =
      as_of ? absl::StrCat(request.filter(), "\nas_of=", dates::Format(request.as_of()))
            : request.filter();
  auto after = api::DecodePageToken(request.page_token(), query_key);
  if (!after.ok()) return after.status();

  const absl::CivilDay today = clock_.Today();
  pb::ListJobClassesResponse out;
  api::PageBudget page(*size);
  std::string cursor = *after;
  // Filters apply to the revision in force on the day, which the store cannot index (it
  // changes with the date), so scan in code order until the page is full.
  while (!page.full()) {
    auto batch = store_->ListClasses(cursor, 200);
    if (!batch.ok()) return batch.status();
    if (batch->empty()) break;
    for (const auto& rec : *batch) {
      cursor = rec.code();
      auto rev = RevisionInForce(rec, as_of.value_or(today), as_of.has_value());
      std::string uncertain;  // why the day's revision cannot be told (as_of only)
      if (absl::IsFailedPrecondition(rev.status())) {
        uncertain = std::string(rev.status().message());
        // Such a class is named with, and filtered on, its revision in force today.
        rev = RevisionInForce(rec, today, false);
      }
      if (!rev.ok()) continue;  // not in force on the day
      pb::JobClass view = ViewOf(rec, **rev);
      if (!filter->Matches(view)) continue;
      // An uncertain class also carries its code and reason (bounded: a code, a date, a
      // revision number), counted by the budget's framing slack.
      if (!page.Fits(view.ByteSizeLong() + uncertain.size(), rec.code())) break;
      if (uncertain.empty()) {
        *out.add_job_classes() = std::move(view);
        continue;
      }
      pb::UncertainClass* u = out.add_uncertain();
      u->set_code(rec.code());
      u->set_reason(std::move(uncertain));
      *u->mutable_current() = std::move(view);
    }
  }
  out.set_next_page_token(page.NextPageToken(query_key));
  return out;
}

absl::StatusOr<pb::SearchJobClassesResponse> Catalog::SearchJobClasses(
    const pb::SearchJobClassesRequest& request) {
  auto size = api::PageSize(request.page_size(), 20, 100);
  if (!size.ok()) return size.status();
  auto fts = ToFtsQuery(request.query());
  if (!fts.ok()) return fts.status();
  auto filter = ParseClassFilter(request.filter());
  if (!filter.ok()) return filter.status();
  std::string query_key = absl::StrCat(request.query(), "\n", request.filter());
  auto offset = DecodeInt(request.page_token(), query_key);
  if (!offset.ok()) return offset.status();

  absl::CivilDay today = clock_.Today();
  pb::SearchJobClassesResponse out;
  api::PageBudget page(*size);
  int64_t next = *offset;
  // Every revision is indexed; a hit counts only when it is the class's revision in force.
  while (!page.full()) {
    auto matches = store_->SearchText(*fts, 100, static_cast<int>(next));
    if (!matches.ok()) return matches.status();
    if (matches->empty()) break;
    for (const auto& m : *matches) {
      auto rec = LoadClass(m.code);
      if (!rec.ok()) return rec.status();
      auto rev = RevisionInForce(**rec, today, false);
      bool keep =
          rev.ok() && (*rev)->revision() == m.revision && filter->Matches(ViewOf(**rec, **rev));
      // A hit is a code, a title (kMaxShortText), a jurisdiction and a snippet: 100 of them
      // stay far below the budget, which is counted all the same. The next page resumes at
      // the match after this one.
      if (keep &&
          !page.Fits(m.code.size() + m.snippet.size() + (*rev)->job_class().title().size() + 64,
                     absl::StrCat(next + 1))) {
        break;
      }
      ++next;
      if (!keep) continue;
      pb::SearchHit* hit = out.add_hits();
      hit->set_code(m.code);
      hit->set_title((*rev)->job_class().title());
      hit->set_jurisdiction_id((*rev)->job_class().jurisdiction_id());
      hit->set_snippet(m.snippet);
      hit->set_score(m.score);
    }
  }
  out.set_next_page_token(page.NextPageToken(query_key));
  return out;
}

absl::StatusOr<pb::ListClassRevisionsResponse> Catalog::ListClassRevisions(
    const pb::ListClassRevisionsRequest& request) {
  if (absl::Status s = KeyStatus(request.code(), "code"); !s.ok()) return s;
  auto size = api::PageSize(request.page_size(), 50, 500);
  if (!size.ok()) return size.status();
  std::string code = NormalizeCode(request.code());
  auto after = DecodeInt(request.page_token(), code);
  if (!after.ok()) return after.status();
  auto rec = LoadClass(code);
  if (!rec.ok()) return rec.status();
  pb::ListClassRevisionsResponse out;
  api::PageBudget page(*size);
  for (const auto& rev : (*rec)->revisions()) {
    if (rev.revision() <= *after) continue;
    if (!page.Fits(rev.ByteSizeLong(), absl::StrCat(rev.revision()))) break;
    *out.add_revisions() = rev;
  }
  out.set_next_page_token(page.NextPageToken(code));
  return out;
}

}  // namespace classplan::catalog
