#include "tools/classplanctl/pay.h"

#include <algorithm>
#include <fstream>
#include <iostream>
#include <sstream>

#include "absl/flags/declare.h"
#include "absl/flags/flag.h"
#include "absl/strings/ascii.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"
#include "absl/time/clock.h"
#include "classplan/payband/v1/payband_service.grpc.pb.h"
#include "common/dates/dates.h"
#include "common/status/grpc_status.h"
#include "grpcpp/grpcpp.h"
#include "tools/classplanctl/connect.h"
#include "tools/classplanctl/render.h"

ABSL_FLAG(std::string, payband_target,
          classplan::ctl::EnvOr("CLASSPLAN_PAYBAND_TARGET", classplan::ctl::kGatewayTarget),
          "pay-band service host:port (env CLASSPLAN_PAYBAND_TARGET)");
ABSL_FLAG(std::string, band, "", "pay: band or grade code, e.g. 806-A");
ABSL_FLAG(std::string, from, "", "pay check: the current salary, e.g. 48000");
ABSL_FLAG(std::string, to, "",
          "pay convert: the unit wanted (hourly, biweekly, semimonthly, monthly, annual); "
          "pay check: the new salary");
ABSL_FLAG(std::string, unit, "annual", "pay place/find/check: unit of the salaries");
ABSL_FLAG(int, hours_per_year, 0, "pay convert/import: hours a year (0 = 2080)");
ABSL_FLAG(std::string, schedule, "", "pay convert: use this schedule's hours basis");
ABSL_FLAG(std::string, date, "", "pay check: the action's date (YYYY-MM-DD; default today)");
ABSL_FLAG(std::string, due_by, "", "pay reviews: due on or before (YYYY-MM-DD; default today)");
ABSL_FLAG(std::string, name, "", "pay import: schedule name (default: the file name)");
ABSL_FLAG(std::string, effective_from, "", "pay import: first day in force (YYYY-MM-DD)");
ABSL_FLAG(std::string, effective_to, "", "pay import: last day in force (YYYY-MM-DD), optional");
ABSL_FLAG(std::string, source, "", "pay import: source document (default: the file name)");

ABSL_DECLARE_FLAG(bool, json);
ABSL_DECLARE_FLAG(absl::Duration, timeout);
ABSL_DECLARE_FLAG(std::string, as_of);
ABSL_DECLARE_FLAG(std::string, jurisdiction);

namespace classplan::ctl {
namespace {

namespace ppb = ::classplan::payband::v1;
using Money = ::classplan::common::v1::Money;
constexpr int kUsageExit = 2;

int PayFail(const grpc::Status& s) {
  std::cerr << "error: " << s.error_message() << " ("
            << absl::StatusCodeToString(static_cast<absl::StatusCode>(s.error_code())) << ")\n";
  for (const auto& v : status::GetFieldViolations(status::FromGrpcStatus(s))) {
    std::cerr << "  field " << v.field << ": " << v.description << "\n";
  }
  if (s.error_code() == grpc::StatusCode::UNAVAILABLE &&
      s.error_message().rfind("catalog unavailable", 0) != 0) {
    std::cerr << "  is the pay-band service running at " << absl::GetFlag(FLAGS_payband_target)
              << "? (--payband_target)\n";
  }
  return ExitCodeFor(s.error_code());
}

template <typename Req, typename Resp, typename Fn>
int PayCall(Fn fn, const Req& req, Resp* resp) {
  grpc::ClientContext ctx;
  ctx.set_deadline(absl::ToChronoTime(absl::Now() + absl::GetFlag(FLAGS_timeout)));
  grpc::Status s = fn(&ctx, req, resp);
  return s.ok() ? 0 : PayFail(s);
}

int UsageError(const std::string& what) {
  std::cerr << "error: " << what << "\n";
  return kUsageExit;
}

// "42917", "25.50", "$1,234.50", "-5" -> cents; false when not an amount of at most two
// decimals. (Negative amounts are sent so the service can say why they are refused.)
bool ParseAmount(std::string text, int64_t* cents) {
  bool negative = false;
  if (!text.empty() && text[0] == '-') {
    negative = true;
    text.erase(0, 1);
  }
  if (!text.empty() && text[0] == '$') text.erase(0, 1);
  text.erase(std::remove(text.begin(), text.end(), ','), text.end());
  std::vector<std::string> parts = absl::StrSplit(text, '.');
  if (parts.empty() || parts.size() > 2 || parts[0].empty() || parts[0].size() > 12) return false;
  for (const auto& p : parts) {
    for (char c : p) {
      if (!absl::ascii_isdigit(static_cast<unsigned char>(c))) return false;
    }
  }
  int64_t whole = 0;
  if (!absl::SimpleAtoi(parts[0], &whole)) return false;
  int64_t frac = 0;
  if (parts.size() == 2) {
    if (parts[1].empty() || parts[1].size() > 2) return false;
    std::string f = parts[1].size() == 1 ? parts[1] + "0" : parts[1];
    if (!absl::SimpleAtoi(f, &frac)) return false;
  }
  *cents = (whole * 100 + frac) * (negative ? -1 : 1);
  return true;
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

// Fills `out` from a --flag holding a full date; false (after printing) when malformed.
bool DateFlag(const std::string& flag, const std::string& value, bool* has, common::v1::Date* out) {
  *has = false;
  if (value.empty()) return true;
  auto d = dates::ParseFull(value);
  if (!d.ok()) {
    std::cerr << "error: --" << flag << ": " << d.status().message() << "\n";
    return false;
  }
  *out = *d;
  *has = true;
  return true;
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

int Band(const std::string& code, ppb::PaybandService::Stub* stub) {
  ppb::GetBandRequest req;
  req.set_jurisdiction_id(absl::GetFlag(FLAGS_jurisdiction));
  req.set_code(code);
  bool has = false;
  if (!DateFlag("as_of", absl::GetFlag(FLAGS_as_of), &has, req.mutable_as_of())) return kUsageExit;
  if (!has) req.clear_as_of();
  ppb::GetBandResponse resp;
  int rc =
      PayCall([&](auto* c, const auto& r, auto* o) { return stub->GetBand(c, r, o); }, req, &resp);
  if (rc != 0) return rc;
  if (absl::GetFlag(FLAGS_json)) return PrintJson(resp);
  std::cout << BandTable(resp.band(), resp.schedule().id());
  std::cout << "schedule: " << resp.schedule().name() << "; hours a year "
            << resp.schedule().hours_per_year() << "; midpoint "
            << (resp.schedule().midpoint_rule() == ppb::MIDPOINT_RULE_GIVEN ? "as published"
                                                                            : "middle of range")
            << "\n";
  if (!resp.as_of_note().empty()) std::cout << "note: " << resp.as_of_note() << "\n";
  return 0;
}

}  // namespace

const char* PayUsage() {
  return "  pay band CODE --jurisdiction=ID [--as_of=YYYY-MM-DD]\n"
         "  pay bands SCHEDULE_ID | pay schedules [--jurisdiction=ID]\n"
         "  pay class CODE [--as_of=YYYY-MM-DD]\n"
         "  pay convert AMOUNT/UNIT --to=UNIT [--hours_per_year=N] [--schedule=ID]\n"
         "  pay place SALARY --band=CODE --jurisdiction=ID [--unit=annual] [--as_of=...]\n"
         "  pay find SALARY --jurisdiction=ID [--unit=annual]\n"
         "  pay check entrance|promotion|other [--from=SALARY] --to=SALARY --band=CODE\n"
         "            --jurisdiction=ID [--date=YYYY-MM-DD] [--unit=annual]\n"
         "  pay reviews [--due_by=YYYY-MM-DD] [--jurisdiction=ID]\n"
         "  pay flsa --jurisdiction=ID [--as_of=YYYY-MM-DD]\n"
         "  pay import FILE.csv --jurisdiction=ID --effective_from=YYYY-MM-DD [--name=...]\n"
         "            [--effective_to=...] [--hours_per_year=N] [--source=DOCUMENT]\n"
         "  (pay commands use --payband_target=host:port, env CLASSPLAN_PAYBAND_TARGET)\n";
}

int RunPay(const std::vector<std::string>& args) {
  if (args.size() < 2) return Usage();
  auto channel = ctl::Connect(absl::GetFlag(FLAGS_payband_target));
  auto stub = ppb::PaybandService::NewStub(channel);
  const bool json = absl::GetFlag(FLAGS_json);
  const std::string& verb = args[1];
  const std::string jurisdiction = absl::GetFlag(FLAGS_jurisdiction);

  if (verb == "band" && args.size() == 3) return Band(args[2], stub.get());

  if (verb == "bands" && args.size() == 3) {
    ppb::ListBandsRequest req;
    req.set_schedule_id(args[2]);
    ppb::ListBandsResponse all;
    do {
      ppb::ListBandsResponse page;
      int rc = PayCall([&](auto* c, const auto& r, auto* o) { return stub->ListBands(c, r, o); },
                       req, &page);
      if (rc != 0) return rc;
      all.mutable_bands()->MergeFrom(page.bands());
      req.set_page_token(page.next_page_token());
    } while (!req.page_token().empty());
    if (json) return PrintJson(all);
    std::vector<std::vector<std::string>> rows;
    for (const auto& b : all.bands()) {
      if (b.figures_status() != ppb::FIGURES_STATUS_ON_FILE) {
        rows.push_back({b.code(), "not on file", "", "", ""});
      } else {
        rows.push_back({b.code(), MoneyText(b.annual().minimum()), MoneyText(b.annual().midpoint()),
                        MoneyText(b.annual().maximum()),
                        absl::StrCat(MoneyText(b.hourly().minimum()), " - ",
                                     MoneyText(b.hourly().maximum()))});
      }
    }
    std::cout << Table({"BAND", "ANNUAL MIN", "ANNUAL MID", "ANNUAL MAX", "HOURLY"}, rows);
    return 0;
  }

  if (verb == "schedules" && args.size() == 2) {
    ppb::ListSchedulesRequest req;
    if (!jurisdiction.empty())
      req.set_filter(absl::StrCat("jurisdiction = \"", jurisdiction, "\""));
    ppb::ListSchedulesResponse resp;
    int rc = PayCall([&](auto* c, const auto& r, auto* o) { return stub->ListSchedules(c, r, o); },
                     req, &resp);
    if (rc != 0) return rc;
    if (json) return PrintJson(resp);
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

  if (verb == "class" && args.size() == 3) {
    ppb::GetClassPayRangeRequest req;
    req.set_class_code(args[2]);
    bool has = false;
    if (!DateFlag("as_of", absl::GetFlag(FLAGS_as_of), &has, req.mutable_as_of()))
      return kUsageExit;
    if (!has) req.clear_as_of();
    ppb::GetClassPayRangeResponse resp;
    int rc =
        PayCall([&](auto* c, const auto& r, auto* o) { return stub->GetClassPayRange(c, r, o); },
                req, &resp);
    if (rc != 0) return rc;
    if (json) return PrintJson(resp);
    std::cout << "class " << resp.class_code() << " (" << resp.jurisdiction_id() << ")\n";
    std::cout << BandTable(resp.band(), resp.schedule().id());
    if (resp.has_alternative_assignment()) {
      std::cout << "alternative band " << resp.alternative_assignment().band_code() << ": "
                << resp.alternative_assignment().reason() << "\n";
      if (resp.has_alternative_band())
        std::cout << BandTable(resp.alternative_band(),
                               resp.alternative_band().schedule_id().empty()
                                   ? resp.schedule().id()
                                   : resp.alternative_band().schedule_id());
    }
    for (const auto& n : resp.notes()) std::cout << "note: " << n << "\n";
    return 0;
  }

  if (verb == "convert" && args.size() == 3) {
    std::vector<std::string> parts = absl::StrSplit(args[2], '/');
    ppb::ConvertRateRequest req;
    int64_t cents = 0;
    if (parts.size() != 2 || !ParseAmount(parts[0], &cents)) {
      return UsageError("pay convert: give AMOUNT/UNIT, e.g. 25.50/hour");
    }
    const ppb::RateUnit from = ParseUnit(parts[1]);
    const ppb::RateUnit to = ParseUnit(absl::GetFlag(FLAGS_to));
    if (from == ppb::RATE_UNIT_UNSPECIFIED || to == ppb::RATE_UNIT_UNSPECIFIED) {
      return UsageError(
          "pay convert: units are hourly, biweekly, semimonthly, monthly or annual (--to=...)");
    }
    *req.mutable_amount() = Amount(cents);
    req.set_from_unit(from);
    req.set_to_unit(to);
    req.set_hours_per_year(absl::GetFlag(FLAGS_hours_per_year));
    req.set_schedule_id(absl::GetFlag(FLAGS_schedule));
    ppb::ConvertRateResponse resp;
    int rc = PayCall([&](auto* c, const auto& r, auto* o) { return stub->ConvertRate(c, r, o); },
                     req, &resp);
    if (rc != 0) return rc;
    if (json) return PrintJson(resp);
    std::cout << Shown(Amount(cents)) << " " << UnitText(from) << " = " << MoneyText(resp.amount())
              << " " << UnitText(to) << " (" << resp.hours_per_year() << " hours a year"
              << (resp.exact() ? ", exact" : ", rounded to the cent") << ")\n";
    return 0;
  }

  if ((verb == "place" || verb == "find") && args.size() == 3) {
    int64_t cents = 0;
    if (!ParseAmount(args[2], &cents)) return UsageError("pay " + verb + ": bad salary amount");
    const ppb::RateUnit unit = ParseUnit(absl::GetFlag(FLAGS_unit));
    if (unit == ppb::RATE_UNIT_UNSPECIFIED) return UsageError("--unit: unknown unit");
    bool has = false;
    common::v1::Date as_of;
    if (!DateFlag("as_of", absl::GetFlag(FLAGS_as_of), &has, &as_of)) return kUsageExit;
    if (verb == "place") {
      ppb::PlaceSalaryRequest req;
      req.set_jurisdiction_id(jurisdiction);
      req.set_band_code(absl::GetFlag(FLAGS_band));
      *req.mutable_salary() = Amount(cents);
      req.set_salary_unit(unit);
      if (has) *req.mutable_as_of() = as_of;
      ppb::PlaceSalaryResponse resp;
      int rc = PayCall([&](auto* c, const auto& r, auto* o) { return stub->PlaceSalary(c, r, o); },
                       req, &resp);
      if (rc != 0) return rc;
      if (json) return PrintJson(resp);
      std::cout << BandTable(resp.placement().band(), resp.schedule().id());
      std::cout << PlacementText(resp.placement());
      return 0;
    }
    ppb::FindBandsForSalaryRequest req;
    req.set_jurisdiction_id(jurisdiction);
    *req.mutable_salary() = Amount(cents);
    req.set_salary_unit(unit);
    if (has) *req.mutable_as_of() = as_of;
    ppb::FindBandsForSalaryResponse resp;
    int rc =
        PayCall([&](auto* c, const auto& r, auto* o) { return stub->FindBandsForSalary(c, r, o); },
                req, &resp);
    if (rc != 0) return rc;
    if (json) return PrintJson(resp);
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

  if (verb == "check" && args.size() == 3) {
    ppb::CheckPayActionRequest req;
    const std::string kind = absl::AsciiStrToLower(args[2]);
    if (kind == "entrance" || kind == "hire") {
      req.set_kind(ppb::PAY_ACTION_KIND_ENTRANCE);
    } else if (kind == "promotion") {
      req.set_kind(ppb::PAY_ACTION_KIND_PROMOTION);
    } else if (kind == "other") {
      req.set_kind(ppb::PAY_ACTION_KIND_OTHER);
    } else {
      return UsageError("pay check: the action is entrance, promotion or other");
    }
    const ppb::RateUnit unit = ParseUnit(absl::GetFlag(FLAGS_unit));
    if (unit == ppb::RATE_UNIT_UNSPECIFIED) return UsageError("--unit: unknown unit");
    int64_t cents = 0;
    if (!absl::GetFlag(FLAGS_from).empty()) {
      if (!ParseAmount(absl::GetFlag(FLAGS_from), &cents)) return UsageError("--from: bad amount");
      *req.mutable_current_salary() = Amount(cents);
    }
    if (absl::GetFlag(FLAGS_to).empty() || !ParseAmount(absl::GetFlag(FLAGS_to), &cents)) {
      return UsageError("--to: give the new salary, e.g. --to=57000");
    }
    *req.mutable_new_salary() = Amount(cents);
    req.set_salary_unit(unit);
    req.set_jurisdiction_id(jurisdiction);
    req.set_band_code(absl::GetFlag(FLAGS_band));
    bool has = false;
    if (!DateFlag("date", absl::GetFlag(FLAGS_date), &has, req.mutable_action_date()))
      return kUsageExit;
    if (!has) *req.mutable_action_date() = Today();
    ppb::CheckPayActionResponse resp;
    int rc = PayCall([&](auto* c, const auto& r, auto* o) { return stub->CheckPayAction(c, r, o); },
                     req, &resp);
    if (rc != 0) return rc;
    if (json) return PrintJson(resp);
    std::cout << "action date " << dates::Format(req.action_date()) << ", band "
              << resp.placement().band().code() << " of " << resp.schedule().id() << "\n";
    std::cout << PlacementText(resp.placement());
    if (resp.has_increase_bp()) std::cout << "increase        " << Bp(resp.increase_bp()) << "\n";
    if (resp.findings().empty()) {
      std::cout << "no approval needed under the rules evaluated\n";
    } else {
      std::vector<std::vector<std::string>> rows;
      for (const auto& f : resp.findings()) {
        rows.push_back(
            {f.rule_id(), f.citation(),
             f.certainty() == ppb::RULE_CERTAINTY_UNCONFIRMED ? "unconfirmed" : "in force",
             f.requirement()});
      }
      std::cout << Table({"RULE", "CITATION", "CERTAINTY", "REQUIREMENT"}, rows);
      for (const auto& f : resp.findings()) {
        if (!f.certainty_note().empty()) std::cout << "note: " << f.certainty_note() << "\n";
      }
    }
    for (const auto& u : resp.unevaluated())
      std::cout << "not evaluated: " << u.rule_id() << " (" << u.citation() << "): " << u.reason()
                << "\n";
    return 0;
  }

  if (verb == "reviews" && args.size() == 2) {
    ppb::ListAlternativeBandReviewsDueRequest req;
    req.set_jurisdiction_id(jurisdiction);
    bool has = false;
    if (!DateFlag("due_by", absl::GetFlag(FLAGS_due_by), &has, req.mutable_due_by()))
      return kUsageExit;
    if (!has) *req.mutable_due_by() = Today();
    ppb::ListAlternativeBandReviewsDueResponse resp;
    int rc = PayCall([&](auto* c, const auto& r,
                         auto* o) { return stub->ListAlternativeBandReviewsDue(c, r, o); },
                     req, &resp);
    if (rc != 0) return rc;
    if (json) return PrintJson(resp);
    std::vector<std::vector<std::string>> rows;
    for (const auto& a : resp.assignments()) {
      rows.push_back({a.jurisdiction_id(), a.class_code(), a.band_code(),
                      dates::Format(a.review_due_on()), a.reason()});
    }
    std::cout << Table({"JURISDICTION", "CLASS", "ALT BAND", "REVIEW DUE", "REASON"}, rows);
    std::cout << resp.assignments_size() << " reviews due\n";
    return 0;
  }

  if (verb == "flsa" && args.size() == 2) {
    ppb::CheckFlsaSalaryLevelRequest req;
    req.set_jurisdiction_id(jurisdiction);
    bool has = false;
    if (!DateFlag("as_of", absl::GetFlag(FLAGS_as_of), &has, req.mutable_as_of()))
      return kUsageExit;
    if (!has) req.clear_as_of();
    ppb::CheckFlsaSalaryLevelResponse resp;
    int rc = PayCall(
        [&](auto* c, const auto& r, auto* o) { return stub->CheckFlsaSalaryLevel(c, r, o); }, req,
        &resp);
    if (rc != 0) return rc;
    if (json) return PrintJson(resp);
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

  if (verb == "import" && args.size() == 3) {
    std::ifstream in(args[2], std::ios::binary);
    if (!in) return UsageError("pay import: cannot read " + args[2]);
    std::stringstream buf;
    buf << in.rdbuf();
    const std::string base = args[2].substr(args[2].find_last_of('/') + 1);
    ppb::ImportScheduleRequest req;
    req.set_jurisdiction_id(jurisdiction);
    req.set_name(absl::GetFlag(FLAGS_name).empty() ? base : absl::GetFlag(FLAGS_name));
    req.set_hours_per_year(absl::GetFlag(FLAGS_hours_per_year));
    req.mutable_source()->set_document(
        absl::GetFlag(FLAGS_source).empty() ? base : absl::GetFlag(FLAGS_source));
    req.set_csv(buf.str());
    bool has = false;
    if (absl::GetFlag(FLAGS_effective_from).empty())
      return UsageError("pay import: --effective_from=YYYY-MM-DD is required");
    if (!DateFlag("effective_from", absl::GetFlag(FLAGS_effective_from), &has,
                  req.mutable_effective_from()))
      return kUsageExit;
    if (!DateFlag("effective_to", absl::GetFlag(FLAGS_effective_to), &has,
                  req.mutable_effective_to()))
      return kUsageExit;
    if (!has) req.clear_effective_to();
    ppb::ImportScheduleResponse resp;
    int rc = PayCall([&](auto* c, const auto& r, auto* o) { return stub->ImportSchedule(c, r, o); },
                     req, &resp);
    if (rc != 0) return rc;
    if (json) return PrintJson(resp);
    std::cout << "imported " << resp.band_count() << " bands as pay schedule "
              << resp.schedule().id() << " (version " << resp.schedule().version() << ")\n";
    return 0;
  }
  return Usage();
}

}  // namespace classplan::ctl
