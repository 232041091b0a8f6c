#ifndef CLASSPLAN_COMMON_LOG_LOG_H_
#define CLASSPLAN_COMMON_LOG_LOG_H_

// Structured one-line JSON logs on stderr.
//
// Personal data rule: callers pass only operational facts (service, rpc, code, class codes,
// counts, durations). Never pass an applicant's, employee's or appraisal's content; there is
// no free-form "payload" field on purpose.

#include <cstdint>
#include <initializer_list>
#include <string>
#include <string_view>
#include <utility>
#include <variant>

namespace classplan::log {

enum class Level { kDebug, kInfo, kWarn, kError };

using Value = std::variant<std::string_view, int64_t, double, bool>;
using Field = std::pair<std::string_view, Value>;

// Sets the "service" field added to every line, and the minimum level printed.
void Init(std::string_view service, Level min_level = Level::kInfo);

// Writes one JSON object line: {"ts":...,"level":...,"service":...,"msg":...,<fields>}.
void Write(Level level, std::string_view msg, std::initializer_list<Field> fields = {});

inline void Info(std::string_view msg, std::initializer_list<Field> f = {}) {
  Write(Level::kInfo, msg, f);
}
inline void Warn(std::string_view msg, std::initializer_list<Field> f = {}) {
  Write(Level::kWarn, msg, f);
}
inline void Error(std::string_view msg, std::initializer_list<Field> f = {}) {
  Write(Level::kError, msg, f);
}

// Renders a line without writing it (used by tests).
std::string Format(Level level, std::string_view msg, std::initializer_list<Field> fields);

// Escapes a string for inclusion in a JSON string literal.
std::string JsonEscape(std::string_view s);

}  // namespace classplan::log

#endif  // CLASSPLAN_COMMON_LOG_LOG_H_
