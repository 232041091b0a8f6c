#ifndef CLASSPLAN_COMMON_LOG_LOG_H_
#define CLASSPLAN_COMMON_LOG_LOG_H_

// Structured one-line JSON logs on stderr.
//
// Personal data rule: callers pass only operational facts (service, rpc, code, class codes,
// counts, durations). Never pass an applicant's, employee's or appraisal's content; there is
// no free-form "payload" field on purpose.

#include <cstdint>
#include <initializer_list>
#include <map>
#include <string>
#include <string_view>
#include <utility>
#include <variant>

#include "absl/strings/string_view.h"

namespace classplan::log {

enum class Level { kDebug, kInfo, kWarn, kError };

// A field value: text (any string type), integer, floating point or boolean.
class Value {
 public:
  using Variant = std::variant<absl::string_view, int64_t, double, bool>;
  Value(const char* s) : v_(absl::string_view(s)) {}         // NOLINT: implicit on purpose
  Value(const std::string& s) : v_(absl::string_view(s)) {}  // NOLINT
  Value(std::string_view s) : v_(absl::string_view(s.data(), s.size())) {}  // NOLINT
  Value(absl::string_view s) : v_(s) {}                                     // NOLINT
  Value(int v) : v_(int64_t{v}) {}                                          // NOLINT
  Value(int64_t v) : v_(v) {}                                               // NOLINT
  Value(double v) : v_(v) {}                                                // NOLINT
  Value(bool v) : v_(v) {}                                                  // NOLINT
  const Variant& variant() const { return v_; }

 private:
  Variant v_;
};
using Field = std::pair<absl::string_view, Value>;

// Sets the "service" field added to every line, and the minimum level printed.
void Init(absl::string_view service, Level min_level = Level::kInfo);

// Writes one JSON object line: {"ts":...,"level":...,"service":...,"msg":...,<fields>}.
void Write(Level level, absl::string_view msg, std::initializer_list<Field> fields = {});

inline void Info(absl::string_view msg, std::initializer_list<Field> f = {}) {
  Write(Level::kInfo, msg, f);
}
inline void Warn(absl::string_view msg, std::initializer_list<Field> f = {}) {
  Write(Level::kWarn, msg, f);
}
inline void Error(absl::string_view msg, std::initializer_list<Field> f = {}) {
  Write(Level::kError, msg, f);
}

// Writes one line whose extra fields are the given counters, e.g. a metrics snapshot.
void WriteCounters(Level level, absl::string_view msg,
                   const std::map<std::string, int64_t>& counters);

std::string FormatCounters(Level level, absl::string_view msg,
                           const std::map<std::string, int64_t>& counters);

// Renders a line without writing it (used by tests).
std::string Format(Level level, absl::string_view msg, std::initializer_list<Field> fields);

// Escapes a string for inclusion in a JSON string literal.
std::string JsonEscape(absl::string_view s);

}  // namespace classplan::log

#endif  // CLASSPLAN_COMMON_LOG_LOG_H_
