#include "common/log/log.h"

#include <atomic>
#include <cstdio>
#include <mutex>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/time/clock.h"
#include "absl/time/time.h"
#include "common/log/trace.h"

namespace classplan::log {
namespace {

std::mutex& WriteMutex() {
  static std::mutex m;
  return m;
}
// The "service" field: written by Init, read by every Format, both under this lock.
std::mutex& ServiceMutex() {
  static std::mutex m;
  return m;
}
std::string& ServiceNameLocked() {
  static std::string s = "classplan";
  return s;
}
std::string ServiceName() {
  std::lock_guard<std::mutex> lock(ServiceMutex());
  return ServiceNameLocked();
}
std::atomic<int> g_min_level{static_cast<int>(Level::kInfo)};

const char* LevelName(Level l) {
  switch (l) {
    case Level::kDebug:
      return "debug";
    case Level::kInfo:
      return "info";
    case Level::kWarn:
      return "warn";
    case Level::kError:
      return "error";
  }
  return "info";
}

struct ValueAppender {
  std::string* out;
  void operator()(absl::string_view s) const { absl::StrAppend(out, "\"", JsonEscape(s), "\""); }
  void operator()(int64_t v) const { absl::StrAppend(out, v); }
  void operator()(double v) const { absl::StrAppend(out, absl::StrFormat("%.6g", v)); }
  void operator()(bool v) const { absl::StrAppend(out, v ? "true" : "false"); }
};

}  // namespace

void Init(absl::string_view service, Level min_level) {
  {
    std::lock_guard<std::mutex> lock(ServiceMutex());
    ServiceNameLocked() = std::string(service);
  }
  g_min_level = static_cast<int>(min_level);
}

// Length of the valid UTF-8 sequence starting at s[i], or 0 when it is not valid.
size_t Utf8Length(absl::string_view s, size_t i) {
  auto c = static_cast<unsigned char>(s[i]);
  size_t n = c >= 0xF0 && c <= 0xF4 ? 4 : c >= 0xE0 ? 3 : c >= 0xC2 && c < 0xE0 ? 2 : 0;
  if (n == 0 || i + n > s.size()) return 0;
  for (size_t k = 1; k < n; ++k) {
    if ((static_cast<unsigned char>(s[i + k]) & 0xC0) != 0x80) return 0;
  }
  return n;
}

std::string JsonEscape(absl::string_view s) {
  std::string out;
  out.reserve(s.size());
  for (size_t i = 0; i < s.size(); ++i) {
    auto c = static_cast<unsigned char>(s[i]);
    switch (c) {
      case '"':
        out += "\\\"";
        break;
      case '\\':
        out += "\\\\";
        break;
      case '\n':
        out += "\\n";
        break;
      case '\r':
        out += "\\r";
        break;
      case '\t':
        out += "\\t";
        break;
      default:
        if (c < 0x20) {
          out += absl::StrFormat("\\u%04x", c);
        } else if (c < 0x80) {
          out += static_cast<char>(c);
        } else if (size_t n = Utf8Length(s, i); n > 0) {
          out.append(s.data() + i, n);
          i += n - 1;
        } else {
          out += "\\ufffd";  // keep every line valid JSON
        }
    }
  }
  return out;
}

std::string Format(Level level, absl::string_view msg, std::initializer_list<Field> fields) {
  std::string line = absl::StrCat(
      "{\"ts\":\"", absl::FormatTime("%Y-%m-%dT%H:%M:%E3SZ", absl::Now(), absl::UTCTimeZone()),
      "\",\"level\":\"", LevelName(level), "\",\"service\":\"", JsonEscape(ServiceName()),
      "\",\"msg\":\"", JsonEscape(msg), "\"");
  bool has_request_id = false, has_trace_id = false;
  for (const auto& [key, value] : fields) {
    absl::StrAppend(&line, ",\"", JsonEscape(key), "\":");
    std::visit(ValueAppender{&line}, value.variant());
    has_request_id = has_request_id || key == "request_id";
    has_trace_id = has_trace_id || key == "trace_id";
  }
  // The call this thread serves (trace.h): every line written for it names it.
  if (const ScopedCallContext* call = ScopedCallContext::Current(); call != nullptr) {
    if (!has_request_id && !call->request_id().empty()) {
      absl::StrAppend(&line, ",\"request_id\":\"", JsonEscape(call->request_id()), "\"");
    }
    if (!has_trace_id && call->trace().valid()) {
      absl::StrAppend(&line, ",\"trace_id\":\"", call->trace().trace_id, "\"");
    }
  }
  line += "}";
  return line;
}

std::string FormatCounters(Level level, absl::string_view msg,
                           const std::map<std::string, int64_t>& counters) {
  std::string line = Format(level, msg, {});
  line.pop_back();  // reopen the object
  for (const auto& [name, value] : counters) {
    absl::StrAppend(&line, ",\"", JsonEscape(name), "\":", value);
  }
  return line + "}";
}

void WriteCounters(Level level, absl::string_view msg,
                   const std::map<std::string, int64_t>& counters) {
  if (static_cast<int>(level) < g_min_level.load()) return;
  std::string line = FormatCounters(level, msg, counters) + "\n";
  std::lock_guard<std::mutex> lock(WriteMutex());
  std::fwrite(line.data(), 1, line.size(), stderr);
  std::fflush(stderr);
}

void Write(Level level, absl::string_view msg, std::initializer_list<Field> fields) {
  if (static_cast<int>(level) < g_min_level.load()) return;
  std::string line = Format(level, msg, fields);
  line += "\n";
  std::lock_guard<std::mutex> lock(WriteMutex());
  std::fwrite(line.data(), 1, line.size(), stderr);
  std::fflush(stderr);
}

}  // namespace classplan::log
