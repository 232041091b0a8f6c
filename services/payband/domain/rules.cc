#include "services/payband/domain/rules.h"

#include <functional>

#include "absl/strings/str_cat.h"

namespace classplan::payband {
namespace {

enum class Standing { kInForce, kUnconfirmed, kTextNotSeen };

// [from, until): absent bounds are open.
struct Period {
  std::optional<absl::CivilDay> from;
  std::optional<absl::CivilDay> until;
  Standing standing;
  std::string note;  // for kUnconfirmed and kTextNotSeen
};

// Returns the reason the rule fires, or nullopt.
using Test = std::function<std::optional<std::string>(const AnnualRange&, const PayAction&)>;

struct Rule {
  std::string id;
  std::string citation;
  std::string requirement;
  std::vector<Period> periods;
  Test test;
};

// "$1,234.56" for cents.
std::string Dollars(int64_t cents) {
  std::string whole = absl::StrCat(cents / 100);
  std::string grouped;
  for (size_t i = 0; i < whole.size(); ++i) {
    if (i > 0 && (whole.size() - i) % 3 == 0) grouped += ',';
    grouped += whole[i];
  }
  const int64_t c = cents % 100;
  return absl::StrCat("$", grouped, ".", c < 10 ? "0" : "", c);
}

const std::vector<Rule>& NmRules() {
  static const auto* rules = [] {
    const std::string kAmended2025Note =
        "1.7.4 NMAC was amended on 29 Jul 2025 (NM Register Vol. XXXVI Issue 14); the adopted "
        "text was not seen";
    auto* r = new std::vector<Rule>;
    r->push_back(Rule{
        "nm-1.7.4.12A-entrance-compa-115",
        "1.7.4.12 A NMAC (as amended 2025/2026)",
        "the SPO director's approval before hire",
        {
            // The reference gives this rule "as amended 2025/2026" without saying which of
            // the two amendments introduced it: certain from the 2026 one, unconfirmed
            // between the two. Before 2025 the text in force was not seen, so the rule is
            // listed as not evaluated (it may or may not have applied).
            {std::nullopt, NmAmendment2025(), Standing::kTextNotSeen,
             "the text of 1.7.4.12 A NMAC in force before the 29 Jul 2025 amendment was not "
             "seen; whether an entrance salary at or above 115% compa-ratio needed approval "
             "then is not known"},
            {NmAmendment2025(), NmAmendment2026(), Standing::kUnconfirmed,
             "the 115% entrance rule is known from the text as amended 2025/2026; whether the "
             "29 Jul 2025 amendment or the 24 Feb 2026 one introduced it was not seen"},
            {NmAmendment2026(), std::nullopt, Standing::kInForce, ""},
        },
        [](const AnnualRange& r, const PayAction& a) -> std::optional<std::string> {
          if (a.kind != pb::PAY_ACTION_KIND_ENTRANCE) return std::nullopt;
          // salary / (mid2/2) >= 1.15  <=>  200 * salary >= 115 * mid2, exactly.
          if (static_cast<Int128>(a.new_annual) * 200 >= static_cast<Int128>(r.mid2) * 115) {
            return absl::StrCat("entrance salary ", Dollars(a.new_annual),
                                " a year is at or above 115% compa-ratio (midpoint ",
                                Dollars(static_cast<int64_t>(DivRoundHalfAway(r.mid2, 2))), ")");
          }
          return std::nullopt;
        }});
    r->push_back(
        Rule{"nm-1.7.4.12D-promotion-increase-5-15",
             "1.7.4.12 D NMAC (text in force before the 29 Jul 2025 amendment)",
             "the director's approval",
             {
                 // The start of this text is not in the sources; it is applied to every date
                 // before the amendment.
                 {std::nullopt, NmAmendment2025(), Standing::kInForce, ""},
                 {NmAmendment2025(), std::nullopt, Standing::kTextNotSeen,
                  absl::StrCat(kAmended2025Note,
                               " (a May 2025 proposal lowered 15% to 10% and capped in-band "
                               "adjustments at 10% a fiscal year)")},
             },
             [](const AnnualRange& r, const PayAction& a) -> std::optional<std::string> {
               if (a.kind != pb::PAY_ACTION_KIND_PROMOTION || !a.current_annual)
                 return std::nullopt;
               const Int128 cur = *a.current_annual;
               const Int128 nxt = a.new_annual;
               // A decrease is no promotion increase at all: it is below 5% and the band
               // maximum exception (a larger increase would pass it) cannot excuse it.
               if (nxt < cur) {
                 return absl::StrCat("promotion decreases pay from ", Dollars(*a.current_annual),
                                     " to ", Dollars(a.new_annual),
                                     " a year: a decrease, not an increase of 5% to 15%");
               }
               // increase < 5%  <=>  100 * new < 105 * current; > 15%  <=>  100 * new > 115 * cur.
               if (nxt * 100 > cur * 115) {
                 // Exception: the increase only brings pay up to the band minimum.
                 if (nxt <= r.min) return std::nullopt;
                 return std::string("promotion increase is above 15%");
               }
               if (nxt * 100 < cur * 105) {
                 // Exception: a larger increase would pass the band maximum, i.e. the
                 // increase is capped by the maximum: the new pay reaches it.
                 if (nxt >= r.max) return std::nullopt;
                 return std::string("promotion increase is below 5%");
               }
               return std::nullopt;
             }});
    r->push_back(Rule{
        "nm-band-limits-authorisation",
        "1.7.4 NMAC (older text): no classified employee is paid below the band minimum or "
        "above its maximum unless authorised",
        "authorisation",
        {
            {std::nullopt, NmAmendment2025(), Standing::kInForce, ""},
            {NmAmendment2025(), std::nullopt, Standing::kUnconfirmed,
             "the source gives this as older text; whether the 2025/2026 amendments kept it was "
             "not seen"},
        },
        [](const AnnualRange& r, const PayAction& a) -> std::optional<std::string> {
          if (a.new_annual < r.min) {
            return absl::StrCat("new salary ", Dollars(a.new_annual),
                                " a year is below the band minimum ", Dollars(r.min));
          }
          if (a.new_annual > r.max) {
            return absl::StrCat("new salary ", Dollars(a.new_annual),
                                " a year is above the band maximum ", Dollars(r.max));
          }
          return std::nullopt;
        }});
    return r;
  }();
  return *rules;
}

const Period* PeriodOn(const Rule& rule, absl::CivilDay day) {
  for (const Period& p : rule.periods) {
    if ((!p.from || *p.from <= day) && (!p.until || day < *p.until)) return &p;
  }
  return nullptr;
}

}  // namespace

absl::CivilDay NmAmendment2025() { return absl::CivilDay(2025, 7, 29); }
absl::CivilDay NmAmendment2026() { return absl::CivilDay(2026, 2, 24); }

bool HasRuleSet(const std::string& jurisdiction_id) { return jurisdiction_id == "nm-spo"; }

RuleResult EvaluateRules(const std::string& jurisdiction_id, const AnnualRange& range,
                         const PayAction& action) {
  RuleResult out;
  if (!HasRuleSet(jurisdiction_id)) return out;
  for (const Rule& rule : NmRules()) {
    const Period* p = PeriodOn(rule, action.date);
    if (p == nullptr) continue;
    if (p->standing == Standing::kTextNotSeen) {
      pb::UnevaluatedRule u;
      u.set_rule_id(rule.id);
      u.set_citation(rule.citation);
      u.set_reason(p->note);
      out.unevaluated.push_back(std::move(u));
      continue;
    }
    std::optional<std::string> reason = rule.test(range, action);
    if (!reason) continue;
    pb::RuleFinding f;
    f.set_rule_id(rule.id);
    f.set_citation(rule.citation);
    f.set_requirement(rule.requirement);
    f.set_reason(*reason);
    f.set_certainty(p->standing == Standing::kInForce ? pb::RULE_CERTAINTY_IN_FORCE
                                                      : pb::RULE_CERTAINTY_UNCONFIRMED);
    f.set_certainty_note(p->note);
    out.findings.push_back(std::move(f));
  }
  return out;
}

}  // namespace classplan::payband
