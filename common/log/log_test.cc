#include "common/log/log.h"

#include "gtest/gtest.h"

namespace classplan::log {
namespace {

TEST(LogTest, FormatsOneJsonLineWithEscapedFields) {
  Init("catalog");
  std::string line =
      Format(Level::kWarn, "cache \"fallback\"",
             {{"rpc", absl::string_view("GetJobClass")}, {"count", int64_t{3}}, {"ok", false}});
  EXPECT_EQ(line.find('\n'), std::string::npos);
  EXPECT_NE(line.find("\"level\":\"warn\""), std::string::npos);
  EXPECT_NE(line.find("\"service\":\"catalog\""), std::string::npos);
  EXPECT_NE(line.find("\"msg\":\"cache \\\"fallback\\\"\""), std::string::npos);
  EXPECT_NE(line.find("\"rpc\":\"GetJobClass\""), std::string::npos);
  EXPECT_NE(line.find("\"count\":3"), std::string::npos);
  EXPECT_NE(line.find("\"ok\":false"), std::string::npos);
}

TEST(LogTest, EscapesControlCharacters) { EXPECT_EQ(JsonEscape("a\nb\x01"), "a\\nb\\u0001"); }

}  // namespace
}  // namespace classplan::log
