#include "common/log/log.h"

#include <atomic>
#include <thread>
#include <vector>

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

// Init may run while other threads log (a service renames itself after its flags are read):
// every line carries one whole name. Run under TSan, this is the race the lock prevents.
TEST(LogTest, InitWhileOtherThreadsFormat) {
  Init("payband");
  std::atomic<bool> stop{false};
  std::atomic<int> torn{0};
  std::vector<std::thread> readers;
  readers.reserve(3);
  for (int t = 0; t < 3; ++t) {
    readers.emplace_back([&] {
      while (!stop.load()) {
        const std::string line = Format(Level::kInfo, "x", {});
        if (line.find("\"service\":\"catalog-with-a-long-name\"") == std::string::npos &&
            line.find("\"service\":\"payband\"") == std::string::npos) {
          ++torn;
        }
      }
    });
  }
  for (int i = 0; i < 2000; ++i) Init(i % 2 == 0 ? "catalog-with-a-long-name" : "payband");
  stop = true;
  for (auto& r : readers) r.join();
  EXPECT_EQ(torn.load(), 0);
  Init("catalog");
}

TEST(LogTest, EscapesControlCharacters) { EXPECT_EQ(JsonEscape("a\nb\x01"), "a\\nb\\u0001"); }

TEST(LogTest, KeepsValidUtf8AndReplacesInvalidBytes) {
  EXPECT_EQ(JsonEscape("caf\xc3\xa9 \xe2\x80\x99"), "caf\xc3\xa9 \xe2\x80\x99");
  EXPECT_EQ(JsonEscape("a\xff\xc3"), "a\\ufffd\\ufffd");
}

TEST(LogTest, CountersBecomeFields) {
  std::string line =
      FormatCounters(Level::kInfo, "metrics", {{"cache.redis.fallback", 4}, {"a", 0}});
  EXPECT_NE(line.find("\"msg\":\"metrics\",\"a\":0,\"cache.redis.fallback\":4}"), std::string::npos)
      << line;
}

}  // namespace
}  // namespace classplan::log
