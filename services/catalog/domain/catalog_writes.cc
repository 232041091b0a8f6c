// Catalog's writes: creating, revising and abolishing job classes, and the checks they share
// with the data importer.

#include <algorithm>
#include <string>

#include "absl/strings/str_cat.h"
#include "common/api/etag.h"
#include "common/dates/dates.h"
#include "services/catalog/domain/catalog.h"
#include "services/catalog/domain/checks.h"
#include "services/catalog/domain/revisions.h"
#include "services/catalog/domain/validation.h"

namespace classplan::catalog {
namespace {

using status::Violations;

// change_note of a write: a reason, as long as any other long text.
absl::Status CheckChangeNote(const std::string& note, bool required) {
  Violations v;
  if (required && note.empty()) v.Add("change_note", "is required");
  CheckLength(note, kMaxLongText, "change_note", v);
  return v.ToStatus();
}

}  // namespace

absl::Status Catalog::ValidateJobClass(const pb::JobClass& c, const std::string& prefix) {
  Violations v;
  CheckJobClassFields(c, prefix, v);
  CheckFrameworkRef(c, frameworks_, prefix, v);
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

audit::Event Catalog::AuditEvent(const identity::Caller& caller, const char* resource_type,
                                 const std::string& resource_id, int64_t version_before,
                                 const std::string& reason) const {
  audit::Event e = audit::EventFor(caller, clock_.Now());
  e.resource_type = resource_type;
  e.resource_id = resource_id;
  e.etag_before = version_before == 0 ? "" : api::EtagOf(version_before);
  e.etag_after = api::EtagOf(version_before + 1);
  e.reason = reason;
  return e;
}

absl::StatusOr<ClassRecordPtr> Catalog::CommitClass(pb::ClassRecord record,
                                                    int64_t expected_version, audit::Event event) {
  WriteBatch batch;
  record.set_version(expected_version + 1);
  batch.classes.push_back({record, expected_version});
  batch.audit = std::move(event);
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

std::string TimeText(absl::Time t) {
  return absl::FormatTime(absl::RFC3339_sec, t, absl::UTCTimeZone());
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
    const pb::CreateJobClassRequest& request, const identity::Caller& caller) {
  pb::JobClass spec = request.job_class();
  spec.set_code(NormalizeCode(spec.code()));
  if (absl::Status s = ValidateJobClass(spec, "job_class."); !s.ok()) return s;
  if (absl::Status s = CheckChangeNote(request.change_note(), false); !s.ok()) return s;
  auto existing = store_->GetClass(spec.code());
  if (!existing.ok()) return existing.status();
  if (existing->has_value()) {
    return absl::AlreadyExistsError(absl::StrCat("job class ", spec.code(), " already exists"));
  }
  pb::ClassRecord rec;
  rec.set_code(spec.code());
  pb::ClassRevision rev = NewRevision(rec, pb::REVISION_KIND_CREATE, spec, request.change_note(),
                                      TimeText(clock_.Now()));
  if (absl::Status s = ApplyEffective(request.effective(), "effective", spec.jurisdiction_id(),
                                      spec.code(), pb::REVISION_KIND_CREATE, nullptr, &rev);
      !s.ok()) {
    return s;
  }
  *rec.add_revisions() = rev;
  auto stored = CommitClass(std::move(rec), 0,
                            AuditEvent(caller, kJobClass, spec.code(), 0, request.change_note()));
  if (!stored.ok()) {
    if (absl::IsAborted(stored.status())) {
      return absl::AlreadyExistsError(absl::StrCat("job class ", spec.code(), " already exists"));
    }
    return stored.status();
  }
  pb::CreateJobClassResponse out;
  *out.mutable_job_class() = CurrentView(**stored, clock_.Today());
  *out.mutable_revision() = rev;
  return out;
}

absl::StatusOr<pb::ReviseJobClassResponse> Catalog::ReviseJobClass(
    const pb::ReviseJobClassRequest& request, const identity::Caller& caller) {
  pb::JobClass spec = request.job_class();
  spec.set_code(NormalizeCode(spec.code()));
  if (absl::Status s = ValidateJobClass(spec, "job_class."); !s.ok()) return s;
  if (absl::Status s = CheckChangeNote(request.change_note(), true); !s.ok()) return s;
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
  pb::ClassRevision rev = NewRevision(record, pb::REVISION_KIND_REVISE, spec, request.change_note(),
                                      TimeText(clock_.Now()));
  if (absl::Status s = ApplyEffective(request.effective(), "effective", spec.jurisdiction_id(),
                                      spec.code(), pb::REVISION_KIND_REVISE, &record, &rev);
      !s.ok()) {
    return s;
  }
  int64_t version = record.version();
  *record.add_revisions() = rev;
  auto stored =
      CommitClass(std::move(record), version,
                  AuditEvent(caller, kJobClass, spec.code(), version, request.change_note()));
  if (!stored.ok()) return stored.status();
  pb::ReviseJobClassResponse out;
  *out.mutable_job_class() = CurrentView(**stored, clock_.Today());
  *out.mutable_revision() = rev;
  return out;
}

absl::StatusOr<pb::AbolishJobClassResponse> Catalog::AbolishJobClass(
    const pb::AbolishJobClassRequest& request, const identity::Caller& caller) {
  if (absl::Status s = KeyStatus(request.code(), "code"); !s.ok()) return s;
  if (absl::Status s = CheckChangeNote(request.change_note(), true); !s.ok()) return s;
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
  pb::ClassRevision rev = NewRevision(record, pb::REVISION_KIND_ABOLISH, last,
                                      request.change_note(), TimeText(clock_.Now()));
  if (absl::Status s = ApplyEffective(request.effective(), "effective", last.jurisdiction_id(),
                                      code, pb::REVISION_KIND_ABOLISH, &record, &rev);
      !s.ok()) {
    return s;
  }
  int64_t version = record.version();
  *record.add_revisions() = rev;
  auto stored = CommitClass(std::move(record), version,
                            AuditEvent(caller, kJobClass, code, version, request.change_note()));
  if (!stored.ok()) return stored.status();
  pb::AbolishJobClassResponse out;
  *out.mutable_revision() = rev;
  return out;
}

}  // namespace classplan::catalog
