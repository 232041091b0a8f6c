#ifndef CLASSPLAN_TESTS_SUPPORT_TEMP_H_
#define CLASSPLAN_TESTS_SUPPORT_TEMP_H_

#include <string>
#include <string_view>

namespace classplan::testing {

// A loopback TCP port that was free a moment ago (bound to port 0, then released), or -1 if
// no socket could be bound. Another process may take it before the caller does.
int FreeTcpPort();

// Creates a fresh, empty directory "$TMPDIR/<prefix>XXXXXX" (TMPDIR defaults to /tmp) and
// returns its path, or "" on failure. The caller removes it.
std::string MakeTempDir(std::string_view prefix);

}  // namespace classplan::testing

#endif  // CLASSPLAN_TESTS_SUPPORT_TEMP_H_
