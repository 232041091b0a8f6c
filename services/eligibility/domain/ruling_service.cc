#include "services/eligibility/domain/ruling_service.h"

#include <openssl/rand.h>

#include <utility>
#include <vector>

#include "absl/strings/escaping.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "common/api/etag.h"
#include "common/api/page_token.h"
#include "common/audit/audit_proto.h"
#include "common/cip/cip.h"
#include "common/dates/dates.h"
#include "common/status/field_violations.h"
#include "google/protobuf/util/time_util.h"
#include "services/eligibility/domain/rulings.h"

namespace classplan::eligibility {
namespace {

constexpr char kResource[] = "ruling";

absl::Status CheckHr(const identity::Caller& caller) {
  if (caller.principal.empty()) return absl::UnauthenticatedError("no verified principal");
  if (!caller.Has(identity::Role::kHrAnalyst) && !caller.Has(identity::Role::kHrAdmin)) {
    return absl::PermissionDeniedError("rulings are for hr_analyst or hr_admin");
  }
  return absl::OkStatus();
}

absl::StatusOr<std::string> OpenSslId() {
  unsigned char bits[8];
  if (RAND_bytes(bits, sizeof bits) != 1) {
    return absl::InternalError("cannot draw a random ruling id");
  }
  return absl::BytesToHexString(
      absl::string_view(reinterpret_cast<const char*>(bits), sizeof bits));
}

bool ValidId(absl::string_view id) {
  if (!absl::StartsWith(id, "rul-") || id.size() <= 4 || id.size() > 64) return false;
  for (char c : id.substr(4)) {
    if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-')) return false;
  }
  return true;
}

// "<rule id>|<code>" or "<rule id>|<code>|<CIP code>", the code one ReviewCode gives.
bool ValidReasonId(absl::string_view id) {
  std::vector<absl::string_view> parts = absl::StrSplit(id, '|');
  if (parts.size() < 2 || parts.size() > 3 || parts[0].empty() || !IsReviewCode(parts[1])) {
    return false;
  }
  return parts.size() == 2 || cip::ParseSixDigit(parts[2]) >= 0;
}

google::protobuf::Timestamp ToProto(absl::Time t) {
  return google::protobuf::util::TimeUtil::NanosecondsToTimestamp(absl::ToUnixNanos(t));
}

void CheckText(const std::string& text, size_t max, const std::string& field, bool required,
               status::Violations* v) {
  if (required && text.empty()) {
    v->Add(field, "required");
  } else {
    status::CheckLength(text, max, field, *v);
  }
}

// The fields a client gives, for comparing an idempotent retry with the stored ruling.
v1::Ruling ClientFields(const v1::Ruling& r) {
  v1::Ruling c;
  c.set_class_code(r.class_code());
  c.set_applicant_ref(r.applicant_ref());
  c.set_standing(r.standing());
  c.set_review_reason_id(r.review_reason_id());
  c.set_decision(r.decision());
  c.set_reason(r.reason());
  c.set_evidence_ref(r.evidence_ref());
  if (r.has_effective_from()) *c.mutable_effective_from() = r.effective_from();
  if (r.has_effective_until()) *c.mutable_effective_until() = r.effective_until();
  return c;
}

v1::Ruling WithEtag(StoredRuling s) {
  s.ruling.set_etag(api::EtagOf(s.version));
  return std::move(s.ruling);
}

}  // namespace

RulingService::RulingService(RulingStore* store, clock::Clock clock, RandomId random_id)
    : store_(store), clock_(std::move(clock)), random_id_(std::move(random_id)) {
  if (random_id_ == nullptr) random_id_ = &OpenSslId;
}

absl::StatusOr<v1::Ruling> RulingService::Record(const identity::Caller& caller,
                                                 const v1::RecordRulingRequest& req) {
  if (absl::Status s = CheckHr(caller); !s.ok()) return s;
  const v1::Ruling& in = req.ruling();
  status::Violations v;
  if (!req.ruling_id().empty() && !ValidId(req.ruling_id())) {
    v.Add("ruling_id", "must be \"rul-\" then 1 to 60 of [a-z0-9-]");
  }
  if (in.class_code().empty()) v.Add("ruling.class_code", "required, e.g. CA2459");
  status::CheckLength(in.class_code(), 32, "ruling.class_code", v);
  if (in.standing()) {
    if (!in.applicant_ref().empty()) {
      v.Add("ruling.applicant_ref", "a standing ruling is for every applicant: leave it empty");
    }
    if (!in.has_effective_from()) {
      v.Add("ruling.effective_from", "required for a standing ruling: the first as-of day");
    } else if (!dates::IsFull(in.effective_from())) {
      v.Add("ruling.effective_from", "must be a full calendar date");
    }
    if (in.has_effective_until()) {
      if (!dates::IsFull(in.effective_until())) {
        v.Add("ruling.effective_until", "must be a full calendar date");
      } else if (in.has_effective_from() && dates::IsFull(in.effective_from()) &&
                 dates::ToCivilDay(in.effective_until()) < dates::ToCivilDay(in.effective_from())) {
        v.Add("ruling.effective_until", "must not be before effective_from");
      }
    }
  } else {
    if (in.applicant_ref().empty()) {
      v.Add("ruling.applicant_ref",
            "required: the applicant reference of the determination (or set standing)");
    }
    status::CheckLength(in.applicant_ref(), 128, "ruling.applicant_ref", v);
    if (in.has_effective_from() || in.has_effective_until()) {
      v.Add("ruling.effective_from", "only a standing ruling takes effective dates");
    }
  }
  if (!ValidReasonId(in.review_reason_id())) {
    v.Add("ruling.review_reason_id",
          "must be a review reason id as an evaluation reports it, e.g. "
          "\"path-1/education|field_needs_review|51.1508\"");
  }
  if (in.decision() != v1::RULING_DECISION_QUALIFIED &&
      in.decision() != v1::RULING_DECISION_NOT_QUALIFIED) {
    v.Add("ruling.decision", "must be QUALIFIED or NOT_QUALIFIED");
  }
  CheckText(in.reason(), kMaxRulingReason, "ruling.reason", true, &v);
  CheckText(in.evidence_ref(), kMaxEvidenceRef, "ruling.evidence_ref", false, &v);
  if (!v.empty()) return v.ToStatus("invalid ruling");

  v1::Ruling r = ClientFields(in);
  if (req.ruling_id().empty()) {
    auto random = random_id_();
    if (!random.ok()) return random.status();
    r.set_id(absl::StrCat("rul-", *random));
  } else {
    r.set_id(req.ruling_id());
  }
  const absl::Time now = clock_.Now();
  r.set_author(caller.principal);
  *r.mutable_record_time() = ToProto(now);
  audit::Event e = audit::EventFor(caller, now);
  e.resource_type = kResource;
  e.resource_id = r.id();
  e.etag_after = api::EtagOf(1);
  absl::Status s = store_->CreateRuling(r, e);
  if (s.code() == absl::StatusCode::kAlreadyExists && !req.ruling_id().empty()) {
    // An idempotent retry gets the stored ruling; other content under the id is refused.
    auto stored = store_->GetRuling(r.id());
    if (!stored.ok()) return stored.status();
    if (ClientFields(stored->ruling).SerializeAsString() == ClientFields(r).SerializeAsString()) {
      return WithEtag(*std::move(stored));
    }
    return absl::AlreadyExistsError(absl::StrCat("ruling ", r.id(), " exists with other content"));
  }
  if (!s.ok()) return s;
  r.set_etag(api::EtagOf(1));
  return r;
}

absl::StatusOr<v1::ListRulingsResponse> RulingService::List(const identity::Caller& caller,
                                                            const v1::ListRulingsRequest& req) {
  if (absl::Status s = CheckHr(caller); !s.ok()) return s;
  status::Violations v;
  if (!v1::ListRulingsRequest::Kind_IsValid(req.kind())) v.Add("kind", "unknown kind");
  status::CheckLength(req.class_code(), 32, "class_code", v);
  status::CheckLength(req.applicant_ref(), 128, "applicant_ref", v);
  if (!v.empty()) return v.ToStatus("invalid list request");
  auto size = api::PageSize(req.page_size(), 100, 1000);
  if (!size.ok()) return size.status();
  const std::string query = absl::StrCat(req.class_code(), "\x1f", req.applicant_ref(), "\x1f",
                                         req.kind(), "\x1f", req.include_withdrawn());
  auto after = api::DecodePageToken(req.page_token(), query);
  if (!after.ok()) return after.status();
  RulingQuery q;
  q.class_code = req.class_code();
  q.applicant_ref = req.applicant_ref();
  q.kind = req.kind() == v1::ListRulingsRequest::KIND_STANDING ? RulingKind::kStanding
           : req.kind() == v1::ListRulingsRequest::KIND_PER_DETERMINATION
               ? RulingKind::kPerDetermination
               : RulingKind::kAny;
  q.include_withdrawn = req.include_withdrawn();
  q.after_id = *after;
  q.limit = *size + 1;  // one more tells whether another page follows
  auto rows = store_->ListRulings(q);
  if (!rows.ok()) return rows.status();
  v1::ListRulingsResponse out;
  api::PageBudget page(*size);
  for (auto& row : *rows) {
    v1::Ruling r = WithEtag(std::move(row));
    if (!page.Fits(r.ByteSizeLong(), r.id())) break;
    *out.add_rulings() = std::move(r);
  }
  out.set_next_page_token(page.NextPageToken(query));
  return out;
}

absl::StatusOr<v1::Ruling> RulingService::Withdraw(const identity::Caller& caller,
                                                   const v1::WithdrawRulingRequest& req) {
  if (absl::Status s = CheckHr(caller); !s.ok()) return s;
  status::Violations v;
  if (req.id().empty()) v.Add("id", "required");
  CheckText(req.reason(), kMaxRulingReason, "reason", true, &v);
  if (!req.etag().empty() && api::VersionOfEtag(req.etag()) == 0) {
    v.Add("etag", "not an etag this service gave");
  }
  if (!v.empty()) return v.ToStatus("invalid withdrawal");
  auto stored = store_->GetRuling(req.id());
  if (!stored.ok()) return stored.status();
  if (!req.etag().empty() && !api::EtagMatches(req.etag(), stored->version)) {
    return absl::AbortedError("the ruling changed since it was read (stale etag)");
  }
  if (stored->ruling.withdrawn()) {
    return absl::FailedPreconditionError(
        absl::StrCat("ruling ", req.id(), " is withdrawn already"));
  }
  const absl::Time now = clock_.Now();
  v1::Ruling r = stored->ruling;
  r.set_withdrawn(true);
  r.set_withdrawn_by(caller.principal);
  *r.mutable_withdraw_time() = ToProto(now);
  r.set_withdrawal_reason(req.reason());
  audit::Event e = audit::EventFor(caller, now);
  e.resource_type = kResource;
  e.resource_id = r.id();
  e.etag_before = api::EtagOf(stored->version);
  e.etag_after = api::EtagOf(stored->version + 1);
  if (absl::Status s = store_->WithdrawRuling(r, stored->version, e); !s.ok()) return s;
  r.set_etag(api::EtagOf(stored->version + 1));
  return r;
}

absl::StatusOr<common::v1::ListAuditEventsResponse> RulingService::ListAuditEvents(
    const identity::Caller& caller, const common::v1::ListAuditEventsRequest& request) {
  return audit::ListEvents(*store_, request, caller);
}

}  // namespace classplan::eligibility
