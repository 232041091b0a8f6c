#include "services/payband/domain/method_roles.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <string>

#include "classplan/payband/v1/payband_service.pb.h"

namespace classplan::payband {
namespace {

TEST(PaybandMethodRolesTest, EveryMethodOfTheServiceIsInTheTable) {
  const auto* service =
      classplan::payband::v1::GetBandRequest::descriptor()->file()->FindServiceByName(
          "PaybandService");
  ASSERT_NE(service, nullptr);
  ASSERT_GT(service->method_count(), 0);
  EXPECT_THAT(identity::UnlistedMethods(PaybandMethodRoles(), *service), testing::IsEmpty());
}

TEST(PaybandMethodRolesTest, ImportsNeedHrAdmin) {
  using identity::Role;
  auto caller = [](Role r) { return identity::Caller{"p", {r}, "", ""}; };
  EXPECT_TRUE(PaybandMethodRoles().Authorize("ImportSchedule", caller(Role::kHrAdmin)).ok());
  for (Role r : {Role::kAgencySystem, Role::kHrAnalyst, Role::kSupervisor, Role::kEmployee}) {
    EXPECT_FALSE(PaybandMethodRoles().Authorize("ImportSchedule", caller(r)).ok());
  }
  EXPECT_TRUE(PaybandMethodRoles().Authorize("PlaceSalary", caller(Role::kEmployee)).ok());
}

}  // namespace
}  // namespace classplan::payband
