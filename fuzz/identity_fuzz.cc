// Identity parsing every service does (common/identity): the roles header, key ring files and
// the x-classplan-assertion header, verified against a fixed key ring.
// Property: claims signed by the ring verify to the same claims, for the same method only.

#include <fuzzer/FuzzedDataProvider.h>

#include <memory>
#include <string>

#include "absl/strings/escaping.h"
#include "common/identity/assertion.h"
#include "common/identity/identity.h"
#include "fuzz/fuzz_check.h"

namespace {

namespace id = classplan::identity;

const id::KeyRing& Ring() {
  static const std::shared_ptr<const id::KeyRing> ring = [] {
    auto r = id::KeyRing::Parse("k1 " + absl::Base64Escape(std::string(32, 'a')) + "\n");
    FUZZ_CHECK(r.ok());
    return *r;
  }();
  return *ring;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const absl::Time now = absl::FromUnixSeconds(1'800'000'000);
  FuzzedDataProvider in(data, size);
  const std::string method = in.ConsumeRandomLengthString(64);
  const std::string principal = in.ConsumeRandomLengthString(64);
  const std::string roles = in.ConsumeRandomLengthString(64);
  const std::string request_id = in.ConsumeRandomLengthString(64);
  const std::string rest = in.ConsumeRemainingBytesAsString();

  (void)id::ParseRoles(roles);
  (void)id::KeyRing::Parse(rest);
  (void)Ring().Verify(rest, method, now);

  const id::Claims claims = id::ClaimsFor(method, principal, roles, request_id);
  auto signed_assertion = Ring().Sign(claims, now + absl::Seconds(30));
  if (!signed_assertion.ok()) return 0;
  auto verified = Ring().Verify(*signed_assertion, method, now);
  FUZZ_CHECK(verified.ok());
  FUZZ_CHECK(verified->method == claims.method && verified->principal == claims.principal &&
             verified->roles == claims.roles && verified->request_id == claims.request_id);
  if (method != rest) FUZZ_CHECK(!Ring().Verify(*signed_assertion, rest, now).ok());
  return 0;
}
