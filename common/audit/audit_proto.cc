#include "common/audit/audit_proto.h"

#include "common/status/field_violations.h"

namespace classplan::audit {
namespace {

void SetTime(absl::Time t, google::protobuf::Timestamp* out) {
  const int64_t us = absl::ToUnixMicros(t);
  int64_t seconds = us / 1000000;
  int64_t micros = us % 1000000;
  if (micros < 0) {
    micros += 1000000;
    --seconds;
  }
  out->set_seconds(seconds);
  out->set_nanos(static_cast<int32_t>(micros * 1000));
}

absl::Time TimeOf(const google::protobuf::Timestamp& t) {
  return absl::FromUnixSeconds(t.seconds()) + absl::Nanoseconds(t.nanos());
}

}  // namespace

pb::AuditEvent ToProto(const Event& e) {
  pb::AuditEvent out;
  out.set_sequence(e.sequence);
  SetTime(e.time, out.mutable_time());
  out.set_principal(e.principal);
  for (const std::string& r : e.roles) out.add_roles(r);
  out.set_request_id(e.request_id);
  out.set_method(e.method);
  out.set_resource_type(e.resource_type);
  out.set_resource_id(e.resource_id);
  out.set_etag_before(e.etag_before);
  out.set_etag_after(e.etag_after);
  out.set_reason(e.reason);
  out.set_prev_hash(e.prev_hash);
  out.set_hash(e.hash);
  return out;
}

Event FromProto(const pb::AuditEvent& p) {
  Event e;
  e.sequence = p.sequence();
  e.time = TimeOf(p.time());
  e.principal = p.principal();
  e.roles.assign(p.roles().begin(), p.roles().end());
  e.request_id = p.request_id();
  e.method = p.method();
  e.resource_type = p.resource_type();
  e.resource_id = p.resource_id();
  e.etag_before = p.etag_before();
  e.etag_after = p.etag_after();
  e.reason = p.reason();
  e.prev_hash = p.prev_hash();
  e.hash = p.hash();
  return e;
}

absl::Status CheckMayListEvents(const identity::Caller& caller) {
  if (caller.Has(identity::Role::kHrAdmin)) return absl::OkStatus();
  return absl::PermissionDeniedError("listing audit events needs the hr_admin role");
}

absl::StatusOr<Filter> FilterOf(const pb::ListAuditEventsRequest& request) {
  Filter f;
  f.resource_type = request.resource_type();
  f.resource_id = request.resource_id();
  f.principal = request.principal();
  status::Violations v;
  if (request.has_start_time()) f.from = TimeOf(request.start_time());
  if (request.has_end_time()) f.to = TimeOf(request.end_time());
  if (f.from && f.to && *f.to <= *f.from) v.Add("end_time", "must be after start_time");
  if (!v.empty()) return v.ToStatus();
  return f;
}

pb::ListAuditEventsResponse ResponseOf(const Page& page) {
  pb::ListAuditEventsResponse out;
  out.mutable_events()->Reserve(static_cast<int>(page.events.size()));
  for (const Event& e : page.events) *out.add_events() = ToProto(e);
  out.set_next_page_token(page.next_page_token);
  return out;
}

absl::StatusOr<pb::ListAuditEventsResponse> ListEvents(EventLog& log,
                                                       const pb::ListAuditEventsRequest& request,
                                                       const identity::Caller& caller) {
  if (absl::Status s = CheckMayListEvents(caller); !s.ok()) return s;
  auto filter = FilterOf(request);
  if (!filter.ok()) return filter.status();
  auto page = log.ListAuditEvents(*filter, request.page_size(), request.page_token());
  if (!page.ok()) return page.status();
  return ResponseOf(*page);
}

}  // namespace classplan::audit
