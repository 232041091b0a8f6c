#ifndef CLASSPLAN_COMMON_IDENTITY_ASSERTION_H_
#define CLASSPLAN_COMMON_IDENTITY_ASSERTION_H_

// The identity assertion: what makes a backend believe the identity a call carries. The
// gateway (and a service calling another, and classplanctl given the key) signs one per call;
// every service verifies it on every call (common/server/unary.h) and ignores the plain
// x-classplan-principal / x-classplan-roles headers.
//
// Header `x-classplan-assertion`, version 1, five fields joined by '.':
//
//   v1.<key id>.<expiry>.<body>.<mac>
//
//   key id  the key ring entry that signed it ([A-Za-z0-9_-], at most 32 characters)
//   expiry  Unix seconds (decimal) after which it is refused (kClockSkew of grace)
//   body    unpadded base64url of  method '\n' principal '\n' roles '\n' request id
//           (method the full gRPC name "/classplan.catalog.v1.CatalogService/CreateJobClass",
//           roles the canonical comma-separated names of FormatRoles)
//   mac     unpadded base64url of HMAC-SHA256(key, "v1.<key id>.<expiry>.<body>"), compared
//           in constant time (CRYPTO_memcmp)
//
// The signer sets expiry to the call's deadline, at most kMaxLifetime ahead; a verifier refuses
// one that is expired or claims a longer life. An assertion names one method, so one captured
// from a read cannot be replayed against a write.
//
// Key ring file: one key a line, "<key id> <standard base64 of 32 to 64 random bytes>"; '#'
// comments and blank lines are ignored. The first key signs, every key verifies: a rollover
// lists the new key second everywhere, then first, then drops the old one
// (docs/security.md, "Keys and rotation"). The file must not be readable by others, nor by
// its group unless that is the process's own group (a Kubernetes Secret read through fsGroup).

#include <memory>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/time/time.h"
#include "common/identity/identity.h"

namespace classplan::identity {

inline constexpr char kAssertionHeader[] = "x-classplan-assertion";
inline constexpr absl::Duration kMaxLifetime = absl::Minutes(5);
// Grace for clocks of different hosts (expiry is checked against the verifier's clock).
inline constexpr absl::Duration kClockSkew = absl::Seconds(10);

// What an assertion says.
struct Claims {
  std::string method;  // full gRPC method name
  std::string principal;
  std::vector<Role> roles;
  std::string request_id;
};

// The expiry a signer gives a call's assertion: its deadline, at most kMaxLifetime after `now`.
absl::Time AssertionExpiry(absl::Time now, absl::Time deadline);

// The keys that sign and verify assertions. Immutable; shared by every call.
class KeyRing {
 public:
  // Reads a key ring file; refuses a file that others (or a group not the process's) may
  // read, saying so.
  static absl::StatusOr<std::shared_ptr<const KeyRing>> Load(const std::string& path);
  // Parses a key ring file's text (no permission check).
  static absl::StatusOr<std::shared_ptr<const KeyRing>> Parse(absl::string_view text);

  ~KeyRing();
  KeyRing(const KeyRing&) = delete;
  KeyRing& operator=(const KeyRing&) = delete;

  // The key that signs (the file's first).
  const std::string& signing_key_id() const;
  size_t size() const;

  // The header value for `claims`, signed with the first key. INVALID_ARGUMENT when a field
  // holds a line break (the body's separator).
  absl::StatusOr<std::string> Sign(const Claims& claims, absl::Time expiry) const;

  // The claims of `assertion` when it is well formed, signed by a key of this ring, not
  // expired at `now` and for `method` (full name); UNAUTHENTICATED otherwise, with a message
  // that names what is wrong and never the claims.
  absl::StatusOr<Claims> Verify(absl::string_view assertion, absl::string_view method,
                                absl::Time now) const;

 private:
  struct Key;
  explicit KeyRing(std::vector<Key> keys);
  const Key* Find(absl::string_view id) const;

  std::vector<Key> keys_;
};

// Claims from the roles header's text (ParseRoles), as tools and tests hold them.
Claims ClaimsFor(std::string method, std::string principal, absl::string_view roles,
                 std::string request_id = "");

}  // namespace classplan::identity

#endif  // CLASSPLAN_COMMON_IDENTITY_ASSERTION_H_
