// classplanctl's pay commands (the pay-band service, --payband_target): a table of commands,
// each with its argument, its flags and what it runs.

#include <algorithm>
#include <fstream>
#include <iostream>
#include <memory>
#include <sstream>
#include <string>
#include <vector>

#include "absl/strings/ascii.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"
#include "classplan/payband/v1/payband_service.grpc.pb.h"
#include "common/dates/dates.h"
#include "services/payband/domain/amounts.h"
#include "tools/classplanctl/commands.h"
#include "tools/classplanctl/context.h"
#include "tools/classplanctl/render.h"

namespace classplan::ctl {
namespace {

namespace ppb = ::classplan::payband::v1;
using Money = ::classplan::common::v1::Money;
using Stub = ppb::PaybandService::Stub;
constexpr Service kPay = Service::kPayband;

// Every pay command's argument and flags; each command sets those it has.
struct PayArgs {
  std::string arg;  // the command's one argument (band code, salary, file, ...)
  std::string jurisdiction;
  std::string as_of;
  std::string band;
  std::string from;
  std::string to;
  std::string unit = "annual";
  int hours_per_year = 0;
  std::string schedule;
  std::string date;
  std::string due_by;
  std::string name;
  std::string effective_from;
  std::string effective_to;
  std::string source;
};

// Reads an amount written by a person (`what` names it in the message): the one syntax of
// payband::ParseDollars, which schedule CSV files use too. False after printing a usage error.
bool ReadAmount(const std::string& what, const std::string& text, int64_t* cents) {
  if (payband::ParseDollars(text, cents)) return true;
  UsageError(absl::StrCat(what, ": \"", text, "\" is not ", payband::kDollarsSyntax));
  return false;
}

// "hour", "hourly", "year", "annual", ... -> unit; UNSPECIFIED when unknown.
ppb::RateUnit ParseUnit(std::string text) {
  text = absl::AsciiStrToLower(text);
  if (text == "hour" || text == "hourly" || text == "h" || text == "hr")
    return ppb::RATE_UNIT_HOURLY;
  if (text == "biweekly") return ppb::RATE_UNIT_BIWEEKLY;
  if (text == "semimonthly") return ppb::RATE_UNIT_SEMIMONTHLY;
  if (text == "month" || text == "monthly") return ppb::RATE_UNIT_MONTHLY;
  if (text == "year" || text == "annual" || text == "annually" || text == "yearly")
    return ppb::RATE_UNIT_ANNUAL;
  return ppb::RATE_UNIT_UNSPECIFIED;
}

std::string UnitText(ppb::RateUnit u) {
  switch (u) {
    case ppb::RATE_UNIT_HOURLY:
      return "hourly";
    case ppb::RATE_UNIT_BIWEEKLY:
      return "biweekly";
    case ppb::RATE_UNIT_SEMIMONTHLY:
      return "semimonthly";
    case ppb::RATE_UNIT_MONTHLY:
      return "monthly";
    case ppb::RATE_UNIT_ANNUAL:
      return "annual";
    default:
      return "?";
  }
}

std::string Bp(int64_t bp) {
  const int64_t a = bp < 0 ? -bp : bp;
  return absl::StrFormat("%s%d.%02d%%", bp < 0 ? "-" : "", a / 100, a % 100);
}

std::string PositionText(ppb::RangePosition p) {
  switch (p) {
    case ppb::RANGE_POSITION_BELOW_MINIMUM:
      return "below minimum";
    case ppb::RANGE_POSITION_IN_RANGE:
      return "in range";
    case ppb::RANGE_POSITION_ABOVE_MAXIMUM:
      return "above maximum";
    default:
      return "?";
  }
}

common::v1::Date Today() { return dates::FromCivilDay(dates::Today("UTC")); }

// A request amount: no currency, so the schedule's applies.
Money Amount(int64_t cents) {
  Money m;
  m.set_cents(cents);
  return m;
}

// For display: an amount without currency is in the default currency (USD).
std::string Shown(Money m) {
  if (m.currency_code().empty()) m.set_currency_code("USD");
  return MoneyText(m);
}

std::vector<std::string> FigureRow(const ppb::PayBand& b, const ppb::BandFigures& f,
                                   const std::string& schedule) {
  return {b.code(),
          schedule,
          UnitText(f.unit()),
          MoneyText(f.minimum()),
          MoneyText(f.midpoint()),
          MoneyText(f.maximum())};
}

std::string BandTable(const ppb::PayBand& b, const std::string& schedule) {
  std::vector<std::vector<std::string>> rows;
  if (b.figures_status() != ppb::FIGURES_STATUS_ON_FILE) {
    rows.push_back({b.code(), schedule, "-", "not on file", "not on file", "not on file"});
  } else {
    rows.push_back(FigureRow(b, b.annual(), schedule));
    rows.push_back(FigureRow(b, b.hourly(), schedule));
  }
  return Table({"BAND", "SCHEDULE", "UNIT", "MINIMUM", "MIDPOINT", "MAXIMUM"}, rows);
}

std::string PlacementText(const ppb::Placement& p) {
  std::string out = absl::StrCat("salary          ", MoneyText(p.salary()), " ",
                                 UnitText(p.salary_unit()), " (", MoneyText(p.annual_salary()),
                                 " a year)\n", "position        ", PositionText(p.position()), "\n",
                                 "compa-ratio     ", Bp(p.compa_ratio_bp()), " of midpoint\n");
  absl::StrAppend(&out, "penetration     ",
                  p.has_range_penetration_bp() ? Bp(p.range_penetration_bp()) : "n/a", "\n");
  absl::StrAppend(&out, "quartile        ",
                  p.quartile() == 0 ? "outside the range" : absl::StrCat(p.quartile()), "\n");
  return out;
}

int Band(const PayArgs& a, Stub* stub, Context& c) {
  ppb::GetBandRequest req;
  req.set_jurisdiction_id(a.jurisdiction);
  req.set_code(a.arg);
  bool has = false;
  if (!ParseDateFlag("as_of", a.as_of, &has, req.mutable_as_of())) return kUsageExit;
  if (!has) req.clear_as_of();
  ppb::GetBandResponse resp;
  if (int rc = c.Call(kPay, stub, &Stub::GetBand, req, &resp); rc != 0) return rc;
  if (c.json()) return PrintJson(resp);
  std::cout << BandTable(resp.band(), resp.schedule().id());
  std::cout << "schedule: " << resp.schedule().name() << "; hours a year "
            << resp.schedule().hours_per_year() << "; midpoint "
            << (resp.schedule().midpoint_rule() == ppb::MIDPOINT_RULE_GIVEN ? "as published"
                                                                            : "middle of range")
            << "\n";
  if (!resp.as_of_note().empty()) std::cout << "note: " << resp.as_of_note() << "\n";
  return 0;
}

int Bands(const PayArgs& a, Stub* stub, Context& c) {
  ppb::ListBandsRequest req;
  req.set_schedule_id(a.arg);
  ppb::ListBandsResponse all;
  if (int rc = c.CallAllPages(kPay, stub, &Stub::ListBands, req, &all,
                              [](ppb::ListBandsResponse* m) { return m->mutable_bands(); });
      rc != 0) {
    return rc;
  }
  if (c.json()) return PrintJson(all);
  std::vector<std::vector<std::string>> rows;
  for (const auto& b : all.bands()) {
    if (b.figures_status() != ppb::FIGURES_STATUS_ON_FILE) {
      rows.push_back({b.code(), "not on file", "", "", ""});
    } else {
      rows.push_back(
          {b.code(), MoneyText(b.annual().minimum()), MoneyText(b.annual().midpoint()),
           MoneyText(b.annual().maximum()),
           absl::StrCat(MoneyText(b.hourly().minimum()), " - ", MoneyText(b.hourly().maximum()))});
    }
  }
  std::cout << Table({"BAND", "ANNUAL MIN", "ANNUAL MID", "ANNUAL MAX", "HOURLY"}, rows);
  return 0;
}

int Schedules(const PayArgs& a, Stub* stub, Context& c) {
  ppb::ListSchedulesRequest req;
  if (!a.jurisdiction.empty()) {
    req.set_filter(absl::StrCat("jurisdiction = \"", a.jurisdiction, "\""));
  }
  ppb::ListSchedulesResponse resp;
  if (int rc = c.CallAllPages(kPay, stub, &Stub::ListSchedules, req, &resp,
                              [](ppb::ListSchedulesResponse* m) { return m->mutable_schedules(); });
      rc != 0)
    return rc;
  if (c.json()) return PrintJson(resp);
  std::vector<std::vector<std::string>> rows;
  for (const auto& s : resp.schedules()) {
    rows.push_back({s.id(), s.name(),
                    s.has_effective_from() ? dates::Format(s.effective_from()) : "unknown",
                    s.has_effective_to() ? dates::Format(s.effective_to()) : "-",
                    s.has_published_on() ? dates::Format(s.published_on()) : "unknown",
                    absl::StrCat(s.version())});
  }
  std::cout << Table({"ID", "NAME", "FROM", "TO", "PUBLISHED", "VERSION"}, rows);
  return 0;
}

int ClassRange(const PayArgs& a, Stub* stub, Context& c) {
  ppb::GetClassPayRangeRequest req;
  req.set_class_code(a.arg);
  bool has = false;
  if (!ParseDateFlag("as_of", a.as_of, &has, req.mutable_as_of())) return kUsageExit;
  if (!has) req.clear_as_of();
  ppb::GetClassPayRangeResponse resp;
  if (int rc = c.Call(kPay, stub, &Stub::GetClassPayRange, req, &resp); rc != 0) return rc;
  if (c.json()) return PrintJson(resp);
  std::cout << "class " << resp.class_code() << " (" << resp.jurisdiction_id() << ")\n";
  std::cout << BandTable(resp.band(), resp.schedule().id());
  if (resp.has_alternative_assignment()) {
    std::cout << "alternative band " << resp.alternative_assignment().band_code() << ": "
              << resp.alternative_assignment().reason() << "\n";
    if (resp.has_alternative_band()) {
      std::cout << BandTable(resp.alternative_band(), resp.alternative_band().schedule_id().empty()
                                                          ? resp.schedule().id()
                                                          : resp.alternative_band().schedule_id());
    }
  }
  for (const auto& n : resp.notes()) std::cout << "note: " << n << "\n";
  return 0;
}

int Convert(const PayArgs& a, Stub* stub, Context& c) {
  std::vector<std::string> parts = absl::StrSplit(a.arg, '/');
  int64_t cents = 0;
  if (parts.size() != 2) return UsageError("pay convert: give AMOUNT/UNIT, e.g. 25.50/hour");
  if (!ReadAmount("pay convert", parts[0], &cents)) return kUsageExit;
  const ppb::RateUnit from = ParseUnit(parts[1]);
  const ppb::RateUnit to = ParseUnit(a.to);
  if (from == ppb::RATE_UNIT_UNSPECIFIED || to == ppb::RATE_UNIT_UNSPECIFIED) {
    return UsageError(
        "pay convert: units are hourly, biweekly, semimonthly, monthly or annual (--to=...)");
  }
  ppb::ConvertRateRequest req;
  *req.mutable_amount() = Amount(cents);
  req.set_from_unit(from);
  req.set_to_unit(to);
  req.set_hours_per_year(a.hours_per_year);
  req.set_schedule_id(a.schedule);
  ppb::ConvertRateResponse resp;
  if (int rc = c.Call(kPay, stub, &Stub::ConvertRate, req, &resp); rc != 0) return rc;
  if (c.json()) return PrintJson(resp);
  std::cout << Shown(Amount(cents)) << " " << UnitText(from) << " = " << MoneyText(resp.amount())
            << " " << UnitText(to) << " (" << resp.hours_per_year() << " hours a year"
            << (resp.exact() ? ", exact" : ", rounded to the cent") << ")\n";
  return 0;
}

// The salary argument, --unit and --as_of of place and find; false (after printing) when
// one is malformed.
bool SalaryArgs(const PayArgs& a, const char* verb, int64_t* cents, ppb::RateUnit* unit,
                bool* has_as_of, common::v1::Date* as_of) {
  if (!ReadAmount(absl::StrCat("pay ", verb), a.arg, cents)) return false;
  *unit = ParseUnit(a.unit);
  if (*unit == ppb::RATE_UNIT_UNSPECIFIED) {
    UsageError("--unit: unknown unit");
    return false;
  }
  return ParseDateFlag("as_of", a.as_of, has_as_of, as_of);
}

int Place(const PayArgs& a, Stub* stub, Context& c) {
  ppb::PlaceSalaryRequest req;
  int64_t cents = 0;
  ppb::RateUnit unit = ppb::RATE_UNIT_UNSPECIFIED;
  bool has = false;
  if (!SalaryArgs(a, "place", &cents, &unit, &has, req.mutable_as_of())) return kUsageExit;
  if (!has) req.clear_as_of();
  req.set_jurisdiction_id(a.jurisdiction);
  req.set_band_code(a.band);
  *req.mutable_salary() = Amount(cents);
  req.set_salary_unit(unit);
  ppb::PlaceSalaryResponse resp;
  if (int rc = c.Call(kPay, stub, &Stub::PlaceSalary, req, &resp); rc != 0) return rc;
  if (c.json()) return PrintJson(resp);
  std::cout << BandTable(resp.placement().band(), resp.schedule().id());
  std::cout << PlacementText(resp.placement());
  return 0;
}

int Find(const PayArgs& a, Stub* stub, Context& c) {
  ppb::FindBandsForSalaryRequest req;
  int64_t cents = 0;
  ppb::RateUnit unit = ppb::RATE_UNIT_UNSPECIFIED;
  bool has = false;
  if (!SalaryArgs(a, "find", &cents, &unit, &has, req.mutable_as_of())) return kUsageExit;
  if (!has) req.clear_as_of();
  req.set_jurisdiction_id(a.jurisdiction);
  *req.mutable_salary() = Amount(cents);
  req.set_salary_unit(unit);
  ppb::FindBandsForSalaryResponse resp;
  if (int rc = c.CallAllPages(kPay, stub, &Stub::FindBandsForSalary, req, &resp); rc != 0)
    return rc;
  if (c.json()) return PrintJson(resp);
  std::vector<std::vector<std::string>> rows;
  for (const auto& p : resp.placements()) {
    rows.push_back({p.band().code(), p.band().schedule_id(),
                    absl::StrCat(MoneyText(p.band().annual().minimum()), " - ",
                                 MoneyText(p.band().annual().maximum())),
                    Bp(p.compa_ratio_bp()),
                    p.has_range_penetration_bp() ? Bp(p.range_penetration_bp()) : "n/a"});
  }
  std::cout << Table({"BAND", "SCHEDULE", "ANNUAL RANGE", "COMPA", "PENETRATION"}, rows);
  for (const auto& b : resp.skipped()) {
    std::cout << "not checked: " << b.code();
    if (!b.schedule_id().empty()) std::cout << " (" << b.schedule_id() << ")";
    std::cout << ": " << b.reason() << "\n";
  }
  return 0;
}

int Check(const PayArgs& a, Stub* stub, Context& c) {
  ppb::CheckPayActionRequest req;
  const std::string kind = absl::AsciiStrToLower(a.arg);
  if (kind == "entrance" || kind == "hire") {
    req.set_kind(ppb::PAY_ACTION_KIND_ENTRANCE);
  } else if (kind == "promotion") {
    req.set_kind(ppb::PAY_ACTION_KIND_PROMOTION);
  } else if (kind == "other") {
    req.set_kind(ppb::PAY_ACTION_KIND_OTHER);
  } else {
    return UsageError("pay check: the action is entrance, promotion or other");
  }
  const ppb::RateUnit unit = ParseUnit(a.unit);
  if (unit == ppb::RATE_UNIT_UNSPECIFIED) return UsageError("--unit: unknown unit");
  int64_t cents = 0;
  if (!a.from.empty()) {
    if (!ReadAmount("--from", a.from, &cents)) return kUsageExit;
    *req.mutable_current_salary() = Amount(cents);
  }
  if (a.to.empty()) return UsageError("--to: give the new salary, e.g. --to=57000");
  if (!ReadAmount("--to", a.to, &cents)) return kUsageExit;
  *req.mutable_new_salary() = Amount(cents);
  req.set_salary_unit(unit);
  req.set_jurisdiction_id(a.jurisdiction);
  req.set_band_code(a.band);
  bool has = false;
  if (!ParseDateFlag("date", a.date, &has, req.mutable_action_date())) return kUsageExit;
  if (!has) *req.mutable_action_date() = Today();
  ppb::CheckPayActionResponse resp;
  if (int rc = c.Call(kPay, stub, &Stub::CheckPayAction, req, &resp); rc != 0) return rc;
  if (c.json()) return PrintJson(resp);
  std::cout << "action date " << dates::Format(req.action_date()) << ", band "
            << resp.placement().band().code() << " of " << resp.schedule().id() << "\n";
  std::cout << PlacementText(resp.placement());
  if (resp.has_increase_bp()) {
    // A promotion that lowers pay says so rather than showing a negative increase.
    std::cout << (resp.increase_bp() < 0 ? "decrease        " : "increase        ")
              << Bp(resp.increase_bp() < 0 ? -resp.increase_bp() : resp.increase_bp()) << "\n";
  }
  if (resp.findings().empty()) {
    std::cout << "no approval needed under the rules evaluated\n";
  } else {
    std::vector<std::vector<std::string>> rows;
    for (const auto& f : resp.findings()) {
      rows.push_back({f.rule_id(), f.citation(),
                      f.certainty() == ppb::RULE_CERTAINTY_UNCONFIRMED ? "unconfirmed" : "in force",
                      f.requirement()});
    }
    std::cout << Table({"RULE", "CITATION", "CERTAINTY", "REQUIREMENT"}, rows);
    for (const auto& f : resp.findings()) {
      if (!f.certainty_note().empty()) std::cout << "note: " << f.certainty_note() << "\n";
    }
  }
  for (const auto& u : resp.unevaluated()) {
    std::cout << "not evaluated: " << u.rule_id() << " (" << u.citation() << "): " << u.reason()
              << "\n";
  }
  return 0;
}

int Reviews(const PayArgs& a, Stub* stub, Context& c) {
  ppb::ListAlternativeBandReviewsDueRequest req;
  req.set_jurisdiction_id(a.jurisdiction);
  bool has = false;
  if (!ParseDateFlag("due_by", a.due_by, &has, req.mutable_due_by())) return kUsageExit;
  if (!has) *req.mutable_due_by() = Today();
  ppb::ListAlternativeBandReviewsDueResponse resp;
  if (int rc = c.CallAllPages(kPay, stub, &Stub::ListAlternativeBandReviewsDue, req, &resp);
      rc != 0)
    return rc;
  if (c.json()) return PrintJson(resp);
  std::vector<std::vector<std::string>> rows;
  for (const auto& r : resp.assignments()) {
    rows.push_back({r.jurisdiction_id(), r.class_code(), r.band_code(),
                    dates::Format(r.review_due_on()), r.reason()});
  }
  std::cout << Table({"JURISDICTION", "CLASS", "ALT BAND", "REVIEW DUE", "REASON"}, rows);
  std::cout << resp.assignments_size() << " reviews due\n";
  return 0;
}

int Flsa(const PayArgs& a, Stub* stub, Context& c) {
  ppb::CheckFlsaSalaryLevelRequest req;
  req.set_jurisdiction_id(a.jurisdiction);
  bool has = false;
  if (!ParseDateFlag("as_of", a.as_of, &has, req.mutable_as_of())) return kUsageExit;
  if (!has) req.clear_as_of();
  ppb::CheckFlsaSalaryLevelResponse resp;
  if (int rc = c.Call(kPay, stub, &Stub::CheckFlsaSalaryLevel, req, &resp); rc != 0) return rc;
  if (c.json()) return PrintJson(resp);
  std::vector<std::vector<std::string>> rows;
  for (const auto& r : resp.results()) {
    std::string outcome = ppb::FlsaOutcome_Name(r.outcome()).substr(13);
    rows.push_back({r.class_code(), r.band_code().empty() ? "unknown" : r.band_code(),
                    r.has_annual_minimum() ? MoneyText(r.annual_minimum()) : "-",
                    absl::AsciiStrToLower(outcome), r.note()});
  }
  std::cout << "level " << MoneyText(resp.annual_level()) << " a year ("
            << MoneyText(resp.weekly_level()) << " a week): " << resp.citation() << "\n";
  std::cout << Table({"CLASS", "BAND", "ANNUAL MIN", "OUTCOME", "NOTE"}, rows);
  return 0;
}

int Import(const PayArgs& a, Stub* stub, Context& c) {
  std::ifstream in(a.arg, std::ios::binary);
  if (!in) return UsageError("pay import: cannot read " + a.arg);
  std::stringstream buf;
  buf << in.rdbuf();
  const std::string base = a.arg.substr(a.arg.find_last_of('/') + 1);
  ppb::ImportScheduleRequest req;
  req.set_jurisdiction_id(a.jurisdiction);
  req.set_name(a.name.empty() ? base : a.name);
  req.set_hours_per_year(a.hours_per_year);
  req.mutable_source()->set_document(a.source.empty() ? base : a.source);
  req.set_csv(buf.str());
  bool has = false;
  if (!ParseDateFlag("effective_from", a.effective_from, &has, req.mutable_effective_from()) ||
      !ParseDateFlag("effective_to", a.effective_to, &has, req.mutable_effective_to())) {
    return kUsageExit;
  }
  if (!has) req.clear_effective_to();
  ppb::ImportScheduleResponse resp;
  if (int rc = c.Call(kPay, stub, &Stub::ImportSchedule, req, &resp); rc != 0) return rc;
  if (c.json()) return PrintJson(resp);
  std::cout << "imported " << resp.band_count() << " bands as pay schedule " << resp.schedule().id()
            << " (version " << resp.schedule().version() << ")\n";
  return 0;
}

// The flags a pay command takes (PayCommand::flags).
enum PayFlag : unsigned {
  kJurisdiction = 1U << 0,
  kAsOf = 1U << 1,
  kBand = 1U << 2,
  kUnit = 1U << 3,
  kFrom = 1U << 4,
  kToUnit = 1U << 5,    // --to, the unit wanted (convert)
  kToSalary = 1U << 6,  // --to, the new salary (check)
  kHoursPerYear = 1U << 7,
  kSchedule = 1U << 8,
  kDate = 1U << 9,
  kDueBy = 1U << 10,
  kImport = 1U << 11,  // --name, --effective_from, --effective_to, --source
};

struct PayCommand {
  const char* name;
  const char* help;
  const char* arg;  // the argument's name; nullptr when it takes none
  const char* arg_help;
  unsigned flags;
  int (*run)(const PayArgs&, Stub*, Context&);
};

constexpr PayCommand kPayCommands[] = {
    {"band", "a band's annual and hourly figures, midpoint rule and notes", "CODE",
     "band or grade code, e.g. 806-A", kJurisdiction | kAsOf, Band},
    {"bands", "every band of a schedule", "SCHEDULE_ID",
     "the schedule, e.g. nm-spo/classified-bands", 0, Bands},
    {"schedules", "pay schedules", nullptr, nullptr, kJurisdiction, Schedules},
    {"class", "a class's band (from the catalog) and its figures", "CODE",
     "the class code, e.g. CA2459", kAsOf, ClassRange},
    {"convert", "a rate in another unit", "AMOUNT/UNIT",
     "the rate: dollars / hourly, biweekly, semimonthly, monthly or annual, e.g. 25.50/hour",
     kToUnit | kHoursPerYear | kSchedule, Convert},
    {"place", "where a salary falls in a band: compa-ratio, penetration, quartile", "SALARY",
     "dollars, e.g. 50000 or \"$1,234.50\"", kBand | kJurisdiction | kUnit | kAsOf, Place},
    {"find", "the bands whose range holds a salary", "SALARY", "dollars, e.g. 50000",
     kJurisdiction | kUnit | kAsOf, Find},
    {"check", "a pay action against the pay rules (New Mexico)", "ACTION",
     "entrance, promotion or other", kFrom | kToSalary | kBand | kJurisdiction | kDate | kUnit,
     Check},
    {"reviews", "alternative pay band assignments whose review is due", nullptr, nullptr,
     kDueBy | kJurisdiction, Reviews},
    {"flsa", "the FLSA salary-level check of a jurisdiction's classes", nullptr, nullptr,
     kJurisdiction | kAsOf, Flsa},
    {"import", "imports a pay schedule from a CSV file", "FILE", "the CSV file",
     kJurisdiction | kImport | kHoursPerYear, Import},
};

void AddPayFlags(Node* command, unsigned flags, PayArgs* a) {
  if (flags & kJurisdiction) AddJurisdictionFlag(command, &a->jurisdiction);
  if (flags & kAsOf) AddAsOfFlag(command, &a->as_of, "the schedule in force on this date");
  if (flags & kBand)
    command->add_option("--band", a->band, "band or grade code")->type_name("CODE");
  if (flags & kUnit) {
    command->add_option("--unit", a->unit, "unit of the salaries")
        ->type_name("UNIT")
        ->capture_default_str();
  }
  if (flags & kFrom) {
    command->add_option("--from", a->from, "the current salary, e.g. 48000")->type_name("SALARY");
  }
  if (flags & kToUnit) {
    command
        ->add_option("--to", a->to,
                     "the unit wanted: hourly, biweekly, semimonthly, monthly, annual")
        ->type_name("UNIT")
        ->required();
  }
  if (flags & kToSalary) {
    command->add_option("--to", a->to, "the new salary, e.g. 57000")
        ->type_name("SALARY")
        ->required();
  }
  if (flags & kHoursPerYear) {
    command->add_option("--hours_per_year", a->hours_per_year, "hours a year (0: 2080)")
        ->type_name("N");
  }
  if (flags & kSchedule) {
    command->add_option("--schedule", a->schedule, "use this schedule's hours a year")
        ->type_name("ID");
  }
  if (flags & kDate) {
    command->add_option("--date", a->date, "the action's date (default today)")
        ->type_name("YYYY-MM-DD");
  }
  if (flags & kDueBy) {
    command->add_option("--due_by", a->due_by, "due on or before (default today)")
        ->type_name("YYYY-MM-DD");
  }
  if (flags & kImport) {
    command->add_option("--effective_from", a->effective_from, "first day in force")
        ->type_name("YYYY-MM-DD")
        ->required();
    command->add_option("--effective_to", a->effective_to, "last day in force")
        ->type_name("YYYY-MM-DD");
    command->add_option("--name", a->name, "schedule name (default: the file name)");
    command->add_option("--source", a->source, "source document (default: the file name)")
        ->type_name("DOCUMENT");
  }
}

}  // namespace

void AddPayCommands(Cli& cli) {
  PayArgs* a = cli.Keep(std::make_unique<PayArgs>());
  Node* pay = cli.Group(cli.root(), "pay", "pay bands and schedules (the pay-band service)");
  for (const PayCommand& def : kPayCommands) {
    Node* command = cli.Command(pay, def.name, def.help, [a, run = def.run](Context& c) {
      c.ExpandJurisdiction(&a->jurisdiction);
      auto stub = ppb::PaybandService::NewStub(c.Channel(kPay));
      return run(*a, stub.get(), c);
    });
    if (def.arg != nullptr) command->add_option(def.arg, a->arg, def.arg_help)->required();
    AddPayFlags(command, def.flags, a);
  }
}

}  // namespace classplan::ctl
