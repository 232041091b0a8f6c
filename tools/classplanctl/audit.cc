// classplanctl's audit commands: list a service's audit trail, and verify its hash chain
// client-side (every input of each event's hash is in the event message), so a service that
// altered its own trail cannot vouch for it.

#include "common/audit/audit.h"

#include <iostream>
#include <memory>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/time/time.h"
#include "classplan/appraisal/v1/appraisal_service.grpc.pb.h"
#include "classplan/catalog/v1/catalog_service.grpc.pb.h"
#include "classplan/eligibility/v1/eligibility_service.grpc.pb.h"
#include "classplan/payband/v1/payband_service.grpc.pb.h"
#include "common/audit/audit_proto.h"
#include "tools/classplanctl/commands.h"
#include "tools/classplanctl/context.h"
#include "tools/classplanctl/render.h"

namespace classplan::ctl {
namespace {

using Req = ::classplan::common::v1::ListAuditEventsRequest;
using Resp = ::classplan::common::v1::ListAuditEventsResponse;

struct AuditArgs {
  std::string service;
  std::string resource_type;
  std::string resource_id;
  std::string by;
  std::string since;
  std::string until;
  int page_size = 0;
};

Service ServiceOf(const std::string& name) {
  if (name == "payband") return Service::kPayband;
  if (name == "appraisal") return Service::kAppraisal;
  if (name == "eligibility") return Service::kEligibility;
  return Service::kCatalog;
}

// One page of `service`'s trail.
int ListPage(Context& c, Service service, const Req& req, Resp* resp) {
  switch (service) {
    case Service::kPayband: {
      auto stub = payband::v1::PaybandService::NewStub(c.Channel(service));
      return c.Call(service, stub.get(), &payband::v1::PaybandService::Stub::ListAuditEvents, req,
                    resp);
    }
    case Service::kAppraisal: {
      auto stub = appraisal::v1::AppraisalService::NewStub(c.Channel(service));
      return c.Call(service, stub.get(), &appraisal::v1::AppraisalService::Stub::ListAuditEvents,
                    req, resp);
    }
    case Service::kEligibility: {
      auto stub = eligibility::v1::EligibilityService::NewStub(c.Channel(service));
      return c.Call(service, stub.get(),
                    &eligibility::v1::EligibilityService::Stub::ListAuditEvents, req, resp);
    }
    default: {
      auto stub = catalog::v1::CatalogService::NewStub(c.Channel(service));
      return c.Call(service, stub.get(), &catalog::v1::CatalogService::Stub::ListAuditEvents, req,
                    resp);
    }
  }
}

// --since / --until: an RFC 3339 time, or a date (midnight UTC). False (after printing) when
// malformed.
bool ParseTimeFlag(const char* flag, const std::string& value, google::protobuf::Timestamp* out) {
  absl::Time t;
  std::string err;
  if (!absl::ParseTime(absl::RFC3339_full, value, &t, &err) &&
      !absl::ParseTime("%Y-%m-%d", value, absl::UTCTimeZone(), &t, &err)) {
    UsageError(absl::StrCat("--", flag, ": \"", value,
                            "\" is not a date (YYYY-MM-DD) or an RFC 3339 time"));
    return false;
  }
  out->set_seconds(absl::ToUnixSeconds(t));
  return true;
}

std::string TimeText(const google::protobuf::Timestamp& t) {
  return absl::FormatTime("%Y-%m-%dT%H:%M:%E6SZ",
                          absl::FromUnixSeconds(t.seconds()) + absl::Nanoseconds(t.nanos()),
                          absl::UTCTimeZone());
}

int List(const AuditArgs& a, Context& c) {
  Req req;
  req.set_resource_type(a.resource_type);
  req.set_resource_id(a.resource_id);
  req.set_principal(a.by);
  req.set_page_size(a.page_size);
  if (!a.since.empty() && !ParseTimeFlag("since", a.since, req.mutable_start_time())) {
    return kUsageExit;
  }
  if (!a.until.empty() && !ParseTimeFlag("until", a.until, req.mutable_end_time())) {
    return kUsageExit;
  }
  const Service service = ServiceOf(a.service);
  Resp all;
  do {
    Resp page;
    if (int rc = ListPage(c, service, req, &page); rc != 0) return rc;
    all.mutable_events()->MergeFrom(page.events());
    req.set_page_token(page.next_page_token());
  } while (!req.page_token().empty());
  if (c.json()) return PrintJson(all);
  std::vector<std::vector<std::string>> rows;
  rows.reserve(all.events_size());
  for (const auto& e : all.events()) {
    rows.push_back({absl::StrCat(e.sequence()), TimeText(e.time()), e.principal(), e.method(),
                    absl::StrCat(e.resource_type(), " ", e.resource_id()),
                    absl::StrCat(e.etag_before().empty() ? "-" : e.etag_before(), " -> ",
                                 e.etag_after().empty() ? "-" : e.etag_after()),
                    e.request_id().empty() ? "-" : e.request_id()});
  }
  std::cout << Table({"SEQ", "TIME (UTC)", "PRINCIPAL", "METHOD", "RESOURCE", "ETAG", "REQUEST"},
                     rows);
  std::cout << all.events_size() << " events\n";
  return 0;
}

int Verify(const AuditArgs& a, Context& c) {
  const Service service = ServiceOf(a.service);
  Req req;
  req.set_page_size(a.page_size == 0 ? audit::kMaxPageSize : a.page_size);
  audit::ChainVerifier verifier;
  std::string last_hash = audit::kGenesisHash;
  do {
    Resp page;
    if (int rc = ListPage(c, service, req, &page); rc != 0) return rc;
    for (const auto& e : page.events()) {
      if (auto broken = verifier.Next(audit::FromProto(e))) {
        std::cout << "BROKEN: " << a.service << " audit trail, event " << broken->sequence << ": "
                  << broken->problem << " (" << verifier.checked()
                  << " events before it verified)\n";
        return 1;
      }
      last_hash = e.hash();
    }
    req.set_page_token(page.next_page_token());
  } while (!req.page_token().empty());
  std::cout << "OK: " << a.service << " audit trail, " << verifier.checked()
            << " events, chain intact (last hash " << last_hash << ")\n";
  return 0;
}

}  // namespace

void AddAuditCommands(Cli& cli) {
  AuditArgs* a = cli.Keep(std::make_unique<AuditArgs>());
  Node* group = cli.Group(cli.root(), "audit",
                          "a service's audit trail: who changed or read what (hr_admin)");
  auto service_flag = [a](Node* command) {
    command->add_option("--service", a->service, "catalog, payband, appraisal or eligibility")
        ->type_name("SERVICE")
        ->required()
        ->one_of({"catalog", "payband", "appraisal", "eligibility"});
  };
  Node* list = cli.Command(group, "list", "audit events, oldest first, as a table",
                           [a](Context& c) { return List(*a, c); });
  service_flag(list);
  list->add_option("--resource_type", a->resource_type,
                   "only this kind: job_class, notice, pay_schedule, appraisal, ruling")
      ->type_name("TYPE");
  list->add_option("--resource_id", a->resource_id, "only this resource (a code, number or id)")
      ->type_name("ID");
  list->add_option("--by", a->by, "only events made by this principal")->type_name("PRINCIPAL");
  list->add_option("--since", a->since, "only events at or after (YYYY-MM-DD or RFC 3339)")
      ->type_name("TIME");
  list->add_option("--until", a->until, "only events before (YYYY-MM-DD or RFC 3339)")
      ->type_name("TIME");
  list->add_option("--page_size", a->page_size, "events per call (all pages are fetched)")
      ->type_name("N");
  Node* verify =
      cli.Command(group, "verify",
                  "recompute the hash chain of every event; OK, or the first broken link (exit 1)",
                  [a](Context& c) { return Verify(*a, c); });
  service_flag(verify);
}

}  // namespace classplan::ctl
