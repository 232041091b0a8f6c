#ifndef CLASSPLAN_TESTS_SUPPORT_TEMP_H_
#define CLASSPLAN_TESTS_SUPPORT_TEMP_H_

#include <string>
#include <string_view>

#include "absl/time/time.h"

namespace classplan::testing {

// A TCP port the kernel chose and that stays reserved for the rest of this process, or -1 if
// no socket could be bound. The reservation is a socket bound to it on every address with
// SO_REUSEADDR that never listens: the kernel then gives the port to no other bind to port 0
// and no outgoing connection (so a second test run cannot be handed it), while a server this
// test starts on it can still listen there, because gRPC, redis-server and the gateway's
// metrics endpoint set SO_REUSEADDR too. Until a server listens on it, connecting to the
// port is refused: a reserved port is also a dead address nobody else can bring to life.
int FreeTcpPort();

// Creates a fresh, empty directory "$TMPDIR/<prefix>XXXXXX" (TMPDIR defaults to /tmp) and
// returns its path, or "" on failure. The caller removes it.
std::string MakeTempDir(std::string_view prefix);

// The whole file as a string ("" if missing or unreadable).
std::string ReadWholeFile(const std::string& path);

// A role's API key from the launcher's demo keys file ("CLASSPLAN_DEMO_KEY_HR_ADMIN=cpk_..."),
// "" when it is not there.
std::string DemoKey(const std::string& env_file, const std::string& role);

// Waits until `needle` appears in the file; false after `timeout`.
bool WaitForFileText(const std::string& path, const std::string& needle,
                     absl::Duration timeout = absl::Seconds(15));

}  // namespace classplan::testing

#endif  // CLASSPLAN_TESTS_SUPPORT_TEMP_H_
