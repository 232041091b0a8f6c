// The undated-revision rule (CheckUndated): what is done with a class whose revision in force
// on the day the catalog cannot tell.

#include <gtest/gtest.h>

#include "services/eligibility/domain/eligibility.h"
#include "services/eligibility/domain/test_rules.h"

namespace classplan::eligibility {
namespace {

FetchedClass Fetched(int revision, bool undated) {
  FetchedClass f;
  f.job_class = testing::ShippedClass("CA2459");
  f.job_class.set_revision(revision);
  f.undated = undated;
  if (undated) f.refusal = absl::FailedPreconditionError("cannot tell which revision (test)");
  return f;
}

TEST(UndatedRuleTest, ADatedRevisionIsUsedWithoutANote) {
  auto rules = BuildClassRules(Fetched(3, /*undated=*/false));
  ASSERT_TRUE(rules.ok()) << rules.status();
  EXPECT_EQ((*rules)->revision, 3);
  EXPECT_TRUE((*rules)->notes.empty());
}

TEST(UndatedRuleTest, AnUndatedOnlyRevisionIsUsedWithTheNote) {
  const FetchedClass f = Fetched(1, /*undated=*/true);
  EXPECT_TRUE(CheckUndated(f).ok());
  auto rules = BuildClassRules(f);
  ASSERT_TRUE(rules.ok()) << rules.status();
  EXPECT_EQ((*rules)->revision, 1);
  EXPECT_EQ((*rules)->notes, std::vector<std::string>{kUndatedNote});
  ASSERT_NE((*rules)->minimum, nullptr);
}

TEST(UndatedRuleTest, WithSeveralRevisionsTheCatalogsRefusalStands) {
  const FetchedClass f = Fetched(2, /*undated=*/true);
  EXPECT_EQ(CheckUndated(f), f.refusal);
  EXPECT_EQ(BuildClassRules(f).status(), f.refusal);
  // Without the catalog's answer, still refused.
  FetchedClass bare = f;
  bare.refusal = absl::OkStatus();
  EXPECT_EQ(CheckUndated(bare).code(), absl::StatusCode::kFailedPrecondition);
}

TEST(UndatedRuleTest, TheClassesOwnNotesAreNotCarried) {
  catalog::v1::JobClass c = testing::ShippedClass("CA2459");
  c.add_notes("a note of the class itself");
  c.add_notes(kUndatedNote);  // even this text, when the class is not undated
  EXPECT_TRUE(BuildClassRules(c)->notes.empty());
}

}  // namespace
}  // namespace classplan::eligibility
