#include "services/gateway/redis/redis_buckets.h"

#include <openssl/sha.h>

#include "absl/strings/escaping.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"

namespace classplan::gateway {
namespace {

// KEYS[1] bucket; ARGV: tokens per second, burst, tokens wanted.
// Returns {granted, milliseconds until the next token when nothing was granted}.
constexpr char kScript[] = R"lua(
local rate = tonumber(ARGV[1])
local burst = tonumber(ARGV[2])
local want = tonumber(ARGV[3])
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
local v = redis.call('HMGET', KEYS[1], 'tokens', 'ts')
local tokens = tonumber(v[1])
local ts = tonumber(v[2])
if tokens == nil or ts == nil then
  tokens = burst
  ts = now
end
if now > ts then
  tokens = math.min(burst, tokens + (now - ts) * rate / 1000)
  ts = now
end
local granted = math.min(want, math.floor(tokens))
tokens = tokens - granted
redis.call('HSET', KEYS[1], 'tokens', tostring(tokens), 'ts', tostring(ts))
redis.call('PEXPIRE', KEYS[1], math.ceil(burst / rate * 1000) + 1000)
local retry = 0
if granted == 0 then retry = math.ceil((1 - tokens) * 1000 / rate) end
return {granted, retry}
)lua";

std::string Sha1Hex(absl::string_view s) {
  unsigned char d[SHA_DIGEST_LENGTH];
  SHA1(reinterpret_cast<const unsigned char*>(s.data()), s.size(), d);
  return absl::BytesToHexString(absl::string_view(reinterpret_cast<char*>(d), sizeof(d)));
}

std::string KeyFor(const Principal& p) {
  // The key salts first: without the key file, trying candidate ids finds nothing.
  const std::string input = absl::StrCat(p.key_salts, p.id);
  unsigned char d[SHA256_DIGEST_LENGTH];
  SHA256(reinterpret_cast<const unsigned char*>(input.data()), input.size(), d);
  return absl::StrCat("classplan:v1:gateway:rl:",
                      absl::BytesToHexString(absl::string_view(reinterpret_cast<char*>(d), 12)));
}

}  // namespace

const char* RedisBuckets::Script() { return kScript; }

RedisBuckets::RedisBuckets(cache::RedisClient* redis) : redis_(redis), sha1_(Sha1Hex(kScript)) {}

absl::StatusOr<Grant> RedisBuckets::Take(const Principal& principal, int64_t want,
                                         double per_second, int64_t burst) {
  const std::string key = KeyFor(principal);
  const std::string rate = absl::StrFormat("%.6f", per_second);
  const std::string b = absl::StrCat(burst), w = absl::StrCat(want);
  auto reply = redis_->EvalIntegers(sha1_, kScript, {key}, {rate, b, w});
  if (!reply.ok()) return reply.status();
  if (reply->size() != 2) return absl::InternalError("rate-limit script: unexpected reply");
  Grant g;
  g.granted = (*reply)[0];
  g.retry_after = absl::Milliseconds(std::max<int64_t>(1, (*reply)[1]));
  return g;
}

}  // namespace classplan::gateway
