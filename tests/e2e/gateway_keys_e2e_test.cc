// API keys on a running gateway (a real gateway_server process): the key file is rotated
// while calls run (the new key works, then the old one is revoked and stops, without a
// restart); an expired key is refused like a wrong one; an address that keeps failing is
// refused before its keys are checked; the access log names the client and the reason.

#include <atomic>
#include <cstdio>
#include <fstream>
#include <thread>

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "google/protobuf/text_format.h"
#include "google/rpc/error_details.pb.h"
#include "google/rpc/status.pb.h"
#include "grpcpp/grpcpp.h"
#include "gtest/gtest.h"
#include "services/gateway/domain/api_keys.h"
#include "tests/support/gateway_processes.h"
#include "tests/support/generic_call.h"
#include "tests/support/temp.h"
#include "tests/support/wait.h"

namespace classplan {
namespace {

using testing::Bearer;
using testing::CallGeneric;
using testing::Proc;

constexpr char kEcho[] = "/classplan.test.v1.TestService/Echo";

std::shared_ptr<grpc::Channel> Channel(int port) {
  return grpc::CreateChannel(absl::StrCat("127.0.0.1:", port), grpc::InsecureChannelCredentials());
}

grpc::StatusCode Echo(const std::shared_ptr<grpc::Channel>& channel, const std::string& key) {
  return CallGeneric(channel, kEcho, {"x"}, Bearer(key)).status.error_code();
}

// Replaces the key file whole (written beside it, then renamed), as an operator's tooling
// should, with `entries`.
void ReplaceKeys(const std::string& dir, const std::vector<gateway::v1::KeyEntry>& entries) {
  gateway::v1::KeyFile f;
  for (const auto& e : entries) *f.add_key() = e;
  std::string text;
  google::protobuf::TextFormat::PrintToString(f, &text);
  std::ofstream(dir + "/keys.tmp", std::ios::trunc) << text;
  ASSERT_EQ(std::rename((dir + "/keys.tmp").c_str(), (dir + "/keys.textproto").c_str()), 0);
}

gateway::v1::KeyFile ReadKeys(const std::string& dir) {
  gateway::v1::KeyFile f;
  EXPECT_TRUE(google::protobuf::TextFormat::ParseFromString(
      testing::ReadWholeFile(dir + "/keys.textproto"), &f));
  return f;
}

TEST(GatewayKeysE2eTest, RotationWhileCallsRunNeedsNoRestart) {
  const std::string dir = testing::MakeTempDir("gateway_keys");
  Proc backend = testing::StartTestBackend(dir);
  const std::string old_key = testing::MakeKey(dir, "ats-1", "agency_system");
  testing::WritePolicy(dir);
  int metrics_port = 0;
  Proc gw = testing::StartGateway(
      dir, testing::Route("classplan.test.v1.TestService", {backend.port}), 0,
      "keys_reload_interval: \"100ms\"\nfailed_auth_limit { burst: -1 }\n", &metrics_port);
  auto channel = Channel(gw.port);
  ASSERT_EQ(Echo(channel, old_key), grpc::StatusCode::OK);

  // Calls with the old key keep running on another thread through the whole rotation.
  std::atomic<bool> stop{false};
  std::atomic<int> old_ok{0};
  std::thread caller([&] {
    auto own = Channel(gw.port);
    while (!stop.load()) {
      if (Echo(own, old_key) == grpc::StatusCode::OK) old_ok.fetch_add(1);
    }
  });

  // 1. A new key for the same system, added by the tool: it works once the gateway has read
  //    the file, and the old one still does.
  const std::string new_key = testing::MakeKey(dir, "ats-1", "agency_system");
  ASSERT_TRUE(testing::WaitFor([&] { return Echo(channel, new_key) == grpc::StatusCode::OK; }))
      << "the new key was never accepted; see " << gw.log;
  EXPECT_EQ(Echo(channel, old_key), grpc::StatusCode::OK);
  // 2. The old key revoked (its entry removed): it stops, the new one goes on working.
  gateway::v1::KeyFile keys = ReadKeys(dir);
  ASSERT_EQ(keys.key_size(), 2);
  ReplaceKeys(dir, {keys.key(1)});
  ASSERT_TRUE(testing::WaitFor([&] {
    return Echo(channel, old_key) == grpc::StatusCode::UNAUTHENTICATED;
  })) << "the revoked key was still accepted; see "
      << gw.log;
  stop.store(true);
  caller.join();
  EXPECT_GT(old_ok.load(), 0);
  // Once refused, refused on every thread (the verified-key caches were dropped) ...
  for (int i = 0; i < 20; ++i) {
    EXPECT_EQ(Echo(channel, old_key), grpc::StatusCode::UNAUTHENTICATED);
    EXPECT_EQ(Echo(channel, new_key), grpc::StatusCode::OK);
  }
  // 3. A file that does not load keeps the keys in force, and says so.
  std::ofstream(dir + "/keys.textproto", std::ios::app) << "key { id: ";
  ASSERT_TRUE(testing::WaitForFileText(gw.log, "key file changed but does not load"));
  EXPECT_EQ(Echo(channel, new_key), grpc::StatusCode::OK);
  // ... and it was the same process all along: one start, still running, stopping cleanly.
  const std::string log = testing::ReadWholeFile(gw.log);
  EXPECT_EQ(log.find("\"msg\":\"serving\""), log.rfind("\"msg\":\"serving\""));
  EXPECT_NE(log.find("\"msg\":\"key file reloaded\""), std::string::npos);
  EXPECT_EQ(log.find(new_key), std::string::npos);  // keys are never logged
  EXPECT_EQ(log.find(old_key), std::string::npos);
  EXPECT_EQ(gw.process->Terminate(), 0);
}

TEST(GatewayKeysE2eTest, ExpiredKeysAndFailingAddressesAreRefusedAndLoggedWithAReason) {
  const std::string dir = testing::MakeTempDir("gateway_keys");
  Proc backend = testing::StartTestBackend(dir);
  // The tool sets an expiry; a key made to expire in 90 days works now.
  std::string out;
  ASSERT_EQ(testing::RunCommand({testing::BuildPath("services/gateway/gateway_keygen"),
                                 "--keys_file=" + dir + "/keys.textproto", "--principal=ats-1",
                                 "--roles=agency_system", "--iterations=100", "--expires=2160h"},
                                &out),
            0);
  const std::string valid_key(absl::StripAsciiWhitespace(out));
  ASSERT_TRUE(absl::StartsWith(ReadKeys(dir).key(0).expires(), "20"))
      << ReadKeys(dir).key(0).DebugString();
  // The tool refuses an expiry in the past; a key whose expiry has passed is written here.
  EXPECT_EQ(testing::RunCommand({testing::BuildPath("services/gateway/gateway_keygen"),
                                 "--keys_file=" + dir + "/keys.textproto", "--principal=ats-2",
                                 "--roles=agency_system", "--expires=2020-01-01T00:00:00Z"},
                                &out),
            2);
  auto expired = gateway::MakeKey("ats-2", {"agency_system"}, 100, absl::Now() - absl::Hours(1));
  ASSERT_TRUE(expired.ok());
  ReplaceKeys(dir, {ReadKeys(dir).key(0), expired->entry});
  testing::WritePolicy(dir);
  int metrics_port = 0;
  Proc gw =
      testing::StartGateway(dir, testing::Route("classplan.test.v1.TestService", {backend.port}), 0,
                            "failed_auth_limit { burst: 3 per_second: 0.001 }\n", &metrics_port);
  auto channel = Channel(gw.port);
  ASSERT_EQ(Echo(channel, valid_key), grpc::StatusCode::OK);

  // Expired: the same answer as a wrong key.
  const grpc::Status expired_status =
      CallGeneric(channel, kEcho, {"x"}, Bearer(expired->key)).status;
  EXPECT_EQ(expired_status.error_code(), grpc::StatusCode::UNAUTHENTICATED);
  std::string wrong = valid_key;
  wrong.back() = wrong.back() == 'a' ? 'b' : 'a';
  const grpc::Status wrong_status = CallGeneric(channel, kEcho, {"x"}, Bearer(wrong)).status;
  EXPECT_EQ(wrong_status.error_code(), grpc::StatusCode::UNAUTHENTICATED);
  EXPECT_EQ(expired_status.error_message(), wrong_status.error_message());
  EXPECT_TRUE(
      testing::WaitForFileText(gw.log, "\"client\":\"ipv4:127.0.0.1\",\"reason\":\"expired_key\""));
  EXPECT_TRUE(
      testing::WaitForFileText(gw.log, "\"client\":\"ipv4:127.0.0.1\",\"reason\":\"bad_key\""));
  EXPECT_EQ(Echo(channel, ""), grpc::StatusCode::UNAUTHENTICATED);
  EXPECT_TRUE(testing::WaitForFileText(gw.log, "\"reason\":\"no_key\""));

  // Two failures so far (a missing key is not one); the third uses up the burst and the
  // next key to check from this address is refused before it is checked, with a delay.
  EXPECT_EQ(Echo(channel, wrong), grpc::StatusCode::UNAUTHENTICATED);
  const grpc::Status limited = CallGeneric(channel, kEcho, {"x"}, Bearer(wrong)).status;
  ASSERT_EQ(limited.error_code(), grpc::StatusCode::RESOURCE_EXHAUSTED) << limited.error_message();
  google::rpc::Status details;
  ASSERT_TRUE(details.ParseFromString(limited.error_details()));
  google::rpc::RetryInfo retry;
  ASSERT_GT(details.details_size(), 0);
  ASSERT_TRUE(details.details(0).UnpackTo(&retry));
  EXPECT_GT(retry.retry_delay().seconds(), 0);
  EXPECT_TRUE(testing::WaitForFileText(gw.log, "\"reason\":\"auth_rate_limited\""));
  const std::string log = testing::ReadWholeFile(gw.log);
  EXPECT_EQ(log.find(wrong), std::string::npos);
  EXPECT_EQ(log.find(expired->key), std::string::npos);
}

}  // namespace
}  // namespace classplan
