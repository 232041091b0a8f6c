#include "common/audit/audit.h"

#include <openssl/sha.h>

#include "absl/strings/escaping.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"

namespace classplan::audit {
namespace {

constexpr char kCanonicalVersion[] = "classplan.audit.v1\n";

void Field(absl::string_view value, std::string* out) {
  absl::StrAppend(out, value.size(), ":", value, "\n");
}

}  // namespace

Event EventFor(const identity::Caller& caller, absl::Time time) {
  Event e;
  e.time = time;
  e.principal = caller.principal;
  e.roles.reserve(caller.roles.size());
  for (identity::Role r : caller.roles) e.roles.emplace_back(identity::RoleName(r));
  e.request_id = caller.request_id;
  e.method = caller.method;
  return e;
}

std::string Canonical(const Event& e) {
  std::string out = kCanonicalVersion;
  Field(absl::StrCat(e.sequence), &out);
  Field(absl::StrCat(absl::ToUnixMicros(e.time)), &out);
  Field(e.principal, &out);
  Field(absl::StrJoin(e.roles, ","), &out);
  Field(e.request_id, &out);
  Field(e.method, &out);
  Field(e.resource_type, &out);
  Field(e.resource_id, &out);
  Field(e.etag_before, &out);
  Field(e.etag_after, &out);
  Field(e.reason, &out);
  Field(e.prev_hash, &out);
  return out;
}

std::string Hash(const Event& event) {
  const std::string bytes = Canonical(event);
  unsigned char digest[SHA256_DIGEST_LENGTH];
  SHA256(reinterpret_cast<const unsigned char*>(bytes.data()), bytes.size(), digest);
  return absl::BytesToHexString(
      absl::string_view(reinterpret_cast<const char*>(digest), sizeof(digest)));
}

std::optional<Break> ChainVerifier::Next(const Event& event) {
  if (broken_) return broken_;
  const int64_t expected = checked_ + 1;
  if (event.sequence != expected) {
    broken_ = Break{event.sequence, absl::StrCat("sequence ", event.sequence, " where ", expected,
                                                 " was expected (an event is missing or added)")};
  } else if (event.prev_hash != last_hash_) {
    broken_ = Break{event.sequence,
                    expected == 1
                        ? std::string("prev_hash of the first event is not the genesis hash")
                        : absl::StrCat("prev_hash does not match the hash of event ", checked_)};
  } else if (event.hash != Hash(event)) {
    broken_ = Break{event.sequence, "hash does not match the event's content (it was altered)"};
  } else {
    ++checked_;
    last_hash_ = event.hash;
  }
  return broken_;
}

std::optional<Break> VerifyChain(const std::vector<Event>& events) {
  ChainVerifier verifier;
  for (const Event& e : events) {
    if (auto broken = verifier.Next(e)) return broken;
  }
  return std::nullopt;
}

}  // namespace classplan::audit
