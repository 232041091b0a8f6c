#ifndef CLASSPLAN_TESTS_SUPPORT_PROCESS_H_
#define CLASSPLAN_TESTS_SUPPORT_PROCESS_H_

// Runs a binary as a child process for end-to-end tests.

#include <string>
#include <vector>

namespace classplan::testing {

class ChildProcess {
 public:
  // Starts `argv[0]` with the arguments; stderr goes to `log_file` when given.
  ChildProcess(std::vector<std::string> argv, const std::string& log_file = "");
  ~ChildProcess();  // SIGKILL if still running
  ChildProcess(const ChildProcess&) = delete;
  ChildProcess& operator=(const ChildProcess&) = delete;

  int pid() const { return pid_; }
  // Sends SIGTERM and waits up to `seconds`; returns the exit status (or -1 on timeout).
  int Terminate(int seconds = 20);
  void Kill();

 private:
  int pid_ = -1;
};

// Runs a command to completion, returning its exit code and capturing stdout.
int RunCommand(const std::vector<std::string>& argv, std::string* out);

// Path of a built binary, from CLASSPLAN_BUILD_DIR (set by ctest).
std::string BuildPath(const std::string& relative);
// Path in the source tree, from CLASSPLAN_SOURCE_DIR (set by ctest).
std::string SourcePath(const std::string& relative);

}  // namespace classplan::testing

#endif  // CLASSPLAN_TESTS_SUPPORT_PROCESS_H_
