#ifndef CLASSPLAN_SERVICES_GATEWAY_DOMAIN_API_KEYS_H_
#define CLASSPLAN_SERVICES_GATEWAY_DOMAIN_API_KEYS_H_

// API keys. A key is "cpk_<id>_<secret>": the id (12 hex digits) names the key's entry, the
// secret (64 hex digits, 256 random bits) is known only to its holder. The key file stores
// the id, a random salt and PBKDF2-HMAC-SHA256(secret, salt) (OpenSSL), never the secret;
// hashes are compared in constant time. Verifying costs one PBKDF2 run, so verified keys are
// remembered by each gateway thread for key_cache_ttl (VerifiedKeyCache, key_ring.h). A key
// may carry an expiry; after it the key is refused like a wrong one.

#include <cstdint>
#include <memory>
#include <string>
#include <unordered_map>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/time/clock.h"
#include "absl/time/time.h"
#include "classplan/gateway/v1/config.pb.h"
#include "services/gateway/domain/roles.h"

namespace classplan::gateway {

class RateLimiter;

// Who is calling. Lives as long as the KeyStore that made it.
struct Principal {
  std::string id;
  RoleSet roles = 0;
  // A person (any role besides agency_system: HR staff, supervisors, employees), whose id
  // is personal data: it goes to the backends, never into logs or error messages.
  bool person = false;
  // The salts of its keys in key-id order (random, in the key file every replica loads):
  // mixed into the hash that names its rate-limit bucket in Redis, so the bucket's name
  // cannot be traced back to an id by hashing candidates. Changes when its keys change.
  std::string key_salts;
  std::string roles_header;  // RoleNames(roles), built once
  int index = 0;             // dense 0..n-1, for per-principal state (rate limits)
  // The rate limiter of the key set this principal was loaded with (KeyRing): a reload makes
  // new principals with their own limiter, so a call never mixes two key sets' state.
  RateLimiter* limiter = nullptr;
};

inline constexpr int kDefaultKeyIterations = 1000;

// Who called, as the access log says it: a system's principal id; for a person "key:" and
// the id of the key used (random, in the key file beside the principal, so an operator can
// tell who it was and the log holds no personal data).
std::string PrincipalForLog(const Principal& principal, absl::string_view key);

// A new key and the entry that verifies it. The key is printed once and never stored.
struct NewKey {
  std::string key;
  v1::KeyEntry entry;
};
// `expires`: when the key stops working (InfiniteFuture: never).
absl::StatusOr<NewKey> MakeKey(const std::string& principal, const std::vector<std::string>& roles,
                               int iterations = kDefaultKeyIterations,
                               absl::Time expires = absl::InfiniteFuture());

// Why a key was refused (for the access log and counters; the caller is told the same
// thing for all of them).
enum class KeyFailure { kNone, kBadKey, kExpired };

// KeyEntry.expires: RFC 3339 ("2027-01-31T00:00:00Z"); empty means never.
absl::StatusOr<absl::Time> ParseExpiry(absl::string_view text);

// The bearer token from an "authorization" header value ("Bearer <key>"), or empty.
absl::string_view BearerToken(absl::string_view authorization);

class KeyStore {
 public:
  static absl::StatusOr<std::unique_ptr<KeyStore>> FromProto(const v1::KeyFile& file);
  static absl::StatusOr<std::unique_ptr<KeyStore>> Load(const std::string& path);

  struct Check {
    const Principal* principal = nullptr;  // null: refused, for `failure`
    KeyFailure failure = KeyFailure::kBadKey;
    absl::Time expires = absl::InfiniteFuture();  // the key's expiry, when accepted
  };
  // Costs one PBKDF2 run: call it off the hot path, or through VerifiedKeyCache.
  Check CheckKey(absl::string_view key, absl::Time now) const;
  // The principal the key belongs to; UNAUTHENTICATED for a malformed, unknown, disabled,
  // expired or wrong key (one message for all, so a caller cannot probe which ids exist).
  absl::StatusOr<const Principal*> Verify(absl::string_view key,
                                          absl::Time now = absl::Now()) const;

  const std::vector<std::unique_ptr<Principal>>& principals() const { return principals_; }

 private:
  struct Entry {
    std::string salt, hash;
    int iterations = 0;
    bool disabled = false;
    absl::Time expires = absl::InfiniteFuture();
    const Principal* principal = nullptr;
  };
  std::unordered_map<std::string, Entry> by_id_;
  std::vector<std::unique_ptr<Principal>> principals_;
};

}  // namespace classplan::gateway

#endif  // CLASSPLAN_SERVICES_GATEWAY_DOMAIN_API_KEYS_H_
