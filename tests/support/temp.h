#ifndef CLASSPLAN_TESTS_SUPPORT_TEMP_H_
#define CLASSPLAN_TESTS_SUPPORT_TEMP_H_

#include <string>
#include <string_view>

#include "absl/time/time.h"

namespace classplan::testing {

// A loopback TCP port that was free a moment ago (bound to port 0, then released), or -1 if
// no socket could be bound. Another process may take it before the caller does.
int FreeTcpPort();

// Creates a fresh, empty directory "$TMPDIR/<prefix>XXXXXX" (TMPDIR defaults to /tmp) and
// returns its path, or "" on failure. The caller removes it.
std::string MakeTempDir(std::string_view prefix);

// The whole file as a string ("" if missing or unreadable).
std::string ReadWholeFile(const std::string& path);

// Waits until `needle` appears in the file; false after `timeout`.
bool WaitForFileText(const std::string& path, const std::string& needle,
                     absl::Duration timeout = absl::Seconds(15));

}  // namespace classplan::testing

#endif  // CLASSPLAN_TESTS_SUPPORT_TEMP_H_
