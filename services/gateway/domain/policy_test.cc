#include "services/gateway/domain/policy.h"

#include "google/protobuf/text_format.h"
#include "gtest/gtest.h"

namespace classplan::gateway {
namespace {

Policy Make(const std::string& text) {
  v1::PolicyFile f;
  EXPECT_TRUE(google::protobuf::TextFormat::ParseFromString(text, &f));
  auto p = Policy::FromProto(f);
  EXPECT_TRUE(p.ok()) << p.status();
  return *p;
}

RoleSet R(const char* name) { return *RoleBit(name); }

TEST(PolicyTest, DenyByDefaultLongestPatternWins) {
  Policy p = Make(R"(
    rule { method: "/a.Svc/*" role: "*" }
    rule { method: "/a.Svc/Create*" role: "hr_admin" }
    rule { method: "/a.Svc/CreateNote" role: "hr_admin" role: "supervisor" }
    rule { method: "/grpc.health.v1.Health/*" public: true })");
  using D = Policy::Decision;
  EXPECT_EQ(p.Decide("/a.Svc/Get", R("employee")), D::kAllowed);
  EXPECT_EQ(p.Decide("/a.Svc/CreateThing", R("employee")), D::kDenied);
  EXPECT_EQ(p.Decide("/a.Svc/CreateThing", R("hr_admin")), D::kAllowed);
  EXPECT_EQ(p.Decide("/a.Svc/CreateNote", R("supervisor")), D::kAllowed);
  EXPECT_EQ(p.Decide("/b.Other/Get", kAnyRole), D::kDenied);
  EXPECT_EQ(p.Decide("/grpc.health.v1.Health/Check", 0), D::kPublic);
  EXPECT_TRUE(p.IsPublic("/grpc.health.v1.Health/Check"));
  EXPECT_FALSE(p.IsPublic("/a.Svc/Get"));
}

TEST(PolicyTest, BadRulesAreRefused) {
  for (const char* text :
       {R"(rule { method: "a.Svc/*" role: "*" })", R"(rule { method: "/a.*/Get" role: "*" })",
        R"(rule { method: "/a.Svc/Get" role: "admin" })", R"(rule { method: "/a.Svc/Get" })",
        R"(rule { method: "/a.Svc/Get" role: "*" } rule { method: "/a.Svc/Get" role: "*" })"}) {
    v1::PolicyFile f;
    ASSERT_TRUE(google::protobuf::TextFormat::ParseFromString(text, &f)) << text;
    EXPECT_FALSE(Policy::FromProto(f).ok()) << text;
  }
}

}  // namespace
}  // namespace classplan::gateway
