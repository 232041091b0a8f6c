#include "common/log/log.h"

#include <atomic>
#include <thread>
#include <vector>

#include "common/log/trace.h"
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

namespace classplan::log {
namespace {

TEST(TraceTest, ParsesAValidTraceparentOnly) {
  const TraceContext t =
      ParseTraceparent("00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01");
  ASSERT_TRUE(t.valid());
  EXPECT_EQ(t.trace_id, "4bf92f3577b34da6a3ce929d0e0e4736");
  EXPECT_EQ(t.parent_id, "00f067aa0ba902b7");
  EXPECT_EQ(t.Header(), "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01");
  for (const char* bad : {"", "garbage", "00-4BF92F3577B34DA6A3CE929D0E0E4736-00f067aa0ba902b7-01",
                          "00-00000000000000000000000000000000-00f067aa0ba902b7-01",
                          "00-4bf92f3577b34da6a3ce929d0e0e4736-0000000000000000-01",
                          "ff-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01",
                          "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01-extra",
                          "00-\"bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01"}) {
    EXPECT_FALSE(ParseTraceparent(bad).valid()) << bad;
  }
  // A later version may append fields.
  EXPECT_TRUE(
      ParseTraceparent("01-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01-later").valid());
}

TEST(TraceTest, ChildKeepsTheTraceWithANewParent) {
  const TraceContext root = NewTrace();
  ASSERT_TRUE(root.valid());
  EXPECT_TRUE(ParseTraceparent(root.Header()).valid());
  const TraceContext child = ChildOf(root);
  EXPECT_EQ(child.trace_id, root.trace_id);
  EXPECT_NE(child.parent_id, root.parent_id);
}

TEST(TraceTest, EveryLineOfACallNamesItsRequestAndTrace) {
  EXPECT_EQ(Format(Level::kInfo, "x", {}).find("trace_id"), std::string::npos);
  const TraceContext t =
      ParseTraceparent("00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01");
  {
    ScopedCallContext call("req-1", t);
    const std::string line = Format(Level::kInfo, "x", {{"n", 1}});
    EXPECT_NE(line.find(R"("request_id":"req-1","trace_id":"4bf92f3577b34da6a3ce929d0e0e4736")"),
              std::string::npos)
        << line;
    const std::string child = CurrentTraceparentForCall();
    EXPECT_EQ(ParseTraceparent(child).trace_id, t.trace_id);
  }
  EXPECT_EQ(Format(Level::kInfo, "x", {}).find("request_id"), std::string::npos);
  EXPECT_EQ(CurrentTraceparentForCall(), "");
}

TEST(TraceTest, RequestIdsOfAnotherShapeAreDropped) {
  EXPECT_EQ(SafeRequestId("a1b2-c3:d4.e_5"), "a1b2-c3:d4.e_5");
  EXPECT_EQ(SafeRequestId("jane.doe@example.org"), "");
  EXPECT_EQ(SafeRequestId(std::string(65, 'a')), "");
}

}  // namespace
}  // namespace classplan::log
