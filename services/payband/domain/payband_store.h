#ifndef CLASSPLAN_SERVICES_PAYBAND_DOMAIN_PAYBAND_STORE_H_
#define CLASSPLAN_SERVICES_PAYBAND_DOMAIN_PAYBAND_STORE_H_

// What the pay-band domain needs from a database. Calls block: run them on worker threads.
// A caching layer can implement this interface over another PaybandStore (reads keyed by the
// jurisdiction's schedule version, which every AddSchedule increments).

#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/str_cat.h"
#include "classplan/payband/v1/data.pb.h"
#include "classplan/payband/v1/resources.pb.h"
#include "common/audit/audit.h"

namespace classplan::payband {

namespace pb = ::classplan::payband::v1;

class PaybandStore : public audit::EventLog {
 public:
  // Runs inside the write transaction with the jurisdiction's current schedules; an error
  // aborts the write (nothing is written) and is returned as is.
  using ScheduleCheck = std::function<absl::Status(const std::vector<pb::PaySchedule>& existing)>;

  ~PaybandStore() override = default;

  // Schedules of a jurisdiction ("" = all), ordered by id. `version` is the jurisdiction's
  // current schedule version.
  virtual absl::StatusOr<std::vector<pb::PaySchedule>> ListSchedules(
      const std::string& jurisdiction_id) = 0;
  virtual absl::StatusOr<std::optional<pb::PaySchedule>> GetSchedule(const std::string& id) = 0;
  // The jurisdiction's schedule version: 0 before its first schedule, incremented by every
  // AddSchedule in the same transaction. Cheap (one indexed row); caches key reads by it.
  virtual absl::StatusOr<int64_t> ScheduleVersion(const std::string& jurisdiction_id) = 0;
  // Bands of a schedule with code > after_code, by code, at most `limit` (<= 0: all).
  virtual absl::StatusOr<std::vector<pb::PayBand>> ListBands(const std::string& schedule_id,
                                                             const std::string& after_code,
                                                             int limit) = 0;
  virtual absl::StatusOr<std::optional<pb::PayBand>> GetBand(const std::string& schedule_id,
                                                             const std::string& code) = 0;
  // A jurisdiction's schedules (by id, each with the version) with their bands (by code), all
  // from one consistent snapshot of the store: what a cache loads on a miss. No alternative
  // assignments. Nothing (nullopt) when the jurisdiction's version is still `unless_version`
  // (a copy the caller holds is current; kAnyVersion: always read): the check and the read are
  // one snapshot, so a cache needs no version read before it. Stores override it with one
  // statement; this default reads schedule by schedule between two version reads (the version
  // grows with every import, in its transaction) and is ABORTED when an import committed in
  // between.
  static constexpr int64_t kAnyVersion = -1;
  virtual absl::StatusOr<std::optional<pb::PaybandData>> ReadJurisdiction(
      const std::string& jurisdiction_id, int64_t unless_version) {
    auto before = ScheduleVersion(jurisdiction_id);
    if (!before.ok()) return before.status();
    if (*before == unless_version) return std::optional<pb::PaybandData>();
    auto schedules = ListSchedules(jurisdiction_id);
    if (!schedules.ok()) return schedules.status();
    pb::PaybandData out;
    for (auto& schedule : *schedules) {
      auto bands = ListBands(schedule.id(), "", 0);
      if (!bands.ok()) return bands.status();
      pb::ScheduleData* sd = out.add_schedules();
      *sd->mutable_schedule() = std::move(schedule);
      for (auto& b : *bands) *sd->add_bands() = std::move(b);
    }
    auto after = ScheduleVersion(jurisdiction_id);
    if (!after.ok()) return after.status();
    if (*after != *before) {
      return absl::AbortedError(
          absl::StrCat("pay schedules of ", jurisdiction_id, " changed while read; try again"));
    }
    return std::optional<pb::PaybandData>(std::move(out));
  }

  // Writes a schedule and all its bands in one transaction, after `check` passes, with
  // `event` (an API import's audit event; none for a shipped data file) appended in the same
  // transaction. ALREADY_EXISTS when the id exists; nothing is written on any error.
  virtual absl::Status AddSchedule(const pb::PaySchedule& schedule,
                                   const std::vector<pb::PayBand>& bands,
                                   const ScheduleCheck& check,
                                   const std::optional<audit::Event>& event) = 0;

  // Records an assignment; ALREADY_EXISTS when the class already has one.
  virtual absl::Status AddAlternativeAssignment(const pb::AlternativeBandAssignment& a) = 0;
  // Assignments of a jurisdiction ("" = all), by jurisdiction and class.
  virtual absl::StatusOr<std::vector<pb::AlternativeBandAssignment>> ListAlternativeAssignments(
      const std::string& jurisdiction_id) = 0;
  virtual absl::StatusOr<std::optional<pb::AlternativeBandAssignment>> GetAlternativeAssignment(
      const std::string& jurisdiction_id, const std::string& class_code) = 0;
};

}  // namespace classplan::payband

#endif  // CLASSPLAN_SERVICES_PAYBAND_DOMAIN_PAYBAND_STORE_H_
