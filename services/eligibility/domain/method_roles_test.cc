#include "services/eligibility/domain/method_roles.h"

#include <gtest/gtest.h>

#include <string>

#include "classplan/eligibility/v1/eligibility_service.pb.h"

namespace classplan::eligibility {
namespace {

// Fail closed is only safe if no method is forgotten: every RPC of the service is listed.
TEST(EligibilityMethodRolesTest, EveryMethodOfTheServiceIsInTheTable) {
  const google::protobuf::ServiceDescriptor* service =
      classplan::eligibility::v1::EvaluateRequest::descriptor()->file()->FindServiceByName(
          "EligibilityService");
  ASSERT_NE(service, nullptr);
  ASSERT_GT(service->method_count(), 0);
  for (int i = 0; i < service->method_count(); ++i) {
    const std::string& name = service->method(i)->name();
    EXPECT_TRUE(EligibilityMethodRoles().Lists(name)) << name << " has no roles";
    EXPECT_FALSE(EligibilityMethodRoles().RolesFor(name).empty()) << name;
  }
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
