#include "services/gateway/domain/settings.h"

#include "google/protobuf/text_format.h"
#include "gtest/gtest.h"

namespace classplan::gateway {
namespace {

absl::StatusOr<Settings> From(const std::string& text) {
  v1::GatewayConfig c;
  EXPECT_TRUE(google::protobuf::TextFormat::ParseFromString(text, &c)) << text;
  return SettingsFromConfig(c, "/etc/gw");
}

TEST(SettingsTest, DefaultsAndRelativeFiles) {
  auto s = From(R"(keys_file: "keys.textproto" policy_file: "/abs/policy.textproto"
                   route { service: "classplan.catalog.v1.CatalogService"
                           target: "ipv4:127.0.0.1:1,127.0.0.1:2" idempotent_method: "GetJobClass" })");
  ASSERT_TRUE(s.ok()) << s.status();
  EXPECT_EQ(s->keys_file, "/etc/gw/keys.textproto");
  EXPECT_EQ(s->policy_file, "/abs/policy.textproto");
  EXPECT_EQ(s->listen, "127.0.0.1:50050");
  EXPECT_EQ(s->default_deadline, absl::Seconds(30));
  EXPECT_EQ(s->max_deadline, absl::Seconds(120));
  EXPECT_FALSE(s->rate_limit.enabled);
  EXPECT_TRUE(s->access_log);
  EXPECT_EQ(s->dns_min_time_between_resolutions, absl::Seconds(1));
  ASSERT_EQ(s->routes.size(), 1u);
  EXPECT_EQ(s->routes[0].health_service, "classplan.catalog.v1.CatalogService");
  EXPECT_EQ(s->routes[0].max_attempts, 3);
}

TEST(SettingsTest, RateLimitDefaults) {
  auto s = From(R"(keys_file: "k" policy_file: "p" rate_limit { requests_per_second: 50 })");
  ASSERT_TRUE(s.ok()) << s.status();
  EXPECT_TRUE(s->rate_limit.enabled);
  EXPECT_EQ(s->rate_limit.burst, 50);
  EXPECT_EQ(s->rate_limit.lease_batch, 10);
  // A batch is never bigger than the bucket.
  s = From(R"(keys_file: "k" policy_file: "p" rate_limit { requests_per_second: 2 burst: 3 })");
  ASSERT_TRUE(s.ok());
  EXPECT_EQ(s->rate_limit.lease_batch, 3);
}

TEST(SettingsTest, DnsResolutionInterval) {
  auto s = From(R"(keys_file: "k" policy_file: "p" dns_min_time_between_resolutions: "250ms")");
  ASSERT_TRUE(s.ok()) << s.status();
  EXPECT_EQ(s->dns_min_time_between_resolutions, absl::Milliseconds(250));
  EXPECT_FALSE(
      From(R"(keys_file: "k" policy_file: "p" dns_min_time_between_resolutions: "0s")").ok());
}

TEST(SettingsTest, MaxConnectionAgeIsOffUnlessSet) {
  auto s = From(R"(keys_file: "k" policy_file: "p")");
  ASSERT_TRUE(s.ok()) << s.status();
  EXPECT_EQ(s->max_connection_age, absl::ZeroDuration());
  s = From(R"(keys_file: "k" policy_file: "p" max_connection_age: "5m")");
  ASSERT_TRUE(s.ok()) << s.status();
  EXPECT_EQ(s->max_connection_age, absl::Minutes(5));
  s = From(R"(keys_file: "k" policy_file: "p" max_connection_age: "off")");
  ASSERT_TRUE(s.ok()) << s.status();
  EXPECT_EQ(s->max_connection_age, absl::ZeroDuration());
  EXPECT_FALSE(From(R"(keys_file: "k" policy_file: "p" max_connection_age: "0s")").ok());
  EXPECT_FALSE(From(R"(keys_file: "k" policy_file: "p" max_connection_age: "often")").ok());
}

TEST(SettingsTest, Refusals) {
  EXPECT_FALSE(From(R"(policy_file: "p")").ok());
  EXPECT_FALSE(From(R"(keys_file: "k" policy_file: "p" default_deadline: "soon")").ok());
  EXPECT_FALSE(
      From(R"(keys_file: "k" policy_file: "p" default_deadline: "5m" max_deadline: "1m")").ok());
  EXPECT_FALSE(
      From(R"(keys_file: "k" policy_file: "p" route { service: "Catalog" target: "x" })").ok());
  EXPECT_FALSE(From(R"(keys_file: "k" policy_file: "p" route { service: "a.B" })").ok());
  EXPECT_FALSE(From(R"(keys_file: "k" policy_file: "p" route { service: "a.B" target: "x" }
                       route { service: "a.B" target: "y" })")
                   .ok());
  EXPECT_FALSE(From(R"(keys_file: "k" policy_file: "p"
                       route { service: "a.B" target: "x" idempotent_method: "a.B/Get" })")
                   .ok());
  EXPECT_FALSE(From(R"(keys_file: "k" policy_file: "p" tls { cert_file: "c" })").ok());
}

TEST(SettingsTest, PackageRouteHasNoHealthName) {
  auto s = From(
      R"(keys_file: "k" policy_file: "p" route { service: "classplan.eligibility.v1.*" target: "x" })");
  ASSERT_TRUE(s.ok()) << s.status();
  EXPECT_EQ(s->routes[0].health_service, "");
}

}  // namespace
}  // namespace classplan::gateway

#include "services/gateway/domain/policy.h"
#include "tests/support/process.h"

namespace classplan::gateway {
namespace {

// The files the local suite ships must load (run.sh uses them as they are, ports aside).
TEST(ShippedGatewayFilesTest, ConfigAndPolicyLoad) {
  auto s = LoadSettings(testing::SourcePath("deploy/local/gateway.textproto"));
  ASSERT_TRUE(s.ok()) << s.status();
  EXPECT_EQ(s->listen, "127.0.0.1:50050");
  EXPECT_TRUE(s->rate_limit.enabled);
  ASSERT_EQ(s->routes.size(), 4u);
  EXPECT_EQ(s->routes[0].service, "classplan.catalog.v1.CatalogService");
  EXPECT_EQ(s->routes[3].service, "classplan.eligibility.v1.EligibilityService");
  auto p = Policy::Load(testing::SourcePath("deploy/local/gateway-policy.textproto"));
  ASSERT_TRUE(p.ok()) << p.status();
  using D = Policy::Decision;
  const RoleSet employee = *RoleBit("employee"), admin = *RoleBit("hr_admin");
  EXPECT_EQ(p->Decide("/classplan.catalog.v1.CatalogService/GetJobClass", employee), D::kAllowed);
  EXPECT_EQ(p->Decide("/classplan.catalog.v1.CatalogService/ReviseJobClass", employee), D::kDenied);
  EXPECT_EQ(p->Decide("/classplan.catalog.v1.CatalogService/ReviseJobClass", admin), D::kAllowed);
  EXPECT_EQ(p->Decide("/classplan.payband.v1.PaybandService/ImportSchedule", employee), D::kDenied);
  EXPECT_EQ(p->Decide("/classplan.appraisal.v1.AppraisalService/GetAppraisal", employee),
            D::kAllowed);
  EXPECT_EQ(
      p->Decide("/classplan.appraisal.v1.AppraisalService/GetAppraisal", *RoleBit("agency_system")),
      D::kDenied);
  EXPECT_EQ(p->Decide("/classplan.eligibility.v1.EligibilityService/Screen", employee), D::kDenied);
  EXPECT_EQ(p->Decide("/grpc.health.v1.Health/Check", 0), D::kPublic);
  EXPECT_EQ(p->Decide("/classplan.unknown.v1.Svc/Get", kAnyRole), D::kDenied);
}

}  // namespace
}  // namespace classplan::gateway
