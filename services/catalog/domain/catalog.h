#ifndef CLASSPLAN_SERVICES_CATALOG_DOMAIN_CATALOG_H_
#define CLASSPLAN_SERVICES_CATALOG_DOMAIN_CATALOG_H_

// The catalog's domain core: every RPC's rules, in plain C++ over the request and response
// messages, with no gRPC types. Blocking (it reads the store and Redis): callers run it on a
// worker thread; only TryGetJobClassLocal is safe on a gRPC callback thread.

#include <functional>
#include <memory>
#include <optional>

#include "absl/container/flat_hash_map.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/civil_time.h"
#include "classplan/catalog/v1/catalog_service.pb.h"
#include "common/status/field_violations.h"
#include "services/catalog/domain/class_cache.h"
#include "services/catalog/store/catalog_store.h"

namespace classplan::catalog {

class Catalog {
 public:
  using TodayFn = std::function<absl::CivilDay()>;

  // `store` and `cache` must outlive the Catalog.
  Catalog(CatalogStore* store, ClassCache* cache, TodayFn today);

  // Answers from the in-process cache only; nullopt when that would need I/O.
  std::optional<absl::StatusOr<pb::GetJobClassResponse>> TryGetJobClassLocal(
      const pb::GetJobClassRequest& request);
  // The hot path: today's view of a class cached in process, as one shared immutable response
  // (built once per class version and day), so a cached read copies nothing. Null when the
  // request needs more than that (an as-of date, a miss, an error).
  std::shared_ptr<const pb::GetJobClassResponse> TryGetJobClassShared(
      const pb::GetJobClassRequest& request);

  absl::StatusOr<pb::GetJurisdictionResponse> GetJurisdiction(const pb::GetJurisdictionRequest&);
  absl::StatusOr<pb::ListJurisdictionsResponse> ListJurisdictions(
      const pb::ListJurisdictionsRequest&);
  absl::StatusOr<pb::GetClassSeriesResponse> GetClassSeries(const pb::GetClassSeriesRequest&);
  absl::StatusOr<pb::ListClassSeriesResponse> ListClassSeries(const pb::ListClassSeriesRequest&);
  absl::StatusOr<pb::GetJobClassResponse> GetJobClass(const pb::GetJobClassRequest&);
  absl::StatusOr<pb::ListJobClassesResponse> ListJobClasses(const pb::ListJobClassesRequest&);
  absl::StatusOr<pb::SearchJobClassesResponse> SearchJobClasses(const pb::SearchJobClassesRequest&);
  absl::StatusOr<pb::ListClassRevisionsResponse> ListClassRevisions(
      const pb::ListClassRevisionsRequest&);
  absl::StatusOr<pb::CreateJobClassResponse> CreateJobClass(const pb::CreateJobClassRequest&);
  absl::StatusOr<pb::ReviseJobClassResponse> ReviseJobClass(const pb::ReviseJobClassRequest&);
  absl::StatusOr<pb::AbolishJobClassResponse> AbolishJobClass(const pb::AbolishJobClassRequest&);
  absl::StatusOr<pb::CreateClassificationNoticeResponse> CreateClassificationNotice(
      const pb::CreateClassificationNoticeRequest&);
  absl::StatusOr<pb::GetClassificationNoticeResponse> GetClassificationNotice(
      const pb::GetClassificationNoticeRequest&);
  absl::StatusOr<pb::ListClassificationNoticesResponse> ListClassificationNotices(
      const pb::ListClassificationNoticesRequest&);
  absl::StatusOr<pb::RecordNoticeApprovalResponse> RecordNoticeApproval(
      const pb::RecordNoticeApprovalRequest&);

  // Shared with the data importer: checks a class specification (field paths under `prefix`).
  absl::Status ValidateJobClass(const pb::JobClass& c, const std::string& prefix);

 private:
  absl::StatusOr<ClassRecordPtr> LoadClass(const std::string& code);
  absl::StatusOr<pb::Jurisdiction> LoadJurisdiction(const std::string& id,
                                                    const std::string& field);
  absl::StatusOr<StoredNotice> LoadNotice(const std::string& number);
  absl::StatusOr<pb::GetJobClassResponse> Resolve(const pb::ClassRecord& record,
                                                  const pb::GetJobClassRequest& request);
  // Fills `rev` with when it takes effect, checking notices and the order of dates.
  absl::Status ApplyEffective(const pb::EffectiveWhen& when, const std::string& field,
                              const std::string& jurisdiction_id, const std::string& code,
                              pb::RevisionKind kind, const pb::ClassRecord* existing,
                              pb::ClassRevision* rev);
  absl::StatusOr<ClassRecordPtr> CommitClass(pb::ClassRecord record, int64_t expected_version);

  CatalogStore* store_;
  ClassCache* cache_;
  TodayFn today_;

  struct View {
    ClassRecordPtr record;  // identity of the cached record the view was built from
    absl::CivilDay day;
    std::shared_ptr<const pb::GetJobClassResponse> response;
  };
  absl::Mutex views_mu_;
  absl::flat_hash_map<std::string, View> views_ ABSL_GUARDED_BY(views_mu_);
};

// Checks what can be checked of a class specification without the store (field paths under
// `prefix`); shared with the data importer.
void CheckJobClassFields(const pb::JobClass& c, const std::string& prefix, status::Violations& v);

// Class codes are case-insensitive and stored upper-case.
std::string NormalizeCode(absl::string_view code);

}  // namespace classplan::catalog

#endif  // CLASSPLAN_SERVICES_CATALOG_DOMAIN_CATALOG_H_
