#include "common/identity/assertion.h"

#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <sys/stat.h>

#include <algorithm>
#include <array>
#include <cerrno>
#include <cstring>
#include <fstream>
#include <memory>
#include <sstream>
#include <utility>

#include "absl/strings/ascii.h"
#include "absl/strings/escaping.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_split.h"
#include "common/files/secret_file.h"

namespace classplan::identity {

namespace {

constexpr absl::string_view kVersion = "v1";
constexpr size_t kMinKeyBytes = 32;
// SHA-256's block: a longer key would be hashed first; refusing it keeps one code path.
constexpr size_t kMaxKeyBytes = 64;
constexpr size_t kMaxKeyIdLength = 32;
constexpr size_t kMacBytes = 32;

struct MdCtxFree {
  void operator()(EVP_MD_CTX* ctx) const { EVP_MD_CTX_free(ctx); }
};
using MdCtx = std::unique_ptr<EVP_MD_CTX, MdCtxFree>;

bool ValidKeyId(absl::string_view id) {
  if (id.empty() || id.size() > kMaxKeyIdLength) return false;
  for (char c : id) {
    if (!absl::ascii_isalnum(static_cast<unsigned char>(c)) && c != '-' && c != '_') return false;
  }
  return true;
}

// A SHA-256 context that has absorbed one padded key block (the HMAC inner or outer state).
MdCtx PadState(absl::string_view key, unsigned char pad) {
  std::array<unsigned char, kMaxKeyBytes> block{};
  for (size_t i = 0; i < block.size(); ++i) {
    const auto k = i < key.size() ? static_cast<unsigned char>(key[i]) : 0;
    block[i] = static_cast<unsigned char>(k ^ pad);
  }
  MdCtx ctx(EVP_MD_CTX_new());
  if (ctx == nullptr || EVP_DigestInit_ex(ctx.get(), EVP_sha256(), nullptr) != 1 ||
      EVP_DigestUpdate(ctx.get(), block.data(), block.size()) != 1) {
    return nullptr;
  }
  OPENSSL_cleanse(block.data(), block.size());
  return ctx;
}

// One scratch context per thread: verification allocates no context of its own.
EVP_MD_CTX* Scratch() {
  thread_local MdCtx ctx(EVP_MD_CTX_new());
  return ctx.get();
}

}  // namespace

struct KeyRing::Key {
  std::string id;
  MdCtx inner;  // SHA-256 after (key ^ ipad)
  MdCtx outer;  // SHA-256 after (key ^ opad)

  // HMAC-SHA256 of `data`, continuing the precomputed pad states (RFC 2104).
  bool Mac(absl::string_view data, std::array<unsigned char, kMacBytes>* out) const {
    EVP_MD_CTX* c = Scratch();
    unsigned int n = 0;
    return c != nullptr && EVP_MD_CTX_copy_ex(c, inner.get()) == 1 &&
           EVP_DigestUpdate(c, data.data(), data.size()) == 1 &&
           EVP_DigestFinal_ex(c, out->data(), &n) == 1 && EVP_MD_CTX_copy_ex(c, outer.get()) == 1 &&
           EVP_DigestUpdate(c, out->data(), n) == 1 &&
           EVP_DigestFinal_ex(c, out->data(), &n) == 1 && n == kMacBytes;
  }
};

absl::Time AssertionExpiry(absl::Time now, absl::Time deadline) {
  return std::min(deadline, now + kMaxLifetime);
}

KeyRing::KeyRing(std::vector<Key> keys) : keys_(std::move(keys)) {}
KeyRing::~KeyRing() = default;

absl::StatusOr<std::shared_ptr<const KeyRing>> KeyRing::Load(const std::string& path) {
  struct stat st {};
  if (stat(path.c_str(), &st) != 0) {
    return absl::NotFoundError(
        absl::StrCat("cannot read identity key file ", path, ": ", std::strerror(errno)));
  }
  if (files::ExposedToOthers(st)) {
    return absl::FailedPreconditionError(absl::StrFormat(
        "identity key file %s is readable by group or others (mode %04o); chmod 600 it", path,
        st.st_mode & 07777));
  }
  std::ifstream in(path);
  if (!in) return absl::NotFoundError(absl::StrCat("cannot read identity key file ", path));
  std::stringstream text;
  text << in.rdbuf();
  auto ring = Parse(text.str());
  if (!ring.ok()) {
    return absl::InvalidArgumentError(
        absl::StrCat("identity key file ", path, ": ", ring.status().message()));
  }
  return ring;
}

absl::StatusOr<std::shared_ptr<const KeyRing>> KeyRing::Parse(absl::string_view text) {
  std::vector<Key> keys;
  int line_no = 0;
  for (absl::string_view line : absl::StrSplit(text, '\n')) {
    ++line_no;
    line = absl::StripAsciiWhitespace(line);
    if (line.empty() || line[0] == '#') continue;
    std::vector<absl::string_view> f =
        absl::StrSplit(line, absl::ByAnyChar(" \t"), absl::SkipEmpty());
    if (f.size() != 2) {
      return absl::InvalidArgumentError(
          absl::StrCat("line ", line_no, ": expected \"<key id> <base64 secret>\""));
    }
    if (!ValidKeyId(f[0])) {
      return absl::InvalidArgumentError(
          absl::StrCat("line ", line_no, ": a key id is 1 to 32 of [A-Za-z0-9_-]"));
    }
    std::string secret;
    if (!absl::Base64Unescape(f[1], &secret) || secret.size() < kMinKeyBytes ||
        secret.size() > kMaxKeyBytes) {
      return absl::InvalidArgumentError(
          absl::StrCat("line ", line_no, ": the secret must be base64 of 32 to 64 random bytes"));
    }
    for (const Key& k : keys) {
      if (k.id == f[0]) {
        return absl::InvalidArgumentError(
            absl::StrCat("line ", line_no, ": key id ", f[0], " is listed twice"));
      }
    }
    Key key{std::string(f[0]), PadState(secret, 0x36), PadState(secret, 0x5c)};
    OPENSSL_cleanse(secret.data(), secret.size());
    if (key.inner == nullptr || key.outer == nullptr) {
      return absl::InternalError("cannot set up HMAC-SHA256");
    }
    keys.push_back(std::move(key));
  }
  if (keys.empty()) return absl::InvalidArgumentError("no key in the identity key file");
  return std::shared_ptr<const KeyRing>(new KeyRing(std::move(keys)));
}

const std::string& KeyRing::signing_key_id() const { return keys_.front().id; }
size_t KeyRing::size() const { return keys_.size(); }

const KeyRing::Key* KeyRing::Find(absl::string_view id) const {
  for (const Key& k : keys_) {
    if (k.id == id) return &k;
  }
  return nullptr;
}

absl::StatusOr<std::string> KeyRing::Sign(const Claims& claims, absl::Time expiry) const {
  for (const std::string* field : {&claims.method, &claims.principal, &claims.request_id}) {
    if (field->find('\n') != std::string::npos) {
      return absl::InvalidArgumentError("an identity claim holds a line break");
    }
  }
  const Key& key = keys_.front();
  std::string out = absl::StrCat(
      kVersion, ".", key.id, ".", absl::ToUnixSeconds(expiry), ".",
      absl::WebSafeBase64Escape(absl::StrCat(claims.method, "\n", claims.principal, "\n",
                                             FormatRoles(claims.roles), "\n", claims.request_id)));
  std::array<unsigned char, kMacBytes> mac{};
  if (!key.Mac(out, &mac)) return absl::InternalError("HMAC-SHA256 failed");
  absl::StrAppend(&out, ".",
                  absl::WebSafeBase64Escape(
                      absl::string_view(reinterpret_cast<const char*>(mac.data()), mac.size())));
  return out;
}

absl::StatusOr<Claims> KeyRing::Verify(absl::string_view assertion, absl::string_view method,
                                       absl::Time now) const {
  const size_t last_dot = assertion.rfind('.');
  if (assertion.empty()) return absl::UnauthenticatedError("no identity assertion");
  std::vector<absl::string_view> f = absl::StrSplit(assertion, '.');
  if (f.size() != 5 || last_dot == absl::string_view::npos) {
    return absl::UnauthenticatedError("malformed identity assertion");
  }
  if (f[0] != kVersion) {
    return absl::UnauthenticatedError("unsupported identity assertion version");
  }
  const Key* key = Find(f[1]);
  if (key == nullptr) {
    return absl::UnauthenticatedError("identity assertion signed with an unknown key id");
  }
  std::string given;
  if (!absl::WebSafeBase64Unescape(f[4], &given) || given.size() != kMacBytes) {
    return absl::UnauthenticatedError("malformed identity assertion signature");
  }
  std::array<unsigned char, kMacBytes> mac{};
  if (!key->Mac(assertion.substr(0, last_dot), &mac)) {
    return absl::InternalError("HMAC-SHA256 failed");
  }
  if (CRYPTO_memcmp(mac.data(), given.data(), kMacBytes) != 0) {
    return absl::UnauthenticatedError("bad identity assertion signature");
  }
  int64_t expiry = 0;
  if (!absl::SimpleAtoi(f[2], &expiry)) {
    return absl::UnauthenticatedError("malformed identity assertion expiry");
  }
  const absl::Time expires = absl::FromUnixSeconds(expiry);
  if (now > expires + kClockSkew) return absl::UnauthenticatedError("identity assertion expired");
  if (expires > now + kMaxLifetime + kClockSkew) {
    return absl::UnauthenticatedError("identity assertion lives longer than allowed");
  }
  std::string body;
  if (!absl::WebSafeBase64Unescape(f[3], &body)) {
    return absl::UnauthenticatedError("malformed identity assertion body");
  }
  std::vector<absl::string_view> b = absl::StrSplit(body, '\n');
  if (b.size() != 4) return absl::UnauthenticatedError("malformed identity assertion body");
  if (b[0] != method) {
    return absl::UnauthenticatedError("identity assertion is for another method");
  }
  Claims claims;
  claims.method = std::string(b[0]);
  claims.principal = std::string(b[1]);
  claims.roles = ParseRoles(b[2]);
  claims.request_id = std::string(b[3]);
  return claims;
}

Claims ClaimsFor(std::string method, std::string principal, absl::string_view roles,
                 std::string request_id) {
  return Claims{std::move(method), std::move(principal), ParseRoles(roles), std::move(request_id)};
}

}  // namespace classplan::identity
