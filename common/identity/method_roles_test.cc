#include "common/identity/method_roles.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

namespace classplan::identity {
namespace {

using ::testing::HasSubstr;

Caller With(std::vector<Role> roles) { return Caller{"p", std::move(roles), "", ""}; }

TEST(MethodRolesTest, AllowsAListedRoleRefusesOthersAndUnlistedMethods) {
  MethodRoles table({{"Read", kAnyRole}, {"Write", {Role::kHrAnalyst, Role::kHrAdmin}}});
  EXPECT_TRUE(table.Authorize("Read", With({Role::kEmployee})).ok());
  EXPECT_TRUE(table.Authorize("Write", With({Role::kEmployee, Role::kHrAdmin})).ok());
  absl::Status denied = table.Authorize("Write", With({Role::kSupervisor}));
  EXPECT_EQ(denied.code(), absl::StatusCode::kPermissionDenied);
  EXPECT_THAT(std::string(denied.message()), HasSubstr("hr_analyst, hr_admin"));
  EXPECT_EQ(table.Authorize("Write", With({})).code(), absl::StatusCode::kPermissionDenied);
  EXPECT_EQ(table.Authorize("Other", With({Role::kHrAdmin})).code(),
            absl::StatusCode::kPermissionDenied);
  EXPECT_TRUE(table.Lists("Read"));
  EXPECT_FALSE(table.Lists("Other"));
  EXPECT_TRUE(table.RolesFor("Other").empty());
}

}  // namespace
}  // namespace classplan::identity
