// deploy/local/run.sh as an operator relies on it (issue 13, section 2), end to end:
//   - payband and eligibility balance over both catalog replicas: one catalog replica stopped
//     with a payband request to it unread, then SIGKILLed, during 1,000+ pay lookups that need
//     the catalog (and eligibility evaluations), fails none of them;
//   - the launcher restarts what dies (a catalog replica, Redis) while the rest keep serving,
//     and SIGTERM to it stops everything it started;
//   - with CLASSPLAN_STORE=postgres: a private PostgreSQL in the run dir, written through one
//     replica and read through the other (appraisal, and catalog once catalog_server has
//     --db_url_file), revisions while both replicas serve reads, a clean PostgreSQL shutdown.
// The tests call the replicas directly (plaintext, CLASSPLAN_MTLS=0, signed with the test's
// identity key, which the run dir is given), not through the gateway: the gateway retries
// UNAVAILABLE itself and would hide a failed catalog call.

#include <signal.h>
#include <sys/stat.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <map>
#include <mutex>
#include <set>
#include <sstream>
#include <thread>
#include <vector>

#include "absl/strings/ascii.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"
#include "classplan/appraisal/v1/appraisal_service.grpc.pb.h"
#include "classplan/catalog/v1/catalog_service.grpc.pb.h"
#include "classplan/eligibility/v1/eligibility_service.grpc.pb.h"
#include "classplan/payband/v1/payband_service.grpc.pb.h"
#include "common/dates/dates.h"
#include "gtest/gtest.h"
#include "tests/support/grpc_server.h"
#include "tests/support/identity.h"
#include "tests/support/process.h"
#include "tests/support/temp.h"
#include "tests/support/wait.h"

namespace classplan {
namespace {

namespace fs = std::filesystem;
using testing::BuildPath;
using testing::SourcePath;

std::unique_ptr<grpc::ClientContext> Ctx(const std::string& principal = "",
                                         const std::string& roles = "") {
  auto ctx = std::make_unique<grpc::ClientContext>();
  ctx->set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(10));
  if (!principal.empty()) {
    ctx->AddMetadata("x-classplan-principal", principal);
    ctx->AddMetadata("x-classplan-roles", roles);
  }
  return ctx;
}

common::v1::Date Day(int y, int m, int d) { return dates::FromCivilDay(absl::CivilDay(y, m, d)); }

int ModeOf(const std::string& path) {
  struct stat st {};
  if (::stat(path.c_str(), &st) != 0) return -1;
  return static_cast<int>(st.st_mode & 0777);
}

bool Alive(int pid) { return pid > 0 && ::kill(pid, 0) == 0; }

// Bytes received and not yet read by the process on the server side of a TCP connection from
// `client_pid` to 127.0.0.1:`port`, from /proc/net/tcp (-1: no such connection). Non-zero
// while the server is stopped means a request of that client is in flight there.
int64_t UnreadFromClient(int port, int client_pid) {
  std::set<std::string> client_inodes;
  std::error_code ec;
  for (const auto& fd : fs::directory_iterator(absl::StrCat("/proc/", client_pid, "/fd"), ec)) {
    const std::string target = fs::read_symlink(fd.path(), ec).string();
    if (absl::StartsWith(target, "socket:[")) {
      client_inodes.insert(target.substr(8, target.size() - 9));
    }
  }
  struct Row {
    int local_port, remote_port;
    int64_t rx;
    std::string inode;
  };
  std::vector<Row> rows;
  // gRPC's sockets are dual-stack: 127.0.0.1 shows as ::ffff:127.0.0.1 in tcp6.
  std::istringstream in(testing::ReadWholeFile("/proc/net/tcp") +
                        testing::ReadWholeFile("/proc/net/tcp6"));
  std::string line;
  while (std::getline(in, line)) {
    std::vector<std::string> f = absl::StrSplit(line, ' ', absl::SkipEmpty());
    if (f.size() < 10 || f[3] != "01") continue;  // ESTABLISHED only (and not the headers)
    auto port_of = [](const std::string& addr) {
      return static_cast<int>(std::strtol(addr.substr(addr.find(':') + 1).c_str(), nullptr, 16));
    };
    const std::string queues = f[4];  // tx_queue:rx_queue, hex
    rows.push_back({port_of(f[1]), port_of(f[2]),
                    std::strtoll(queues.substr(queues.find(':') + 1).c_str(), nullptr, 16), f[9]});
  }
  int64_t unread = -1;
  for (const Row& client : rows) {
    if (client.remote_port != port || client_inodes.count(client.inode) == 0) continue;
    for (const Row& server : rows) {
      if (server.local_port == port && server.remote_port == client.local_port) {
        unread = std::max<int64_t>(unread, 0) + server.rx;
      }
    }
  }
  return unread;
}

// One run of deploy/local/run.sh in a fresh run dir, every port chosen by the kernel.
class Launcher {
 public:
  explicit Launcher(const std::map<std::string, std::string>& env = {}) {
    dir_ = testing::MakeTempDir("launcher_replicas_e2e");
    // Readable by others, as an operator's shell would leave it: run.sh narrows it.
    ::chmod(dir_.c_str(), 0755);
    for (const char* service : {"CATALOG", "PAYBAND", "APPRAISAL", "ELIGIBILITY"}) {
      ports_[absl::AsciiStrToLower(service)] = {testing::FreeTcpPort(), testing::FreeTcpPort()};
      setenv(absl::StrCat("CLASSPLAN_", service, "_PORTS").c_str(),
             absl::StrJoin(ports_[absl::AsciiStrToLower(service)], ",").c_str(), 1);
    }
    redis_port_ = testing::FreeTcpPort();
    setenv("BUILD_DIR", BuildPath("").c_str(), 1);
    setenv("CLASSPLAN_RUN_DIR", dir_.c_str(), 1);
    setenv("CLASSPLAN_REDIS_PORT", std::to_string(redis_port_).c_str(), 1);
    setenv("CLASSPLAN_GATEWAY_PORT", std::to_string(testing::FreeTcpPort()).c_str(), 1);
    setenv("CLASSPLAN_METRICS_PORT", std::to_string(testing::FreeTcpPort()).c_str(), 1);
    setenv("CLASSPLAN_MTLS", "0", 1);
    setenv("CLASSPLAN_STORE", "sqlite", 1);
    for (const auto& [k, v] : env) setenv(k.c_str(), v.c_str(), 1);
    // The services believe what the test signs: the run dir gets the test's identity key
    // (run.sh makes one only when there is none).
    fs::create_directories(dir_ + "/identity");
    ::chmod((dir_ + "/identity").c_str(), 0700);
    std::ofstream(dir_ + "/identity/identity.key")
        << testing::ReadWholeFile(testing::IdentityKeyFile());
    ::chmod((dir_ + "/identity/identity.key").c_str(), 0600);
    // In its own session and process group, as in a terminal, so Interrupt() can send what
    // Ctrl-C sends: SIGINT to the whole group.
    process_ = std::make_unique<testing::ChildProcess>(
        std::vector<std::string>{"/usr/bin/setsid", "/bin/bash", "-c",
                                 "exec 1>&2; exec bash \"$0\"", SourcePath("deploy/local/run.sh")},
        out_file());
    started_ = testing::WaitForFileText(out_file(), "Ctrl-C stops everything", absl::Seconds(90));
  }
  ~Launcher() {
    process_.reset();
    std::error_code ignored;
    fs::remove_all(dir_, ignored);
  }

  bool started() const { return started_; }
  const std::string& dir() const { return dir_; }
  std::string out_file() const { return dir_ + "/launcher.out"; }
  std::string out() const { return testing::ReadWholeFile(out_file()); }
  int port(const std::string& service, int replica) const { return ports_.at(service)[replica]; }
  int redis_port() const { return redis_port_; }
  // The pid of a supervised process ("catalog-<port>", "redis", "postgres"), or -1.
  int Pid(const std::string& name) const {
    int pid = -1;
    const std::string text(
        absl::StripAsciiWhitespace(testing::ReadWholeFile(dir_ + "/pids/" + name + ".pid")));
    return absl::SimpleAtoi(text, &pid) ? pid : -1;
  }
  std::string Replica(const std::string& service, int replica) const {
    return absl::StrCat(service, "-", port(service, replica));
  }
  // Every supervised process's pid now.
  std::vector<int> AllPids() const {
    std::vector<int> pids;
    std::error_code ec;
    for (const auto& f : fs::directory_iterator(dir_ + "/pids", ec)) {
      pids.push_back(Pid(f.path().stem().string()));
    }
    return pids;
  }
  std::shared_ptr<grpc::Channel> Channel(const std::string& service, int replica) const {
    return testing::SignedChannel(absl::StrCat("127.0.0.1:", port(service, replica)));
  }
  int Terminate() { return process_->Terminate(60); }
  // Ctrl-C: SIGINT to the launcher's process group, then its exit status once it has stopped.
  int Interrupt() {
    ::kill(-process_->pid(), SIGINT);
    if (!testing::WaitForFileText(out_file(), "classplan: stopped", absl::Seconds(60))) return -1;
    return process_->Terminate(60);  // it has exited: collects the status
  }

 private:
  std::string dir_;
  std::map<std::string, std::vector<int>> ports_;
  int redis_port_ = 0;
  std::unique_ptr<testing::ChildProcess> process_;
  bool started_ = false;
};

// Calls that failed, with the first few reasons.
struct Failures {
  std::atomic<int> count{0};
  std::mutex mu;
  std::vector<std::string> first;
  void Add(const std::string& what, const grpc::Status& s) {
    ++count;
    std::lock_guard<std::mutex> lock(mu);
    if (first.size() < 5) first.push_back(absl::StrCat(what, ": ", s.error_message()));
  }
  std::string Text() {
    std::lock_guard<std::mutex> lock(mu);
    return absl::StrJoin(first, "\n");
  }
};

TEST(LauncherReplicasE2eTest, OneCatalogReplicaDiesMidLoopNoCallFailsAndTheLauncherRestartsIt) {
  Launcher launcher;
  ASSERT_TRUE(launcher.started()) << launcher.out();
  // payband and eligibility were given both catalog replicas.
  const std::string payband_log = testing::ReadWholeFile(
      absl::StrCat(launcher.dir(), "/", launcher.Replica("payband", 0), ".log"));
  EXPECT_NE(payband_log.find(absl::StrCat("ipv4:127.0.0.1:", launcher.port("catalog", 0),
                                          ",127.0.0.1:", launcher.port("catalog", 1))),
            std::string::npos)
      << payband_log;

  auto payband = payband::v1::PaybandService::NewStub(launcher.Channel("payband", 0));
  auto eligibility =
      eligibility::v1::EligibilityService::NewStub(launcher.Channel("eligibility", 0));
  const int payband_pid = launcher.Pid(launcher.Replica("payband", 0));
  ASSERT_TRUE(Alive(payband_pid));

  Failures failures;
  std::atomic<int> lookups{0}, evaluations{0};
  std::atomic<bool> done{false};
  std::vector<std::thread> threads;
  threads.reserve(5);
  // GetClassPayRange asks the catalog for the class on every call (payband keeps no copy).
  // Classes whose range has figures on file (SPCP20's band has none: FAILED_PRECONDITION).
  const std::vector<std::string> classes = {"CA2459", "CA2460", "2944"};
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([&, t] {
      for (int i = 0; !done; ++i) {
        payband::v1::GetClassPayRangeRequest req;
        req.set_class_code(classes[(t + i) % classes.size()]);
        payband::v1::GetClassPayRangeResponse resp;
        grpc::Status s = payband->GetClassPayRange(Ctx().get(), req, &resp);
        if (!s.ok()) failures.Add("pay range " + req.class_code(), s);
        ++lookups;
      }
    });
  }
  threads.emplace_back([&] {
    while (!done) {
      eligibility::v1::EvaluateRequest req;
      req.set_class_code("SPCP20");
      auto* e = req.mutable_applicant()->add_education();
      e->set_level(catalog::v1::EDUCATION_LEVEL_BACHELOR);
      e->set_field(catalog::v1::FIELD_OF_STUDY_PSYCHOLOGY);
      e->set_accreditation(eligibility::v1::ACCREDITATION_ACCREDITED);
      *e->mutable_completed() = Day(2020, 5, 15);
      *req.mutable_as_of() = Day(2026, 1, 31);
      eligibility::v1::Evaluation out;
      grpc::Status s = eligibility->Evaluate(Ctx().get(), req, &out);
      if (!s.ok()) failures.Add("evaluation", s);
      ++evaluations;
    }
  });
  auto stop_loops = [&] {
    done = true;
    for (auto& t : threads) t.join();
    threads.clear();
  };

  ASSERT_TRUE(testing::WaitFor([&] { return lookups >= 200; }, absl::Seconds(60)))
      << failures.Text();
  // The race window, opened on purpose: replica 0 stopped until a payband request to it sits
  // unread in its socket, then SIGKILLed with it there (its connection is reset).
  const std::string victim = launcher.Replica("catalog", 0);
  const int victim_pid = launcher.Pid(victim);
  ASSERT_TRUE(Alive(victim_pid));
  ASSERT_EQ(::kill(victim_pid, SIGSTOP), 0);
  const bool in_flight = testing::WaitFor(
      [&] { return UnreadFromClient(launcher.port("catalog", 0), payband_pid) > 0; },
      absl::Seconds(10));
  ASSERT_EQ(::kill(victim_pid, SIGKILL), 0);
  EXPECT_TRUE(in_flight) << "no payband request reached the stopped catalog replica";
  const int at_kill = lookups;

  // The launcher logs the death and starts the replica again; it serves again (health), with
  // a new pid, while the loops go on.
  EXPECT_TRUE(testing::WaitForFileText(launcher.out_file(),
                                       "classplan: " + victim + " exited (killed by SIGKILL)",
                                       absl::Seconds(10)))
      << launcher.out();
  EXPECT_TRUE(testing::WaitForFileText(launcher.out_file(), "classplan: " + victim + " restarted",
                                       absl::Seconds(30)))
      << launcher.out();
  EXPECT_TRUE(testing::IsServing(launcher.Channel("catalog", 0).get(),
                                 "classplan.catalog.v1.CatalogService"));
  const int new_pid = launcher.Pid(victim);
  EXPECT_TRUE(Alive(new_pid));
  EXPECT_NE(new_pid, victim_pid);
  // At least 1,000 lookups in all, and some after the kill.
  EXPECT_TRUE(testing::WaitFor([&] { return lookups >= std::max(1000, at_kill + 200); },
                               absl::Seconds(120)));
  stop_loops();
  EXPECT_EQ(failures.count, 0) << failures.Text();
  EXPECT_GE(lookups, 1000);
  EXPECT_GT(evaluations, 0);

  // Redis too: killed, restarted, answering with the password again.
  const int redis_pid = launcher.Pid("redis");
  ASSERT_TRUE(Alive(redis_pid));
  ASSERT_EQ(::kill(redis_pid, SIGKILL), 0);
  EXPECT_TRUE(testing::WaitForFileText(launcher.out_file(), "classplan: redis restarted",
                                       absl::Seconds(30)))
      << launcher.out();
  std::string user_password = std::string(
      absl::StripAsciiWhitespace(testing::ReadWholeFile(launcher.dir() + "/redis/password")));
  const std::vector<std::string> up = absl::StrSplit(user_password, ' ');
  ASSERT_EQ(up.size(), 2u);
  setenv("REDISCLI_AUTH", up[1].c_str(), 1);
  EXPECT_TRUE(testing::WaitFor([&] {
    std::string pong;
    testing::RunCommand({"/bin/sh", "-c", "exec redis-cli \"$@\"", "redis-cli", "--user", up[0],
                         "-p", std::to_string(launcher.redis_port()), "ping"},
                        &pong);
    return pong.find("PONG") != std::string::npos;
  }));
  unsetenv("REDISCLI_AUTH");
  // The services kept answering meanwhile (from their stores).
  payband::v1::GetClassPayRangeRequest req;
  req.set_class_code("CA2459");
  payband::v1::GetClassPayRangeResponse resp;
  grpc::Status s = payband->GetClassPayRange(Ctx().get(), req, &resp);
  EXPECT_TRUE(s.ok()) << s.error_message();

  // SIGTERM stops the suite, and with it every process it started.
  const std::vector<int> pids = launcher.AllPids();
  EXPECT_GE(pids.size(), 10u);
  EXPECT_EQ(launcher.Terminate(), 0) << launcher.out();
  for (int pid : pids) EXPECT_FALSE(Alive(pid)) << "pid " << pid << " outlived the launcher";
  EXPECT_NE(launcher.out().find("classplan: stopped"), std::string::npos);
}

// The suite on a private PostgreSQL, started once for the tests below.
class LauncherPostgresE2eTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    pg_port_ = testing::FreeTcpPort();
    launcher_ = new Launcher(
        {{"CLASSPLAN_STORE", "postgres"}, {"CLASSPLAN_POSTGRES_PORT", std::to_string(pg_port_)}});
  }
  static void TearDownTestSuite() {
    delete launcher_;
    launcher_ = nullptr;
  }
  void SetUp() override { ASSERT_TRUE(launcher_->started()) << launcher_->out(); }

  static int pg_port_;
  static Launcher* launcher_;
};
int LauncherPostgresE2eTest::pg_port_ = 0;
Launcher* LauncherPostgresE2eTest::launcher_ = nullptr;

TEST_F(LauncherPostgresE2eTest, RunsAPrivatePostgresWithOwnerOnlyConnectionFiles) {
  const std::string out = launcher_->out();
  EXPECT_NE(out.find(absl::StrCat("postgres    127.0.0.1:", pg_port_)), std::string::npos) << out;
  EXPECT_NE(out.find("on PostgreSQL database classplan_appraisal"), std::string::npos) << out;
  const std::string& dir = launcher_->dir();
  // As root, PostgreSQL runs as `postgres`, which may only pass through the run dir.
  EXPECT_EQ(ModeOf(dir), ::geteuid() == 0 ? 0711 : 0700);
  EXPECT_EQ(ModeOf(dir + "/db"), 0700);
  EXPECT_EQ(ModeOf(dir + "/postgres"), 0700);
  EXPECT_EQ(ModeOf(dir + "/db/postgres-password"), 0600);
  const std::string url = testing::ReadWholeFile(dir + "/db/appraisal.url");
  EXPECT_EQ(ModeOf(dir + "/db/appraisal.url"), 0600);
  // Through the Unix socket in the cluster's owner-only directory (the run dir's path is short).
  EXPECT_NE(url.find(absl::StrCat("@/classplan_appraisal?host=", dir,
                                  "/postgres/socket&port=", pg_port_)),
            std::string::npos)
      << "not the socket";
  EXPECT_EQ(ModeOf(dir + "/postgres/socket"), 0700);
  // Neither the password nor the URL is on any command line, nor in the launcher's output.
  const std::string password = std::string(
      absl::StripAsciiWhitespace(testing::ReadWholeFile(dir + "/db/appraisal.password")));
  ASSERT_FALSE(password.empty());
  EXPECT_EQ(out.find(password), std::string::npos);
  const int pid = launcher_->Pid(launcher_->Replica("appraisal", 0));
  std::string cmdline = testing::ReadWholeFile(absl::StrCat("/proc/", pid, "/cmdline"));
  EXPECT_NE(cmdline.find("--db_url_file="), std::string::npos);
  EXPECT_EQ(cmdline.find(password), std::string::npos);
  EXPECT_TRUE(Alive(launcher_->Pid("postgres")));
  // Listening on 127.0.0.1 only: no listening socket on its port has another address.
  int listening = 0;
  std::istringstream tcp(testing::ReadWholeFile("/proc/net/tcp") +
                         testing::ReadWholeFile("/proc/net/tcp6"));
  const std::string port_hex =
      absl::AsciiStrToUpper(absl::StrCat(absl::Hex(pg_port_, absl::kZeroPad4)));
  for (std::string line; std::getline(tcp, line);) {
    std::vector<std::string> f = absl::StrSplit(line, ' ', absl::SkipEmpty());
    if (f.size() < 4 || f[3] != "0A" || !absl::EndsWith(f[1], ":" + port_hex)) continue;
    ++listening;
    EXPECT_EQ(f[1], "0100007F:" + port_hex);
  }
  EXPECT_EQ(listening, 1);
}

TEST_F(LauncherPostgresE2eTest, AppraisalWrittenThroughOneReplicaIsReadThroughTheOther) {
  auto a = appraisal::v1::AppraisalService::NewStub(launcher_->Channel("appraisal", 0));
  auto b = appraisal::v1::AppraisalService::NewStub(launcher_->Channel("appraisal", 1));
  appraisal::v1::AssignSupervisorRequest assign;
  assign.mutable_assignment()->set_employee_id("emp-pg");
  assign.mutable_assignment()->set_supervisor_id("sup-pg");
  *assign.mutable_assignment()->mutable_from_date() = Day(2000, 1, 1);
  appraisal::v1::AssignSupervisorResponse assigned;
  grpc::Status s = a->AssignSupervisor(Ctx("hr-1", "hr_admin").get(), assign, &assigned);
  ASSERT_TRUE(s.ok()) << s.error_message();

  appraisal::v1::CreateAppraisalRequest create;
  auto* ap = create.mutable_appraisal();
  ap->set_employee_id("emp-pg");
  ap->set_class_code("2944");
  ap->set_supervisor_id("sup-pg");
  ap->set_unit_id("unit-a");
  *ap->mutable_date_entered_class() = Day(2021, 3, 15);
  *ap->mutable_period_start() = Day(2024, 1, 1);
  *ap->mutable_period_end() = Day(2024, 12, 31);
  auto* as = ap->add_assessments();
  as->set_competency_id("pe");
  as->add_observed_indicator_ids("pe.emg.01");
  appraisal::v1::CreateAppraisalResponse created;
  // Through replica 1, whose assignment came from replica 0's write.
  s = b->CreateAppraisal(Ctx("sup-pg", "supervisor").get(), create, &created);
  ASSERT_TRUE(s.ok()) << s.error_message();

  appraisal::v1::GetAppraisalRequest get;
  get.set_appraisal_id(created.appraisal().id());
  appraisal::v1::GetAppraisalResponse got;
  s = a->GetAppraisal(Ctx("sup-pg", "supervisor").get(), get, &got);
  ASSERT_TRUE(s.ok()) << s.error_message();
  EXPECT_EQ(got.appraisal().etag(), created.appraisal().etag());
  EXPECT_EQ(got.appraisal().employee_id(), "emp-pg");
}

TEST_F(LauncherPostgresE2eTest, ClassRevisedThroughOneReplicaWhileBothServeReads) {
  std::string help;
  testing::RunCommand({BuildPath("services/catalog/catalog_server"), "--helpfull"}, &help);
  if (help.find("-db_url_file") == std::string::npos) {
    EXPECT_NE(launcher_->out().find("catalog_server has no --db_url_file"), std::string::npos);
    GTEST_SKIP() << "this build's catalog_server has no --db_url_file yet: the launcher keeps "
                    "the catalog on SQLite";
  }
  EXPECT_NE(launcher_->out().find("on PostgreSQL database classplan_catalog"), std::string::npos);
  std::vector<std::unique_ptr<catalog::v1::CatalogService::Stub>> replicas;
  replicas.reserve(2);
  for (int r : {0, 1}) {
    replicas.push_back(catalog::v1::CatalogService::NewStub(launcher_->Channel("catalog", r)));
  }
  auto get = [&](int r, catalog::v1::GetJobClassResponse* out) {
    catalog::v1::GetJobClassRequest req;
    req.set_code("G1099O");
    return replicas[r]->GetJobClass(Ctx().get(), req, out);
  };
  catalog::v1::GetJobClassResponse first;
  ASSERT_TRUE(get(0, &first).ok());
  const int64_t base = first.job_class().revision();

  // Readers on both replicas for the whole time; each revision waits until both have read
  // since the last one, so every revision lands while reads are being served.
  Failures failures;
  std::atomic<bool> done{false};
  std::atomic<int> reads[2] = {{0}, {0}};
  std::vector<std::thread> readers;
  readers.reserve(2);
  for (int r : {0, 1}) {
    readers.emplace_back([&, r] {
      while (!done) {
        catalog::v1::GetJobClassResponse resp;
        grpc::Status s = get(r, &resp);
        if (!s.ok()) failures.Add(absl::StrCat("read on replica ", r), s);
        ++reads[r];
      }
    });
  }
  constexpr int kRevisions = 4;
  catalog::v1::JobClass last = first.job_class();
  for (int k = 0; k < kRevisions; ++k) {
    const int seen0 = reads[0], seen1 = reads[1];
    ASSERT_TRUE(testing::WaitFor([&] { return reads[0] > seen0 + 5 && reads[1] > seen1 + 5; }));
    const int writer = k % 2;  // alternate: each replica revises what the other wrote
    catalog::v1::ReviseJobClassRequest rev;
    *rev.mutable_job_class() = last;
    rev.mutable_job_class()->set_title(
        absl::StrCat("Community & Social Service Spec (rev ", k, ")"));
    rev.set_etag(last.etag());
    rev.set_change_note("launcher e2e");
    *rev.mutable_effective()->mutable_effective_date() = Day(2020, 1, 1 + k);
    catalog::v1::ReviseJobClassResponse revised;
    grpc::Status s = replicas[writer]->ReviseJobClass(Ctx().get(), rev, &revised);
    ASSERT_TRUE(s.ok()) << s.error_message();
    last = revised.job_class();
    // The other replica reads it (its cached copy is dropped by the revision notice).
    catalog::v1::GetJobClassResponse other;
    EXPECT_TRUE(testing::WaitFor([&] {
      return get(1 - writer, &other).ok() && other.job_class().revision() == last.revision();
    })) << "replica "
        << 1 - writer << " still serves revision " << other.job_class().revision();
    // Its etag is what the next writer needs, from the other replica.
    last = other.job_class();
  }
  done = true;
  for (auto& t : readers) t.join();
  EXPECT_EQ(failures.count, 0) << failures.Text();
  EXPECT_EQ(last.revision(), base + kRevisions);
  catalog::v1::ListClassRevisionsRequest list;
  list.set_code("G1099O");
  catalog::v1::ListClassRevisionsResponse revisions;
  ASSERT_TRUE(replicas[1]->ListClassRevisions(Ctx().get(), list, &revisions).ok());
  EXPECT_EQ(revisions.revisions_size(), base + kRevisions);
}

// Last in the file: Ctrl-C stops the suite, every process it started, PostgreSQL cleanly; no
// process saw the SIGINT itself (each runs in its own session) and none was restarted.
TEST_F(LauncherPostgresE2eTest, CtrlCStopsTheSuiteAndShutsPostgresDownCleanly) {
  const int pg_pid = launcher_->Pid("postgres");
  ASSERT_TRUE(Alive(pg_pid));
  const std::vector<int> pids = launcher_->AllPids();
  EXPECT_EQ(launcher_->Interrupt(), 0) << launcher_->out();
  for (int pid : pids) EXPECT_FALSE(Alive(pid)) << "pid " << pid << " outlived the launcher";
  EXPECT_EQ(launcher_->out().find("restarting in"), std::string::npos) << launcher_->out();
  const std::string log = testing::ReadWholeFile(launcher_->dir() + "/postgres.log");
  EXPECT_NE(log.find("received fast shutdown request"), std::string::npos) << log;
  EXPECT_NE(log.find("database system is shut down"), std::string::npos) << log;
  EXPECT_FALSE(fs::exists(launcher_->dir() + "/postgres/data/postmaster.pid"));
}

}  // namespace
}  // namespace classplan
