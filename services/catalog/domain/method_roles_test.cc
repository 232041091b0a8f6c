#include "services/catalog/domain/method_roles.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <string>

#include "classplan/catalog/v1/catalog_service.pb.h"

namespace classplan::catalog {
namespace {

TEST(CatalogMethodRolesTest, EveryMethodOfTheServiceIsInTheTable) {
  const auto* service =
      classplan::catalog::v1::GetJobClassRequest::descriptor()->file()->FindServiceByName(
          "CatalogService");
  ASSERT_NE(service, nullptr);
  ASSERT_GT(service->method_count(), 0);
  EXPECT_THAT(identity::UnlistedMethods(CatalogMethodRoles(), *service), testing::IsEmpty());
}

TEST(CatalogMethodRolesTest, WritesNeedHrAndApprovalsHrAdmin) {
  using identity::Role;
  auto caller = [](Role r) { return identity::Caller{"p", {r}, "", ""}; };
  for (const char* write :
       {"CreateJobClass", "ReviseJobClass", "AbolishJobClass", "CreateClassificationNotice"}) {
    EXPECT_TRUE(CatalogMethodRoles().Authorize(write, caller(Role::kHrAnalyst)).ok()) << write;
    EXPECT_TRUE(CatalogMethodRoles().Authorize(write, caller(Role::kHrAdmin)).ok()) << write;
    for (Role r : {Role::kAgencySystem, Role::kSupervisor, Role::kEmployee}) {
      EXPECT_FALSE(CatalogMethodRoles().Authorize(write, caller(r)).ok()) << write;
    }
  }
  EXPECT_TRUE(CatalogMethodRoles().Authorize("RecordNoticeApproval", caller(Role::kHrAdmin)).ok());
  EXPECT_FALSE(
      CatalogMethodRoles().Authorize("RecordNoticeApproval", caller(Role::kHrAnalyst)).ok());
  EXPECT_TRUE(CatalogMethodRoles().Authorize("GetJobClass", caller(Role::kEmployee)).ok());
}

}  // namespace
}  // namespace classplan::catalog
