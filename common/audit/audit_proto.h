#ifndef CLASSPLAN_COMMON_AUDIT_AUDIT_PROTO_H_
#define CLASSPLAN_COMMON_AUDIT_AUDIT_PROTO_H_

// ListAuditEvents as every service answers it, and the event message both ways (classplanctl
// recomputes the chain from the messages it receives).

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "classplan/common/v1/audit.pb.h"
#include "common/audit/audit.h"
#include "common/identity/identity.h"

namespace classplan::audit {

namespace pb = ::classplan::common::v1;

pb::AuditEvent ToProto(const Event& event);
Event FromProto(const pb::AuditEvent& event);

// hr_admin only: PERMISSION_DENIED for anyone else (whatever the gateway's policy says).
absl::Status CheckMayListEvents(const identity::Caller& caller);

// The request's filter; INVALID_ARGUMENT naming the field for a bad time range.
absl::StatusOr<Filter> FilterOf(const pb::ListAuditEventsRequest& request);

pb::ListAuditEventsResponse ResponseOf(const Page& page);

// ListAuditEvents as every service answers it: hr_admin only, then one page of `log` for the
// request's filter.
absl::StatusOr<pb::ListAuditEventsResponse> ListEvents(EventLog& log,
                                                       const pb::ListAuditEventsRequest& request,
                                                       const identity::Caller& caller);

}  // namespace classplan::audit

#endif  // CLASSPLAN_COMMON_AUDIT_AUDIT_PROTO_H_
