#include "services/catalog/domain/catalog.h"

#include <set>

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"
#include "common/api/filter.h"
#include "common/api/page_token.h"
#include "common/dates/dates.h"
#include "common/status/field_violations.h"
#include "services/catalog/domain/revisions.h"

namespace classplan::catalog {
namespace {

using status::Violations;

constexpr int kMaxCodeLength = 32;
constexpr size_t kMaxTitleLength = 300;
constexpr size_t kMaxQueryLength = 200;

bool IsCodeChar(char c) { return absl::ascii_isalnum(static_cast<unsigned char>(c)) || c == '-'; }

// Checks a class code or notice number; adds a violation to `v` when bad.
void CheckKey(absl::string_view value, const std::string& field, Violations& v) {
  if (value.empty()) {
    v.Add(field, "is required");
  } else if (value.size() > kMaxCodeLength || !absl::ascii_isalnum(value[0]) ||
             !std::all_of(value.begin(), value.end(), IsCodeChar)) {
    v.Add(field, absl::StrCat("must be 1-", kMaxCodeLength,
                              " letters, digits or '-', starting with a letter or digit"));
  }
}

absl::Status KeyStatus(absl::string_view value, const std::string& field) {
  Violations v;
  CheckKey(value, field, v);
  return v.ToStatus();
}

void CheckFullDate(const dates::Date& d, const std::string& field, Violations& v) {
  if (absl::Status s = dates::ValidateFull(d); !s.ok()) v.Add(field, std::string(s.message()));
}

void CheckMoney(const classplan::common::v1::Money& m, const std::string& field, Violations& v) {
  if (m.cents() < 0) v.Add(field + ".cents", "must not be negative");
  if (m.currency_code().size() != 3 ||
      !std::all_of(m.currency_code().begin(), m.currency_code().end(), absl::ascii_isupper)) {
    v.Add(field + ".currency_code", "must be a 3-letter ISO 4217 code such as USD");
  }
}

const std::set<std::string>& JobClassFieldNames() {
  static const auto* names = [] {
    auto* s = new std::set<std::string>;
    const auto* d = pb::JobClass::descriptor();
    for (int i = 0; i < d->field_count(); ++i) s->insert(d->field(i)->name());
    s->insert("pay.code");
    s->insert("pay.kind");
    s->insert("pay.ranges");
    return s;
  }();
  return *names;
}

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

absl::Status CheckEtag(const std::string& etag, int64_t current_version, absl::string_view what) {
  if (etag.empty()) {
    return status::InvalidField("etag", "is required: pass the etag from your last read");
  }
  if (VersionOfEtag(etag) != current_version) {
    return absl::AbortedError(absl::StrCat(what,
                                           " has changed since that etag was read (it is now ",
                                           EtagOf(current_version), "); read it again and retry"));
  }
  return absl::OkStatus();
}

pb::NoticeState ParseNoticeState(const std::string& v) {
  pb::NoticeState s = pb::NOTICE_STATE_UNSPECIFIED;
  pb::NoticeState_Parse(absl::StrCat("NOTICE_STATE_", v), &s);
  return s;
}

}  // namespace

std::string NormalizeCode(absl::string_view code) { return absl::AsciiStrToUpper(code); }

Catalog::Catalog(CatalogStore* store, ClassCache* cache, TodayFn today)
    : store_(store), cache_(cache), today_(std::move(today)) {}

// ---- reads -------------------------------------------------------------------------------

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

absl::StatusOr<pb::Jurisdiction> Catalog::LoadJurisdiction(const std::string& id,
                                                           const std::string& field) {
  auto j = store_->GetJurisdiction(id);
  if (!j.ok()) return j.status();
  if (!j->has_value()) {
    if (!field.empty())
      return status::InvalidField(field, absl::StrCat("unknown jurisdiction '", id, "'"));
    return absl::NotFoundError(absl::StrCat("no jurisdiction with id ", id));
  }
  return **j;
}

absl::StatusOr<StoredNotice> Catalog::LoadNotice(const std::string& number) {
  auto n = store_->GetNotice(number);
  if (!n.ok()) return n.status();
  if (!n->has_value()) {
    return absl::NotFoundError(absl::StrCat("no classification notice number ", number));
  }
  (*n)->notice.set_etag(EtagOf((*n)->version));
  return **n;
}

absl::StatusOr<pb::GetJobClassResponse> Catalog::Resolve(const pb::ClassRecord& record,
                                                         const pb::GetJobClassRequest& request) {
  bool strict = request.has_as_of();
  absl::CivilDay day = strict ? dates::ToCivilDay(request.as_of()) : today_();
  auto rev = RevisionInForce(record, day, strict);
  if (!rev.ok()) return rev.status();
  pb::GetJobClassResponse out;
  *out.mutable_job_class() = ViewOf(record, **rev);
  return out;
}

namespace {
absl::Status ValidateGet(const pb::GetJobClassRequest& r) {
  Violations v;
  CheckKey(r.code(), "code", v);
  if (r.has_as_of()) CheckFullDate(r.as_of(), "as_of", v);
  return v.ToStatus();
}
}  // namespace

std::optional<absl::StatusOr<pb::GetJobClassResponse>> Catalog::TryGetJobClassLocal(
    const pb::GetJobClassRequest& request) {
  if (absl::Status s = ValidateGet(request); !s.ok())
    return absl::StatusOr<pb::GetJobClassResponse>(s);
  ClassRecordPtr rec = cache_->PeekLocal(NormalizeCode(request.code()));
  if (rec == nullptr) return std::nullopt;
  return Resolve(*rec, request);
}

std::shared_ptr<const pb::GetJobClassResponse> Catalog::TryGetJobClassShared(
    const pb::GetJobClassRequest& request) {
  if (request.has_as_of() || !ValidateGet(request).ok()) return nullptr;
  std::string code = NormalizeCode(request.code());
  ClassRecordPtr rec = cache_->PeekLocal(code);
  if (rec == nullptr) return nullptr;
  absl::CivilDay today = today_();
  {
    absl::MutexLock lock(&views_mu_);
    auto it = views_.find(code);
    if (it != views_.end() && it->second.record == rec && it->second.day == today) {
      return it->second.response;
    }
  }
  auto built = Resolve(*rec, request);
  if (!built.ok()) return nullptr;
  auto response = std::make_shared<const pb::GetJobClassResponse>(std::move(*built));
  absl::MutexLock lock(&views_mu_);
  if (views_.size() > 10000) views_.clear();
  views_[code] = View{rec, today, response};
  return response;
}

absl::StatusOr<pb::GetJobClassResponse> Catalog::GetJobClass(
    const pb::GetJobClassRequest& request) {
  if (absl::Status s = ValidateGet(request); !s.ok()) return s;
  auto rec = LoadClass(NormalizeCode(request.code()));
  if (!rec.ok()) return rec.status();
  return Resolve(**rec, request);
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
// Pages through a small list already in id order: the token holds the last id returned.
template <typename T, typename Out>
absl::Status PageById(std::vector<T>& items, int requested_size, const std::string& token,
                      const std::string& query, Out* out_items, std::string* next_token) {
  auto size = api::PageSize(requested_size, 50, 500);
  if (!size.ok()) return size.status();
  auto after = api::DecodePageToken(token, query);
  if (!after.ok()) return after.status();
  for (auto& item : items) {
    if (!after->empty() && item.id() <= *after) continue;
    if (out_items->size() == *size) {
      *next_token = api::EncodePageToken(query, (*out_items)[*size - 1].id());
      break;
    }
    *out_items->Add() = std::move(item);
  }
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
  auto filter = ParseClassFilter(request.filter());
  if (!filter.ok()) return filter.status();
  auto after = api::DecodePageToken(request.page_token(), request.filter());
  if (!after.ok()) return after.status();

  absl::CivilDay today = today_();
  std::vector<pb::JobClass> page;
  std::string cursor = *after;
  bool more = false;
  // Filters apply to the revision in force today, which the store cannot index (it changes
  // with the date), so scan in code order until the page is full.
  while (!more) {
    auto batch = store_->ListClasses(cursor, 200);
    if (!batch.ok()) return batch.status();
    if (batch->empty()) break;
    for (const auto& rec : *batch) {
      cursor = rec.code();
      auto rev = RevisionInForce(rec, today, false);
      if (!rev.ok()) continue;  // not in force yet
      pb::JobClass view = ViewOf(rec, **rev);
      if (!filter->Matches(view)) continue;
      if (static_cast<int>(page.size()) == *size) {
        more = true;
        break;
      }
      page.push_back(std::move(view));
    }
  }
  pb::ListJobClassesResponse out;
  if (more) out.set_next_page_token(api::EncodePageToken(request.filter(), page.back().code()));
  for (auto& c : page) *out.add_job_classes() = std::move(c);
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

  absl::CivilDay today = today_();
  pb::SearchJobClassesResponse out;
  int64_t next = *offset;
  bool more = false;
  // Every revision is indexed; a hit counts only when it is the class's revision in force.
  while (!more) {
    auto matches = store_->SearchText(*fts, 100, static_cast<int>(next));
    if (!matches.ok()) return matches.status();
    if (matches->empty()) break;
    for (const auto& m : *matches) {
      auto rec = LoadClass(m.code);
      if (!rec.ok()) return rec.status();
      auto rev = RevisionInForce(**rec, today, false);
      bool keep =
          rev.ok() && (*rev)->revision() == m.revision && filter->Matches(ViewOf(**rec, **rev));
      if (keep && out.hits_size() == *size) {
        more = true;
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
  if (more) out.set_next_page_token(api::EncodePageToken(query_key, absl::StrCat(next)));
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
  for (const auto& rev : (*rec)->revisions()) {
    if (rev.revision() <= *after) continue;
    if (out.revisions_size() == *size) {
      out.set_next_page_token(
          api::EncodePageToken(code, absl::StrCat(out.revisions(*size - 1).revision())));
      break;
    }
    *out.add_revisions() = rev;
  }
  return out;
}

// ---- writes ------------------------------------------------------------------------------

void CheckJobClassFields(const pb::JobClass& c, const std::string& prefix, Violations& v) {
  CheckKey(c.code(), prefix + "code", v);
  if (c.title().empty()) v.Add(prefix + "title", "is required");
  if (c.title().size() > kMaxTitleLength) {
    v.Add(prefix + "title", absl::StrCat("must be at most ", kMaxTitleLength, " characters"));
  }
  if (c.jurisdiction_id().empty()) v.Add(prefix + "jurisdiction_id", "is required");
  if (c.flsa_status() == pb::FLSA_STATUS_UNSPECIFIED) {
    v.Add(prefix + "flsa_status", "is required; use FLSA_STATUS_UNKNOWN when the source is silent");
  }
  for (int i = 0; i < c.pay().ranges_size(); ++i) {
    const auto& r = c.pay().ranges(i);
    std::string f = absl::StrCat(prefix, "pay.ranges[", i, "]");
    CheckMoney(r.min(), f + ".min", v);
    CheckMoney(r.max(), f + ".max", v);
    if (r.min().cents() > r.max().cents()) v.Add(f, "min must not exceed max");
    if (r.min().currency_code() != r.max().currency_code())
      v.Add(f, "min and max currencies differ");
    if (r.period() == pb::PAY_PERIOD_UNSPECIFIED) v.Add(f + ".period", "is required");
    if (r.has_as_of()) {
      if (absl::Status s = dates::ValidatePartial(r.as_of()); !s.ok())
        v.Add(f + ".as_of", std::string(s.message()));
    }
  }
  for (int i = 0; i < c.history_size(); ++i) {
    if (c.history(i).has_date()) {
      if (absl::Status s = dates::ValidatePartial(c.history(i).date()); !s.ok()) {
        v.Add(absl::StrCat(prefix, "history[", i, "].date"), std::string(s.message()));
      }
    }
  }
  for (int i = 0; i < c.unknown_fields_size(); ++i) {
    if (JobClassFieldNames().count(c.unknown_fields(i)) == 0) {
      v.Add(absl::StrCat(prefix, "unknown_fields[", i, "]"), "is not a JobClass field name");
    }
  }
}

absl::Status Catalog::ValidateJobClass(const pb::JobClass& c, const std::string& prefix) {
  Violations v;
  CheckJobClassFields(c, prefix, v);
  if (!v.empty()) return v.ToStatus("invalid job class");
  auto j = LoadJurisdiction(c.jurisdiction_id(), prefix + "jurisdiction_id");
  if (!j.ok()) return j.status();
  if (!c.series_id().empty()) {
    auto s = store_->GetSeries(c.series_id());
    if (!s.ok()) return s.status();
    if (!s->has_value() || (*s)->jurisdiction_id() != c.jurisdiction_id()) {
      return status::InvalidField(prefix + "series_id", "unknown series for this jurisdiction");
    }
  }
  return absl::OkStatus();
}

absl::Status Catalog::ApplyEffective(const pb::EffectiveWhen& when, const std::string& field,
                                     const std::string& jurisdiction_id, const std::string& code,
                                     pb::RevisionKind kind, const pb::ClassRecord* existing,
                                     pb::ClassRevision* rev) {
  if (existing != nullptr) {
    // Revisions take effect in the order they are recorded, so nothing may be queued behind a
    // revision whose date is not known yet.
    for (const auto& r : existing->revisions()) {
      if (r.state() == pb::REVISION_STATE_PENDING) {
        return absl::FailedPreconditionError(absl::StrCat(
            "revision ", r.revision(), " of ", code, " is pending on notice ", r.notice_number(),
            "; record that notice's approval before revising the class again"));
      }
    }
  }
  switch (when.when_case()) {
    case pb::EffectiveWhen::kEffectiveDate: {
      Violations v;
      CheckFullDate(when.effective_date(), field + ".effective_date", v);
      if (!v.empty()) return v.ToStatus();
      if (existing != nullptr) {
        absl::CivilDay day = dates::ToCivilDay(when.effective_date());
        for (const auto& r : existing->revisions()) {
          if (r.state() == pb::REVISION_STATE_ADOPTED && r.has_effective_date() &&
              dates::EarliestDay(r.effective_date()) > day) {
            return absl::FailedPreconditionError(
                absl::StrCat("revision ", r.revision(), " of ", code, " takes effect on ",
                             dates::Format(r.effective_date()),
                             "; a later revision cannot take effect before it"));
          }
        }
      }
      rev->set_state(pb::REVISION_STATE_ADOPTED);
      *rev->mutable_effective_date() = when.effective_date();
      return absl::OkStatus();
    }
    case pb::EffectiveWhen::kNoticeNumber: {
      if (absl::Status s = KeyStatus(when.notice_number(), field + ".notice_number"); !s.ok())
        return s;
      auto n = store_->GetNotice(when.notice_number());
      if (!n.ok()) return n.status();
      if (!n->has_value()) {
        return status::InvalidField(field + ".notice_number", "no such classification notice");
      }
      const auto& notice = (*n)->notice;
      if (notice.jurisdiction_id() != jurisdiction_id) {
        return status::InvalidField(field + ".notice_number",
                                    "the notice is for another jurisdiction");
      }
      if (notice.state() != pb::NOTICE_STATE_POSTED) {
        return absl::FailedPreconditionError(absl::StrCat(
            "notice ", notice.number(), " is already approved; changes need a new notice"));
      }
      bool listed = std::any_of(
          notice.changes().begin(), notice.changes().end(), [&](const pb::NoticeClassChange& ch) {
            return NormalizeCode(ch.class_code()) == code && ch.kind() == kind;
          });
      if (!listed) {
        return absl::FailedPreconditionError(
            absl::StrCat("notice ", notice.number(), " does not list this change to ", code));
      }
      rev->set_state(pb::REVISION_STATE_PENDING);
      rev->set_notice_number(notice.number());
      return absl::OkStatus();
    }
    default:
      return status::InvalidField(field, "give effective_date or notice_number");
  }
}

absl::StatusOr<ClassRecordPtr> Catalog::CommitClass(pb::ClassRecord record,
                                                    int64_t expected_version) {
  WriteBatch batch;
  record.set_version(expected_version + 1);
  batch.classes.push_back({record, expected_version});
  if (absl::Status s = store_->Commit(batch); !s.ok()) return s;
  auto ptr = std::make_shared<const pb::ClassRecord>(std::move(record));
  cache_->Updated({ptr});
  return ClassRecordPtr(ptr);
}

namespace {
pb::ClassRevision NewRevision(const pb::ClassRecord& rec, pb::RevisionKind kind,
                              const pb::JobClass& spec, const std::string& note,
                              const std::string& recorded_at) {
  pb::ClassRevision rev;
  rev.set_class_code(rec.code());
  rev.set_revision(rec.revisions_size() + 1);
  rev.set_kind(kind);
  *rev.mutable_job_class() = spec;
  auto* jc = rev.mutable_job_class();
  jc->clear_state();
  jc->clear_revision();
  jc->clear_revision_effective_date();
  jc->clear_etag();
  rev.set_change_note(note);
  rev.set_recorded_at(recorded_at);
  return rev;
}

std::string NowText() {
  return absl::FormatTime(absl::RFC3339_sec, absl::Now(), absl::UTCTimeZone());
}

bool HasAbolition(const pb::ClassRecord& rec) {
  return std::any_of(rec.revisions().begin(), rec.revisions().end(),
                     [](const auto& r) { return r.kind() == pb::REVISION_KIND_ABOLISH; });
}

// The class as callers see it after a write: today's revision, or the newest one when none is
// in force yet.
pb::JobClass CurrentView(const pb::ClassRecord& rec, absl::CivilDay today) {
  auto rev = RevisionInForce(rec, today, false);
  return ViewOf(rec, rev.ok() ? **rev : rec.revisions(rec.revisions_size() - 1));
}
}  // namespace

absl::StatusOr<pb::CreateJobClassResponse> Catalog::CreateJobClass(
    const pb::CreateJobClassRequest& request) {
  pb::JobClass spec = request.job_class();
  spec.set_code(NormalizeCode(spec.code()));
  if (absl::Status s = ValidateJobClass(spec, "job_class."); !s.ok()) return s;
  auto existing = store_->GetClass(spec.code());
  if (!existing.ok()) return existing.status();
  if (existing->has_value()) {
    return absl::AlreadyExistsError(absl::StrCat("job class ", spec.code(), " already exists"));
  }
  pb::ClassRecord rec;
  rec.set_code(spec.code());
  pb::ClassRevision rev =
      NewRevision(rec, pb::REVISION_KIND_CREATE, spec, request.change_note(), NowText());
  if (absl::Status s = ApplyEffective(request.effective(), "effective", spec.jurisdiction_id(),
                                      spec.code(), pb::REVISION_KIND_CREATE, nullptr, &rev);
      !s.ok()) {
    return s;
  }
  *rec.add_revisions() = rev;
  auto stored = CommitClass(std::move(rec), 0);
  if (!stored.ok()) {
    if (absl::IsAborted(stored.status())) {
      return absl::AlreadyExistsError(absl::StrCat("job class ", spec.code(), " already exists"));
    }
    return stored.status();
  }
  pb::CreateJobClassResponse out;
  *out.mutable_job_class() = CurrentView(**stored, today_());
  *out.mutable_revision() = rev;
  return out;
}

absl::StatusOr<pb::ReviseJobClassResponse> Catalog::ReviseJobClass(
    const pb::ReviseJobClassRequest& request) {
  pb::JobClass spec = request.job_class();
  spec.set_code(NormalizeCode(spec.code()));
  if (absl::Status s = ValidateJobClass(spec, "job_class."); !s.ok()) return s;
  if (request.change_note().empty()) return status::InvalidField("change_note", "is required");
  auto rec = store_->GetClass(spec.code());  // the store, not the cache: etags must be exact
  if (!rec.ok()) return rec.status();
  if (!rec->has_value())
    return absl::NotFoundError(absl::StrCat("no job class with code ", spec.code()));
  pb::ClassRecord record = std::move(**rec);
  if (absl::Status s = CheckEtag(request.etag(), record.version(), spec.code()); !s.ok()) return s;
  if (HasAbolition(record)) {
    return absl::FailedPreconditionError(absl::StrCat(spec.code(), " is abolished"));
  }
  if (spec.jurisdiction_id() != record.revisions(0).job_class().jurisdiction_id()) {
    return status::InvalidField("job_class.jurisdiction_id", "a class cannot change jurisdiction");
  }
  pb::ClassRevision rev =
      NewRevision(record, pb::REVISION_KIND_REVISE, spec, request.change_note(), NowText());
  if (absl::Status s = ApplyEffective(request.effective(), "effective", spec.jurisdiction_id(),
                                      spec.code(), pb::REVISION_KIND_REVISE, &record, &rev);
      !s.ok()) {
    return s;
  }
  int64_t version = record.version();
  *record.add_revisions() = rev;
  auto stored = CommitClass(std::move(record), version);
  if (!stored.ok()) return stored.status();
  pb::ReviseJobClassResponse out;
  *out.mutable_job_class() = CurrentView(**stored, today_());
  *out.mutable_revision() = rev;
  return out;
}

absl::StatusOr<pb::AbolishJobClassResponse> Catalog::AbolishJobClass(
    const pb::AbolishJobClassRequest& request) {
  if (absl::Status s = KeyStatus(request.code(), "code"); !s.ok()) return s;
  if (request.change_note().empty()) return status::InvalidField("change_note", "is required");
  std::string code = NormalizeCode(request.code());
  auto rec = store_->GetClass(code);
  if (!rec.ok()) return rec.status();
  if (!rec->has_value()) return absl::NotFoundError(absl::StrCat("no job class with code ", code));
  pb::ClassRecord record = std::move(**rec);
  if (absl::Status s = CheckEtag(request.etag(), record.version(), code); !s.ok()) return s;
  if (HasAbolition(record)) {
    return absl::FailedPreconditionError(absl::StrCat(code, " is already abolished"));
  }
  const pb::JobClass& last = record.revisions(record.revisions_size() - 1).job_class();
  pb::ClassRevision rev =
      NewRevision(record, pb::REVISION_KIND_ABOLISH, last, request.change_note(), NowText());
  if (absl::Status s = ApplyEffective(request.effective(), "effective", last.jurisdiction_id(),
                                      code, pb::REVISION_KIND_ABOLISH, &record, &rev);
      !s.ok()) {
    return s;
  }
  int64_t version = record.version();
  *record.add_revisions() = rev;
  auto stored = CommitClass(std::move(record), version);
  if (!stored.ok()) return stored.status();
  pb::AbolishJobClassResponse out;
  *out.mutable_revision() = rev;
  return out;
}

// ---- notices -----------------------------------------------------------------------------

absl::StatusOr<pb::CreateClassificationNoticeResponse> Catalog::CreateClassificationNotice(
    const pb::CreateClassificationNoticeRequest& request) {
  pb::ClassificationNotice n = request.notice();
  Violations v;
  CheckKey(n.number(), "notice.number", v);
  if (n.jurisdiction_id().empty()) v.Add("notice.jurisdiction_id", "is required");
  if (n.subject().empty()) v.Add("notice.subject", "is required");
  if (!n.has_notice_date()) {
    v.Add("notice.notice_date", "is required");
  } else {
    CheckFullDate(n.notice_date(), "notice.notice_date", v);
  }
  if (!n.hearing().has_date()) {
    v.Add("notice.hearing.date", "is required");
  } else {
    CheckFullDate(n.hearing().date(), "notice.hearing.date", v);
  }
  for (const char* f : {"comment_deadline", "hearing_request_deadline"}) {
    const auto& dt =
        std::string(f) == "comment_deadline" ? n.comment_deadline() : n.hearing_request_deadline();
    if (dt.has_date()) CheckFullDate(dt.date(), absl::StrCat("notice.", f, ".date"), v);
  }
  if (n.changes_size() == 0) v.Add("notice.changes", "must list at least one class change");
  for (int i = 0; i < n.changes_size(); ++i) {
    CheckKey(n.changes(i).class_code(), absl::StrCat("notice.changes[", i, "].class_code"), v);
    if (n.changes(i).kind() == pb::REVISION_KIND_UNSPECIFIED) {
      v.Add(absl::StrCat("notice.changes[", i, "].kind"), "is required");
    }
  }
  if (!v.empty()) return v.ToStatus("invalid classification notice");
  auto j = LoadJurisdiction(n.jurisdiction_id(), "notice.jurisdiction_id");
  if (!j.ok()) return j.status();
  absl::CivilDay notice_day = dates::ToCivilDay(n.notice_date());
  absl::CivilDay hearing_day = dates::ToCivilDay(n.hearing().date());
  int min_days = j->notice_min_days_before_hearing();
  if (hearing_day - notice_day < min_days || hearing_day < notice_day) {
    return status::InvalidField(
        "notice.hearing.date",
        absl::StrCat("must fall at least ", min_days, " calendar days after the notice date (",
                     j->short_name().empty() ? j->id() : j->short_name(), " rule)"));
  }
  for (const auto* dt : {&n.comment_deadline(), &n.hearing_request_deadline()}) {
    if (dt->has_date() && dates::ToCivilDay(dt->date()) > hearing_day) {
      return status::InvalidField(
          "notice", "comment and hearing-request deadlines must not fall after the hearing");
    }
  }
  for (auto& ch : *n.mutable_changes()) ch.set_class_code(NormalizeCode(ch.class_code()));
  n.set_state(pb::NOTICE_STATE_POSTED);
  n.clear_approval_date();
  n.clear_effective_date();
  n.clear_etag();
  WriteBatch batch;
  batch.notices.push_back({n, 0});
  if (absl::Status s = store_->Commit(batch); !s.ok()) {
    if (absl::IsAborted(s)) {
      return absl::AlreadyExistsError(absl::StrCat("notice ", n.number(), " already exists"));
    }
    return s;
  }
  n.set_etag(EtagOf(1));
  pb::CreateClassificationNoticeResponse out;
  *out.mutable_notice() = std::move(n);
  return out;
}

absl::StatusOr<pb::GetClassificationNoticeResponse> Catalog::GetClassificationNotice(
    const pb::GetClassificationNoticeRequest& request) {
  if (absl::Status s = KeyStatus(request.number(), "number"); !s.ok()) return s;
  auto n = LoadNotice(request.number());
  if (!n.ok()) return n.status();
  pb::GetClassificationNoticeResponse out;
  *out.mutable_notice() = std::move(n->notice);
  return out;
}

absl::StatusOr<pb::ListClassificationNoticesResponse> Catalog::ListClassificationNotices(
    const pb::ListClassificationNoticesRequest& request) {
  auto size = api::PageSize(request.page_size(), 50, 500);
  if (!size.ok()) return size.status();
  auto filter = api::ParseFilter(request.filter(), {"jurisdiction", "state"});
  if (!filter.ok()) return filter.status();
  pb::NoticeState state = pb::NOTICE_STATE_UNSPECIFIED;
  if (filter->count("state")) {
    state = ParseNoticeState(filter->at("state"));
    if (state == pb::NOTICE_STATE_UNSPECIFIED) {
      return status::InvalidField("filter", "state must be POSTED or APPROVED");
    }
  }
  std::string jurisdiction = filter->count("jurisdiction") ? filter->at("jurisdiction") : "";
  auto after = api::DecodePageToken(request.page_token(), request.filter());
  if (!after.ok()) return after.status();
  pb::ListClassificationNoticesResponse out;
  std::string cursor = *after;
  bool more = false;
  while (!more) {
    auto batch = store_->ListNotices(cursor, 200);
    if (!batch.ok()) return batch.status();
    if (batch->empty()) break;
    for (auto& n : *batch) {
      cursor = n.notice.number();
      if (!jurisdiction.empty() && n.notice.jurisdiction_id() != jurisdiction) continue;
      if (state != pb::NOTICE_STATE_UNSPECIFIED && n.notice.state() != state) continue;
      if (out.notices_size() == *size) {
        more = true;
        break;
      }
      n.notice.set_etag(EtagOf(n.version));
      *out.add_notices() = std::move(n.notice);
    }
  }
  if (more) {
    out.set_next_page_token(
        api::EncodePageToken(request.filter(), out.notices(out.notices_size() - 1).number()));
  }
  return out;
}

absl::StatusOr<pb::RecordNoticeApprovalResponse> Catalog::RecordNoticeApproval(
    const pb::RecordNoticeApprovalRequest& request) {
  Violations v;
  CheckKey(request.number(), "number", v);
  if (!request.has_approval_date()) {
    v.Add("approval_date", "is required");
  } else {
    CheckFullDate(request.approval_date(), "approval_date", v);
  }
  if (!v.empty()) return v.ToStatus();
  auto stored = LoadNotice(request.number());
  if (!stored.ok()) return stored.status();
  pb::ClassificationNotice notice = stored->notice;
  if (absl::Status s = CheckEtag(request.etag(), stored->version, "notice " + notice.number());
      !s.ok()) {
    return s;
  }
  if (notice.state() == pb::NOTICE_STATE_APPROVED) {
    return absl::FailedPreconditionError(
        absl::StrCat("notice ", notice.number(), " is already approved"));
  }
  absl::CivilDay approval = dates::ToCivilDay(request.approval_date());
  if (notice.hearing().has_date() && approval < dates::ToCivilDay(notice.hearing().date())) {
    return status::InvalidField("approval_date", "must not precede the public hearing");
  }
  auto j = LoadJurisdiction(notice.jurisdiction_id(), "");
  if (!j.ok()) return j.status();
  if (j->work_week_start() == pb::DAY_OF_WEEK_UNSPECIFIED) {
    return absl::FailedPreconditionError(
        absl::StrCat("jurisdiction ", j->id(),
                     " has no work-week start configured, so the effective date "
                     "(start of the first work week after approval) cannot be computed; set "
                     "work_week_start in its data file"));
  }
  dates::Date effective = dates::FromCivilDay(StartOfNextWorkWeek(approval, j->work_week_start()));

  WriteBatch batch;
  std::vector<ClassRecordPtr> updated;
  pb::RecordNoticeApprovalResponse out;
  std::set<std::string> seen;
  for (const auto& ch : notice.changes()) {
    if (!seen.insert(ch.class_code()).second) continue;
    auto rec = store_->GetClass(ch.class_code());
    if (!rec.ok()) return rec.status();
    if (!rec->has_value()) continue;  // listed but never created: nothing takes effect
    pb::ClassRecord record = std::move(**rec);
    bool changed = false;
    for (auto& rev : *record.mutable_revisions()) {
      if (rev.state() == pb::REVISION_STATE_PENDING && rev.notice_number() == notice.number()) {
        for (const auto& earlier : record.revisions()) {
          if (earlier.revision() < rev.revision() &&
              earlier.state() == pb::REVISION_STATE_ADOPTED && earlier.has_effective_date() &&
              dates::EarliestDay(earlier.effective_date()) > dates::ToCivilDay(effective)) {
            return absl::FailedPreconditionError(absl::StrCat(
                "approval would make revision ", rev.revision(), " of ", record.code(),
                " take effect on ", dates::Format(effective), ", before revision ",
                earlier.revision(), " (", dates::Format(earlier.effective_date()), ")"));
          }
        }
        rev.set_state(pb::REVISION_STATE_ADOPTED);
        *rev.mutable_effective_date() = effective;
        *out.add_revisions() = rev;
        changed = true;
      }
    }
    if (!changed) continue;
    int64_t version = record.version();
    record.set_version(version + 1);
    batch.classes.push_back({record, version});
    updated.push_back(std::make_shared<const pb::ClassRecord>(std::move(record)));
  }
  notice.set_state(pb::NOTICE_STATE_APPROVED);
  *notice.mutable_approval_date() = request.approval_date();
  *notice.mutable_effective_date() = effective;
  batch.notices.push_back({notice, stored->version});
  if (absl::Status s = store_->Commit(batch); !s.ok()) return s;
  cache_->Updated(updated);
  notice.set_etag(EtagOf(stored->version + 1));
  *out.mutable_notice() = std::move(notice);
  return out;
}

}  // namespace classplan::catalog
