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
    v1::KeyFile kf;
    *kf.add_key() = person_.entry;
    *kf.add_key() = system_.entry;
    store_ = *KeyStore::FromProto(kf);
    cache_ = std::make_unique<VerifiedKeyCache>(store_.get(), absl::Seconds(10));
  }

  // An admission whose rate limit allows `burst` calls at once (0: no limit).
  std::unique_ptr<Admission> Make(int burst, SharedBuckets* shared = nullptr) {
    RateLimitSettings rl;
    rl.enabled = burst > 0;
    rl.per_second = 0.001;
    rl.burst = burst;
    rl.lease_batch = 1;
    limiter_ = std::make_unique<RateLimiter>(rl, *store_, shared, now_);
    return std::make_unique<Admission>(
        Admission::Deps{policy_.get(), cache_.get(), limiter_.get(), &workers_});
  }

  Admission::Call CallOf(absl::string_view method, absl::string_view auth, bool routed = true) {
    Admission::Call c;
    c.method = method;
    c.routed = routed;
    c.authorization = auth;
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
  NewKey person_, system_;
  std::unique_ptr<KeyStore> store_;
  std::unique_ptr<VerifiedKeyCache> cache_;
  std::unique_ptr<RateLimiter> limiter_;
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
  for (absl::string_view auth : {"", "Basic x", "Bearer cpk_wrong"}) {
    Admission::Caller caller;
    auto v = AdmitNow(*a, CallOf("/a.Svc/Get", auth), &caller);
    EXPECT_EQ(v.kind, Kind::kRefused) << auth;
    EXPECT_EQ(v.refusal.code(), absl::StatusCode::kUnauthenticated) << auth;
    EXPECT_EQ(caller.principal, nullptr);
  }
  EXPECT_EQ(Counters().unauthenticated.value() - before, 3);
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

}  // namespace
}  // namespace classplan::gateway
