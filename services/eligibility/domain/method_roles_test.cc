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

TEST(EligibilityMethodRolesTest, OnlyHrRecordsRulings) {
  using identity::Role;
  for (const char* m : {"RecordRuling", "ListRulings", "WithdrawRuling"}) {
    for (Role r : {Role::kSupervisor, Role::kEmployee, Role::kAgencySystem}) {
      EXPECT_FALSE(EligibilityMethodRoles().Authorize(m, identity::Caller{"p", {r}, "", ""}).ok())
          << m;
    }
    for (Role r : {Role::kHrAnalyst, Role::kHrAdmin}) {
      EXPECT_TRUE(EligibilityMethodRoles().Authorize(m, identity::Caller{"p", {r}, "", ""}).ok())
          << m;
    }
  }
}

}  // namespace
}  // namespace classplan::eligibility
