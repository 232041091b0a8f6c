#include "services/gateway/telemetry/access_log.h"

#include <unistd.h>

#include <thread>

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
    for (int t = 0; t < 4; ++t) {
      threads.emplace_back([&log] {
        for (int i = 0; i < 100; ++i) {
          log.Write("/a.Svc/Get", "emp-7", 0, absl::Microseconds(250), 12, 34, "rid");
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
  EXPECT_NE(out.find(R"("msg":"access","method":"/a.Svc/Get","principal":"emp-7","code":0,"latency_us":250,"bytes_in":12,"bytes_out":34,"request_id":"rid"})"),
            std::string::npos)
      << out.substr(0, 300);
}

}  // namespace
}  // namespace classplan::gateway
