// New Mexico rule set on a test band: min $40,000, max $60,000, midpoint $50,000 (middle of
// range). The band is a fixture, not a New Mexico figure (none is on file).
#include "services/payband/domain/rules.h"

#include "gtest/gtest.h"

namespace classplan::payband {
namespace {

const AnnualRange kBand{4000000, 6000000, 10000000};

PayAction Entrance(int64_t cents, absl::CivilDay day) {
  PayAction a;
  a.kind = pb::PAY_ACTION_KIND_ENTRANCE;
  a.new_annual = cents;
  a.date = day;
  return a;
}

PayAction Promotion(int64_t from, int64_t to, absl::CivilDay day) {
  PayAction a;
  a.kind = pb::PAY_ACTION_KIND_PROMOTION;
  a.current_annual = from;
  a.new_annual = to;
  a.date = day;
  return a;
}

std::vector<std::string> Ids(const RuleResult& r) {
  std::vector<std::string> out;
  for (const auto& f : r.findings) out.push_back(f.rule_id());
  return out;
}

const absl::CivilDay k2024(2024, 6, 1), k2025Sep(2025, 9, 1), k2026Mar(2026, 3, 2);

TEST(NmRulesTest, EntranceAt115PercentNeedsApprovalFromThe2026Text) {
  auto r = EvaluateRules("nm-spo", kBand, Entrance(5750000, k2026Mar));  // exactly 115 %
  ASSERT_EQ(Ids(r), std::vector<std::string>{"nm-1.7.4.12A-entrance-compa-115"});
  EXPECT_EQ(r.findings[0].certainty(), pb::RULE_CERTAINTY_IN_FORCE);
  EXPECT_EQ(r.findings[0].citation(), "1.7.4.12 A NMAC (as amended 2025/2026)");
  EXPECT_TRUE(Ids(EvaluateRules("nm-spo", kBand, Entrance(5749999, k2026Mar))).empty());
}

TEST(NmRulesTest, EntranceRuleUnconfirmedBetweenAmendments) {
  auto r = EvaluateRules("nm-spo", kBand, Entrance(5750000, k2025Sep));
  ASSERT_EQ(r.findings.size(), 1u);
  EXPECT_EQ(r.findings[0].certainty(), pb::RULE_CERTAINTY_UNCONFIRMED);
  EXPECT_FALSE(r.findings[0].certainty_note().empty());
}

TEST(NmRulesTest, EntranceRuleListedAsNotEvaluatedBefore2025Amendment) {
  // 60,000 is 120 % compa-ratio; before 29 Jul 2025 the text in force was not seen, so the
  // answer must not be a silent "no approval needed".
  for (absl::CivilDay day : {absl::CivilDay(2025, 3, 1), k2024, absl::CivilDay(2025, 7, 28)}) {
    auto r = EvaluateRules("nm-spo", kBand, Entrance(6000000, day));
    EXPECT_TRUE(r.findings.empty()) << day;
    bool listed = false;
    for (const auto& u : r.unevaluated) {
      if (u.rule_id() != "nm-1.7.4.12A-entrance-compa-115") continue;
      listed = true;
      EXPECT_EQ(u.citation(), "1.7.4.12 A NMAC (as amended 2025/2026)");
      EXPECT_NE(u.reason().find("before the 29 Jul 2025 amendment was not seen"), std::string::npos)
          << u.reason();
    }
    EXPECT_TRUE(listed) << day;
  }
  // From the amendment day on it is evaluated (unconfirmed), not listed.
  auto r = EvaluateRules("nm-spo", kBand, Entrance(6000000, absl::CivilDay(2025, 7, 29)));
  for (const auto& u : r.unevaluated) EXPECT_NE(u.rule_id(), "nm-1.7.4.12A-entrance-compa-115");
}

TEST(NmRulesTest, PromotionIncreaseOutside5To15PercentBeforeAmendment) {
  // 48,000 -> 57,000 is 18.75 %.
  EXPECT_EQ(Ids(EvaluateRules("nm-spo", kBand, Promotion(4800000, 5700000, k2024))),
            std::vector<std::string>{"nm-1.7.4.12D-promotion-increase-5-15"});
  // 48,000 -> 49,000 is 2.08 %, and 5 % (50,400) would stay under the maximum.
  EXPECT_EQ(Ids(EvaluateRules("nm-spo", kBand, Promotion(4800000, 4900000, k2024))),
            std::vector<std::string>{"nm-1.7.4.12D-promotion-increase-5-15"});
  // Exactly 5 % and exactly 15 % need nothing.
  EXPECT_TRUE(Ids(EvaluateRules("nm-spo", kBand, Promotion(4800000, 5040000, k2024))).empty());
  EXPECT_TRUE(Ids(EvaluateRules("nm-spo", kBand, Promotion(4800000, 5520000, k2024))).empty());
}

TEST(NmRulesTest, PromotionExceptions) {
  // Above 15 % only up to the band minimum: 30,000 -> 40,000 (33 %) reaches the minimum.
  EXPECT_TRUE(Ids(EvaluateRules("nm-spo", kBand, Promotion(3000000, 4000000, k2024))).empty());
  // Below 5 % because a larger increase would pass the maximum: 57,500 -> 60,000 (4.35 %)
  // reaches the maximum, so the increase is capped by it.
  EXPECT_TRUE(Ids(EvaluateRules("nm-spo", kBand, Promotion(5750000, 6000000, k2024))).empty());
}

TEST(NmRulesTest, BelowFivePercentIsExcusedOnlyWhenNewPayReachesTheMaximum) {
  const std::vector<std::string> kFires{"nm-1.7.4.12D-promotion-increase-5-15"};
  // 58,000 -> 58,100 (0.17 %) stops short of the 60,000 maximum: a larger increase was
  // possible, so it needs approval even though 5 % (60,900) would pass the maximum.
  EXPECT_EQ(Ids(EvaluateRules("nm-spo", kBand, Promotion(5800000, 5810000, k2024))), kFires);
  EXPECT_EQ(Ids(EvaluateRules("nm-spo", kBand, Promotion(5800000, 5999999, k2024))), kFires);
  // Reaching the maximum exactly is excused.
  EXPECT_TRUE(Ids(EvaluateRules("nm-spo", kBand, Promotion(5800000, 6000000, k2024))).empty());
}

TEST(NmRulesTest, PromotionRuleNotEvaluatedAfterUnseenAmendment) {
  auto r = EvaluateRules("nm-spo", kBand, Promotion(4800000, 5700000, k2025Sep));
  EXPECT_TRUE(r.findings.empty());
  ASSERT_EQ(r.unevaluated.size(), 1u);
  EXPECT_EQ(r.unevaluated[0].rule_id(), "nm-1.7.4.12D-promotion-increase-5-15");
  EXPECT_NE(r.unevaluated[0].reason().find("not seen"), std::string::npos);
  // The day before the amendment the old text applies.
  EXPECT_EQ(
      Ids(EvaluateRules("nm-spo", kBand, Promotion(4800000, 5700000, absl::CivilDay(2025, 7, 28))))
          .size(),
      1u);
}

TEST(NmRulesTest, BandLimitsNeedAuthorisation) {
  PayAction a = Entrance(3999999, k2024);
  a.kind = pb::PAY_ACTION_KIND_OTHER;
  auto r = EvaluateRules("nm-spo", kBand, a);
  ASSERT_EQ(Ids(r), std::vector<std::string>{"nm-band-limits-authorisation"});
  EXPECT_EQ(r.findings[0].certainty(), pb::RULE_CERTAINTY_IN_FORCE);
  a.new_annual = 6000001;
  a.date = k2026Mar;
  r = EvaluateRules("nm-spo", kBand, a);
  ASSERT_EQ(Ids(r), std::vector<std::string>{"nm-band-limits-authorisation"});
  EXPECT_EQ(r.findings[0].certainty(), pb::RULE_CERTAINTY_UNCONFIRMED);
  a.new_annual = 6000000;
  EXPECT_TRUE(EvaluateRules("nm-spo", kBand, a).findings.empty());
}

TEST(NmRulesTest, OnlyNewMexicoHasARuleSet) {
  EXPECT_TRUE(HasRuleSet("nm-spo"));
  EXPECT_FALSE(HasRuleSet("denver-csa"));
  EXPECT_TRUE(EvaluateRules("denver-csa", kBand, Entrance(9000000, k2026Mar)).findings.empty());
}

}  // namespace
}  // namespace classplan::payband

namespace classplan::payband {
namespace {

TEST(NmRulesTest, PromotionDecreaseIsFlaggedAsADecrease) {
  // 57,000 -> 40,000: a decrease, reported as one (not as "increase below 5%").
  RuleResult r = EvaluateRules("nm-spo", kBand, Promotion(5700000, 4000000, k2024));
  ASSERT_EQ(Ids(r), std::vector<std::string>{"nm-1.7.4.12D-promotion-increase-5-15"});
  EXPECT_NE(r.findings[0].reason().find("decrease"), std::string::npos) << r.findings[0].reason();
  EXPECT_EQ(r.findings[0].reason().find("below 5%"), std::string::npos) << r.findings[0].reason();
  // A decrease from above the maximum down to it is not excused by the maximum exception.
  r = EvaluateRules("nm-spo", kBand, Promotion(6500000, 6000000, k2024));
  ASSERT_EQ(Ids(r), std::vector<std::string>{"nm-1.7.4.12D-promotion-increase-5-15"});
  EXPECT_NE(r.findings[0].reason().find("decrease"), std::string::npos);
  // An unchanged salary is an increase of 0%: below 5%.
  r = EvaluateRules("nm-spo", kBand, Promotion(5000000, 5000000, k2024));
  ASSERT_EQ(r.findings.size(), 1u);
  EXPECT_NE(r.findings[0].reason().find("below 5%"), std::string::npos);
}

}  // namespace
}  // namespace classplan::payband
