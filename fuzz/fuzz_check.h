#ifndef CLASSPLAN_FUZZ_FUZZ_CHECK_H_
#define CLASSPLAN_FUZZ_FUZZ_CHECK_H_

// What the fuzz targets share: turning their input into text, and checking a property (a
// failed check aborts, which libFuzzer reports as a crash and saves the input).

#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>

#include "absl/strings/string_view.h"

namespace classplan::fuzz {

inline absl::string_view View(const uint8_t* data, size_t size) {
  return {reinterpret_cast<const char*>(data), size};
}

[[noreturn]] inline void Fail(const char* what, const char* file, int line) {
  std::fprintf(stderr, "%s:%d: fuzz property failed: %s\n", file, line, what);
  std::abort();
}

}  // namespace classplan::fuzz

#define FUZZ_CHECK(cond) \
  ((cond) ? static_cast<void>(0) : ::classplan::fuzz::Fail(#cond, __FILE__, __LINE__))

#endif  // CLASSPLAN_FUZZ_FUZZ_CHECK_H_
