// Appraisals: the workflow (create, update, state transitions).
#include <algorithm>
#include <map>
#include <set>
#include <utility>

#include "absl/strings/str_cat.h"
#include "common/api/etag.h"
#include "common/dates/dates.h"
#include "common/status/field_violations.h"
#include "services/appraisal/domain/access.h"
#include "services/appraisal/domain/appraisals.h"
#include "services/appraisal/domain/checks.h"
#include "services/appraisal/domain/model.h"

namespace classplan::appraisal {

absl::Status Appraisals::ValidateContent(const v1::Framework& framework, const v1::Appraisal& a) {
  status::Violations v;
  // Fields, ranges and counts first: past a count limit the items are not examined one by one.
  if (!CheckAppraisalFields(a, &v)) return v.ToStatus();
  const FrameworkIndex index(framework);
  const bool indicator_kind = framework.kind() == v1::FRAMEWORK_KIND_INDICATOR_LEVELS;
  std::set<std::string> seen_competencies;
  std::map<std::string, std::string> elsewhere;  // indicator id -> other framework id
  bool loaded_others = false;
  for (int i = 0; i < a.assessments_size(); ++i) {
    const auto& as = a.assessments(i);
    const std::string p = absl::StrCat("appraisal.assessments[", i, "]");
    const v1::Competency* c = index.FindCompetency(as.competency_id());
    if (c == nullptr) {
      v.Add(p + ".competency_id", "unknown competency in the framework");
    } else if (!seen_competencies.insert(as.competency_id()).second) {
      v.Add(p + ".competency_id", "competency assessed twice");
    }
    std::set<std::string> seen;
    for (int j = 0; j < as.observed_indicator_ids_size(); ++j) {
      const std::string& id = as.observed_indicator_ids(j);
      const std::string f = absl::StrCat(p, ".observed_indicator_ids[", j, "]");
      if (!indicator_kind) {
        v.Add(f, "the framework is scale-rated: it has no indicators");
        continue;
      }
      const IndicatorRef* ref = index.FindIndicator(id);
      if (ref == nullptr) {
        if (!loaded_others) {
          loaded_others = true;
          auto all = store_->ListFrameworks();
          if (!all.ok()) return all.status();
          for (const auto& other : *all) {
            if (other.id() == framework.id()) continue;
            const FrameworkIndex oi(other);
            for (const auto& as2 : a.assessments()) {
              for (const auto& id2 : as2.observed_indicator_ids()) {
                if (oi.FindIndicator(id2) != nullptr) elsewhere.emplace(id2, other.id());
              }
            }
          }
        }
        v.Add(f,
              elsewhere.count(id) ? "indicator belongs to another framework" : "unknown indicator");
      } else if (c != nullptr && ref->competency_id != c->id()) {
        v.Add(f, "indicator belongs to another competency");
      } else if (!seen.insert(id).second) {
        v.Add(f, "indicator listed twice");
      }
    }
    if (as.rating() != 0) {
      if (!index.ScaleKnown()) {
        v.Add(p + ".rating", "the framework states no rating scale; ratings cannot be recorded");
      } else if (!index.HasScaleValue(as.rating())) {
        v.Add(p + ".rating", "not a value of the framework's rating scale");
      }
    }
  }
  for (int i = 0; i < a.goals_size(); ++i) {
    const auto& g = a.goals(i);
    const std::string p = absl::StrCat("appraisal.goals[", i, "]");
    if (index.FindCompetency(g.competency_id()) == nullptr) {
      v.Add(p + ".competency_id", "unknown competency in the framework");
    }
  }
  return v.ToStatus();
}

absl::StatusOr<v1::CreateAppraisalResponse> Appraisals::CreateAppraisal(
    const Principal& p, const v1::CreateAppraisalRequest& r) {
  if (auto s = RequirePrincipal(p); !s.ok()) return s;
  const v1::Appraisal& in = r.appraisal();
  // A supervisor who names no supervisor appraises their own staff: behind the gateway the
  // caller knows only their key, not the principal id it maps to.
  const std::string supervisor_id =
      in.supervisor_id().empty() && p.Has(Role::kSupervisor) ? p.id : in.supervisor_id();
  status::Violations v;
  // The ids the checks below need; the rest is checked with the framework (ValidateContent),
  // or here already when an id is bad, so that one answer names every problem.
  CheckId(in.employee_id(), "appraisal.employee_id", &v);
  CheckId(in.class_code(), "appraisal.class_code", &v);
  CheckId(supervisor_id, "appraisal.supervisor_id", &v);
  if (!v.empty()) {
    status::Violations all;
    CheckAppraisalFields(in, &all);
    CheckId(supervisor_id, "appraisal.supervisor_id", &all);
    return all.ToStatus();
  }
  if (!(p.Has(Role::kHrAdmin) || (p.Has(Role::kSupervisor) && supervisor_id == p.id))) {
    return Denied();
  }
  // Segregation of duties: nobody appraises themselves, and the supervisor must be assigned
  // to the employee on the day the appraisal is opened (whoever opens it).
  if (supervisor_id == in.employee_id()) {
    return DeniedFor("appraisal.supervisor_id", kSelfAppraisal);
  }
  if (p.id == in.employee_id()) return DeniedFor("appraisal.employee_id", kSelfAppraisal);
  auto assigned = Assigned(in.employee_id(), supervisor_id, options_.clock.Today());
  if (!assigned.ok()) return assigned.status();
  if (!*assigned) return DeniedFor("appraisal.supervisor_id", kNotAssigned);
  auto f = ResolveFramework(r.framework_id(), in.class_code(), "framework_id");
  if (!f.ok()) return f.status();
  if (auto s = ValidateContent(*f, in); !s.ok()) return s;

  auto id = options_.new_id();
  if (!id.ok()) return id.status();
  v1::Appraisal a;
  a.set_id(*std::move(id));
  a.set_employee_id(in.employee_id());
  a.set_class_code(in.class_code());
  a.set_supervisor_id(supervisor_id);
  a.set_unit_id(in.unit_id());
  *a.mutable_date_entered_class() = in.date_entered_class();
  *a.mutable_period_start() = in.period_start();
  *a.mutable_period_end() = in.period_end();
  a.set_framework_id(f->id());
  a.set_framework_version(f->version());
  *a.mutable_assessments() = in.assessments();
  *a.mutable_goals() = in.goals();
  a.set_supervisor_comments(in.supervisor_comments());
  a.set_state(v1::APPRAISAL_STATE_DRAFT);
  const auto now = ToProto(options_.clock.Now());
  auto* t = a.add_history();
  t->set_from_state(v1::APPRAISAL_STATE_UNSPECIFIED);
  t->set_to_state(v1::APPRAISAL_STATE_DRAFT);
  t->set_actor_id(p.id);
  t->set_actor_role(RoleName(p.Has(Role::kSupervisor) && supervisor_id == p.id ? Role::kSupervisor
                                                                               : Role::kHrAdmin));
  *t->mutable_time() = now;
  *a.mutable_create_time() = now;
  *a.mutable_update_time() = now;
  Evaluate(FrameworkIndex(*f), &a);
  if (auto s = CheckAppraisalSize(a, "appraisal"); !s.ok()) return s;
  if (auto s = store_->CreateAppraisal(a, AuditEvent(p, a.id(), "", api::EtagOf(1))); !s.ok()) {
    return s;
  }
  a.set_etag(api::EtagOf(1));
  v1::CreateAppraisalResponse out;
  *out.mutable_appraisal() = std::move(a);
  return out;
}

absl::StatusOr<v1::UpdateAppraisalResponse> Appraisals::UpdateAppraisal(
    const Principal& p, const v1::UpdateAppraisalRequest& r) {
  if (auto s = RequirePrincipal(p); !s.ok()) return s;
  status::Violations v;
  if (r.appraisal().id().empty()) v.Add("appraisal.id", "required");
  if (r.appraisal().etag().empty()) v.Add("appraisal.etag", "required");
  if (r.update_mask().paths().empty()) v.Add("update_mask", "required");
  static const std::set<std::string> kPaths = {"assessments",  "goals",      "supervisor_comments",
                                               "period_start", "period_end", "unit_id"};
  for (int i = 0; i < r.update_mask().paths_size(); ++i) {
    if (!kPaths.count(r.update_mask().paths(i))) {
      v.Add(absl::StrCat("update_mask.paths[", i, "]"), "not an updatable field");
    }
  }
  if (!v.empty()) return v.ToStatus();
  int64_t version = 0;
  auto a = Load(r.appraisal().id(), &version);
  if (!a.ok()) return a.status();
  if (auto s = CheckNotSelf(p, *a, false); !s.ok()) return s;
  if (auto s = VisibilityStatus(VisibilityOf(p, *a)); !s.ok()) return s;
  Role role;
  if (!EditRole(p, *a, &role)) return Denied();
  if (!api::EtagMatches(r.appraisal().etag(), version)) {
    return absl::AbortedError("the appraisal changed since it was read (stale etag)");
  }
  if (a->state() != v1::APPRAISAL_STATE_DRAFT && a->state() != v1::APPRAISAL_STATE_RETURNED) {
    return FailedField("state", absl::StrCat("an appraisal in state ", StateName(a->state()),
                                             " cannot be changed (only DRAFT or RETURNED)"));
  }
  for (const auto& path : r.update_mask().paths()) {
    const auto& in = r.appraisal();
    if (path == "assessments") *a->mutable_assessments() = in.assessments();
    if (path == "goals") *a->mutable_goals() = in.goals();
    if (path == "supervisor_comments") a->set_supervisor_comments(in.supervisor_comments());
    if (path == "period_start") *a->mutable_period_start() = in.period_start();
    if (path == "period_end") *a->mutable_period_end() = in.period_end();
    if (path == "unit_id") a->set_unit_id(in.unit_id());
  }
  auto f = store_->GetFramework(a->framework_id(), a->framework_version());
  if (!f.ok()) return f.status();
  if (auto s = ValidateContent(*f, *a); !s.ok()) return s;
  Evaluate(FrameworkIndex(*f), &*a);
  *a->mutable_update_time() = ToProto(options_.clock.Now());
  if (auto s = CheckAppraisalSize(*a, "appraisal"); !s.ok()) return s;
  a->clear_etag();
  if (auto s = store_->UpdateAppraisal(
          *a, version, AuditEvent(p, a->id(), api::EtagOf(version), api::EtagOf(version + 1)));
      !s.ok()) {
    return s;
  }
  a->set_etag(api::EtagOf(version + 1));
  v1::UpdateAppraisalResponse out;
  *out.mutable_appraisal() = *std::move(a);
  return out;
}

absl::StatusOr<v1::Appraisal> Appraisals::Transition(const Principal& p, const std::string& id,
                                                     const std::string& etag, Action action,
                                                     const std::string& comment) {
  if (auto s = RequirePrincipal(p); !s.ok()) return s;
  const char* comment_field = "comments";
  if (action == Action::kReturn || action == Action::kVoid) comment_field = "reason";
  if (action == Action::kFinalize) comment_field = "note";
  status::Violations v;
  if (id.empty()) v.Add("appraisal_id", "required");
  if (etag.empty()) v.Add("etag", "required");
  const bool comment_required =
      action == Action::kReturn || action == Action::kDecline || action == Action::kVoid;
  if (comment_required && comment.empty()) v.Add(comment_field, "required");
  CheckText(comment, comment_field, &v);
  if (!v.empty()) return v.ToStatus();
  int64_t version = 0;
  auto a = Load(id, &version);
  if (!a.ok()) return a.status();
  // An employee may return their own submitted appraisal; that is not appraising oneself.
  const bool as_employee = action == Action::kAcknowledge || action == Action::kDecline ||
                           (action == Action::kReturn && IsEmployeeOf(p, *a));
  if (auto s = CheckNotSelf(p, *a, as_employee, action == Action::kVoid); !s.ok()) return s;
  if (auto s = VisibilityStatus(VisibilityOf(p, *a)); !s.ok()) return s;
  const v1::AppraisalState from = a->state();
  // Who may act, and from which states.
  Role role = Role::kSupervisor;
  bool allowed_actor = false;
  std::vector<v1::AppraisalState> from_states;
  v1::AppraisalState to = v1::APPRAISAL_STATE_UNSPECIFIED;
  switch (action) {
    case Action::kSubmit:
      allowed_actor = EditRole(p, *a, &role);
      from_states = {v1::APPRAISAL_STATE_DRAFT, v1::APPRAISAL_STATE_RETURNED};
      to = v1::APPRAISAL_STATE_SUBMITTED;
      break;
    case Action::kAcknowledge:
    case Action::kDecline:
      allowed_actor = IsEmployeeOf(p, *a);
      role = Role::kEmployee;
      from_states = {v1::APPRAISAL_STATE_SUBMITTED};
      to = action == Action::kAcknowledge ? v1::APPRAISAL_STATE_ACKNOWLEDGED
                                          : v1::APPRAISAL_STATE_DECLINED;
      break;
    case Action::kReturn:
      if (IsEmployeeOf(p, *a)) {
        allowed_actor = true;
        role = Role::kEmployee;
        from_states = {v1::APPRAISAL_STATE_SUBMITTED};
      } else if (EditRole(p, *a, &role)) {
        allowed_actor = true;
        from_states = {v1::APPRAISAL_STATE_SUBMITTED, v1::APPRAISAL_STATE_ACKNOWLEDGED,
                       v1::APPRAISAL_STATE_DECLINED};
      }
      to = v1::APPRAISAL_STATE_RETURNED;
      break;
    case Action::kFinalize:
      allowed_actor = EditRole(p, *a, &role);
      from_states = {v1::APPRAISAL_STATE_ACKNOWLEDGED};
      // A declined appraisal is finalized by HR only, with a note saying so.
      if (from == v1::APPRAISAL_STATE_DECLINED && p.Has(Role::kHrAdmin)) {
        role = Role::kHrAdmin;
        from_states.push_back(v1::APPRAISAL_STATE_DECLINED);
      }
      to = v1::APPRAISAL_STATE_FINALIZED;
      break;
    case Action::kVoid:
      allowed_actor = p.Has(Role::kHrAdmin);
      role = Role::kHrAdmin;
      from_states = {v1::APPRAISAL_STATE_DRAFT,        v1::APPRAISAL_STATE_SUBMITTED,
                     v1::APPRAISAL_STATE_ACKNOWLEDGED, v1::APPRAISAL_STATE_DECLINED,
                     v1::APPRAISAL_STATE_RETURNED,     v1::APPRAISAL_STATE_FINALIZED};
      to = v1::APPRAISAL_STATE_VOIDED;
      break;
  }
  if (!allowed_actor) return Denied();
  if (!api::EtagMatches(etag, version)) {
    return absl::AbortedError("the appraisal changed since it was read (stale etag)");
  }
  if (std::find(from_states.begin(), from_states.end(), from) == from_states.end()) {
    return FailedField("state", absl::StrCat("cannot go from ", StateName(from), " to ",
                                             StateName(to), " as ", RoleName(role)));
  }
  if (action == Action::kFinalize && from == v1::APPRAISAL_STATE_DECLINED && comment.empty()) {
    return status::InvalidField("note", "required to finalize a declined appraisal");
  }
  const auto now = ToProto(options_.clock.Now());
  a->set_state(to);
  if (action == Action::kAcknowledge || action == Action::kDecline) {
    a->set_employee_comments(comment);
    a->set_employee_declined(action == Action::kDecline);
  }
  if (action == Action::kReturn) a->set_employee_declined(false);
  auto* t = a->add_history();
  t->set_from_state(from);
  t->set_to_state(to);
  t->set_actor_id(p.id);
  t->set_actor_role(RoleName(role));
  *t->mutable_time() = now;
  t->set_comment(comment);
  *a->mutable_update_time() = now;
  a->clear_etag();
  if (auto s = CheckAppraisalSize(*a, comment_field); !s.ok()) return s;
  const audit::Event event = AuditEvent(p, a->id(), api::EtagOf(version), api::EtagOf(version + 1));
  const absl::Status stored = action == Action::kVoid ? store_->VoidAppraisal(*a, version, event)
                                                      : store_->UpdateAppraisal(*a, version, event);
  if (!stored.ok()) return stored;
  a->set_etag(api::EtagOf(version + 1));
  return a;
}

absl::StatusOr<v1::SubmitAppraisalResponse> Appraisals::SubmitAppraisal(
    const Principal& p, const v1::SubmitAppraisalRequest& r) {
  auto a = Transition(p, r.appraisal_id(), r.etag(), Action::kSubmit, "");
  if (!a.ok()) return a.status();
  v1::SubmitAppraisalResponse out;
  *out.mutable_appraisal() = *std::move(a);
  return out;
}

absl::StatusOr<v1::AcknowledgeAppraisalResponse> Appraisals::AcknowledgeAppraisal(
    const Principal& p, const v1::AcknowledgeAppraisalRequest& r) {
  auto a = Transition(p, r.appraisal_id(), r.etag(), Action::kAcknowledge, r.comments());
  if (!a.ok()) return a.status();
  v1::AcknowledgeAppraisalResponse out;
  *out.mutable_appraisal() = *std::move(a);
  return out;
}

absl::StatusOr<v1::ReturnAppraisalResponse> Appraisals::ReturnAppraisal(
    const Principal& p, const v1::ReturnAppraisalRequest& r) {
  auto a = Transition(p, r.appraisal_id(), r.etag(), Action::kReturn, r.reason());
  if (!a.ok()) return a.status();
  v1::ReturnAppraisalResponse out;
  *out.mutable_appraisal() = *std::move(a);
  return out;
}

absl::StatusOr<v1::FinalizeAppraisalResponse> Appraisals::FinalizeAppraisal(
    const Principal& p, const v1::FinalizeAppraisalRequest& r) {
  auto a = Transition(p, r.appraisal_id(), r.etag(), Action::kFinalize, r.note());
  if (!a.ok()) return a.status();
  v1::FinalizeAppraisalResponse out;
  *out.mutable_appraisal() = *std::move(a);
  return out;
}

absl::StatusOr<v1::DeclineAppraisalResponse> Appraisals::DeclineAppraisal(
    const Principal& p, const v1::DeclineAppraisalRequest& r) {
  auto a = Transition(p, r.appraisal_id(), r.etag(), Action::kDecline, r.comments());
  if (!a.ok()) return a.status();
  v1::DeclineAppraisalResponse out;
  *out.mutable_appraisal() = *std::move(a);
  return out;
}

absl::StatusOr<v1::VoidAppraisalResponse> Appraisals::VoidAppraisal(
    const Principal& p, const v1::VoidAppraisalRequest& r) {
  auto a = Transition(p, r.appraisal_id(), r.etag(), Action::kVoid, r.reason());
  if (!a.ok()) return a.status();
  v1::VoidAppraisalResponse out;
  *out.mutable_appraisal() = *std::move(a);
  return out;
}

absl::StatusOr<v1::AddAppraisalAddendumResponse> Appraisals::AddAppraisalAddendum(
    const Principal& p, const v1::AddAppraisalAddendumRequest& r) {
  if (auto s = RequirePrincipal(p); !s.ok()) return s;
  status::Violations v;
  if (r.appraisal_id().empty()) v.Add("appraisal_id", "required");
  if (r.reason().empty()) v.Add("reason", "required");
  if (r.text().empty()) v.Add("text", "required");
  CheckText(r.reason(), "reason", &v);
  CheckText(r.text(), "text", &v);
  if (!v.empty()) return v.ToStatus();
  int64_t version = 0;
  auto a = Load(r.appraisal_id(), &version);
  if (!a.ok()) return a.status();
  if (auto s = CheckNotSelf(p, *a, false); !s.ok()) return s;
  if (auto s = VisibilityStatus(VisibilityOf(p, *a)); !s.ok()) return s;
  Role role;
  if (!EditRole(p, *a, &role)) return Denied();
  if (a->state() != v1::APPRAISAL_STATE_FINALIZED) {
    return FailedField("state", absl::StrCat("an addendum is added to a FINALIZED appraisal, not ",
                                             StateName(a->state())));
  }
  v1::Addendum add;
  add.set_author_id(p.id);
  add.set_author_role(RoleName(role));
  *add.mutable_time() = ToProto(options_.clock.Now());
  add.set_reason(r.reason());
  add.set_text(r.text());
  if (a->addenda_size() >= kMaxAddenda) {
    return FailedField("appraisal_id",
                       absl::StrCat("an appraisal holds at most ", kMaxAddenda, " addenda"));
  }
  *a->add_addenda() = add;
  if (auto s = CheckAppraisalSize(*a, "text"); !s.ok()) return s;
  // The store sets the event's etags to the versions its transaction read and wrote.
  if (auto s = store_->AddAddendum(
          a->id(), add, AuditEvent(p, a->id(), api::EtagOf(version), api::EtagOf(version + 1)));
      !s.ok()) {
    return s;
  }
  auto stored = Load(a->id(), &version);
  if (!stored.ok()) return stored.status();
  v1::AddAppraisalAddendumResponse out;
  *out.mutable_appraisal() = *std::move(stored);
  return out;
}

}  // namespace classplan::appraisal
