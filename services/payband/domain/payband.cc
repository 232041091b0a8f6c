#include "services/payband/domain/payband.h"

#include <algorithm>
#include <limits>

#include "absl/strings/str_cat.h"
#include "common/api/filter.h"
#include "common/api/page_token.h"
#include "common/audit/audit_proto.h"
#include "common/dates/dates.h"
#include "common/status/field_violations.h"
#include "services/payband/domain/csv_schedule.h"
#include "services/payband/domain/pay_math.h"
#include "services/payband/domain/rules.h"
#include "services/payband/domain/schedules.h"

namespace classplan::payband {
namespace {

using status::Violations;
using Money = classplan::common::v1::Money;

// An optional as-of date: absent -> nullopt (today); present -> must be full.
std::optional<absl::CivilDay> AsOf(bool has, const dates::Date& d, const std::string& field,
                                   Violations& v) {
  if (!has) return std::nullopt;
  if (auto s = dates::ValidateFull(d); !s.ok()) {
    v.Add(field, std::string(s.message()));
    return std::nullopt;
  }
  return dates::ToCivilDay(d);
}

void CheckSalary(const Money& m, const std::string& field, Violations& v) {
  if (m.cents() < 0) v.Add(field + ".cents", "must not be negative");
  if (m.cents() > kMaxCents) v.Add(field + ".cents", absl::StrCat("must be at most ", kMaxCents));
}

pb::RateUnit UnitOr(pb::RateUnit u, const std::string& field, Violations& v) {
  if (u == pb::RATE_UNIT_UNSPECIFIED) return pb::RATE_UNIT_ANNUAL;
  if (PeriodsPerYear(u, 1) == 0)
    v.Add(field, "must be HOURLY, BIWEEKLY, SEMIMONTHLY, MONTHLY or ANNUAL");
  return u;
}

void CheckCurrency(const Money& m, const pb::PaySchedule& s, const std::string& field,
                   Violations& v) {
  if (!m.currency_code().empty() && m.currency_code() != s.currency_code())
    v.Add(field + ".currency_code",
          absl::StrCat("must be the schedule's currency ", s.currency_code()));
}

// Place() for a salary given in `field`: a ratio that does not fit (an extreme salary against
// a tiny band) is INVALID_ARGUMENT naming the field.
absl::Status PlaceFor(const AnnualRange& range, int64_t annual, const std::string& field,
                      pb::Placement* out) {
  absl::Status s = Place(range, annual, out);
  if (s.ok() || !absl::IsOutOfRange(s)) return s;
  Violations v;
  v.Add(field + ".cents", std::string(s.message()));
  return v.ToStatus();
}

Money MakeMoney(int64_t cents, const std::string& currency) {
  Money m;
  m.set_currency_code(currency);
  m.set_cents(cents);
  return m;
}

// Orders undated schedules: latest publication first.
bool PublishedAfter(const pb::PaySchedule& a, const pb::PaySchedule& b) {
  if (!a.has_published_on()) return false;
  if (!b.has_published_on()) return true;
  return dates::LatestDay(a.published_on()) > dates::LatestDay(b.published_on());
}

constexpr char kUnknownJurisdiction[] = "unknown jurisdiction: no pay data is held for it";

// Page sizes of the lists: 0 -> 100, above 1000 -> 1000 (AIP-158).
constexpr int kDefaultPage = 100;
constexpr int kMaxPage = 1000;

// Copies one page of `items` (already in list order) into `out`: the items after the one
// whose key is `after` ("" = from the start), at most `size` of them and at most
// api::kPageBudgetBytes. Returns the next page token ("" on the last page); INVALID_ARGUMENT on
// page_token when `after` names no item (the list changed under the token).
template <typename T, typename KeyFn>
absl::StatusOr<std::string> TakePage(std::vector<T>& items, const std::string& after, int size,
                                     const std::string& query, KeyFn key,
                                     google::protobuf::RepeatedPtrField<T>* out) {
  size_t i = 0;
  if (!after.empty()) {
    while (i < items.size() && key(items[i]) != after) ++i;
    if (i == items.size())
      return status::InvalidField("page_token", "the list changed; start again without a token");
    ++i;
  }
  api::PageBudget page(size);
  for (; i < items.size(); ++i) {
    if (!page.Fits(items[i].ByteSizeLong(), key(items[i]))) break;
    *out->Add() = std::move(items[i]);
  }
  return page.NextPageToken(query);
}

}  // namespace

absl::Status RequireFigures(const pb::PaySchedule& s, const pb::PayBand& b) {
  if (b.figures_status() == pb::FIGURES_STATUS_ON_FILE) return absl::OkStatus();
  return absl::FailedPreconditionError(
      absl::StrCat("band ", b.code(), " of pay schedule ", s.id(), " (", s.name(),
                   ") has no figures on file: no source available to classplan publishes them"));
}

Payband::Payband(PaybandStore* store, ClassDirectory* classes, clock::Clock clock)
    : store_(store), classes_(classes), clock_(std::move(clock)) {}

absl::StatusOr<Payband::Resolved> Payband::ResolveBand(const std::string& jurisdiction,
                                                       const std::string& code,
                                                       std::optional<absl::CivilDay> as_of) {
  auto all = store_->ListSchedules(jurisdiction);
  if (!all.ok()) return all.status();
  if (all->empty()) {
    return absl::NotFoundError(
        absl::StrCat("no pay schedule is held for jurisdiction ", jurisdiction));
  }
  const absl::CivilDay day = as_of ? *as_of : clock_.Today();
  auto finish = [&](const pb::PaySchedule& s, pb::PayBand b, std::string note) {
    DeriveFigures(&b, MidpointRuleOf(s), HoursOf(s), s.currency_code());
    return Resolved{s, std::move(b), std::move(note)};
  };
  bool band_anywhere = false;
  std::string possibly;
  // 1. The dated schedule certainly in force on the day.
  for (const auto& s : *all) {
    auto band = store_->GetBand(s.id(), code);
    if (!band.ok()) return band.status();
    band_anywhere = band_anywhere || band->has_value();
    const Coverage c = CoversDay(s, *all, day);
    if (c == Coverage::kCertainly) {
      if (!band->has_value()) {
        return absl::NotFoundError(absl::StrCat("pay schedule ", s.id(), ", in force on ",
                                                absl::FormatCivilTime(day), ", has no band ",
                                                code));
      }
      return finish(s, **band, "");
    }
    if (c == Coverage::kPossibly && band->has_value()) possibly = s.id();
  }
  if (!possibly.empty()) {
    return absl::FailedPreconditionError(
        absl::StrCat("pay schedule ", possibly, " may or may not be in force on ",
                     absl::FormatCivilTime(day), ": its effective dates are known only in part"));
  }
  // 2. Undated schedules holding the band.
  std::vector<const pb::PaySchedule*> undated;
  for (const auto& s : *all) {
    if (s.has_effective_from()) continue;
    auto band = store_->GetBand(s.id(), code);
    if (!band.ok()) return band.status();
    if (band->has_value()) undated.push_back(&s);
  }
  if (!undated.empty()) {
    std::sort(
        undated.begin(), undated.end(),
        [](const pb::PaySchedule* a, const pb::PaySchedule* b) { return PublishedAfter(*a, *b); });
    const pb::PaySchedule& s = *undated.front();
    if (as_of) {
      return absl::FailedPreconditionError(absl::StrCat(
          "band ", code, " is held only in pay schedule ", s.id(),
          " whose effective dates are not in the sources; cannot say which figures were in "
          "force on ",
          absl::FormatCivilTime(*as_of)));
    }
    auto band = store_->GetBand(s.id(), code);
    if (!band.ok()) return band.status();
    std::string note = absl::StrCat(
        "effective dates of pay schedule ", s.id(), " are not in the sources; these are the ",
        "latest figures held",
        s.has_published_on() ? absl::StrCat(" (published ", dates::Format(s.published_on()), ")")
                             : "");
    return finish(s, **band, note);
  }
  if (band_anywhere) {
    return absl::NotFoundError(absl::StrCat("no ", jurisdiction, " pay schedule holding band ",
                                            code, " is in force on as_of ",
                                            absl::FormatCivilTime(day)));
  }
  return absl::NotFoundError(absl::StrCat("jurisdiction ", jurisdiction, " has no band ", code));
}

absl::StatusOr<pb::GetBandResponse> Payband::GetBand(const pb::GetBandRequest& r) {
  Violations v;
  if (r.jurisdiction_id().empty()) v.Add("jurisdiction_id", "is required");
  if (!IsBandCode(r.code())) v.Add("code", "must be a band code such as 806-A or SD");
  auto as_of = AsOf(r.has_as_of(), r.as_of(), "as_of", v);
  if (!v.empty()) return v.ToStatus();
  auto res = ResolveBand(r.jurisdiction_id(), r.code(), as_of);
  if (!res.ok()) return res.status();
  pb::GetBandResponse out;
  *out.mutable_band() = res->band;
  *out.mutable_schedule() = res->schedule;
  out.set_as_of_note(res->note);
  return out;
}

absl::StatusOr<pb::ListBandsResponse> Payband::ListBands(const pb::ListBandsRequest& r) {
  Violations v;
  if (r.schedule_id().empty()) v.Add("schedule_id", "is required");
  auto size = api::PageSize(r.page_size(), 100, 1000);
  if (!size.ok()) return size.status();
  if (!v.empty()) return v.ToStatus();
  auto after = api::DecodePageToken(r.page_token(), absl::StrCat("bands:", r.schedule_id()));
  if (!after.ok()) return after.status();
  auto s = store_->GetSchedule(r.schedule_id());
  if (!s.ok()) return s.status();
  if (!s->has_value())
    return absl::NotFoundError(absl::StrCat("no pay schedule ", r.schedule_id()));
  auto bands = store_->ListBands(r.schedule_id(), *after, *size + 1);
  if (!bands.ok()) return bands.status();
  pb::ListBandsResponse out;
  api::PageBudget page(*size);
  for (pb::PayBand& b : *bands) {
    DeriveFigures(&b, MidpointRuleOf(**s), HoursOf(**s), (*s)->currency_code());
    if (!page.Fits(b.ByteSizeLong(), b.code())) break;
    *out.add_bands() = std::move(b);
  }
  out.set_next_page_token(page.NextPageToken(absl::StrCat("bands:", r.schedule_id())));
  return out;
}

absl::StatusOr<pb::ListSchedulesResponse> Payband::ListSchedules(
    const pb::ListSchedulesRequest& r) {
  auto f = api::ParseFilter(r.filter(), {"jurisdiction"});
  if (!f.ok()) return f.status();
  auto size = api::PageSize(r.page_size(), kDefaultPage, kMaxPage);
  if (!size.ok()) return size.status();
  const std::string query = absl::StrCat("schedules:", r.filter());
  auto after = api::DecodePageToken(r.page_token(), query);
  if (!after.ok()) return after.status();
  std::string j = f->count("jurisdiction") ? f->at("jurisdiction") : "";
  auto all = store_->ListSchedules(j);
  if (!all.ok()) return all.status();
  std::stable_sort(
      all->begin(), all->end(), [](const pb::PaySchedule& a, const pb::PaySchedule& b) {
        if (a.jurisdiction_id() != b.jurisdiction_id())
          return a.jurisdiction_id() < b.jurisdiction_id();
        if (a.has_effective_from() != b.has_effective_from()) return a.has_effective_from();
        if (a.has_effective_from())
          return dates::EarliestDay(a.effective_from()) < dates::EarliestDay(b.effective_from());
        return PublishedAfter(a, b);
      });
  pb::ListSchedulesResponse out;
  auto next = TakePage(
      *all, *after, *size, query, [](const pb::PaySchedule& s) { return s.id(); },
      out.mutable_schedules());
  if (!next.ok()) return next.status();
  out.set_next_page_token(*next);
  return out;
}

absl::StatusOr<pb::GetClassPayRangeResponse> Payband::GetClassPayRange(
    const pb::GetClassPayRangeRequest& r) {
  Violations v;
  if (r.class_code().empty()) v.Add("class_code", "is required");
  auto as_of = AsOf(r.has_as_of(), r.as_of(), "as_of", v);
  if (!v.empty()) return v.ToStatus();
  if (classes_ == nullptr) return absl::UnavailableError("the catalog is not connected");
  auto info = classes_->GetClass(r.class_code(), as_of);
  if (!info.ok()) return info.status();
  pb::GetClassPayRangeResponse out;
  out.set_class_code(info->code);
  out.set_jurisdiction_id(info->jurisdiction_id);
  std::string band_code = info->band_code;
  if (band_code.empty()) {
    // San Francisco publishes ranges per class: its schedules use the class number as code.
    band_code = info->code;
    out.add_notes(absl::StrCat("the catalog gives no band for class ", info->code,
                               "; looked up the range published for the class itself"));
  }
  auto res = ResolveBand(info->jurisdiction_id, band_code, as_of);
  if (!res.ok()) return res.status();
  // The base band without figures is not an error yet: an alternative band with figures
  // still answers the question (the base band is then returned as NOT_ON_FILE, with a note).
  const absl::Status base_figures = RequireFigures(res->schedule, res->band);
  *out.mutable_band() = res->band;
  *out.mutable_schedule() = res->schedule;
  if (!res->note.empty()) out.add_notes(res->note);
  auto alt = store_->GetAlternativeAssignment(info->jurisdiction_id, info->code);
  if (!alt.ok()) return alt.status();
  if (!alt->has_value() && !base_figures.ok()) return base_figures;
  if (alt->has_value()) {
    pb::AlternativeBandAssignment a = **alt;
    if (a.has_assigned_on() && dates::IsFull(a.assigned_on())) {
      const auto base = a.has_last_reviewed_on() ? a.last_reviewed_on() : a.assigned_on();
      *a.mutable_review_due_on() = dates::FromCivilDay(OneYearAfter(dates::ToCivilDay(base)));
    }
    *out.mutable_alternative_assignment() = a;
    auto alt_band = ResolveBand(info->jurisdiction_id, a.band_code(), as_of);
    if (alt_band.ok() && alt_band->band.figures_status() == pb::FIGURES_STATUS_ON_FILE) {
      *out.mutable_alternative_band() = alt_band->band;
    } else {
      out.add_notes(absl::StrCat("alternative band ", a.band_code(), ": ",
                                 alt_band.ok()
                                     ? RequireFigures(alt_band->schedule, alt_band->band).message()
                                     : alt_band.status().message()));
    }
  }
  if (!base_figures.ok()) {
    if (!out.has_alternative_band()) return base_figures;
    out.add_notes(absl::StrCat("base band ", band_code, " is not on file: ", base_figures.message(),
                               "; the alternative band's figures are given"));
  }
  return out;
}

absl::StatusOr<pb::ConvertRateResponse> Payband::ConvertRate(const pb::ConvertRateRequest& r) {
  int32_t hours = r.hours_per_year() == 0 ? kDefaultHoursPerYear : r.hours_per_year();
  std::string currency = r.amount().currency_code();
  if (!r.schedule_id().empty()) {
    auto s = store_->GetSchedule(r.schedule_id());
    if (!s.ok()) return s.status();
    if (!s->has_value())
      return absl::NotFoundError(absl::StrCat("no pay schedule ", r.schedule_id()));
    hours = HoursOf(**s);
    if (currency.empty()) currency = (*s)->currency_code();
  }
  auto c = ConvertCents(r.amount().cents(), r.from_unit(), r.to_unit(), hours);
  if (!c.ok()) return c.status();
  pb::ConvertRateResponse out;
  *out.mutable_amount() = MakeMoney(c->cents, currency.empty() ? "USD" : currency);
  out.set_hours_per_year(hours);
  out.set_exact(c->exact);
  return out;
}

absl::StatusOr<pb::PlaceSalaryResponse> Payband::PlaceSalary(const pb::PlaceSalaryRequest& r) {
  Violations v;
  if (r.jurisdiction_id().empty()) v.Add("jurisdiction_id", "is required");
  if (!IsBandCode(r.band_code())) v.Add("band_code", "must be a band code such as 806-A or SD");
  CheckSalary(r.salary(), "salary", v);
  const pb::RateUnit unit = UnitOr(r.salary_unit(), "salary_unit", v);
  auto as_of = AsOf(r.has_as_of(), r.as_of(), "as_of", v);
  if (!v.empty()) return v.ToStatus();
  auto res = ResolveBand(r.jurisdiction_id(), r.band_code(), as_of);
  if (!res.ok()) return res.status();
  if (auto s = RequireFigures(res->schedule, res->band); !s.ok()) return s;
  CheckCurrency(r.salary(), res->schedule, "salary", v);
  if (!v.empty()) return v.ToStatus();
  const int32_t hours = HoursOf(res->schedule);
  const int64_t annual = r.salary().cents() * PeriodsPerYear(unit, hours);
  pb::PlaceSalaryResponse out;
  pb::Placement* p = out.mutable_placement();
  if (auto s = PlaceFor(ToAnnualRange(res->band.given(), MidpointRuleOf(res->schedule), hours),
                        annual, "salary", p);
      !s.ok())
    return s;
  *p->mutable_band() = res->band;
  *p->mutable_salary() = MakeMoney(r.salary().cents(), res->schedule.currency_code());
  p->set_salary_unit(unit);
  *p->mutable_annual_salary() = MakeMoney(annual, res->schedule.currency_code());
  *out.mutable_schedule() = res->schedule;
  return out;
}

absl::StatusOr<pb::FindBandsForSalaryResponse> Payband::FindBandsForSalary(
    const pb::FindBandsForSalaryRequest& r) {
  Violations v;
  if (r.jurisdiction_id().empty()) v.Add("jurisdiction_id", "is required");
  CheckSalary(r.salary(), "salary", v);
  const pb::RateUnit unit = UnitOr(r.salary_unit(), "salary_unit", v);
  auto as_of = AsOf(r.has_as_of(), r.as_of(), "as_of", v);
  auto size = api::PageSize(r.page_size(), kDefaultPage, kMaxPage);
  if (!size.ok()) return size.status();
  if (!v.empty()) return v.ToStatus();
  const std::string query = absl::StrCat("find:", r.jurisdiction_id(), "|", r.salary().cents(), "|",
                                         r.salary().currency_code(), "|", unit, "|",
                                         as_of ? absl::FormatCivilTime(*as_of) : "today");
  auto after = api::DecodePageToken(r.page_token(), query);
  if (!after.ok()) return after.status();
  auto all = store_->ListSchedules(r.jurisdiction_id());
  if (!all.ok()) return all.status();
  if (all->empty())
    return absl::NotFoundError(
        absl::StrCat("no pay schedule is held for jurisdiction ", r.jurisdiction_id()));
  // Every band code held for the jurisdiction, each resolved for the day.
  std::vector<std::string> codes;
  for (const auto& s : *all) {
    auto bands = store_->ListBands(s.id(), "", 0);
    if (!bands.ok()) return bands.status();
    for (const auto& b : *bands) codes.push_back(b.code());
  }
  std::sort(codes.begin(), codes.end());
  codes.erase(std::unique(codes.begin(), codes.end()), codes.end());
  // One answer per band code, in code order: a placement, or a skipped band (with its
  // "<schedule>/<code>" when its figures are not on file).
  struct Found {
    std::string code;
    std::optional<pb::Placement> placement;
    std::optional<pb::SkippedBand> skipped;
    std::string not_on_file;
  };
  std::vector<Found> found;
  int checked = 0;       // bands whose figures were compared with the salary
  int not_in_force = 0;  // bands held only in schedules not in force on the day
  for (const auto& code : codes) {
    auto res = ResolveBand(r.jurisdiction_id(), code, as_of);
    if (absl::IsNotFound(res.status())) {
      ++not_in_force;
      continue;
    }
    if (absl::IsFailedPrecondition(res.status())) {
      // Figures that cannot be used on the day (e.g. an undated schedule and an explicit
      // as_of): reported, not dropped.
      pb::SkippedBand sk;
      sk.set_code(code);
      sk.set_reason(std::string(res.status().message()));
      found.push_back({code, std::nullopt, std::move(sk), ""});
      continue;
    }
    if (!res.ok()) return res.status();
    if (auto s = RequireFigures(res->schedule, res->band); !s.ok()) {
      pb::SkippedBand sk;
      sk.set_code(code);
      sk.set_schedule_id(res->schedule.id());
      sk.set_reason(std::string(s.message()));
      found.push_back(
          {code, std::nullopt, std::move(sk), absl::StrCat(res->schedule.id(), "/", code)});
      continue;
    }
    ++checked;
    const int32_t hours = HoursOf(res->schedule);
    const int64_t annual = r.salary().cents() * PeriodsPerYear(unit, hours);
    const AnnualRange range =
        ToAnnualRange(res->band.given(), MidpointRuleOf(res->schedule), hours);
    if (annual < range.min || annual > range.max) continue;
    pb::Placement p;
    if (auto s = PlaceFor(range, annual, "salary", &p); !s.ok()) return s;
    *p.mutable_band() = res->band;
    *p.mutable_salary() = MakeMoney(r.salary().cents(), res->schedule.currency_code());
    p.set_salary_unit(unit);
    *p.mutable_annual_salary() = MakeMoney(annual, res->schedule.currency_code());
    found.push_back({code, std::move(p), std::nullopt, ""});
  }
  if (checked == 0) {
    if (found.empty()) {
      return absl::NotFoundError(absl::StrCat(
          "no pay schedule of jurisdiction ", r.jurisdiction_id(),
          " holding a band is in force on ", as_of ? absl::FormatCivilTime(*as_of) : "today"));
    }
    std::string why =
        absl::StrCat("no band of jurisdiction ", r.jurisdiction_id(),
                     " could be checked: ", found.size(), " band(s) have no usable figures");
    if (not_in_force > 0)
      absl::StrAppend(&why, " and ", not_in_force, " are not in force on the day");
    absl::StrAppend(&why, "; first: band ", found[0].code, ": ", found[0].skipped->reason());
    return absl::FailedPreconditionError(why);
  }
  pb::FindBandsForSalaryResponse out;
  api::PageBudget page(*size);
  for (auto& f : found) {
    if (!after->empty() && f.code <= *after) continue;
    const size_t bytes = f.placement ? f.placement->ByteSizeLong()
                                     : f.skipped->ByteSizeLong() + f.not_on_file.size();
    if (!page.Fits(bytes, f.code)) break;
    if (f.placement) *out.add_placements() = std::move(*f.placement);
    if (f.skipped) *out.add_skipped() = std::move(*f.skipped);
    if (!f.not_on_file.empty()) out.add_bands_not_on_file(std::move(f.not_on_file));
  }
  out.set_next_page_token(page.NextPageToken(query));
  return out;
}

absl::StatusOr<pb::CheckPayActionResponse> Payband::CheckPayAction(
    const pb::CheckPayActionRequest& r) {
  Violations v;
  if (r.jurisdiction_id().empty()) v.Add("jurisdiction_id", "is required");
  if (!IsBandCode(r.band_code())) v.Add("band_code", "must be a band code such as 806-A or SD");
  if (r.kind() != pb::PAY_ACTION_KIND_ENTRANCE && r.kind() != pb::PAY_ACTION_KIND_PROMOTION &&
      r.kind() != pb::PAY_ACTION_KIND_OTHER) {
    v.Add("kind", "must be ENTRANCE, PROMOTION or OTHER");
  }
  if (r.kind() == pb::PAY_ACTION_KIND_PROMOTION && !r.has_current_salary())
    v.Add("current_salary", "is required for a promotion");
  if (r.has_current_salary()) CheckSalary(r.current_salary(), "current_salary", v);
  if (!r.has_new_salary()) v.Add("new_salary", "is required");
  CheckSalary(r.new_salary(), "new_salary", v);
  const pb::RateUnit unit = UnitOr(r.salary_unit(), "salary_unit", v);
  std::optional<absl::CivilDay> date;
  if (!r.has_action_date()) {
    v.Add("action_date", "is required: the rules are effective-dated");
  } else {
    date = AsOf(true, r.action_date(), "action_date", v);
  }
  if (r.kind() == pb::PAY_ACTION_KIND_PROMOTION && r.has_current_salary() &&
      r.current_salary().cents() == 0)
    v.Add("current_salary", "must be greater than zero for a promotion");
  if (!v.empty()) return v.ToStatus();
  if (!HasRuleSet(r.jurisdiction_id())) {
    return absl::FailedPreconditionError(
        absl::StrCat("no pay rules are on file for jurisdiction ", r.jurisdiction_id(),
                     "; classplan holds rule sets for nm-spo only"));
  }
  auto res = ResolveBand(r.jurisdiction_id(), r.band_code(), date);
  if (!res.ok()) return res.status();
  if (auto s = RequireFigures(res->schedule, res->band); !s.ok()) return s;
  const int32_t hours = HoursOf(res->schedule);
  const int64_t k = PeriodsPerYear(unit, hours);
  PayAction action;
  action.kind = r.kind();
  action.new_annual = r.new_salary().cents() * k;
  if (r.has_current_salary()) action.current_annual = r.current_salary().cents() * k;
  action.date = *date;
  const AnnualRange range = ToAnnualRange(res->band.given(), MidpointRuleOf(res->schedule), hours);
  RuleResult rules = EvaluateRules(r.jurisdiction_id(), range, action);
  pb::CheckPayActionResponse out;
  for (auto& f : rules.findings) *out.add_findings() = std::move(f);
  for (auto& u : rules.unevaluated) *out.add_unevaluated() = std::move(u);
  pb::Placement* p = out.mutable_placement();
  if (auto s = PlaceFor(range, action.new_annual, "new_salary", p); !s.ok()) return s;
  *p->mutable_band() = res->band;
  *p->mutable_salary() = MakeMoney(r.new_salary().cents(), res->schedule.currency_code());
  p->set_salary_unit(unit);
  *p->mutable_annual_salary() = MakeMoney(action.new_annual, res->schedule.currency_code());
  if (r.kind() == pb::PAY_ACTION_KIND_PROMOTION) {
    const Int128 cur = *action.current_annual;
    const Int128 inc =
        DivRoundHalfAway((static_cast<Int128>(action.new_annual) - cur) * kBasisPoints, cur);
    if (inc > std::numeric_limits<int64_t>::max()) {
      Violations iv;
      iv.Add("new_salary.cents",
             "the increase over current_salary in basis points does not fit a 64-bit integer");
      return iv.ToStatus();
    }
    out.set_increase_bp(static_cast<int64_t>(inc));
  }
  *out.mutable_schedule() = res->schedule;
  return out;
}

absl::StatusOr<pb::ListAlternativeBandReviewsDueResponse> Payband::ListAlternativeBandReviewsDue(
    const pb::ListAlternativeBandReviewsDueRequest& r) {
  Violations v;
  std::optional<absl::CivilDay> due_by;
  if (!r.has_due_by()) {
    v.Add("due_by", "is required");
  } else {
    due_by = AsOf(true, r.due_by(), "due_by", v);
  }
  auto size = api::PageSize(r.page_size(), kDefaultPage, kMaxPage);
  if (!size.ok()) return size.status();
  if (!v.empty()) return v.ToStatus();
  const std::string query =
      absl::StrCat("reviews:", r.jurisdiction_id(), "|", absl::FormatCivilTime(*due_by));
  auto after = api::DecodePageToken(r.page_token(), query);
  if (!after.ok()) return after.status();
  auto all = store_->ListAlternativeAssignments(r.jurisdiction_id());
  if (!all.ok()) return all.status();
  std::vector<std::pair<absl::CivilDay, pb::AlternativeBandAssignment>> due;
  for (auto& a : *all) {
    const auto base = a.has_last_reviewed_on() ? a.last_reviewed_on() : a.assigned_on();
    if (!dates::IsFull(base)) continue;  // the importer requires full dates
    const absl::CivilDay d = OneYearAfter(dates::ToCivilDay(base));
    if (d > *due_by) continue;
    *a.mutable_review_due_on() = dates::FromCivilDay(d);
    due.emplace_back(d, std::move(a));
  }
  std::stable_sort(due.begin(), due.end(),
                   [](const auto& x, const auto& y) { return x.first < y.first; });
  std::vector<pb::AlternativeBandAssignment> ordered;
  ordered.reserve(due.size());
  for (auto& [d, a] : due) ordered.push_back(std::move(a));
  pb::ListAlternativeBandReviewsDueResponse out;
  auto next = TakePage(
      ordered, *after, *size, query,
      [](const pb::AlternativeBandAssignment& a) {
        return absl::StrCat(a.jurisdiction_id(), "/", a.class_code());
      },
      out.mutable_assignments());
  if (!next.ok()) return next.status();
  out.set_next_page_token(*next);
  return out;
}

absl::StatusOr<pb::CheckFlsaSalaryLevelResponse> Payband::CheckFlsaSalaryLevel(
    const pb::CheckFlsaSalaryLevelRequest& r) {
  Violations v;
  if (r.jurisdiction_id().empty()) v.Add("jurisdiction_id", "is required");
  auto as_of = AsOf(r.has_as_of(), r.as_of(), "as_of", v);
  if (!v.empty()) return v.ToStatus();
  if (classes_ == nullptr) return absl::UnavailableError("the catalog is not connected");
  auto classes = classes_->ListClasses(r.jurisdiction_id(), as_of);
  if (!classes.ok()) return classes.status();
  pb::CheckFlsaSalaryLevelResponse out;
  *out.mutable_annual_level() = MakeMoney(kFlsaAnnualLevelCents, "USD");
  *out.mutable_weekly_level() = MakeMoney(kFlsaWeeklyLevelCents, "USD");
  out.set_citation(
      "29 CFR 541.600: $684 per week ($35,568 per year), the 2019 rule, enforced since the 2024 "
      "rule was vacated on 15 Nov 2024");
  for (const auto& c : *classes) {
    if (c.flsa == ClassPayInfo::Flsa::kNonExempt) continue;
    pb::FlsaClassResult* res = out.add_results();
    res->set_class_code(c.code);
    res->set_band_code(c.band_code);
    if (c.flsa == ClassPayInfo::Flsa::kUnknown) {
      res->set_outcome(pb::FLSA_OUTCOME_FLSA_STATUS_UNKNOWN);
      res->set_note("the sources do not give the class's FLSA status");
      continue;
    }
    auto band = c.band_code.empty()
                    ? absl::StatusOr<Resolved>(absl::NotFoundError("the catalog gives no band"))
                    : ResolveBand(c.jurisdiction_id, c.band_code, as_of);
    if (!band.ok()) {
      // Only "no such band on the day" and "cannot say which figures" are outcomes; any other
      // error (the store failing, ...) is the RPC's error.
      if (!absl::IsNotFound(band.status()) && !absl::IsFailedPrecondition(band.status()))
        return band.status();
      res->set_outcome(pb::FLSA_OUTCOME_BAND_UNKNOWN);
      res->set_note(std::string(band.status().message()));
      continue;
    }
    if (auto s = RequireFigures(band->schedule, band->band); !s.ok()) {
      res->set_outcome(pb::FLSA_OUTCOME_FIGURES_NOT_ON_FILE);
      res->set_note(std::string(s.message()));
      continue;
    }
    const AnnualRange range =
        ToAnnualRange(band->band.given(), MidpointRuleOf(band->schedule), HoursOf(band->schedule));
    *res->mutable_annual_minimum() = MakeMoney(range.min, band->schedule.currency_code());
    const bool below = range.min < kFlsaAnnualLevelCents;
    res->set_outcome(below ? pb::FLSA_OUTCOME_BELOW_LEVEL : pb::FLSA_OUTCOME_MEETS_LEVEL);
    res->set_note(absl::StrCat(below ? "band minimum is below" : "band minimum meets",
                               " the salary level (29 CFR 541.600)", band->note.empty() ? "" : "; ",
                               band->note));
  }
  return out;
}

absl::StatusOr<pb::ImportScheduleResponse> Payband::ImportSchedule(
    const pb::ImportScheduleRequest& r, const identity::Caller& caller) {
  pb::PaySchedule s;
  s.set_jurisdiction_id(r.jurisdiction_id());
  s.set_name(r.name());
  s.set_hours_per_year(r.hours_per_year() == 0 ? kDefaultHoursPerYear : r.hours_per_year());
  s.set_currency_code(r.currency_code().empty() ? "USD" : r.currency_code());
  *s.mutable_source() = r.source();
  Violations v;
  if (!r.has_effective_from()) {
    v.Add("effective_from", "is required");
  } else if (auto st = dates::ValidateFull(r.effective_from()); !st.ok()) {
    v.Add("effective_from", std::string(st.message()));
  } else {
    *s.mutable_effective_from() = r.effective_from();
  }
  if (r.has_effective_to()) {
    if (auto st = dates::ValidateFull(r.effective_to()); !st.ok()) {
      v.Add("effective_to", std::string(st.message()));
    } else {
      *s.mutable_effective_to() = r.effective_to();
    }
  }
  CheckSchedule(s, "", v);
  if (IsJurisdictionSlug(s.jurisdiction_id())) {
    // Checked again under the write lock; here so that one answer names every problem.
    auto existing = store_->ListSchedules(s.jurisdiction_id());
    if (!existing.ok()) return existing.status();
    if (existing->empty()) v.Add("jurisdiction_id", kUnknownJurisdiction);
  }
  auto csv = ParseScheduleCsv(r.csv(), s.currency_code(), "csv");
  if (!csv.ok()) {
    for (const auto& f : status::GetFieldViolations(csv.status())) v.Add(f.field, f.description);
  }
  if (csv.ok()) {
    for (size_t i = 0; i < csv->bands.size(); ++i) {
      CheckBand(csv->bands[i], csv->midpoint_rule, s.currency_code(),
                absl::StrCat("csv.bands[", i, "]."), v);
    }
  }
  if (!v.empty()) return v.ToStatus("invalid schedule import");
  s.set_midpoint_rule(csv->midpoint_rule);
  s.set_id(absl::StrCat(s.jurisdiction_id(), "/", dates::Format(s.effective_from())));
  // A schedule is created once and never changed, so it has no etag before or after.
  audit::Event event = audit::EventFor(caller, clock_.Now());
  event.resource_type = "pay_schedule";
  event.resource_id = s.id();
  absl::Status st = store_->AddSchedule(
      s, csv->bands,
      [&](const std::vector<pb::PaySchedule>& existing) {
        // A known jurisdiction is one the service holds pay data for (checked under the write
        // lock); a new one arrives by a data file (docs/payband.md, "Validation limits").
        if (existing.empty()) {
          return status::InvalidField("jurisdiction_id", kUnknownJurisdiction);
        }
        return CheckNoOverlap(existing, s);
      },
      event);
  if (!st.ok()) return st;
  auto stored = store_->GetSchedule(s.id());
  if (!stored.ok()) return stored.status();
  pb::ImportScheduleResponse out;
  *out.mutable_schedule() = stored->value_or(s);
  out.set_band_count(static_cast<int32_t>(csv->bands.size()));
  return out;
}

absl::StatusOr<classplan::common::v1::ListAuditEventsResponse> Payband::ListAuditEvents(
    const classplan::common::v1::ListAuditEventsRequest& request, const identity::Caller& caller) {
  return audit::ListEvents(*store_, request, caller);
}

}  // namespace classplan::payband
