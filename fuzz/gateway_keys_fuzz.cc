// The gateway's key and metadata parsing (services/gateway/domain/api_keys.h, key_ring.h): the
// authorization header, API keys checked against a key store, key expiries, peer addresses,
// and key files (KeyFile in text format, as the gateway loads them).
// Property: a key made by MakeKey verifies, and the same key with its input appended does not.

#include <memory>
#include <string>

#include "fuzz/fuzz_check.h"
#include "google/protobuf/text_format.h"
#include "services/gateway/domain/api_keys.h"
#include "services/gateway/domain/key_ring.h"

namespace {

namespace gw = classplan::gateway;

struct Fixture {
  std::string key;
  std::unique_ptr<gw::KeyStore> store;
};

// One key of one PBKDF2 iteration: the fuzzer spends its time parsing, not hashing.
const Fixture& Keys() {
  static const Fixture* const fixture = [] {
    auto made = gw::MakeKey("fuzz-system", {"agency_system"}, 1);
    FUZZ_CHECK(made.ok());
    gw::v1::KeyFile file;
    *file.add_key() = made->entry;
    auto store = gw::KeyStore::FromProto(file);
    FUZZ_CHECK(store.ok());
    return new Fixture{made->key, std::move(*store)};
  }();
  return *fixture;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const absl::string_view text = classplan::fuzz::View(data, size);
  const absl::Time now = absl::FromUnixSeconds(1'800'000'000);
  const Fixture& keys = Keys();
  const absl::string_view bearer = gw::BearerToken(text);
  (void)keys.store->Verify(bearer, now);
  (void)keys.store->Verify(text, now);
  if (!text.empty()) FUZZ_CHECK(!keys.store->Verify(keys.key + std::string(text), now).ok());
  FUZZ_CHECK(keys.store->Verify(keys.key, now).ok());
  (void)gw::ParseExpiry(text);
  (void)gw::ClientAddress(text);
  gw::v1::KeyFile file;
  if (google::protobuf::TextFormat::ParseFromString(std::string(text), &file)) {
    (void)gw::KeyStore::FromProto(file);
  }
  return 0;
}
