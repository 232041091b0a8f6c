#include "services/gateway/telemetry/access_log.h"

#include <unistd.h>

#include <thread>

#include "absl/strings/match.h"
#include "common/log/log.h"
#include "gtest/gtest.h"

namespace classplan::gateway {
namespace {

std::string Drain(int fd) {
  std::string out;
  char buf[4096];
  ssize_t n;
  while ((n = read(fd, buf, sizeof(buf))) > 0) out.append(buf, static_cast<size_t>(n));
  return out;
}

TEST(AccessLogTest, OneLinePerCallFromEveryThreadAllFlushed) {
  int fds[2];
  ASSERT_EQ(pipe(fds), 0);
  std::string out;
  std::thread reader([&] { out = Drain(fds[0]); });  // a pipe holds only 64 KiB
  {
    AccessLog log(fds[1]);
    std::vector<std::thread> threads;
    threads.reserve(4);
    for (int t = 0; t < 4; ++t) {
      threads.emplace_back([&log] {
        for (int i = 0; i < 100; ++i) {
          log.Write("/a.Svc/Get", "emp-7", 0, absl::Microseconds(250), 12, 34, "rid",
                    "ipv4:127.0.0.1");
        }
      });
    }
    for (auto& t : threads) t.join();
  }  // destruction flushes
  close(fds[1]);
  reader.join();
  close(fds[0]);
  size_t lines = 0;
  for (char c : out) lines += c == '\n';
  EXPECT_EQ(lines, 400u);
  EXPECT_NE(
      out.find(
          R"("msg":"access","method":"/a.Svc/Get","principal":"emp-7","code":0,"latency_us":250,"bytes_in":12,"bytes_out":34,"request_id":"rid","client":"ipv4:127.0.0.1"})"),
      std::string::npos)
      << out.substr(0, 300);
}

// The line is built by hand for speed; it must stay what log::Format would write.
TEST(AccessLogTest, LineHasLogFormatShapeAndEscapes) {
  int fds[2];
  ASSERT_EQ(pipe(fds), 0);
  {
    AccessLog log(fds[1]);
    log.Write("/a.Svc/Get", "we\"ird\n", 5, absl::Milliseconds(2), 1, 2, "r-1", "ipv4:10.0.0.7",
              "bad_key");
  }
  close(fds[1]);
  const std::string out = Drain(fds[0]);
  close(fds[0]);
  const std::string expected_tail = log::Format(log::Level::kInfo, "access",
                                                {{"method", "/a.Svc/Get"},
                                                 {"principal", "we\"ird\n"},
                                                 {"code", int64_t{5}},
                                                 {"latency_us", int64_t{2000}},
                                                 {"bytes_in", int64_t{1}},
                                                 {"bytes_out", int64_t{2}},
                                                 {"request_id", "r-1"},
                                                 {"client", "ipv4:10.0.0.7"},
                                                 {"reason", "bad_key"}})
                                        .substr(31);  // after {"ts":"YYYY-MM-DDTHH:MM:SS.mmmZ
  ASSERT_EQ(out.size(), 31 + expected_tail.size() + 1) << out;
  EXPECT_EQ(out.substr(31), expected_tail + "\n");
  EXPECT_TRUE(absl::StartsWith(out, "{\"ts\":\"20")) << out;
  EXPECT_EQ(out[30], 'Z') << out;
  EXPECT_EQ(out[26], '.') << out;
}

}  // namespace
}  // namespace classplan::gateway
