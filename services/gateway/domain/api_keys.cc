#include "services/gateway/domain/api_keys.h"

#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/rand.h>

#include <map>

#include "absl/strings/escaping.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "services/gateway/domain/settings.h"

namespace classplan::gateway {
namespace {

constexpr absl::string_view kPrefix = "cpk_";
constexpr size_t kIdHex = 12, kSecretHex = 64, kSaltBytes = 16, kHashBytes = 32;

bool IsLowerHex(absl::string_view s) {
  for (char c : s) {
    if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'))) return false;
  }
  return true;
}

absl::StatusOr<std::string> RandomHex(size_t bytes) {
  std::string raw(bytes, '\0');
  if (RAND_bytes(reinterpret_cast<unsigned char*>(raw.data()), static_cast<int>(bytes)) != 1) {
    return absl::InternalError("OpenSSL RAND_bytes failed");
  }
  return absl::BytesToHexString(raw);
}

std::string Pbkdf2(absl::string_view secret, absl::string_view salt, int iterations) {
  std::string out(kHashBytes, '\0');
  PKCS5_PBKDF2_HMAC(secret.data(), static_cast<int>(secret.size()),
                    reinterpret_cast<const unsigned char*>(salt.data()),
                    static_cast<int>(salt.size()), iterations, EVP_sha256(),
                    static_cast<int>(out.size()), reinterpret_cast<unsigned char*>(out.data()));
  return out;
}

absl::Status Unauthenticated() {
  return absl::UnauthenticatedError("missing or invalid API key (authorization: Bearer <key>)");
}

}  // namespace

absl::StatusOr<absl::Time> ParseExpiry(absl::string_view text) {
  if (text.empty()) return absl::InfiniteFuture();
  absl::Time t;
  std::string error;
  if (!absl::ParseTime(absl::RFC3339_full, text, &t, &error)) {
    return absl::InvalidArgumentError(absl::StrCat(
        "expires: \"", text, "\" is not an RFC 3339 time such as \"2027-01-31T00:00:00Z\""));
  }
  return t;
}

absl::StatusOr<NewKey> MakeKey(const std::string& principal, const std::vector<std::string>& roles,
                               int iterations, absl::Time expires) {
  if (principal.empty()) return absl::InvalidArgumentError("principal is required");
  if (roles.empty()) return absl::InvalidArgumentError("at least one role is required");
  for (const auto& r : roles) {
    if (auto bit = RoleBit(r); !bit.ok()) return bit.status();
  }
  if (iterations < 1) return absl::InvalidArgumentError("iterations must be at least 1");
  auto id = RandomHex(kIdHex / 2);
  auto secret = RandomHex(kSecretHex / 2);
  auto salt = RandomHex(kSaltBytes);
  if (!id.ok() || !secret.ok() || !salt.ok()) return absl::InternalError("no randomness");
  NewKey k;
  k.key = absl::StrCat(kPrefix, *id, "_", *secret);
  k.entry.set_id(*id);
  k.entry.set_principal(principal);
  for (const auto& r : roles) k.entry.add_role(r);
  k.entry.set_salt_hex(*salt);
  k.entry.set_hash_hex(
      absl::BytesToHexString(Pbkdf2(*secret, absl::HexStringToBytes(*salt), iterations)));
  k.entry.set_iterations(iterations);
  if (expires != absl::InfiniteFuture()) {
    k.entry.set_expires(absl::FormatTime(absl::RFC3339_sec, expires, absl::UTCTimeZone()));
  }
  return k;
}

absl::string_view BearerToken(absl::string_view authorization) {
  constexpr absl::string_view kBearer = "Bearer ";
  if (authorization.size() <= kBearer.size() ||
      !absl::EqualsIgnoreCase(authorization.substr(0, kBearer.size()), kBearer)) {
    return {};
  }
  absl::string_view token = authorization.substr(kBearer.size());
  while (!token.empty() && token.front() == ' ') token.remove_prefix(1);
  while (!token.empty() && token.back() == ' ') token.remove_suffix(1);
  return token;
}

absl::StatusOr<std::unique_ptr<KeyStore>> KeyStore::FromProto(const v1::KeyFile& file) {
  auto store = std::make_unique<KeyStore>();
  std::map<std::string, Principal*> principals;
  std::map<Principal*, std::map<std::string, std::string>> salts;  // key id -> salt
  for (int i = 0; i < file.key_size(); ++i) {
    const auto& k = file.key(i);
    const std::string where = absl::StrCat("key[", i, "] (id \"", k.id(), "\")");
    if (k.id().size() != kIdHex || !IsLowerHex(k.id())) {
      return absl::InvalidArgumentError(where + ": id must be 12 lowercase hex digits");
    }
    if (k.principal().empty()) return absl::InvalidArgumentError(where + ": principal is required");
    if (k.salt_hex().empty() || !IsLowerHex(k.salt_hex()) ||
        k.hash_hex().size() != 2 * kHashBytes || !IsLowerHex(k.hash_hex()) || k.iterations() < 1) {
      return absl::InvalidArgumentError(where + ": salt_hex, hash_hex and iterations are required");
    }
    RoleSet roles = 0;
    for (const auto& r : k.role()) {
      auto bit = RoleBit(r);
      if (!bit.ok())
        return absl::InvalidArgumentError(absl::StrCat(where, ": ", bit.status().message()));
      roles |= *bit;
    }
    if (roles == 0) return absl::InvalidArgumentError(where + ": no role");
    Principal*& p = principals[k.principal()];
    if (p == nullptr) {
      store->principals_.push_back(std::make_unique<Principal>());
      p = store->principals_.back().get();
      p->id = k.principal();
      p->index = static_cast<int>(store->principals_.size()) - 1;
      p->roles = roles;
      p->person = (roles & ~RoleBit(identity::Role::kAgencySystem)) != 0;
    } else if (p->roles != roles) {
      return absl::InvalidArgumentError(where +
                                        ": another key of the same principal has different roles");
    }
    p->roles_header = RoleNames(p->roles);
    Entry e;
    e.salt = absl::HexStringToBytes(k.salt_hex());
    e.hash = absl::HexStringToBytes(k.hash_hex());
    e.iterations = k.iterations();
    e.disabled = k.disabled();
    auto expires = ParseExpiry(k.expires());
    if (!expires.ok()) {
      return absl::InvalidArgumentError(absl::StrCat(where, ": ", expires.status().message()));
    }
    e.expires = *expires;
    e.principal = p;
    salts[p][k.id()] = e.salt;
    if (!store->by_id_.emplace(k.id(), std::move(e)).second) {
      return absl::InvalidArgumentError(where + ": duplicate id");
    }
  }
  for (auto& [p, by_id] : salts) {
    for (const auto& [id, salt] : by_id) p->key_salts += salt;
  }
  return store;
}

absl::StatusOr<std::unique_ptr<KeyStore>> KeyStore::Load(const std::string& path) {
  v1::KeyFile file;
  if (absl::Status s = ReadTextProtoFile(path, &file); !s.ok()) return s;
  auto store = FromProto(file);
  if (!store.ok())
    return absl::InvalidArgumentError(absl::StrCat(path, ": ", store.status().message()));
  return store;
}

std::string PrincipalForLog(const Principal& principal, absl::string_view key) {
  if (!principal.person) return principal.id;
  // Only verified keys get here, so the id is where the key format puts it.
  return absl::StrCat("key:", key.substr(kPrefix.size(), kIdHex));
}

KeyStore::Check KeyStore::CheckKey(absl::string_view key, absl::Time now) const {
  Check c;
  if (key.size() != kPrefix.size() + kIdHex + 1 + kSecretHex || !absl::StartsWith(key, kPrefix) ||
      key[kPrefix.size() + kIdHex] != '_') {
    return c;
  }
  const std::string id(key.substr(kPrefix.size(), kIdHex));
  const absl::string_view secret = key.substr(kPrefix.size() + kIdHex + 1);
  auto it = by_id_.find(id);
  if (it == by_id_.end() || it->second.disabled) return c;
  const Entry& e = it->second;
  const std::string hash = Pbkdf2(secret, e.salt, e.iterations);
  if (hash.size() != e.hash.size() || CRYPTO_memcmp(hash.data(), e.hash.data(), hash.size()) != 0) {
    return c;
  }
  // Expiry is checked only for the right secret: an expired key is told apart (in the
  // access log) only for its holder.
  if (now >= e.expires) {
    c.failure = KeyFailure::kExpired;
    return c;
  }
  c.principal = e.principal;
  c.failure = KeyFailure::kNone;
  c.expires = e.expires;
  return c;
}

absl::StatusOr<const Principal*> KeyStore::Verify(absl::string_view key, absl::Time now) const {
  const Check c = CheckKey(key, now);
  if (c.principal == nullptr) return Unauthenticated();
  return c.principal;
}

}  // namespace classplan::gateway
