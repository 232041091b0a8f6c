#include "common/log/trace.h"

#include <random>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"

namespace classplan::log {
namespace {

bool LowerHex(absl::string_view s, size_t n) {
  if (s.size() != n) return false;
  bool nonzero = false;
  for (char c : s) {
    if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'))) return false;
    nonzero = nonzero || c != '0';
  }
  return nonzero;
}

std::string RandomHex(int bytes) {
  thread_local std::mt19937_64 rng{std::random_device{}()};
  std::string out;
  while (static_cast<int>(out.size()) < 2 * bytes) {
    absl::StrAppend(&out, absl::StrFormat("%016x", rng()));
  }
  out.resize(2 * bytes);
  if (out.find_first_not_of('0') == std::string::npos) out.back() = '1';
  return out;
}

thread_local const ScopedCallContext* t_context = nullptr;

}  // namespace

std::string TraceContext::Header() const {
  if (!valid()) return "";
  return absl::StrCat("00-", trace_id, "-", parent_id, "-", flags);
}

TraceContext ParseTraceparent(absl::string_view h) {
  // version "-" trace-id "-" parent-id "-" flags; a later version may append fields.
  if (h.size() < 55 || h[2] != '-' || h[35] != '-' || h[52] != '-') return {};
  const absl::string_view version = h.substr(0, 2);
  if (version == "ff" || !(LowerHex(version, 2) || version == "00")) return {};
  if (version == "00" && h.size() != 55) return {};
  if (h.size() > 55 && h[55] != '-') return {};
  const absl::string_view flags = h.substr(53, 2);
  if (!(LowerHex(flags, 2) || flags == "00")) return {};
  if (!LowerHex(h.substr(3, 32), 32) || !LowerHex(h.substr(36, 16), 16)) return {};
  return {std::string(h.substr(3, 32)), std::string(h.substr(36, 16)), std::string(flags)};
}

TraceContext NewTrace() { return {RandomHex(16), RandomHex(8), "01"}; }

TraceContext ChildOf(const TraceContext& parent) {
  if (!parent.valid()) return {};
  return {parent.trace_id, RandomHex(8), parent.flags};
}

std::string SafeRequestId(absl::string_view id) {
  if (id.empty() || id.size() > 64) return "";
  for (char c : id) {
    const bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
                    c == '.' || c == '_' || c == ':' || c == '-';
    if (!ok) return "";
  }
  return std::string(id);
}

ScopedCallContext::ScopedCallContext(std::string request_id, TraceContext trace)
    : request_id_(std::move(request_id)), trace_(std::move(trace)), previous_(t_context) {
  t_context = this;
}

ScopedCallContext::~ScopedCallContext() { t_context = previous_; }

const ScopedCallContext* ScopedCallContext::Current() { return t_context; }

std::string CurrentTraceparentForCall() {
  const ScopedCallContext* c = t_context;
  if (c == nullptr) return "";
  return ChildOf(c->trace()).Header();
}

}  // namespace classplan::log
