#ifndef CLASSPLAN_SERVICES_CATALOG_DOMAIN_CATALOG_H_
#define CLASSPLAN_SERVICES_CATALOG_DOMAIN_CATALOG_H_

// The catalog's domain core: every RPC's rules, in plain C++ over the request and response
// messages, with no gRPC types. Blocking (it reads the store and Redis): callers run it on a
// worker thread; only LookUpJobClass is safe on a gRPC callback thread.
//
// The methods are defined by concern: catalog_reads.cc, catalog_writes.cc, notices.cc (and
// catalog.cc for what they share).

#include <memory>
#include <optional>
#include <string>
#include <variant>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/time/civil_time.h"
#include "classplan/catalog/v1/catalog_service.pb.h"
#include "classplan/common/v1/audit.pb.h"
#include "common/audit/audit.h"
#include "common/clock/clock.h"
#include "common/identity/identity.h"
#include "common/status/field_violations.h"
#include "services/catalog/domain/class_cache.h"
#include "services/catalog/domain/validation.h"
#include "services/catalog/domain/view_cache.h"
#include "services/catalog/store/catalog_store.h"

namespace classplan::catalog {

// A GetJobClass that needs I/O: what is left to do once the request has been checked.
struct JobClassFetch {
  std::string code;                     // valid and normalized
  std::optional<absl::CivilDay> as_of;  // nullopt: today
};

// What GetJobClass can answer without I/O: the answer (one shared immutable response), an
// error, or the fetch still to run (on a worker: Catalog::FetchJobClass).
using JobClassLookup = std::variant<SharedJobClassResponse, absl::Status, JobClassFetch>;

class Catalog {
 public:
  // `store`, `cache`, `views` and `frameworks` must outlive the Catalog. Without `views` no
  // built view is kept: every cached read builds its answer. `clock` says what day "today" is
  // (in its time zone) and stamps revisions. `frameworks`: the competency frameworks a class
  // may name (CheckFrameworkRef); null leaves competency_framework_id unchecked (tests only:
  // the server always passes the shipped ones, an empty set when it has none).
  Catalog(CatalogStore* store, ClassCache* cache, clock::Clock clock, ViewCache* views = nullptr,
          const KnownFrameworks* frameworks = nullptr);

  // GetJobClass without I/O, safe on a gRPC callback thread: checks the request once and
  // looks in the in-process cache only. A hit is today's view as one shared immutable
  // response (built once per class version and day, kept in the ViewCache), so a cached read
  // copies nothing; an as-of hit is built for the call. An invalid request, or a cached class
  // with no revision in force on the day, is the error GetJobClass gives. Anything else is a
  // JobClassFetch.
  JobClassLookup LookUpJobClass(const pb::GetJobClassRequest& request);
  // The I/O part of GetJobClass, for a fetch from LookUpJobClass (not checked again): the
  // ClassCache (Redis), then the store; then the revision in force. Blocking.
  absl::StatusOr<pb::GetJobClassResponse> FetchJobClass(const JobClassFetch& fetch);

  absl::StatusOr<pb::GetJurisdictionResponse> GetJurisdiction(const pb::GetJurisdictionRequest&);
  absl::StatusOr<pb::ListJurisdictionsResponse> ListJurisdictions(
      const pb::ListJurisdictionsRequest&);
  absl::StatusOr<pb::GetClassSeriesResponse> GetClassSeries(const pb::GetClassSeriesRequest&);
  absl::StatusOr<pb::ListClassSeriesResponse> ListClassSeries(const pb::ListClassSeriesRequest&);
  // Both steps of GetJobClass in one (blocking).
  absl::StatusOr<pb::GetJobClassResponse> GetJobClass(const pb::GetJobClassRequest&);
  absl::StatusOr<pb::ListJobClassesResponse> ListJobClasses(const pb::ListJobClassesRequest&);
  absl::StatusOr<pb::SearchJobClassesResponse> SearchJobClasses(const pb::SearchJobClassesRequest&);
  absl::StatusOr<pb::ListClassRevisionsResponse> ListClassRevisions(
      const pb::ListClassRevisionsRequest&);
  // Every write takes its caller and commits one audit event with the write (the same
  // transaction); a refused or failed write leaves none.
  absl::StatusOr<pb::CreateJobClassResponse> CreateJobClass(const pb::CreateJobClassRequest&,
                                                            const identity::Caller& caller);
  absl::StatusOr<pb::ReviseJobClassResponse> ReviseJobClass(const pb::ReviseJobClassRequest&,
                                                            const identity::Caller& caller);
  absl::StatusOr<pb::AbolishJobClassResponse> AbolishJobClass(const pb::AbolishJobClassRequest&,
                                                              const identity::Caller& caller);
  absl::StatusOr<pb::CreateClassificationNoticeResponse> CreateClassificationNotice(
      const pb::CreateClassificationNoticeRequest&, const identity::Caller& caller);
  absl::StatusOr<pb::GetClassificationNoticeResponse> GetClassificationNotice(
      const pb::GetClassificationNoticeRequest&);
  absl::StatusOr<pb::ListClassificationNoticesResponse> ListClassificationNotices(
      const pb::ListClassificationNoticesRequest&);
  absl::StatusOr<pb::RecordNoticeApprovalResponse> RecordNoticeApproval(
      const pb::RecordNoticeApprovalRequest&, const identity::Caller& caller);
  // The audit trail; hr_admin only.
  absl::StatusOr<classplan::common::v1::ListAuditEventsResponse> ListAuditEvents(
      const classplan::common::v1::ListAuditEventsRequest& request, const identity::Caller& caller);

  // Checks a class specification (field paths under `prefix`): CheckJobClassFields, the
  // framework and then the jurisdiction and series in the store. Nothing is written.
  absl::Status ValidateJobClass(const pb::JobClass& c, const std::string& prefix);

 private:
  absl::StatusOr<ClassRecordPtr> LoadClass(const std::string& code);
  absl::StatusOr<pb::Jurisdiction> LoadJurisdiction(const std::string& id,
                                                    const std::string& field);
  absl::StatusOr<StoredNotice> LoadNotice(const std::string& number);
  // The class's view on `day`; strict for an explicit as-of date (RevisionInForce).
  absl::StatusOr<pb::GetJobClassResponse> Resolve(const pb::ClassRecord& record, absl::CivilDay day,
                                                  bool strict);
  // Fills `rev` with when it takes effect, checking notices and the order of dates.
  absl::Status ApplyEffective(const pb::EffectiveWhen& when, const std::string& field,
                              const std::string& jurisdiction_id, const std::string& code,
                              pb::RevisionKind kind, const pb::ClassRecord* existing,
                              pb::ClassRevision* rev);
  absl::StatusOr<ClassRecordPtr> CommitClass(pb::ClassRecord record, int64_t expected_version,
                                             audit::Event event);
  // The audit event of `caller`'s write to a resource, stamped now.
  audit::Event AuditEvent(const identity::Caller& caller, const char* resource_type,
                          const std::string& resource_id, int64_t version_before,
                          const std::string& reason) const;

  CatalogStore* store_;
  ClassCache* cache_;
  clock::Clock clock_;
  ViewCache* views_;
  const KnownFrameworks* frameworks_;
};

// Class codes are case-insensitive and stored upper-case.
std::string NormalizeCode(absl::string_view code);

}  // namespace classplan::catalog

#endif  // CLASSPLAN_SERVICES_CATALOG_DOMAIN_CATALOG_H_
