#include "services/gateway/domain/call_rules.h"

#include "gtest/gtest.h"

namespace classplan::gateway {
namespace {

TEST(CallRulesTest, IdentityAndKeysNeverTravel) {
  EXPECT_FALSE(ForwardClientHeader("authorization"));
  EXPECT_FALSE(ForwardClientHeader("x-classplan-principal"));
  EXPECT_FALSE(ForwardClientHeader("x-classplan-roles"));
  EXPECT_FALSE(ForwardClientHeader("x-classplan-anything"));
  EXPECT_FALSE(ForwardClientHeader("x-request-id"));
  EXPECT_FALSE(ForwardClientHeader("grpc-timeout"));
  EXPECT_FALSE(ForwardClientHeader(":authority"));
  EXPECT_TRUE(ForwardClientHeader("x-custom"));
  // The gateway sends the backend its own child of the caller's trace (proxy.cc).
  EXPECT_FALSE(ForwardClientHeader("traceparent"));
  EXPECT_TRUE(ForwardClientHeader("tracestate"));
  EXPECT_TRUE(ForwardBackendHeader("x-custom-bin"));
  EXPECT_FALSE(ForwardBackendHeader("grpc-status-details-bin"));
}

TEST(CallRulesTest, Deadlines) {
  const absl::Time now = absl::FromUnixSeconds(100);
  EXPECT_EQ(BackendDeadline(absl::InfiniteFuture(), now, absl::Seconds(30), absl::Seconds(120)),
            now + absl::Seconds(30));
  EXPECT_EQ(BackendDeadline(now + absl::Hours(1), now, absl::Seconds(30), absl::Seconds(120)),
            now + absl::Seconds(120));
  EXPECT_EQ(BackendDeadline(now + absl::Seconds(2), now, absl::Seconds(30), absl::Seconds(120)),
            now + absl::Seconds(2));
}

TEST(CallRulesTest, RequestIds) {
  EXPECT_EQ(RequestIdFor("abc-123"), "abc-123");
  const std::string a = RequestIdFor(""), b = RequestIdFor("");
  EXPECT_EQ(a.size(), 32u);
  EXPECT_NE(a, b);
  EXPECT_EQ(RequestIdFor("has space").size(), 32u);
  EXPECT_EQ(RequestIdFor(std::string(200, 'x')).size(), 32u);
}

TEST(CallRulesTest, MethodParts) {
  EXPECT_EQ(ServiceOf("/a.b.Svc/Get"), "a.b.Svc");
  EXPECT_EQ(MethodNameOf("/a.b.Svc/Get"), "Get");
  EXPECT_EQ(ServiceOf("nonsense"), "");
  EXPECT_EQ(ServiceOf("/a.Svc/"), "");
  EXPECT_EQ(ServiceOf("//Get"), "");
}

TEST(CallRulesTest, RoutesExactThenPackage) {
  std::vector<RouteSettings> r(3);
  r[0].service = "classplan.catalog.v1.CatalogService";
  r[1].service = "classplan.eligibility.v1.*";
  r[2].service = "classplan.*";
  RouteTable t(r);
  EXPECT_EQ(t.Find("classplan.catalog.v1.CatalogService"), 0);
  EXPECT_EQ(t.Find("classplan.eligibility.v1.EligibilityService"), 1);
  EXPECT_EQ(t.Find("classplan.eligibility.v1.sub.Svc"), -1);
  EXPECT_EQ(t.Find("classplan.Thing"), 2);
  EXPECT_EQ(t.Find("other.Svc"), -1);
}

TEST(CallRulesTest, ServiceConfigRetriesOnlyIdempotentMethods) {
  RouteSettings r;
  r.service = "a.Svc";
  EXPECT_EQ(ServiceConfigJson(r), R"({"loadBalancingConfig":[{"round_robin":{}}]})");
  r.idempotent_methods = {"Get", "List"};
  const std::string json = ServiceConfigJson(r);
  EXPECT_NE(json.find(R"({"service":"a.Svc","method":"Get"})"), std::string::npos) << json;
  EXPECT_NE(json.find(R"("retryableStatusCodes":["UNAVAILABLE"])"), std::string::npos) << json;
  EXPECT_NE(json.find(R"("maxAttempts":3)"), std::string::npos) << json;
}

}  // namespace
}  // namespace classplan::gateway
