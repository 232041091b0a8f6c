// The CPU cost of the identity check a service makes on every call (KeyRing::Verify: parse,
// HMAC-SHA256, constant-time compare, expiry and method checks, claims decoded) and of the
// gateway's signing. Target: well under 2 µs per call. See docs/performance.md.

#include <string>

#include "absl/strings/escaping.h"
#include "absl/time/clock.h"
#include "benchmark/benchmark.h"
#include "common/identity/assertion.h"

namespace classplan::identity {
namespace {

constexpr char kMethod[] = "/classplan.appraisal.v1.AppraisalService/GetAppraisal";

// Two keys, as during a rotation; the first signs.
std::shared_ptr<const KeyRing> Ring() {
  return *KeyRing::Parse("k20261207 " + absl::Base64Escape(std::string(32, 'a')) + "\n" +
                         "k20261101 " + absl::Base64Escape(std::string(32, 'b')) + "\n");
}

Claims Realistic() {
  return ClaimsFor(kMethod, "supervisor-0042@agency.example", "supervisor,employee",
                   "4f1c2a9e-7b3d-4e8a-9c61-0d2f5b7a8e13");
}

void BM_VerifyAssertion(benchmark::State& state) {
  auto ring = Ring();
  const absl::Time now = absl::Now();
  const std::string assertion = *ring->Sign(Realistic(), now + absl::Seconds(30));
  for (auto _ : state) {
    auto claims = ring->Verify(assertion, kMethod, now);
    benchmark::DoNotOptimize(claims);
  }
}
BENCHMARK(BM_VerifyAssertion);

void BM_SignAssertion(benchmark::State& state) {
  auto ring = Ring();
  const Claims claims = Realistic();
  const absl::Time expiry = absl::Now() + absl::Seconds(30);
  for (auto _ : state) {
    auto assertion = ring->Sign(claims, expiry);
    benchmark::DoNotOptimize(assertion);
  }
}
BENCHMARK(BM_SignAssertion);

}  // namespace
}  // namespace classplan::identity

BENCHMARK_MAIN();
