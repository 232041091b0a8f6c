#include "common/status/field_violations.h"
#include "common/status/grpc_status.h"
#include "google/rpc/error_details.pb.h"
#include "google/rpc/status.pb.h"
#include "gtest/gtest.h"

namespace classplan::status {
namespace {

TEST(StatusTest, ViolationsRoundTripThroughGrpcDetails) {
  Violations v;
  v.Add("filter", "unknown field 'colour'");
  v.Add("page_size", "must be between 0 and 500");
  absl::Status s = v.ToStatus();
  ASSERT_EQ(s.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(GetFieldViolations(s).size(), 2u);

  grpc::Status g = ToGrpcStatus(s);
  EXPECT_EQ(g.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  google::rpc::Status rich;
  ASSERT_TRUE(rich.ParseFromString(g.error_details()));
  ASSERT_EQ(rich.details_size(), 1);
  google::rpc::BadRequest br;
  ASSERT_TRUE(rich.details(0).UnpackTo(&br));
  ASSERT_EQ(br.field_violations_size(), 2);
  EXPECT_EQ(br.field_violations(1).field(), "page_size");

  absl::Status back = FromGrpcStatus(g);
  EXPECT_EQ(back.code(), absl::StatusCode::kInvalidArgument);
  auto violations = GetFieldViolations(back);
  ASSERT_EQ(violations.size(), 2u);
  EXPECT_EQ(violations[0].field, "filter");
}

TEST(StatusTest, ViolationsToBadRequestAndBack) {
  google::rpc::BadRequest br;
  br.add_field_violations()->set_field("already");
  AppendToBadRequest({{"a", "bad a"}, {"b", "bad b"}}, &br);
  ASSERT_EQ(br.field_violations_size(), 3);
  EXPECT_EQ(br.field_violations(1).field(), "a");
  EXPECT_EQ(br.field_violations(2).description(), "bad b");
  auto back = FromBadRequest(br);
  ASSERT_EQ(back.size(), 3u);
  EXPECT_EQ(back[2].field, "b");
  EXPECT_EQ(back[2].description, "bad b");
}

TEST(StatusTest, LengthAndCountLimitsAddOneViolationEach) {
  Violations v;
  EXPECT_TRUE(CheckLength("abc", 3, "name", v));
  EXPECT_TRUE(CheckLength("", 0, "name", v));
  EXPECT_TRUE(CheckCount(200, 200, "items", v));
  EXPECT_TRUE(v.empty());
  EXPECT_FALSE(CheckLength("abcd", 3, "name", v));
  EXPECT_FALSE(CheckCount(201, 200, "items", v));
  ASSERT_EQ(v.list().size(), 2u);
  EXPECT_EQ(v.list()[0].field, "name");
  EXPECT_EQ(v.list()[0].description, "must be at most 3 bytes");  // never the text itself
  EXPECT_EQ(v.list()[1].field, "items");
  EXPECT_EQ(v.list()[1].description, "at most 200 entries");
}

TEST(StatusTest, PlainCodesMapOneToOne) {
  EXPECT_EQ(ToGrpcStatus(absl::NotFoundError("x")).error_code(), grpc::StatusCode::NOT_FOUND);
  EXPECT_EQ(ToGrpcStatus(absl::AbortedError("x")).error_code(), grpc::StatusCode::ABORTED);
  EXPECT_TRUE(ToGrpcStatus(absl::OkStatus()).ok());
  EXPECT_TRUE(ToGrpcStatus(absl::NotFoundError("x")).error_details().empty());
  EXPECT_TRUE(Violations().ToStatus().ok());
}

}  // namespace
}  // namespace classplan::status
