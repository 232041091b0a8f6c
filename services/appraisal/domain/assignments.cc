// Appraisals: reporting relationships (who supervises whom, from when to when), maintained by
// HR administrators; CreateAppraisal asks Assigned.
#include <utility>

#include "absl/strings/str_cat.h"
#include "common/api/etag.h"
#include "common/api/page_token.h"
#include "common/dates/dates.h"
#include "common/status/field_violations.h"
#include "services/appraisal/domain/access.h"
#include "services/appraisal/domain/appraisals.h"
#include "services/appraisal/domain/checks.h"

namespace classplan::appraisal {
namespace {

// An HR administrator never maintains a relationship naming themselves: that would let them
// pick who appraises them, or make themselves someone's supervisor.
absl::Status CheckNotOwn(const Principal& p, const v1::SupervisorAssignment& a) {
  if (a.employee_id() == p.id) return DeniedFor("assignment.employee_id", kSelfAssignment);
  if (a.supervisor_id() == p.id) return DeniedFor("assignment.supervisor_id", kSelfAssignment);
  return absl::OkStatus();
}

}  // namespace

absl::StatusOr<bool> Appraisals::Assigned(const std::string& employee_id,
                                          const std::string& supervisor_id, absl::CivilDay day) {
  AssignmentQuery q;
  q.employee_id = employee_id;
  q.supervisor_id = supervisor_id;
  q.day = dates::Format(dates::FromCivilDay(day));
  q.limit = 1;
  auto got = store_->ListAssignments(q);
  if (!got.ok()) return got.status();
  return !got->empty();
}

absl::StatusOr<v1::AssignSupervisorResponse> Appraisals::AssignSupervisor(
    const Principal& p, const v1::AssignSupervisorRequest& r) {
  if (auto s = RequirePrincipal(p); !s.ok()) return s;
  const v1::SupervisorAssignment& in = r.assignment();
  status::Violations v;
  CheckId(in.employee_id(), "assignment.employee_id", &v);
  CheckId(in.supervisor_id(), "assignment.supervisor_id", &v);
  const bool from_ok = in.has_from_date() && dates::IsFull(in.from_date());
  if (!from_ok) v.Add("assignment.from_date", "required: a full calendar date");
  if (in.has_to_date() && !dates::IsFull(in.to_date())) {
    v.Add("assignment.to_date", "must be a full calendar date");
  } else if (in.has_to_date() && from_ok &&
             dates::ToCivilDay(in.to_date()) < dates::ToCivilDay(in.from_date())) {
    v.Add("assignment.to_date", "must not be before from_date");
  }
  if (!in.employee_id().empty() && in.employee_id() == in.supervisor_id()) {
    v.Add("assignment.supervisor_id", "must not be the employee");
  }
  if (!v.empty()) return v.ToStatus();
  if (!p.Has(Role::kHrAdmin)) return Denied();
  if (auto s = CheckNotOwn(p, in); !s.ok()) return s;
  auto id = options_.new_id();
  if (!id.ok()) return id.status();
  v1::SupervisorAssignment a;
  a.set_id(*std::move(id));
  a.set_employee_id(in.employee_id());
  a.set_supervisor_id(in.supervisor_id());
  *a.mutable_from_date() = in.from_date();
  if (in.has_to_date()) *a.mutable_to_date() = in.to_date();
  a.set_assigned_by(p.id);
  const auto now = ToProto(options_.clock.Now());
  *a.mutable_create_time() = now;
  *a.mutable_update_time() = now;
  if (auto s = store_->CreateAssignment(
          a, AuditEvent(p, "supervisor_assignment", a.id(), "", api::EtagOf(1)));
      !s.ok()) {
    return s;
  }
  a.set_etag(api::EtagOf(1));
  v1::AssignSupervisorResponse out;
  *out.mutable_assignment() = std::move(a);
  return out;
}

absl::StatusOr<v1::EndSupervisorAssignmentResponse> Appraisals::EndSupervisorAssignment(
    const Principal& p, const v1::EndSupervisorAssignmentRequest& r) {
  if (auto s = RequirePrincipal(p); !s.ok()) return s;
  status::Violations v;
  if (r.assignment_id().empty()) v.Add("assignment_id", "required");
  if (!r.has_to_date() || !dates::IsFull(r.to_date())) {
    v.Add("to_date", "required: a full calendar date");
  }
  if (!v.empty()) return v.ToStatus();
  if (!p.Has(Role::kHrAdmin)) return Denied();
  auto stored = store_->GetAssignment(r.assignment_id());
  if (!stored.ok()) return stored.status();
  v1::SupervisorAssignment a = std::move(stored->assignment);
  if (auto s = CheckNotOwn(p, a); !s.ok()) return s;
  if (!r.etag().empty() && !api::EtagMatches(r.etag(), stored->version)) {
    return absl::AbortedError("the assignment changed since it was read (stale etag)");
  }
  if (a.has_to_date()) return FailedField("to_date", "the assignment has already ended");
  if (dates::ToCivilDay(r.to_date()) < dates::ToCivilDay(a.from_date())) {
    return status::InvalidField("to_date", "must not be before the assignment's from_date");
  }
  *a.mutable_to_date() = r.to_date();
  a.set_ended_by(p.id);
  *a.mutable_update_time() = ToProto(options_.clock.Now());
  if (auto s = store_->UpdateAssignment(
          a, stored->version,
          AuditEvent(p, "supervisor_assignment", a.id(), api::EtagOf(stored->version),
                     api::EtagOf(stored->version + 1)));
      !s.ok()) {
    return s;
  }
  a.set_etag(api::EtagOf(stored->version + 1));
  v1::EndSupervisorAssignmentResponse out;
  *out.mutable_assignment() = std::move(a);
  return out;
}

absl::StatusOr<v1::ListSupervisorAssignmentsResponse> Appraisals::ListSupervisorAssignments(
    const Principal& p, const v1::ListSupervisorAssignmentsRequest& r) {
  if (auto s = RequirePrincipal(p); !s.ok()) return s;
  if (r.has_as_of() && !dates::IsFull(r.as_of())) {
    return status::InvalidField("as_of", "must be a full calendar date");
  }
  auto size = api::PageSize(r.page_size(), 50, 200);
  if (!size.ok()) return size.status();
  const std::string day = r.has_as_of() ? dates::Format(r.as_of()) : "";
  const std::string query_key =
      absl::StrCat("assignments|", r.employee_id(), "|", r.supervisor_id(), "|", day);
  auto after = api::DecodePageToken(r.page_token(), query_key);
  if (!after.ok()) return after.status();
  AssignmentQuery q;
  q.employee_id = r.employee_id();
  q.supervisor_id = r.supervisor_id();
  q.day = day;
  q.after_id = *after;
  q.limit = *size + 1;
  // HR sees every relationship; a supervisor their staff's, an employee their own.
  if (!p.Has(Role::kHrAdmin)) {
    if (p.Has(Role::kSupervisor) && (r.supervisor_id().empty() || r.supervisor_id() == p.id) &&
        (r.employee_id().empty() || r.employee_id() != p.id)) {
      q.supervisor_id = p.id;
    } else if (p.Has(Role::kEmployee) && (r.employee_id().empty() || r.employee_id() == p.id)) {
      q.employee_id = p.id;
    } else {
      return Denied();
    }
  }
  auto got = store_->ListAssignments(q);
  if (!got.ok()) return got.status();
  v1::ListSupervisorAssignmentsResponse out;
  api::PageBudget page(*size);
  for (auto& s : *got) {
    s.assignment.set_etag(api::EtagOf(s.version));
    if (!page.Fits(s.assignment.ByteSizeLong(), s.assignment.id())) break;
    *out.add_assignments() = std::move(s.assignment);
  }
  out.set_next_page_token(page.NextPageToken(query_key));
  return out;
}

}  // namespace classplan::appraisal
