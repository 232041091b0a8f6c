#include "common/identity/identity.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "absl/strings/match.h"

namespace classplan::identity {
namespace {

using ::testing::ElementsAre;

TEST(IdentityTest, HeaderNamesAreLowerCaseAndShareThePrefix) {
  EXPECT_STREQ(kPrincipalHeader, "x-classplan-principal");
  EXPECT_STREQ(kRolesHeader, "x-classplan-roles");
  EXPECT_STREQ(kRequestIdHeader, "x-request-id");
  EXPECT_TRUE(absl::StartsWith(kPrincipalHeader, kHeaderPrefix));
  EXPECT_TRUE(absl::StartsWith(kRolesHeader, kHeaderPrefix));
  EXPECT_FALSE(absl::StartsWith(kRequestIdHeader, kHeaderPrefix));
}

TEST(IdentityTest, NamesRoundTrip) {
  EXPECT_STREQ(RoleName(Role::kAgencySystem), "agency_system");
  EXPECT_STREQ(RoleName(Role::kHrAnalyst), "hr_analyst");
  EXPECT_STREQ(RoleName(Role::kHrAdmin), "hr_admin");
  EXPECT_STREQ(RoleName(Role::kSupervisor), "supervisor");
  EXPECT_STREQ(RoleName(Role::kEmployee), "employee");
  for (Role r : kAllRoles) EXPECT_EQ(RoleFromName(RoleName(r)), r);
  EXPECT_EQ(RoleFromName("HR_ADMIN"), std::nullopt);
  EXPECT_EQ(RoleFromName(" hr_admin"), std::nullopt);
  EXPECT_EQ(RoleFromName(""), std::nullopt);
  EXPECT_EQ(KnownRoleNames(), "agency_system, hr_analyst, hr_admin, supervisor, employee");
}

TEST(IdentityTest, FormatsAndParsesTheRolesHeader) {
  EXPECT_EQ(FormatRoles({}), "");
  EXPECT_EQ(FormatRoles({Role::kHrAdmin, Role::kEmployee}), "hr_admin,employee");
  EXPECT_THAT(ParseRoles("hr_admin,employee"), ElementsAre(Role::kHrAdmin, Role::kEmployee));
  EXPECT_THAT(ParseRoles(" supervisor , ,bogus,employee,"),
              ElementsAre(Role::kSupervisor, Role::kEmployee));
  EXPECT_THAT(ParseRoles(""), ElementsAre());
  for (Role r : kAllRoles) EXPECT_THAT(ParseRoles(FormatRoles({r})), ElementsAre(r));
}

}  // namespace
}  // namespace classplan::identity
