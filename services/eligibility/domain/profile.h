#ifndef CLASSPLAN_SERVICES_ELIGIBILITY_DOMAIN_PROFILE_H_
#define CLASSPLAN_SERVICES_ELIGIBILITY_DOMAIN_PROFILE_H_

// An applicant profile checked and compiled for one as-of date: what the engine credits.
//
// Validation names every bad field (field paths only, never a value: the profile is personal
// data). Compilation applies the as-of cut-offs once (nothing after the as-of date counts; an
// ongoing job counts up to it; a degree completed after it and a licence not active on it are
// left out) and splits the experience into elementary day segments, each with the set of
// entries active on it, so that crediting a rule is a loop over a handful of integers.

#include <cstdint>
#include <map>
#include <string>
#include <utility>
#include <vector>

#include "absl/time/civil_time.h"
#include "classplan/eligibility/v1/applicant.pb.h"
#include "common/status/field_violations.h"

namespace classplan::eligibility {

namespace ev1 = ::classplan::eligibility::v1;

inline constexpr int kMaxExperienceEntries = 64;
inline constexpr int kMaxEducationEntries = 32;
inline constexpr int kMaxLicences = 32;
inline constexpr int kMaxFieldPlacements = 16;
inline constexpr size_t kMaxFieldNameLength = 200;

// Crediting settings of one jurisdiction.
struct CreditSettings {
  // Hours a week that count as full time, in hundredths of an hour (40 h).
  int64_t full_time_centihours = 4000;
};

// Settings per jurisdiction id, with a default for the others. The sources give no figure
// for any shipped jurisdiction, so the default (40 hours, as the issue states) applies to all
// unless the operator sets one (eligibility_server --jurisdiction_full_time).
struct JurisdictionSettings {
  JurisdictionSettings() = default;
  JurisdictionSettings(CreditSettings d) : defaults(d) {}  // NOLINT: implicit on purpose
  CreditSettings defaults;
  std::map<std::string, CreditSettings> by_jurisdiction;
  const CreditSettings& For(const std::string& jurisdiction_id) const {
    auto it = by_jurisdiction.find(jurisdiction_id);
    return it == by_jurisdiction.end() ? defaults : it->second;
  }
};

// Adds a violation for every bad field of `applicant` under `prefix` ("applicant"). With
// `as_of` (a full date), an application date after it is one.
void ValidateApplicant(const ev1::Applicant& applicant, const std::string& prefix,
                       status::Violations* violations, const common::v1::Date* as_of = nullptr);

// Packs a US state code ("NM", case-insensitive) into an integer; 0 for empty.
uint32_t PackState(const std::string& state);

struct CompiledProfile {
  struct Degree {
    int level;  // catalog.v1.EducationLevel
    int field;  // catalog.v1.FieldOfStudy (deprecated; used when cip < 0)
    int accreditation;
    int32_t cip;  // the 6-digit CIP code packed (cip::ParseSixDigit), -1 when not given
    int study;    // index into studies, -1 when no study period was given
  };
  struct PartialStudy {
    int credit_hours;
    int field;
    int accreditation;
    int32_t cip;
    int study;  // as for Degree
  };
  // A study period (Education.study_start..study_end), within the as-of date.
  struct Study {
    int64_t units;  // calendar-month units of the whole period
    int education;  // index into Applicant.education, for explanations
    absl::CivilDay first, last;
  };
  struct Licence {
    int type;
    uint32_t state;
  };
  struct Placement {
    bool state_approved;
    int setting;
  };
  struct Entry {
    uint32_t kinds;  // bit per catalog.v1.ExperienceKind
    uint32_t attrs;  // bit per catalog.v1.ExperienceAttribute
    int64_t weight;  // centihours a week x qualifying share percent
  };
  struct Segment {
    int64_t units;    // calendar-month units of the segment's days
    uint64_t active;  // bit per Entry active on those days
    uint32_t study;   // bit per Study whose period covers those days
  };

  std::vector<Degree> degrees;        // completed by the as-of date
  std::vector<PartialStudy> partial;  // partial study earned by the as-of date
  std::vector<Licence> licences;      // active on the as-of date
  std::vector<Placement> placements;  // completed by the as-of date
  std::vector<Entry> entries;
  std::vector<Segment> segments;
  std::vector<Study> studies;
  // Parallel to segments when the profile has study periods (only overlaps, which need them,
  // are explained by day); empty otherwise.
  std::vector<std::pair<absl::CivilDay, absl::CivilDay>> segment_days;
  bool drivers_licence = false;     // valid on the application date
  absl::CivilDay application;       // the application date, or the as-of date
  bool application_given = false;   // the applicant gave the application date
  bool degree_after_as_of = false;  // some degree was left out by the cut-off
  int64_t full_weight = 400000;     // full time x 100 percent

  // CompileProfile's working space, kept here so that its capacity is reused: arrays of
  // CivilDay on the stack are constructed element by element (1970-01-01 each), which for the
  // entry limits cost as much as compiling the rest of a typical profile.
  std::vector<std::pair<absl::CivilDay, absl::CivilDay>> spans;  // per entry: [first, last]
  std::vector<absl::CivilDay> bounds;                            // segment boundaries

  void Clear();
};

// Compiles a valid applicant (ValidateApplicant found nothing) for `as_of`; "at the time of
// application" clauses are judged on the applicant's application date, else on `as_of`.
// Reuses `out`'s storage.
void CompileProfile(const ev1::Applicant& applicant, absl::CivilDay as_of,
                    const CreditSettings& settings, CompiledProfile* out);

// Months (units) of experience of any kind in `kinds` that has every attribute in `attrs`,
// pro rata below full time, overlaps capped at full time on every day.
int64_t CreditedUnits(const CompiledProfile& p, uint32_t kinds, uint32_t attrs);

// Study against the experience of `kinds` with every attribute in `attrs`, day by day: on a
// day whose studies have weights (full_weight scale: the share of full time the study's
// credited months take of each day of its period) summing to `w` and whose experience load is
// `x` (capped at full time), at most full time is credited in all. `education_lost`: the
// education not credited when the overlap goes to experience (max(0, x + w - full) a day);
// `experience_lost`: the experience not credited when it goes to education (max(0, x -
// max(0, full - w))). Units; first/last_segment: the segments with an overlap, -1 for none.
struct StudyOverlap {
  int64_t education_lost = 0;
  int64_t experience_lost = 0;
  int first_segment = -1;
  int last_segment = -1;
};
StudyOverlap OverlapUnits(const CompiledProfile& p, uint32_t kinds, uint32_t attrs,
                          const int64_t* study_weight);

// A study's weight when `credited` units of education are spread over its period.
int64_t StudyWeight(const CompiledProfile& p, int study, int64_t credited);

}  // namespace classplan::eligibility

#endif  // CLASSPLAN_SERVICES_ELIGIBILITY_DOMAIN_PROFILE_H_
