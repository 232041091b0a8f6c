// Catalog's classification notices: posting one, reading and listing them, and recording the
// approval that makes the revisions pending on it take effect.

#include <set>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "common/api/etag.h"
#include "common/api/filter.h"
#include "common/api/page_token.h"
#include "common/dates/dates.h"
#include "services/catalog/domain/catalog.h"
#include "services/catalog/domain/checks.h"
#include "services/catalog/domain/revisions.h"
#include "services/catalog/domain/validation.h"

namespace classplan::catalog {
namespace {

using status::Violations;

pb::NoticeState ParseNoticeState(const std::string& v) {
  pb::NoticeState s = pb::NOTICE_STATE_UNSPECIFIED;
  pb::NoticeState_Parse(absl::StrCat("NOTICE_STATE_", v), &s);
  return s;
}

}  // namespace

absl::StatusOr<StoredNotice> Catalog::LoadNotice(const std::string& number) {
  auto n = store_->GetNotice(number);
  if (!n.ok()) return n.status();
  if (!n->has_value()) {
    return absl::NotFoundError(absl::StrCat("no classification notice number ", number));
  }
  (*n)->notice.set_etag(api::EtagOf((*n)->version));
  return **n;
}

absl::StatusOr<pb::CreateClassificationNoticeResponse> Catalog::CreateClassificationNotice(
    const pb::CreateClassificationNoticeRequest& request, const identity::Caller& caller) {
  pb::ClassificationNotice n = request.notice();
  Violations v;
  CheckNoticeFields(n, "notice.", v);
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
  batch.audit = AuditEvent(caller, kNotice, n.number(), 0, "");
  if (absl::Status s = store_->Commit(batch); !s.ok()) {
    if (absl::IsAborted(s)) {
      return absl::AlreadyExistsError(absl::StrCat("notice ", n.number(), " already exists"));
    }
    return s;
  }
  n.set_etag(api::EtagOf(1));
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
  api::PageBudget page(*size);
  std::string cursor = *after;
  while (!page.full()) {
    auto batch = store_->ListNotices(cursor, 200);
    if (!batch.ok()) return batch.status();
    if (batch->empty()) break;
    for (auto& n : *batch) {
      cursor = n.notice.number();
      if (!jurisdiction.empty() && n.notice.jurisdiction_id() != jurisdiction) continue;
      if (state != pb::NOTICE_STATE_UNSPECIFIED && n.notice.state() != state) continue;
      n.notice.set_etag(api::EtagOf(n.version));
      if (!page.Fits(n.notice.ByteSizeLong(), n.notice.number())) break;
      *out.add_notices() = std::move(n.notice);
    }
  }
  out.set_next_page_token(page.NextPageToken(request.filter()));
  return out;
}

absl::StatusOr<pb::RecordNoticeApprovalResponse> Catalog::RecordNoticeApproval(
    const pb::RecordNoticeApprovalRequest& request, const identity::Caller& caller) {
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
  // One event for the approval; the classes it makes take effect are named by the notice.
  batch.audit = AuditEvent(caller, kNotice, notice.number(), stored->version, "");
  if (absl::Status s = store_->Commit(batch); !s.ok()) return s;
  cache_->Updated(updated);
  notice.set_etag(api::EtagOf(stored->version + 1));
  *out.mutable_notice() = std::move(notice);
  return out;
}

}  // namespace classplan::catalog
