// Appraisals: construction and the reads (frameworks, expected proficiency, appraisals). The
// workflow (create, update, transitions) is in workflow.cc, the team reports in reports.cc,
// who may see and do what in access.cc.
#include "services/appraisal/domain/appraisals.h"

#include <algorithm>
#include <map>
#include <utility>

#include "absl/strings/str_cat.h"
#include "common/api/etag.h"
#include "common/api/page_token.h"
#include "common/audit/audit_proto.h"
#include "common/dates/dates.h"
#include "common/status/field_violations.h"
#include "services/appraisal/domain/access.h"
#include "services/appraisal/domain/checks.h"
#include "services/appraisal/domain/ids.h"
#include "services/appraisal/domain/model.h"

namespace classplan::appraisal {

Appraisals::Appraisals(AppraisalStore* store, Options options)
    : store_(store), options_(std::move(options)) {
  if (!options_.new_id) options_.new_id = [] { return NewAppraisalId(); };
}

absl::StatusOr<v1::GetFrameworkResponse> Appraisals::GetFramework(
    const Principal& p, const v1::GetFrameworkRequest& r) {
  if (auto s = RequirePrincipal(p); !s.ok()) return s;
  status::Violations v;
  if (r.framework_id().empty()) v.Add("framework_id", "required");
  if (r.version() < 0) v.Add("version", "must be >= 0");
  if (!v.empty()) return v.ToStatus();
  auto f = store_->GetFramework(r.framework_id(), r.version());
  if (!f.ok()) return f.status();
  v1::GetFrameworkResponse out;
  *out.mutable_framework() = *std::move(f);
  return out;
}

absl::StatusOr<v1::ListFrameworksResponse> Appraisals::ListFrameworks(
    const Principal& p, const v1::ListFrameworksRequest& r) {
  if (auto s = RequirePrincipal(p); !s.ok()) return s;
  auto size = api::PageSize(r.page_size(), 50, 200);
  if (!size.ok()) return size.status();
  const std::string query_key = absl::StrCat("frameworks|", r.class_code());
  auto after = api::DecodePageToken(r.page_token(), query_key);
  if (!after.ok()) return after.status();
  auto all = store_->ListFrameworks();
  if (!all.ok()) return all.status();
  v1::ListFrameworksResponse out;
  api::PageBudget page(*size);
  for (auto& f : *all) {  // ordered by id
    if (!after->empty() && f.id() <= *after) continue;
    if (!r.class_code().empty() && std::find(f.class_codes().begin(), f.class_codes().end(),
                                             r.class_code()) == f.class_codes().end()) {
      continue;
    }
    if (!page.Fits(f.ByteSizeLong(), f.id())) break;
    *out.add_frameworks() = std::move(f);
  }
  out.set_next_page_token(page.NextPageToken(query_key));
  return out;
}

absl::StatusOr<v1::Framework> Appraisals::ResolveFramework(const std::string& framework_id,
                                                           const std::string& class_code,
                                                           const char* field) {
  if (!framework_id.empty()) {
    auto f = store_->GetFramework(framework_id, 0);
    if (absl::IsNotFound(f.status())) return status::InvalidField(field, "unknown framework");
    if (!f.ok()) return f.status();
    if (!class_code.empty() && std::find(f->class_codes().begin(), f->class_codes().end(),
                                         class_code) == f->class_codes().end()) {
      return status::InvalidField(field, "the framework is not linked to the class");
    }
    return f;
  }
  auto all = store_->ListFrameworks();
  if (!all.ok()) return all.status();
  for (auto& f : *all) {
    if (std::find(f.class_codes().begin(), f.class_codes().end(), class_code) !=
        f.class_codes().end()) {
      return std::move(f);
    }
  }
  return absl::NotFoundError("no framework is linked to the class");
}

absl::StatusOr<v1::GetExpectedProficiencyResponse> Appraisals::GetExpectedProficiency(
    const Principal& p, const v1::GetExpectedProficiencyRequest& r) {
  if (auto s = RequirePrincipal(p); !s.ok()) return s;
  status::Violations v;
  if (r.framework_id().empty() && r.class_code().empty()) {
    v.Add("framework_id", "framework_id or class_code is required");
  }
  if (!r.has_date_entered_class() || !dates::IsFull(r.date_entered_class())) {
    v.Add("date_entered_class", "required: a full calendar date");
  }
  if (r.has_as_of() && !dates::IsFull(r.as_of())) v.Add("as_of", "must be a full calendar date");
  if (!v.empty()) return v.ToStatus();
  const absl::CivilDay entered = dates::ToCivilDay(r.date_entered_class());
  const absl::CivilDay as_of =
      r.has_as_of() ? dates::ToCivilDay(r.as_of()) : options_.clock.Today();
  if (as_of < entered) {
    return status::InvalidField("as_of", "must not be before date_entered_class");
  }
  auto f = ResolveFramework(r.framework_id(), r.class_code(), "framework_id");
  if (!f.ok()) return f.status();
  if (f->kind() != v1::FRAMEWORK_KIND_INDICATOR_LEVELS) {
    return FailedField("framework_id", "the framework is scale-rated: it has no levels by tenure");
  }
  auto months = CompletedMonths(entered, as_of);
  if (!months.ok()) return months.status();
  v1::GetExpectedProficiencyResponse out;
  out.set_expected_level(ExpectedLevel(*f, *months));
  for (const auto& l : f->levels()) {
    if (l.level() == out.expected_level()) out.set_level_name(l.name());
  }
  out.set_tenure_months(*months);
  out.set_tenure_years(*months / 12);
  out.set_framework_id(f->id());
  out.set_framework_version(f->version());
  *out.mutable_as_of() = dates::FromCivilDay(as_of);
  return out;
}

absl::StatusOr<v1::Appraisal> Appraisals::Load(const std::string& id, int64_t* version) {
  if (id.empty()) return status::InvalidField("appraisal_id", "required");
  auto stored = store_->GetAppraisal(id);
  if (!stored.ok()) return stored.status();
  *version = stored->version;
  stored->appraisal.set_etag(api::EtagOf(stored->version));
  return std::move(stored->appraisal);
}

audit::Event Appraisals::AuditEvent(const Principal& p, const std::string& id,
                                    std::string etag_before, std::string etag_after) const {
  return AuditEvent(p, "appraisal", id, std::move(etag_before), std::move(etag_after));
}

audit::Event Appraisals::AuditEvent(const Principal& p, const char* resource_type,
                                    const std::string& id, std::string etag_before,
                                    std::string etag_after) const {
  audit::Event e = audit::EventFor(identity::Caller{p.id, p.roles, p.request_id, p.method},
                                   options_.clock.Now());
  e.resource_type = resource_type;
  e.resource_id = id;
  e.etag_before = std::move(etag_before);
  e.etag_after = std::move(etag_after);
  return e;
}

absl::StatusOr<v1::GetAppraisalResponse> Appraisals::GetAppraisal(
    const Principal& p, const v1::GetAppraisalRequest& r) {
  if (auto s = RequirePrincipal(p); !s.ok()) return s;
  int64_t version = 0;
  auto a = Load(r.appraisal_id(), &version);
  if (!a.ok()) return a.status();
  if (auto s = VisibilityStatus(VisibilityOf(p, *a)); !s.ok()) return s;
  // A personnel record is not shown unless its reading is on the record (etag_before: the
  // version read).
  if (auto s = store_->RecordReads({AuditEvent(p, a->id(), a->etag(), "")}); !s.ok()) return s;
  v1::GetAppraisalResponse out;
  *out.mutable_appraisal() = *std::move(a);
  return out;
}

absl::StatusOr<v1::ListAppraisalsResponse> Appraisals::ListAppraisals(
    const Principal& p, const v1::ListAppraisalsRequest& r) {
  if (auto s = RequirePrincipal(p); !s.ok()) return s;
  if (!v1::AppraisalState_IsValid(r.state())) {
    return status::InvalidField("state", "not a known appraisal state");
  }
  auto size = api::PageSize(r.page_size(), 50, 200);
  if (!size.ok()) return size.status();
  const std::string query_key =
      absl::StrCat("appraisals|", r.employee_id(), "|", r.supervisor_id(), "|", r.state());
  auto after = api::DecodePageToken(r.page_token(), query_key);
  if (!after.ok()) return after.status();
  std::vector<AppraisalQuery> queries;
  AppraisalQuery base;
  base.employee_id = r.employee_id();
  base.supervisor_id = r.supervisor_id();
  base.state = r.state();
  base.after_id = *after;
  if (p.Has(Role::kHrAdmin)) {
    queries.push_back(base);
  } else {
    if (p.Has(Role::kSupervisor) && (r.supervisor_id().empty() || r.supervisor_id() == p.id)) {
      AppraisalQuery q = base;
      q.supervisor_id = p.id;
      queries.push_back(q);
    }
    if (p.Has(Role::kEmployee) && (r.employee_id().empty() || r.employee_id() == p.id)) {
      AppraisalQuery q = base;
      q.employee_id = p.id;
      queries.push_back(q);
    }
    if (queries.empty()) return Denied();
  }
  std::map<std::string, StoredAppraisal> rows;  // by id
  for (auto& q : queries) {
    q.limit = *size + 1;
    auto got = store_->ListAppraisals(q);
    if (!got.ok()) return got.status();
    for (auto& s : *got) {
      if (CanRead(p, s.appraisal)) rows.emplace(s.appraisal.id(), std::move(s));
    }
  }
  v1::ListAppraisalsResponse out;
  api::PageBudget page(*size);
  for (auto& [id, s] : rows) {
    s.appraisal.set_etag(api::EtagOf(s.version));
    if (!page.Fits(s.appraisal.ByteSizeLong(), id)) break;
    *out.add_appraisals() = std::move(s.appraisal);
  }
  out.set_next_page_token(page.NextPageToken(query_key));
  std::vector<audit::Event> reads;
  reads.reserve(out.appraisals_size());
  for (const auto& a : out.appraisals()) reads.push_back(AuditEvent(p, a.id(), a.etag(), ""));
  if (auto s = store_->RecordReads(reads); !s.ok()) return s;
  return out;
}

absl::StatusOr<classplan::common::v1::ListAuditEventsResponse> Appraisals::ListAuditEvents(
    const Principal& p, const classplan::common::v1::ListAuditEventsRequest& r) {
  if (auto s = RequirePrincipal(p); !s.ok()) return s;
  return audit::ListEvents(*store_, r, identity::Caller{p.id, p.roles, p.request_id, p.method});
}

}  // namespace classplan::appraisal
