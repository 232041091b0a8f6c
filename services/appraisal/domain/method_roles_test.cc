#include "services/appraisal/domain/method_roles.h"

#include <gtest/gtest.h>

#include <string>

#include "classplan/appraisal/v1/appraisal_service.pb.h"

namespace classplan::appraisal {
namespace {

// Fail closed is only safe if no method is forgotten: every RPC of the service is listed.
TEST(AppraisalMethodRolesTest, EveryMethodOfTheServiceIsInTheTable) {
  const google::protobuf::ServiceDescriptor* service =
      classplan::appraisal::v1::GetFrameworkRequest::descriptor()->file()->FindServiceByName(
          "AppraisalService");
  ASSERT_NE(service, nullptr);
  ASSERT_GT(service->method_count(), 0);
  for (int i = 0; i < service->method_count(); ++i) {
    const std::string& name = service->method(i)->name();
    EXPECT_TRUE(AppraisalMethodRoles().Lists(name)) << name << " has no roles";
    EXPECT_FALSE(AppraisalMethodRoles().RolesFor(name).empty()) << name;
  }
}

TEST(AppraisalMethodRolesTest, AgencySystemsReachOnlyFrameworks) {
  using identity::Role;
  const identity::Caller system{"p", {Role::kAgencySystem}, "", ""};
  EXPECT_TRUE(AppraisalMethodRoles().Authorize("GetFramework", system).ok());
  EXPECT_FALSE(AppraisalMethodRoles().Authorize("GetAppraisal", system).ok());
  EXPECT_FALSE(AppraisalMethodRoles().Authorize("CreateAppraisal", system).ok());
}

}  // namespace
}  // namespace classplan::appraisal
