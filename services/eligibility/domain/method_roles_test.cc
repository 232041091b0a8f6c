#include "services/eligibility/domain/method_roles.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <string>

#include "classplan/eligibility/v1/eligibility_service.pb.h"

namespace classplan::eligibility {
namespace {

TEST(EligibilityMethodRolesTest, EveryMethodOfTheServiceIsInTheTable) {
  const auto* service =
      classplan::eligibility::v1::EvaluateRequest::descriptor()->file()->FindServiceByName(
          "EligibilityService");
  ASSERT_NE(service, nullptr);
  ASSERT_GT(service->method_count(), 0);
  EXPECT_THAT(identity::UnlistedMethods(EligibilityMethodRoles(), *service), testing::IsEmpty());
}

TEST(EligibilityMethodRolesTest, SupervisorsAndEmployeesDoNotScreen) {
  using identity::Role;
  for (Role r : {Role::kSupervisor, Role::kEmployee}) {
    EXPECT_FALSE(
        EligibilityMethodRoles().Authorize("Evaluate", identity::Caller{"p", {r}, "", ""}).ok());
  }
  EXPECT_TRUE(
      EligibilityMethodRoles()
          .Authorize("ScreenApplicants", identity::Caller{"p", {Role::kAgencySystem}, "", ""})
          .ok());
}

}  // namespace
}  // namespace classplan::eligibility
