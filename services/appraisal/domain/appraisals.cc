#include "services/appraisal/domain/appraisals.h"

#include <algorithm>
#include <map>
#include <random>
#include <set>
#include <utility>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "absl/strings/strip.h"
#include "common/api/page_token.h"
#include "common/dates/dates.h"
#include "common/status/field_violations.h"
#include "services/appraisal/domain/model.h"

namespace classplan::appraisal {
namespace {

constexpr int kMaxIdLength = 128;
constexpr int kMaxTextLength = 8000;

// FAILED_PRECONDITION carrying a field violation (so the adapter's BadRequest names it).
absl::Status FailedField(const std::string& field, const std::string& description) {
  absl::Status inv = status::InvalidArgument("not allowed now", {{field, description}});
  absl::Status s(absl::StatusCode::kFailedPrecondition, inv.message());
  inv.ForEachPayload(
      [&](absl::string_view url, const absl::Cord& payload) { s.SetPayload(url, payload); });
  return s;
}

bool ValidId(const std::string& s) {
  if (s.empty() || s.size() > kMaxIdLength) return false;
  for (unsigned char c : s) {
    if (c < 0x21 || c == 0x7f) return false;
  }
  return true;
}

void CheckId(const std::string& value, const std::string& field, status::Violations* v) {
  if (!ValidId(value)) v->Add(field, "required: 1-128 printable characters without spaces");
}

void CheckText(const std::string& value, const std::string& field, status::Violations* v) {
  if (value.size() > static_cast<size_t>(kMaxTextLength)) {
    v->Add(field, absl::StrCat("at most ", kMaxTextLength, " bytes"));
  }
}

void CheckFullDate(const v1::Appraisal& a, bool has, const dates::Date& d, const std::string& field,
                   status::Violations* v) {
  (void)a;
  if (!has || !dates::IsFull(d)) v->Add(field, "required: a full calendar date");
}

google::protobuf::Timestamp ToProto(absl::Time t) {
  google::protobuf::Timestamp ts;
  const int64_t secs = absl::ToUnixSeconds(t);
  ts.set_seconds(secs);
  ts.set_nanos(static_cast<int32_t>((t - absl::FromUnixSeconds(secs)) / absl::Nanoseconds(1)));
  return ts;
}

absl::Time FromProto(const google::protobuf::Timestamp& ts) {
  return absl::FromUnixSeconds(ts.seconds()) + absl::Nanoseconds(ts.nanos());
}

std::string RandomId() {
  static thread_local std::mt19937_64 gen{std::random_device{}()};
  return absl::StrCat(absl::Hex(gen(), absl::kZeroPad16), absl::Hex(gen(), absl::kZeroPad16));
}

const char* StateName(v1::AppraisalState s) {
  switch (s) {
    case v1::APPRAISAL_STATE_DRAFT:
      return "DRAFT";
    case v1::APPRAISAL_STATE_SUBMITTED:
      return "SUBMITTED";
    case v1::APPRAISAL_STATE_ACKNOWLEDGED:
      return "ACKNOWLEDGED";
    case v1::APPRAISAL_STATE_FINALIZED:
      return "FINALIZED";
    case v1::APPRAISAL_STATE_RETURNED:
      return "RETURNED";
    default:
      return "UNSPECIFIED";
  }
}

bool IsSupervisorOf(const Principal& p, const v1::Appraisal& a) {
  return p.Has(Role::kSupervisor) && a.supervisor_id() == p.id;
}
bool IsEmployeeOf(const Principal& p, const v1::Appraisal& a) {
  return p.Has(Role::kEmployee) && a.employee_id() == p.id;
}
bool CanRead(const Principal& p, const v1::Appraisal& a) {
  return p.Has(Role::kHrAdmin) || IsSupervisorOf(p, a) || IsEmployeeOf(p, a);
}
// The role under which `p` may edit `a` (supervisor of the employee, or HR), if any.
bool EditRole(const Principal& p, const v1::Appraisal& a, Role* role) {
  if (IsSupervisorOf(p, a)) {
    *role = Role::kSupervisor;
    return true;
  }
  if (p.Has(Role::kHrAdmin)) {
    *role = Role::kHrAdmin;
    return true;
  }
  return false;
}

absl::Status Denied() {
  return absl::PermissionDeniedError("not allowed for this principal's roles");
}

absl::Status RequirePrincipal(const Principal& p) {
  if (p.id.empty()) return absl::UnauthenticatedError("no principal");
  return absl::OkStatus();
}

}  // namespace

bool Principal::Has(Role r) const {
  return std::find(roles.begin(), roles.end(), r) != roles.end();
}

absl::StatusOr<Principal> ParsePrincipal(absl::string_view id, absl::string_view roles) {
  Principal p;
  p.id = std::string(absl::StripAsciiWhitespace(id));
  if (p.id.empty()) return absl::UnauthenticatedError("no principal");
  p.roles = identity::ParseRoles(roles);
  return p;
}

std::string EtagOf(int64_t version) { return absl::StrCat("v", version); }

Appraisals::Appraisals(AppraisalStore* store, Options options)
    : store_(store), options_(std::move(options)) {
  if (!options_.new_id) options_.new_id = RandomId;
  if (!options_.now) options_.now = [] { return absl::Now(); };
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
  auto all = store_->ListFrameworks();
  if (!all.ok()) return all.status();
  v1::ListFrameworksResponse out;
  for (auto& f : *all) {
    if (!r.class_code().empty() && std::find(f.class_codes().begin(), f.class_codes().end(),
                                             r.class_code()) == f.class_codes().end()) {
      continue;
    }
    *out.add_frameworks() = std::move(f);
  }
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
      r.has_as_of() ? dates::ToCivilDay(r.as_of()) : dates::Today(options_.time_zone);
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

absl::Status Appraisals::ValidateContent(const v1::Framework& framework, const v1::Appraisal& a) {
  status::Violations v;
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
    for (int j = 0; j < as.evidence_size(); ++j) {
      CheckText(as.evidence(j), absl::StrCat(p, ".evidence[", j, "]"), &v);
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
    if (g.specific().empty()) v.Add(p + ".specific", "required");
    if (g.measure().empty()) v.Add(p + ".measure", "required");
    CheckText(g.specific(), p + ".specific", &v);
    CheckText(g.measure(), p + ".measure", &v);
    if (!g.has_target_date() || !dates::IsFull(g.target_date())) {
      v.Add(p + ".target_date", "required: a full calendar date");
    }
    if (index.FindCompetency(g.competency_id()) == nullptr) {
      v.Add(p + ".competency_id", "unknown competency in the framework");
    }
  }
  CheckText(a.supervisor_comments(), "appraisal.supervisor_comments", &v);
  if (!a.unit_id().empty()) CheckId(a.unit_id(), "appraisal.unit_id", &v);
  // Period and tenure.
  const bool start_ok = a.has_period_start() && dates::IsFull(a.period_start());
  const bool end_ok = a.has_period_end() && dates::IsFull(a.period_end());
  CheckFullDate(a, a.has_period_start(), a.period_start(), "appraisal.period_start", &v);
  CheckFullDate(a, a.has_period_end(), a.period_end(), "appraisal.period_end", &v);
  if (start_ok && end_ok &&
      dates::ToCivilDay(a.period_end()) < dates::ToCivilDay(a.period_start())) {
    v.Add("appraisal.period_end", "must not be before period_start");
  }
  if (end_ok && a.has_date_entered_class() && dates::IsFull(a.date_entered_class()) &&
      dates::ToCivilDay(a.period_end()) < dates::ToCivilDay(a.date_entered_class())) {
    v.Add("appraisal.date_entered_class", "must not be after period_end");
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
  CheckId(in.employee_id(), "appraisal.employee_id", &v);
  CheckId(in.class_code(), "appraisal.class_code", &v);
  CheckId(supervisor_id, "appraisal.supervisor_id", &v);
  CheckFullDate(in, in.has_date_entered_class(), in.date_entered_class(),
                "appraisal.date_entered_class", &v);
  if (!v.empty()) return v.ToStatus();
  if (!(p.Has(Role::kHrAdmin) || (p.Has(Role::kSupervisor) && supervisor_id == p.id))) {
    return Denied();
  }
  auto f = ResolveFramework(r.framework_id(), in.class_code(), "framework_id");
  if (!f.ok()) return f.status();
  if (auto s = ValidateContent(*f, in); !s.ok()) return s;

  v1::Appraisal a;
  a.set_id(options_.new_id());
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
  const auto now = ToProto(options_.now());
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
  if (auto s = store_->CreateAppraisal(a); !s.ok()) return s;
  a.set_etag(EtagOf(1));
  v1::CreateAppraisalResponse out;
  *out.mutable_appraisal() = std::move(a);
  return out;
}

absl::StatusOr<v1::Appraisal> Appraisals::Load(const std::string& id, int64_t* version) {
  if (id.empty()) return status::InvalidField("appraisal_id", "required");
  auto stored = store_->GetAppraisal(id);
  if (!stored.ok()) return stored.status();
  *version = stored->version;
  stored->appraisal.set_etag(EtagOf(stored->version));
  return std::move(stored->appraisal);
}

absl::StatusOr<v1::GetAppraisalResponse> Appraisals::GetAppraisal(
    const Principal& p, const v1::GetAppraisalRequest& r) {
  if (auto s = RequirePrincipal(p); !s.ok()) return s;
  int64_t version = 0;
  auto a = Load(r.appraisal_id(), &version);
  if (!a.ok()) return a.status();
  if (!CanRead(p, *a)) return Denied();
  v1::GetAppraisalResponse out;
  *out.mutable_appraisal() = *std::move(a);
  return out;
}

absl::StatusOr<v1::ListAppraisalsResponse> Appraisals::ListAppraisals(
    const Principal& p, const v1::ListAppraisalsRequest& r) {
  if (auto s = RequirePrincipal(p); !s.ok()) return s;
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
  for (auto& [id, s] : rows) {
    if (out.appraisals_size() == *size) {
      out.set_next_page_token(api::EncodePageToken(query_key, out.appraisals().rbegin()->id()));
      break;
    }
    s.appraisal.set_etag(EtagOf(s.version));
    *out.add_appraisals() = std::move(s.appraisal);
  }
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
  Role role;
  if (!EditRole(p, *a, &role)) return CanRead(p, *a) ? Denied() : Denied();
  if (r.appraisal().etag() != a->etag()) {
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
  *a->mutable_update_time() = ToProto(options_.now());
  a->clear_etag();
  if (auto s = store_->UpdateAppraisal(*a, version); !s.ok()) return s;
  a->set_etag(EtagOf(version + 1));
  v1::UpdateAppraisalResponse out;
  *out.mutable_appraisal() = *std::move(a);
  return out;
}

absl::StatusOr<v1::Appraisal> Appraisals::Transition(const Principal& p, const std::string& id,
                                                     const std::string& etag, Action action,
                                                     const std::string& comment) {
  if (auto s = RequirePrincipal(p); !s.ok()) return s;
  status::Violations v;
  if (id.empty()) v.Add("appraisal_id", "required");
  if (etag.empty()) v.Add("etag", "required");
  if (action == Action::kReturn && comment.empty()) v.Add("reason", "required");
  CheckText(comment, action == Action::kReturn ? "reason" : "comments", &v);
  if (!v.empty()) return v.ToStatus();
  int64_t version = 0;
  auto a = Load(id, &version);
  if (!a.ok()) return a.status();
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
      allowed_actor = IsEmployeeOf(p, *a);
      role = Role::kEmployee;
      from_states = {v1::APPRAISAL_STATE_SUBMITTED};
      to = v1::APPRAISAL_STATE_ACKNOWLEDGED;
      break;
    case Action::kReturn:
      if (EditRole(p, *a, &role)) {
        allowed_actor = true;
        from_states = {v1::APPRAISAL_STATE_SUBMITTED, v1::APPRAISAL_STATE_ACKNOWLEDGED};
      } else if (IsEmployeeOf(p, *a)) {
        allowed_actor = true;
        role = Role::kEmployee;
        from_states = {v1::APPRAISAL_STATE_SUBMITTED};
      }
      to = v1::APPRAISAL_STATE_RETURNED;
      break;
    case Action::kFinalize:
      allowed_actor = EditRole(p, *a, &role);
      from_states = {v1::APPRAISAL_STATE_ACKNOWLEDGED};
      to = v1::APPRAISAL_STATE_FINALIZED;
      break;
  }
  if (!allowed_actor) return Denied();
  if (etag != a->etag()) {
    return absl::AbortedError("the appraisal changed since it was read (stale etag)");
  }
  if (std::find(from_states.begin(), from_states.end(), from) == from_states.end()) {
    return FailedField("state", absl::StrCat("cannot go from ", StateName(from), " to ",
                                             StateName(to), " as ", RoleName(role)));
  }
  const auto now = ToProto(options_.now());
  a->set_state(to);
  if (action == Action::kAcknowledge) a->set_employee_comments(comment);
  auto* t = a->add_history();
  t->set_from_state(from);
  t->set_to_state(to);
  t->set_actor_id(p.id);
  t->set_actor_role(RoleName(role));
  *t->mutable_time() = now;
  t->set_comment(comment);
  *a->mutable_update_time() = now;
  a->clear_etag();
  if (auto s = store_->UpdateAppraisal(*a, version); !s.ok()) return s;
  a->set_etag(EtagOf(version + 1));
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
  auto a = Transition(p, r.appraisal_id(), r.etag(), Action::kFinalize, "");
  if (!a.ok()) return a.status();
  v1::FinalizeAppraisalResponse out;
  *out.mutable_appraisal() = *std::move(a);
  return out;
}

absl::Status Appraisals::AuthorizeTeam(const Principal& p, std::string* supervisor_id,
                                       const std::string& unit_id) {
  if (auto s = RequirePrincipal(p); !s.ok()) return s;
  // Neither named: a supervisor means their own team.
  if (supervisor_id->empty() && unit_id.empty() && p.Has(Role::kSupervisor)) *supervisor_id = p.id;
  if (supervisor_id->empty() == unit_id.empty()) {
    return status::InvalidField("supervisor_id", "exactly one of supervisor_id and unit_id");
  }
  if (p.Has(Role::kHrAdmin)) return absl::OkStatus();
  if (p.Has(Role::kSupervisor) && *supervisor_id == p.id) return absl::OkStatus();
  return Denied();
}

absl::StatusOr<v1::ListDueAppraisalsResponse> Appraisals::ListDueAppraisals(
    const Principal& p, const v1::ListDueAppraisalsRequest& r) {
  std::string supervisor_id = r.supervisor_id();
  if (auto s = AuthorizeTeam(p, &supervisor_id, r.unit_id()); !s.ok()) return s;
  status::Violations v;
  if (r.has_as_of() && !dates::IsFull(r.as_of())) v.Add("as_of", "must be a full calendar date");
  for (int i = 0; i < r.employee_ids_size(); ++i) {
    CheckId(r.employee_ids(i), absl::StrCat("employee_ids[", i, "]"), &v);
  }
  if (!v.empty()) return v.ToStatus();
  const absl::CivilDay as_of =
      r.has_as_of() ? dates::ToCivilDay(r.as_of()) : dates::Today(options_.time_zone);
  const absl::CivilDay year_before = AddMonthsClamped(as_of, -12);
  AppraisalQuery team;
  team.supervisor_id = supervisor_id;
  team.unit_id = r.unit_id();
  auto members = store_->ListAppraisals(team);
  if (!members.ok()) return members.status();
  std::set<std::string> employees(r.employee_ids().begin(), r.employee_ids().end());
  for (const auto& s : *members) employees.insert(s.appraisal.employee_id());
  absl::TimeZone tz;
  if (!absl::LoadTimeZone(options_.time_zone, &tz)) tz = absl::UTCTimeZone();
  v1::ListDueAppraisalsResponse out;
  *out.mutable_as_of() = dates::FromCivilDay(as_of);
  for (const auto& e : employees) {
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
    auto* d = out.add_employees();
    d->set_employee_id(e);
    if (last) *d->mutable_last_finalized_on() = dates::FromCivilDay(*last);
    d->set_open_appraisal_id(open_id);
  }
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
