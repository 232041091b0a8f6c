#ifndef CLASSPLAN_SERVICES_PAYBAND_DOMAIN_PAYBAND_H_
#define CLASSPLAN_SERVICES_PAYBAND_DOMAIN_PAYBAND_H_

// The pay-band service's domain core: every RPC's rules in plain C++ over the request and
// response messages, no gRPC types. Blocking (reads the store): run on worker threads.

#include <optional>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/time/civil_time.h"
#include "classplan/common/v1/audit.pb.h"
#include "classplan/payband/v1/payband_service.pb.h"
#include "common/clock/clock.h"
#include "common/identity/identity.h"
#include "services/payband/domain/payband_store.h"

namespace classplan::payband {

// What the pay service needs to know about a class; the catalog owns it.
// services/payband/clients/CatalogClassDirectory implements ClassDirectory over the catalog
// service; tests use a fake.
struct ClassPayInfo {
  enum class Flsa { kUnknown, kExempt, kNonExempt };
  std::string code;
  std::string jurisdiction_id;
  std::string band_code;  // "" when the catalog does not give one
  Flsa flsa = Flsa::kUnknown;
};

class ClassDirectory {
 public:
  virtual ~ClassDirectory() = default;
  // The class revision in force on `as_of` (nullopt = today). NOT_FOUND for an unknown class.
  virtual absl::StatusOr<ClassPayInfo> GetClass(const std::string& code,
                                                std::optional<absl::CivilDay> as_of) = 0;
  // Every active class of a jurisdiction in force on `as_of`.
  virtual absl::StatusOr<std::vector<ClassPayInfo>> ListClasses(
      const std::string& jurisdiction_id, std::optional<absl::CivilDay> as_of) = 0;
};

// The FLSA salary level applied (29 CFR 541.600, 2019 rule): $684 a week, $35,568 a year.
inline constexpr int64_t kFlsaWeeklyLevelCents = 68'400;
inline constexpr int64_t kFlsaAnnualLevelCents = 3'556'800;

class Payband {
 public:
  // `store` and `classes` must outlive the Payband; `classes` may be null (then the RPCs that
  // need the catalog answer UNAVAILABLE). `clock` says what day "today" is.
  Payband(PaybandStore* store, ClassDirectory* classes, clock::Clock clock);

  absl::StatusOr<pb::GetBandResponse> GetBand(const pb::GetBandRequest& request);
  absl::StatusOr<pb::ListBandsResponse> ListBands(const pb::ListBandsRequest& request);
  absl::StatusOr<pb::ListSchedulesResponse> ListSchedules(const pb::ListSchedulesRequest& request);
  absl::StatusOr<pb::GetClassPayRangeResponse> GetClassPayRange(
      const pb::GetClassPayRangeRequest& request);
  absl::StatusOr<pb::ConvertRateResponse> ConvertRate(const pb::ConvertRateRequest& request);
  absl::StatusOr<pb::PlaceSalaryResponse> PlaceSalary(const pb::PlaceSalaryRequest& request);
  absl::StatusOr<pb::FindBandsForSalaryResponse> FindBandsForSalary(
      const pb::FindBandsForSalaryRequest& request);
  absl::StatusOr<pb::CheckPayActionResponse> CheckPayAction(
      const pb::CheckPayActionRequest& request);
  absl::StatusOr<pb::ListAlternativeBandReviewsDueResponse> ListAlternativeBandReviewsDue(
      const pb::ListAlternativeBandReviewsDueRequest& request);
  absl::StatusOr<pb::CheckFlsaSalaryLevelResponse> CheckFlsaSalaryLevel(
      const pb::CheckFlsaSalaryLevelRequest& request);
  // Commits one audit event with the schedule (the same transaction); none when refused.
  absl::StatusOr<pb::ImportScheduleResponse> ImportSchedule(
      const pb::ImportScheduleRequest& request, const identity::Caller& caller);
  // The audit trail; hr_admin only.
  absl::StatusOr<classplan::common::v1::ListAuditEventsResponse> ListAuditEvents(
      const classplan::common::v1::ListAuditEventsRequest& request, const identity::Caller& caller);

  // A band resolved for a day: its schedule, the band with derived figures, and a note when
  // the schedule's dates are unknown.
  struct Resolved {
    pb::PaySchedule schedule;
    pb::PayBand band;
    std::string note;
  };
  // The band `code` of `jurisdiction` in force on `as_of` (nullopt = today). NOT_FOUND for an
  // unknown jurisdiction/band or a day outside every schedule; FAILED_PRECONDITION when only
  // undated schedules hold the band and `as_of` is explicit. Figures may be NOT_ON_FILE.
  absl::StatusOr<Resolved> ResolveBand(const std::string& jurisdiction, const std::string& code,
                                       std::optional<absl::CivilDay> as_of);

 private:
  PaybandStore* store_;
  ClassDirectory* classes_;
  clock::Clock clock_;
};

// FAILED_PRECONDITION naming the schedule and band unless the band's figures are on file.
absl::Status RequireFigures(const pb::PaySchedule& s, const pb::PayBand& b);

}  // namespace classplan::payband

#endif  // CLASSPLAN_SERVICES_PAYBAND_DOMAIN_PAYBAND_H_
