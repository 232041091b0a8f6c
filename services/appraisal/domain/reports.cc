// Appraisals: the team reports (appraisals due, team summary).
#include <map>
#include <optional>
#include <set>

#include "absl/strings/str_cat.h"
#include "common/api/page_token.h"
#include "common/dates/dates.h"
#include "common/status/field_violations.h"
#include "services/appraisal/domain/access.h"
#include "services/appraisal/domain/appraisals.h"
#include "services/appraisal/domain/checks.h"
#include "services/appraisal/domain/model.h"

namespace classplan::appraisal {

absl::StatusOr<v1::ListDueAppraisalsResponse> Appraisals::ListDueAppraisals(
    const Principal& p, const v1::ListDueAppraisalsRequest& r) {
  std::string supervisor_id = r.supervisor_id();
  if (auto s = AuthorizeTeam(p, &supervisor_id, r.unit_id()); !s.ok()) return s;
  status::Violations v;
  if (r.has_as_of()) CheckFullDate(true, r.as_of(), "as_of", &v);
  if (status::CheckCount(r.employee_ids_size(), kMaxEmployeeIds, "employee_ids", v)) {
    for (int i = 0; i < r.employee_ids_size(); ++i) {
      CheckId(r.employee_ids(i), absl::StrCat("employee_ids[", i, "]"), &v);
    }
  }
  auto size = api::PageSize(r.page_size(), 50, 200);
  if (!size.ok()) return size.status();
  if (!v.empty()) return v.ToStatus();
  const absl::CivilDay as_of =
      r.has_as_of() ? dates::ToCivilDay(r.as_of()) : options_.clock.Today();
  const absl::CivilDay year_before = AddMonthsClamped(as_of, -12);
  // The token is bound to the whole request but the employee ids (those only add staff).
  const std::string query_key = absl::StrCat("due|", supervisor_id, "|", r.unit_id(), "|",
                                             dates::Format(dates::FromCivilDay(as_of)));
  auto after = api::DecodePageToken(r.page_token(), query_key);
  if (!after.ok()) return after.status();
  AppraisalQuery team;
  team.supervisor_id = supervisor_id;
  team.unit_id = r.unit_id();
  auto members = store_->ListAppraisals(team);
  if (!members.ok()) return members.status();
  std::set<std::string> employees(r.employee_ids().begin(), r.employee_ids().end());
  for (const auto& s : *members) {
    if (s.appraisal.state() != v1::APPRAISAL_STATE_VOIDED)
      employees.insert(s.appraisal.employee_id());
  }
  if (!supervisor_id.empty()) {  // the supervisor's staff on the day, from the relationships
    AssignmentQuery staff;
    staff.supervisor_id = supervisor_id;
    staff.day = dates::Format(dates::FromCivilDay(as_of));
    auto assigned = store_->ListAssignments(staff);
    if (!assigned.ok()) return assigned.status();
    for (const auto& s : *assigned) employees.insert(s.assignment.employee_id());
  }
  const absl::TimeZone tz = options_.clock.time_zone();
  v1::ListDueAppraisalsResponse out;
  *out.mutable_as_of() = dates::FromCivilDay(as_of);
  api::PageBudget page(*size);
  for (const auto& e : employees) {  // ordered by id
    if (!after->empty() && e <= *after) continue;
    AppraisalQuery q;
    q.employee_id = e;
    // A supervisor may list any employee id (there is no roster), so only appraisals they
    // may read count: naming someone else's employee reveals nothing of their record.
    if (!p.Has(Role::kHrAdmin)) q.supervisor_id = p.id;
    auto all = store_->ListAppraisals(q);
    if (!all.ok()) return all.status();
    bool recent = false;
    std::optional<absl::CivilDay> last;
    std::string open_id;
    for (const auto& s : *all) {
      const auto& a = s.appraisal;
      if (a.state() == v1::APPRAISAL_STATE_VOIDED) continue;  // a mistake: counts for nothing
      if (a.state() != v1::APPRAISAL_STATE_FINALIZED) {
        if (open_id.empty()) open_id = a.id();
        continue;
      }
      for (const auto& t : a.history()) {
        if (t.to_state() != v1::APPRAISAL_STATE_FINALIZED) continue;
        const absl::CivilDay day = absl::ToCivilDay(FromProto(t.time()), tz);
        if (day > as_of) continue;  // finalized after the day asked about
        if (!last || day > *last) last = day;
        if (day > year_before) recent = true;
      }
    }
    if (recent) continue;
    v1::DueEmployee d;
    d.set_employee_id(e);
    if (last) *d.mutable_last_finalized_on() = dates::FromCivilDay(*last);
    d.set_open_appraisal_id(open_id);
    if (!page.Fits(d.ByteSizeLong(), e)) break;
    *out.add_employees() = std::move(d);
  }
  out.set_next_page_token(page.NextPageToken(query_key));
  return out;
}

absl::StatusOr<v1::GetTeamSummaryResponse> Appraisals::GetTeamSummary(
    const Principal& p, const v1::GetTeamSummaryRequest& r) {
  std::string supervisor_id = r.supervisor_id();
  if (auto s = AuthorizeTeam(p, &supervisor_id, r.unit_id()); !s.ok()) return s;
  if (r.framework_id().empty()) return status::InvalidField("framework_id", "required");
  auto f = store_->GetFramework(r.framework_id(), 0);
  if (absl::IsNotFound(f.status()))
    return status::InvalidField("framework_id", "unknown framework");
  if (!f.ok()) return f.status();
  AppraisalQuery q;
  q.supervisor_id = supervisor_id;
  q.unit_id = r.unit_id();
  auto rows = store_->ListAppraisals(q);
  if (!rows.ok()) return rows.status();
  std::map<std::string, const v1::Appraisal*> latest;  // by employee
  for (const auto& s : *rows) {
    const auto& a = s.appraisal;
    if (a.framework_id() != r.framework_id()) continue;
    if (a.state() == v1::APPRAISAL_STATE_VOIDED) continue;
    auto& slot = latest[a.employee_id()];
    if (slot == nullptr ||
        dates::ToCivilDay(a.period_end()) > dates::ToCivilDay(slot->period_end()) ||
        (a.period_end().SerializeAsString() == slot->period_end().SerializeAsString() &&
         a.id() > slot->id())) {
      slot = &a;
    }
  }
  v1::GetTeamSummaryResponse out;
  out.set_employees(static_cast<int32_t>(latest.size()));
  for (const auto& cl : f->clusters()) {
    for (const auto& c : cl.competencies()) {
      auto* sum = out.add_competencies();
      sum->set_competency_id(c.id());
      for (const auto& [employee, a] : latest) {
        v1::Comparison cmp = v1::COMPARISON_UNSPECIFIED;
        for (const auto& as : a->assessments()) {
          if (as.competency_id() == c.id()) cmp = as.comparison();
        }
        switch (cmp) {
          case v1::COMPARISON_BELOW:
            sum->set_below(sum->below() + 1);
            break;
          case v1::COMPARISON_AT:
            sum->set_at(sum->at() + 1);
            break;
          case v1::COMPARISON_ABOVE:
            sum->set_above(sum->above() + 1);
            break;
          default:
            sum->set_unknown(sum->unknown() + 1);
            break;
        }
      }
    }
  }
  return out;
}

}  // namespace classplan::appraisal
