#include "services/payband/domain/method_roles.h"

#include <gtest/gtest.h>

#include <string>

#include "classplan/payband/v1/payband_service.pb.h"

namespace classplan::payband {
namespace {

// Fail closed is only safe if no method is forgotten: every RPC of the service is listed.
TEST(PaybandMethodRolesTest, EveryMethodOfTheServiceIsInTheTable) {
  const google::protobuf::ServiceDescriptor* service =
      classplan::payband::v1::GetBandRequest::descriptor()->file()->FindServiceByName(
          "PaybandService");
  ASSERT_NE(service, nullptr);
  ASSERT_GT(service->method_count(), 0);
  for (int i = 0; i < service->method_count(); ++i) {
    const std::string& name = service->method(i)->name();
    EXPECT_TRUE(PaybandMethodRoles().Lists(name)) << name << " has no roles";
    EXPECT_FALSE(PaybandMethodRoles().RolesFor(name).empty()) << name;
  }
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
