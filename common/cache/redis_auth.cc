#include "common/cache/redis_auth.h"

#include <hiredis/hiredis.h>

#include <algorithm>
#include <atomic>
#include <fstream>
#include <memory>
#include <vector>

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "common/log/log.h"
#include "common/metrics/metrics.h"

namespace classplan::cache {
namespace {

metrics::Counter& AuthFailed() {
  static metrics::Counter& c = metrics::GetCounter("cache.redis.auth_failed");
  return c;
}

// Whether the last AUTH outcome was a refusal, so each change is logged once, not per
// connection attempt.
std::atomic<bool> refused{false};

void NoteRefused(std::string_view code) {
  AuthFailed().Increment();
  if (!refused.exchange(true)) {
    log::Error("redis refused this service's credentials; reads come from the store",
               {{"error", code}});
  }
}

void NoteAccepted() {
  if (refused.exchange(false)) log::Info("redis accepts this service's credentials again");
}

}  // namespace

absl::Status ReadRedisCredentials(const std::string& path, RedisOptions* options) {
  options->user.clear();
  options->password.clear();
  if (path.empty()) return absl::OkStatus();
  std::ifstream in(path);
  if (!in) return absl::NotFoundError(absl::StrCat("cannot read the redis password file ", path));
  std::string line;
  std::getline(in, line);
  std::vector<std::string> words =
      absl::StrSplit(absl::StripAsciiWhitespace(line), ' ', absl::SkipEmpty());
  if (words.empty() || words.size() > 2) {
    return absl::InvalidArgumentError(
        absl::StrCat("the redis password file ", path,
                     " must hold one line: \"<user> <password>\" or \"<password>\""));
  }
  if (words.size() == 2) options->user = words[0];
  options->password = words.back();
  return absl::OkStatus();
}

absl::Status AuthenticateRedis(redisContext* c, const RedisOptions& options) {
  if (options.password.empty()) return absl::OkStatus();
  std::vector<const char*> argv = {"AUTH"};
  std::vector<size_t> len = {4};
  if (!options.user.empty()) {
    argv.push_back(options.user.c_str());
    len.push_back(options.user.size());
  }
  argv.push_back(options.password.c_str());
  len.push_back(options.password.size());
  void* raw = redisCommandArgv(c, static_cast<int>(argv.size()), argv.data(), len.data());
  if (raw == nullptr) return absl::UnavailableError(absl::StrCat("redis AUTH: ", c->errstr));
  std::unique_ptr<redisReply, void (*)(void*)> reply(static_cast<redisReply*>(raw),
                                                     freeReplyObject);
  if (reply->type == REDIS_REPLY_ERROR) {
    // Only the code: the rest of the message is Redis's, and we never echo credentials.
    std::string_view s(reply->str, reply->len);
    const std::string_view code = s.substr(0, std::min(s.find(' '), s.size()));
    NoteRefused(code);
    return absl::UnauthenticatedError(
        absl::StrCat("redis AUTH refused (", absl::string_view(code.data(), code.size()), ")"));
  }
  NoteAccepted();
  return absl::OkStatus();
}

bool NoteRedisAuthError(std::string_view error_code) {
  if (error_code != "NOAUTH" && error_code != "WRONGPASS") return false;
  NoteRefused(error_code);
  return true;
}

}  // namespace classplan::cache
