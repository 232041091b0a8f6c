#include "services/catalog/domain/revisions.h"

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "common/api/etag.h"
#include "common/dates/dates.h"

namespace classplan::catalog {

namespace {
std::string DayText(absl::CivilDay d) {
  return absl::StrFormat("%04d-%02d-%02d", d.year(), d.month(), d.day());
}
}  // namespace

absl::StatusOr<const pb::ClassRevision*> RevisionInForce(const pb::ClassRecord& record,
                                                         absl::CivilDay day, bool strict) {
  const pb::ClassRevision* earliest_future = nullptr;
  for (int i = record.revisions_size() - 1; i >= 0; --i) {
    const pb::ClassRevision& rev = record.revisions(i);
    if (rev.state() != pb::REVISION_STATE_ADOPTED) continue;
    if (!rev.has_effective_date()) {
      if (!strict) return &rev;
      return absl::FailedPreconditionError(absl::StrCat(
          "cannot tell which revision of ", record.code(), " was in force on ", DayText(day),
          ": revision ", rev.revision(), " took effect on a date the sources do not give"));
    }
    const auto& eff = rev.effective_date();
    if (dates::LatestDay(eff) <= day) return &rev;
    if (dates::EarliestDay(eff) > day) {
      earliest_future = &rev;
      continue;
    }
    if (!strict) return &rev;
    return absl::FailedPreconditionError(absl::StrCat(
        "cannot tell which revision of ", record.code(), " was in force on ", DayText(day),
        ": revision ", rev.revision(), " took effect on an unknown day in ", dates::Format(eff)));
  }
  std::string msg = absl::StrCat("no revision of ", record.code(),
                                 " held in the catalog was in force on ", DayText(day));
  if (earliest_future != nullptr) {
    absl::StrAppend(&msg, "; the earliest held revision took effect on ",
                    dates::Format(earliest_future->effective_date()));
  }
  return absl::NotFoundError(msg);
}

pb::JobClass ViewOf(const pb::ClassRecord& record, const pb::ClassRevision& revision) {
  pb::JobClass out = revision.job_class();
  out.set_code(record.code());
  out.set_state(revision.kind() == pb::REVISION_KIND_ABOLISH ? pb::CLASS_STATE_ABOLISHED
                                                             : pb::CLASS_STATE_ACTIVE);
  out.set_revision(revision.revision());
  if (revision.has_effective_date()) {
    *out.mutable_revision_effective_date() = revision.effective_date();
  }
  out.set_etag(api::EtagOf(record.version()));
  return out;
}

absl::CivilDay StartOfNextWorkWeek(absl::CivilDay day, pb::DayOfWeek week_start) {
  static constexpr absl::Weekday kDays[] = {absl::Weekday::monday,   absl::Weekday::monday,
                                            absl::Weekday::tuesday,  absl::Weekday::wednesday,
                                            absl::Weekday::thursday, absl::Weekday::friday,
                                            absl::Weekday::saturday, absl::Weekday::sunday};
  // NextWeekday is strictly after `day`: approval on a week's first day starts the next week.
  return absl::NextWeekday(day, kDays[week_start]);
}

}  // namespace classplan::catalog
