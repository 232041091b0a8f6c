#ifndef CLASSPLAN_SERVICES_APPRAISAL_DOMAIN_APPRAISALS_H_
#define CLASSPLAN_SERVICES_APPRAISAL_DOMAIN_APPRAISALS_H_
// The rules of every AppraisalService RPC, in plain C++ over the request/response messages.
// The gRPC adapter builds a Principal from call metadata and forwards each call.
//
// Appraisals are personal data: nothing here logs them, and error messages name fields and
// states only, never values.
#include <functional>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/time/civil_time.h"
#include "absl/time/time.h"
#include "classplan/appraisal/v1/appraisal_service.pb.h"
#include "classplan/common/v1/audit.pb.h"
#include "common/audit/audit.h"
#include "common/clock/clock.h"
#include "common/identity/identity.h"
#include "services/appraisal/store/appraisal_store.h"

namespace classplan::appraisal {

// The roles this service acts on are kSupervisor, kEmployee and kHrAdmin; others are held
// but grant nothing here.
using identity::Role;

// The caller, as set by the gateway.
struct Principal {
  std::string id;
  std::vector<Role> roles;
  bool Has(Role r) const;
  // For the audit trail: the gateway's request id and the RPC's name (initialized, so that
  // {id, roles} still names a principal without a warning).
  std::string request_id = {};
  std::string method = {};
};

// Builds a principal from metadata values: an id and a roles header (identity::ParseRoles;
// unknown roles are ignored). Unauthenticated when the id is empty.
absl::StatusOr<Principal> ParsePrincipal(absl::string_view id, absl::string_view roles);

using identity::RoleName;

class Appraisals {
 public:
  struct Options {
    // Stamps transitions; its time zone says what day "today" is when a request gives no
    // date, and on what day a transition fell.
    clock::Clock clock;
    // New appraisal ids; default: NewAppraisalId (128 random bits in hex). An error fails
    // the create.
    std::function<absl::StatusOr<std::string>()> new_id;
  };

  Appraisals(AppraisalStore* store, Options options);

  absl::StatusOr<v1::GetFrameworkResponse> GetFramework(const Principal& p,
                                                        const v1::GetFrameworkRequest& r);
  absl::StatusOr<v1::ListFrameworksResponse> ListFrameworks(const Principal& p,
                                                            const v1::ListFrameworksRequest& r);
  absl::StatusOr<v1::GetExpectedProficiencyResponse> GetExpectedProficiency(
      const Principal& p, const v1::GetExpectedProficiencyRequest& r);
  absl::StatusOr<v1::CreateAppraisalResponse> CreateAppraisal(const Principal& p,
                                                              const v1::CreateAppraisalRequest& r);
  absl::StatusOr<v1::GetAppraisalResponse> GetAppraisal(const Principal& p,
                                                        const v1::GetAppraisalRequest& r);
  absl::StatusOr<v1::ListAppraisalsResponse> ListAppraisals(const Principal& p,
                                                            const v1::ListAppraisalsRequest& r);
  absl::StatusOr<v1::UpdateAppraisalResponse> UpdateAppraisal(const Principal& p,
                                                              const v1::UpdateAppraisalRequest& r);
  absl::StatusOr<v1::SubmitAppraisalResponse> SubmitAppraisal(const Principal& p,
                                                              const v1::SubmitAppraisalRequest& r);
  absl::StatusOr<v1::AcknowledgeAppraisalResponse> AcknowledgeAppraisal(
      const Principal& p, const v1::AcknowledgeAppraisalRequest& r);
  absl::StatusOr<v1::ReturnAppraisalResponse> ReturnAppraisal(const Principal& p,
                                                              const v1::ReturnAppraisalRequest& r);
  absl::StatusOr<v1::FinalizeAppraisalResponse> FinalizeAppraisal(
      const Principal& p, const v1::FinalizeAppraisalRequest& r);
  absl::StatusOr<v1::DeclineAppraisalResponse> DeclineAppraisal(
      const Principal& p, const v1::DeclineAppraisalRequest& r);
  absl::StatusOr<v1::VoidAppraisalResponse> VoidAppraisal(const Principal& p,
                                                          const v1::VoidAppraisalRequest& r);
  absl::StatusOr<v1::AddAppraisalAddendumResponse> AddAppraisalAddendum(
      const Principal& p, const v1::AddAppraisalAddendumRequest& r);
  // Reporting relationships (assignments.cc).
  absl::StatusOr<v1::AssignSupervisorResponse> AssignSupervisor(
      const Principal& p, const v1::AssignSupervisorRequest& r);
  absl::StatusOr<v1::EndSupervisorAssignmentResponse> EndSupervisorAssignment(
      const Principal& p, const v1::EndSupervisorAssignmentRequest& r);
  absl::StatusOr<v1::ListSupervisorAssignmentsResponse> ListSupervisorAssignments(
      const Principal& p, const v1::ListSupervisorAssignmentsRequest& r);
  absl::StatusOr<v1::ListDueAppraisalsResponse> ListDueAppraisals(
      const Principal& p, const v1::ListDueAppraisalsRequest& r);
  absl::StatusOr<v1::GetTeamSummaryResponse> GetTeamSummary(const Principal& p,
                                                            const v1::GetTeamSummaryRequest& r);
  // Who read or changed which appraisal; hr_admin only.
  absl::StatusOr<classplan::common::v1::ListAuditEventsResponse> ListAuditEvents(
      const Principal& p, const classplan::common::v1::ListAuditEventsRequest& r);

 private:
  enum class Action { kSubmit, kAcknowledge, kDecline, kReturn, kFinalize, kVoid };
  absl::StatusOr<v1::Framework> ResolveFramework(const std::string& framework_id,
                                                 const std::string& class_code, const char* field);
  absl::Status ValidateContent(const v1::Framework& framework, const v1::Appraisal& a);
  absl::StatusOr<v1::Appraisal> Transition(const Principal& p, const std::string& id,
                                           const std::string& etag, Action action,
                                           const std::string& comment);
  absl::StatusOr<v1::Appraisal> Load(const std::string& id, int64_t* version);
  // The audit event of `p`'s call on appraisal `id`, stamped now: ids and etags only (never
  // comments, a return, decline or void reason, a finalize note or an addendum: they are the
  // record's content).
  audit::Event AuditEvent(const Principal& p, const std::string& id, std::string etag_before,
                          std::string etag_after) const;
  // The same for a resource of type `resource_type` (e.g. "supervisor_assignment").
  audit::Event AuditEvent(const Principal& p, const char* resource_type, const std::string& id,
                          std::string etag_before, std::string etag_after) const;
  // Is `supervisor_id` assigned to `employee_id` on `day`?
  absl::StatusOr<bool> Assigned(const std::string& employee_id, const std::string& supervisor_id,
                                absl::CivilDay day);
  // May the caller see this team? A supervisor naming neither supervisor nor unit gets their
  // own (*supervisor_id is set to them).
  absl::Status AuthorizeTeam(const Principal& p, std::string* supervisor_id,
                             const std::string& unit_id);

  AppraisalStore* store_;
  Options options_;
};

}  // namespace classplan::appraisal

#endif  // CLASSPLAN_SERVICES_APPRAISAL_DOMAIN_APPRAISALS_H_
