#include "services/appraisal/domain/method_roles.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <string>

#include "classplan/appraisal/v1/appraisal_service.pb.h"

namespace classplan::appraisal {
namespace {

TEST(AppraisalMethodRolesTest, EveryMethodOfTheServiceIsInTheTable) {
  const auto* service =
      classplan::appraisal::v1::GetFrameworkRequest::descriptor()->file()->FindServiceByName(
          "AppraisalService");
  ASSERT_NE(service, nullptr);
  ASSERT_GT(service->method_count(), 0);
  EXPECT_THAT(identity::UnlistedMethods(AppraisalMethodRoles(), *service), testing::IsEmpty());
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
