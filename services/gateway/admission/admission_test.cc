#include "services/gateway/admission/admission.h"

#include <memory>

#include "absl/synchronization/notification.h"
#include "absl/time/clock.h"
#include "google/protobuf/text_format.h"
#include "gtest/gtest.h"
#include "services/gateway/telemetry/counters.h"

namespace classplan::gateway {
namespace {

using Kind = Admission::Verdict::Kind;

// A shared bucket that never grants (every lease wait ends in a refusal).
class EmptyShared : public SharedBuckets {
 public:
  absl::StatusOr<Grant> Take(const Principal&, int64_t, double, int64_t) override {
    Grant g;
    g.retry_after = absl::Seconds(3);
    return g;
  }
};

class AdmissionTest : public ::testing::Test {
 protected:
  AdmissionTest() {
    v1::PolicyFile pf;
    EXPECT_TRUE(google::protobuf::TextFormat::ParseFromString(R"(
      rule { method: "/a.Svc/*" role: "employee" }
      rule { method: "/a.Svc/Admin" role: "hr_admin" }
      rule { method: "/grpc.health.v1.Health/*" public: true })",
                                                              &pf));
    policy_ = std::make_unique<Policy>(*Policy::FromProto(pf));
    person_ = *MakeKey("emp-1", {"employee"}, 1);
    system_ = *MakeKey("nm-ats", {"agency_system"}, 1);
    expired_ = *MakeKey("emp-2", {"employee"}, 1, now_ - absl::Seconds(1));
  }

  // An admission whose rate limit allows `burst` calls at once (0: no limit), and whose
  // client addresses may fail `failures` authentications at once (0: no limit).
  std::unique_ptr<Admission> Make(int burst, SharedBuckets* shared = nullptr, int failures = 0) {
    RateLimitSettings rl;
    rl.enabled = burst > 0;
    rl.per_second = 0.001;
    rl.burst = burst;
    rl.lease_batch = 1;
    v1::KeyFile kf;
    *kf.add_key() = person_.entry;
    *kf.add_key() = system_.entry;
    *kf.add_key() = expired_.entry;
    ring_ = std::make_unique<KeyRing>(
        *KeyStore::FromProto(kf), [this, rl, shared](const KeyStore& store) {
          return std::make_unique<RateLimiter>(rl, store, shared, now_);
        });
    cache_ = std::make_unique<VerifiedKeyCache>(ring_.get(), absl::Seconds(10));
    if (failures > 0) failed_auth_ = std::make_unique<FailedAuthLimiter>(0.001, failures);
    return std::make_unique<Admission>(
        Admission::Deps{policy_.get(), cache_.get(), failed_auth_.get(), &workers_});
  }

  Admission::Call CallOf(absl::string_view method, absl::string_view auth, bool routed = true) {
    Admission::Call c;
    c.method = method;
    c.routed = routed;
    c.authorization = auth;
    c.client_address = "ipv4:10.0.0.7";
    c.now = now_;
    return c;
  }

  // Admits and waits for the verdict, whether it comes at once or from a worker.
  Admission::Verdict AdmitNow(const Admission& a, const Admission::Call& call,
                              Admission::Caller* caller) {
    absl::Notification done;
    Admission::Verdict later;
    auto v = a.Admit(call, caller, [&](const Admission::Verdict& got) {
      later = got;
      done.Notify();
    });
    if (v.has_value()) return *v;
    done.WaitForNotification();
    return later;
  }

  std::string Bearer(const NewKey& k) { return "Bearer " + k.key; }

  absl::Time now_ = absl::Now();  // the slow path reads the clock itself
  std::unique_ptr<Policy> policy_;
  NewKey person_, system_, expired_;
  std::unique_ptr<KeyRing> ring_;
  std::unique_ptr<VerifiedKeyCache> cache_;
  std::unique_ptr<FailedAuthLimiter> failed_auth_;
  server::WorkerPool workers_{1};
};

TEST_F(AdmissionTest, PublicRoutedMethodNeedsNoKey) {
  auto a = Make(0);
  Admission::Caller caller;
  EXPECT_EQ(AdmitNow(*a, CallOf("/grpc.health.v1.Health/Check", ""), &caller).kind,
            Kind::kAdmitted);
  EXPECT_EQ(caller.principal, nullptr);
}

TEST_F(AdmissionTest, MissingOrWrongKeyIsUnauthenticated) {
  auto a = Make(0);
  const int64_t before = Counters().unauthenticated.value();
  const std::string expired = Bearer(expired_);
  for (auto [auth, reason] : {std::pair<absl::string_view, absl::string_view>{"", "no_key"},
                              {"Basic x", "no_key"},
                              {"Bearer cpk_wrong", "bad_key"},
                              {expired, "expired_key"}}) {
    Admission::Caller caller;
    auto v = AdmitNow(*a, CallOf("/a.Svc/Get", auth), &caller);
    EXPECT_EQ(v.kind, Kind::kRefused) << auth;
    EXPECT_EQ(v.refusal.code(), absl::StatusCode::kUnauthenticated) << auth;
    EXPECT_EQ(v.reason, reason) << auth;
    EXPECT_EQ(caller.principal, nullptr);
  }
  EXPECT_EQ(Counters().unauthenticated.value() - before, 4);
  // An expired key is told the same as a wrong one.
  Admission::Caller c1, c2;
  EXPECT_EQ(AdmitNow(*a, CallOf("/a.Svc/Get", expired), &c1).refusal.message(),
            AdmitNow(*a, CallOf("/a.Svc/Get", "Bearer cpk_wrong"), &c2).refusal.message());
  Admission::Caller caller;
  EXPECT_EQ(AdmitNow(*a, CallOf("/a.Svc/Get", ""), &caller).refusal.message(),
            "missing API key (authorization: Bearer <key>)");
  // An unrouted public method still needs a key.
  EXPECT_EQ(AdmitNow(*a, CallOf("/grpc.health.v1.Health/Check", "", false), &caller).refusal.code(),
            absl::StatusCode::kUnauthenticated);
}

TEST_F(AdmissionTest, UnroutedNeedsAValidKeyToLearnIt) {
  auto a = Make(0);
  Admission::Caller caller;
  auto v = AdmitNow(*a, CallOf("/x.Svc/Get", Bearer(person_), false), &caller);
  EXPECT_EQ(v.refusal.code(), absl::StatusCode::kUnimplemented);
  EXPECT_EQ(v.refusal.message(), "no service behind the gateway serves /x.Svc/Get");
  ASSERT_NE(caller.principal, nullptr);
  EXPECT_EQ(caller.principal->id, "emp-1");
  EXPECT_EQ(caller.log_name, PrincipalForLog(*caller.principal, person_.key));
}

TEST_F(AdmissionTest, PolicyDecidesAndAPersonIsNotNamed) {
  auto a = Make(0);
  Admission::Caller caller;
  EXPECT_EQ(AdmitNow(*a, CallOf("/a.Svc/Get", Bearer(person_)), &caller).kind, Kind::kAdmitted);
  ASSERT_NE(caller.principal, nullptr);
  EXPECT_EQ(caller.principal->roles_header, "employee");

  auto v = AdmitNow(*a, CallOf("/a.Svc/Admin", Bearer(person_)), &caller);
  EXPECT_EQ(v.refusal.code(), absl::StatusCode::kPermissionDenied);
  EXPECT_EQ(v.refusal.message(), "this key (roles employee) may not call /a.Svc/Admin");

  v = AdmitNow(*a, CallOf("/a.Svc/Get", Bearer(system_)), &caller);
  EXPECT_EQ(v.refusal.code(), absl::StatusCode::kPermissionDenied);
  EXPECT_EQ(v.refusal.message(), "principal nm-ats (agency_system) may not call /a.Svc/Get");

  // No rule at all: denied.
  v = AdmitNow(*a, CallOf("/b.Svc/Get", Bearer(person_)), &caller);
  EXPECT_EQ(v.refusal.code(), absl::StatusCode::kPermissionDenied);
}

TEST_F(AdmissionTest, RateLimitFastAndSlowPaths) {
  auto a = Make(2);
  Admission::Caller caller;
  const int64_t before = Counters().rejected.value();
  // The first call waits for a lease on a worker; the local bucket grants the burst.
  EXPECT_EQ(AdmitNow(*a, CallOf("/a.Svc/Get", Bearer(person_)), &caller).kind, Kind::kAdmitted);
  EXPECT_EQ(AdmitNow(*a, CallOf("/a.Svc/Get", Bearer(person_)), &caller).kind, Kind::kAdmitted);
  auto v = AdmitNow(*a, CallOf("/a.Svc/Get", Bearer(person_)), &caller);
  EXPECT_EQ(v.kind, Kind::kRateLimited);
  EXPECT_GT(v.retry_after, absl::ZeroDuration());
  // Now the bucket is known empty: refused at once, no worker.
  v = a->Admit(CallOf("/a.Svc/Get", Bearer(person_)), &caller, [](const Admission::Verdict&) {
         ADD_FAILURE() << "went to a worker";
       }).value_or(Admission::Verdict{});
  EXPECT_EQ(v.kind, Kind::kRateLimited);
  EXPECT_EQ(Counters().rejected.value() - before, 2);
}

TEST_F(AdmissionTest, ALeaseRefusedOnTheWorkerIsRateLimited) {
  EmptyShared shared;
  auto a = Make(5, &shared);
  Admission::Caller caller;
  auto v = AdmitNow(*a, CallOf("/a.Svc/Get", Bearer(person_)), &caller);
  EXPECT_EQ(v.kind, Kind::kRateLimited);
  EXPECT_EQ(v.retry_after, absl::Seconds(3));
}

// After `failures` failed keys from one address, its keys are not even checked until the
// bucket refills; a key verified before on this thread still works from there, and another
// address is not affected.
TEST_F(AdmissionTest, FailedAuthenticationsAreLimitedPerAddress) {
  auto a = Make(0, nullptr, 2);
  const int64_t before = Counters().failed_auth_limited.value();
  Admission::Caller caller;
  ASSERT_EQ(AdmitNow(*a, CallOf("/a.Svc/Get", Bearer(person_)), &caller).kind, Kind::kAdmitted);
  for (int i = 0; i < 2; ++i) {
    EXPECT_EQ(AdmitNow(*a, CallOf("/a.Svc/Get", "Bearer cpk_wrong"), &caller).reason, "bad_key");
  }
  auto v = AdmitNow(*a, CallOf("/a.Svc/Get", "Bearer cpk_wrong"), &caller);
  EXPECT_EQ(v.kind, Kind::kRateLimited);
  EXPECT_EQ(v.reason, "auth_rate_limited");
  EXPECT_EQ(v.refusal.code(), absl::StatusCode::kResourceExhausted);
  EXPECT_GT(v.retry_after, absl::ZeroDuration());
  // A right key not yet verified on this thread is refused too: the address may not guess.
  EXPECT_EQ(AdmitNow(*a, CallOf("/a.Svc/Get", Bearer(system_)), &caller).reason,
            "auth_rate_limited");
  EXPECT_EQ(Counters().failed_auth_limited.value() - before, 2);
  // The key verified before still works from that address.
  EXPECT_EQ(AdmitNow(*a, CallOf("/a.Svc/Get", Bearer(person_)), &caller).kind, Kind::kAdmitted);
  // Another address may still try.
  Admission::Call other = CallOf("/a.Svc/Get", "Bearer cpk_wrong");
  other.client_address = "ipv4:10.0.0.8";
  EXPECT_EQ(AdmitNow(*a, other, &caller).reason, "bad_key");
}

}  // namespace
}  // namespace classplan::gateway
