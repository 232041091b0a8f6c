#include "tests/e2e/postgres_e2e.h"

#include <sys/stat.h>

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <filesystem>
#include <fstream>
#include <mutex>
#include <thread>
#include <vector>

#include "absl/time/time.h"
#include "tests/support/temp.h"
#include "tests/support/wait.h"

namespace classplan::testing {

std::unique_ptr<grpc::ClientContext> CallContext(const std::string& principal,
                                                 const std::string& roles) {
  auto ctx = std::make_unique<grpc::ClientContext>();
  ctx->set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(20));
  if (!principal.empty()) ctx->AddMetadata("x-classplan-principal", principal);
  if (!roles.empty()) ctx->AddMetadata("x-classplan-roles", roles);
  return ctx;
}

void PostgresE2eTest::SetUp() {
  dir_ = MakeTempDir("pg_e2e");
  ASSERT_FALSE(dir_.empty());
  auto pg = PostgresServer::Start(PostgresServer::Options{fsync_});
  ASSERT_TRUE(pg.ok()) << pg.status();
  pg_ = *std::move(pg);
}

void PostgresE2eTest::TearDown() {
  pg_.reset();
  std::error_code ignored;
  std::filesystem::remove_all(dir_, ignored);
}

std::string PostgresE2eTest::UrlFile(const std::string& database) {
  auto url = pg_->CreateDatabase(database);
  EXPECT_TRUE(url.ok()) << url.status();
  if (!url.ok()) return "";
  std::string file = dir_ + "/" + database + "-url";
  std::ofstream(file) << *url << "\n";
  ::chmod(file.c_str(), 0600);
  return file;
}

namespace {

// What the loop is in. A read is judged by the phase it began and ended in.
enum Phase {
  kBefore,     // PostgreSQL up, pool warm
  kRestarted,  // after a restart while no read ran: every pooled connection was killed idle
  kDown,       // stopped while reads ran (and then until it was started again)
  kBackAgain,  // after that
};

struct ThreadCounts {
  std::atomic<int> ok_before{0};
  std::atomic<int> after_restart{0};  // reads begun and ended in kRestarted
  std::atomic<int> failed_down{0};
  std::atomic<int> after_outage{0};  // reads begun and ended in kBackAgain
};

}  // namespace

void ExpectReadsRideThroughARestart(PostgresServer& pg, const std::function<grpc::Status()>& read,
                                    int threads, int reads_after) {
  std::atomic<int> phase{kBefore};
  std::vector<ThreadCounts> counts(threads);
  std::mutex mu;  // guards what follows
  std::condition_variable cv;
  bool stop = false;
  bool paused = false;
  int parked = 0;
  std::vector<std::string> failures;
  auto fail = [&](const std::string& what) {
    std::lock_guard<std::mutex> lock(mu);
    if (failures.size() < 20) failures.push_back(what);
  };
  std::vector<std::thread> readers;
  readers.reserve(threads);
  for (int t = 0; t < threads; ++t) {
    readers.emplace_back([&, t] {
      ThreadCounts& c = counts[t];
      for (;;) {
        {
          std::unique_lock<std::mutex> lock(mu);
          if (paused) {
            ++parked;
            cv.notify_all();
            cv.wait(lock, [&] { return !paused || stop; });
            --parked;
          }
          if (stop) return;
        }
        const int began = phase.load();
        grpc::Status s = read();
        const int ended = phase.load();
        const std::string code = "(code " + std::to_string(s.error_code()) + ") ";
        if (began == ended && began != kDown) {
          if (!s.ok()) fail("in phase " + std::to_string(began) + " " + code + s.error_message());
          if (!s.ok()) continue;
          if (began == kBefore) c.ok_before += 1;
          if (began == kRestarted) c.after_restart += 1;
          if (began == kBackAgain) c.after_outage += 1;
        } else if (!s.ok()) {
          // Down at some time during the read (in flight at the stop, or begun while down).
          if (s.error_code() != grpc::StatusCode::UNAVAILABLE) {
            fail("while down " + code + s.error_message());
          }
          c.failed_down += 1;
        }
      }
    });
  }
  auto every = [&](std::atomic<int> ThreadCounts::*field, int n) {
    return WaitFor(
        [&] {
          for (auto& c : counts) {
            if ((c.*field).load() < n) return false;
          }
          return true;
        },
        absl::Seconds(60));
  };
  auto finish = [&] {
    {
      std::lock_guard<std::mutex> lock(mu);
      stop = true;
    }
    cv.notify_all();
    for (auto& r : readers) r.join();
    for (const auto& f : failures) ADD_FAILURE() << "read " << f;
  };

  // 1. Every thread has read: the pool holds connections.
  if (!every(&ThreadCounts::ok_before, 3)) {
    ADD_FAILURE() << "the reads did not succeed before the restart";
    return finish();
  }
  // 2. A restart while every reader waits between two reads: the pooled connections die idle,
  // and each reader's next read meets one of them (the case a read retry is for).
  {
    std::unique_lock<std::mutex> lock(mu);
    paused = true;
    if (!cv.wait_for(lock, std::chrono::seconds(60), [&] { return parked == threads; })) {
      ADD_FAILURE() << "the readers did not pause";
    }
  }
  absl::Status restarted = pg.Restart();
  EXPECT_TRUE(restarted.ok()) << restarted;
  {
    std::lock_guard<std::mutex> lock(mu);
    phase = kRestarted;
    paused = false;
  }
  cv.notify_all();
  EXPECT_TRUE(every(&ThreadCounts::after_restart, reads_after)) << "too few reads after it";
  // 3. A stop while reads run, until every reader has seen it (reads then fail: they do reach
  // PostgreSQL), and a start.
  phase = kDown;
  absl::Status stopped = pg.StopImmediately();
  EXPECT_TRUE(stopped.ok()) << stopped;
  EXPECT_TRUE(stopped.ok() && every(&ThreadCounts::failed_down, 1))
      << "no failed read while PostgreSQL was down: the reads do not reach it";
  absl::Status started = pg.StartAgain();
  EXPECT_TRUE(started.ok()) << started;
  phase = kBackAgain;
  if (started.ok()) {
    EXPECT_TRUE(every(&ThreadCounts::after_outage, reads_after)) << "too few reads after it";
  }
  finish();
}

}  // namespace classplan::testing
